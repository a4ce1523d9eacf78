import { describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startSandbox } from './index.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';
import { tempDir } from '../test-temp.ts';

/** State (providers, jobs, containers, Graph apps) lives under the data dir and survives a restart. */
describe('sandbox persistence', () => {
  it('keeps registrations, jobs and containers across a restart with the same data dir', async () => {
    const dir = await tempDir('obc-sbpersist-');
    try {
      let sb = await startSandbox({ dataDir: dir, registrationDelayMs: 0 });
      let token = await mintToken(sb, sb.users[0]);
      const sub = `/subscriptions/${sb.subscriptionId}`;
      const call = (path: string, method = 'GET', body?: unknown) =>
        sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });
      await call(`${sub}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`, 'POST');
      expect(
        (
          await call(
            `${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/blobServices/default/containers/kept?api-version=2025-08-01`,
            'PUT',
            {},
          )
        ).status,
      ).toBe(201);
      const job = `${sub}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs/kept-job?api-version=2021-01-01`;
      const put = await call(job, 'PUT', {
        location: 'westus',
        properties: {
          storageAccountId: `${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
          returnAddress: {
            recipientName: 'A',
            streetAddress1: 'B',
            city: 'C',
            postalCode: 'D',
            countryOrRegion: 'USA',
            phone: '1',
            email: 'a@b.c',
          },
          returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1' },
          driveList: [
            {
              driveId: 'KEPT1',
              bitLockerKey: '111111-111111-111111-111111-111111-111111-111111-111111',
              manifestFile: '\\DriveManifest.xml',
              manifestHash: '00112233445566778899AABBCCDDEEFF',
            },
          ],
        },
      });
      expect(put.status).toBe(201);
      await sb.stop();

      sb = await startSandbox({ dataDir: dir, registrationDelayMs: 0 });
      token = await mintToken(sb, sb.users[0]);
      expect((await call(job)).json.properties.state).toBe('Creating');
      const containers = await call(
        `${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/blobServices/default/containers?api-version=2025-08-01`,
      );
      expect(containers.json.value.map((c: { name: string }) => c.name)).toContain('kept');
      await sb.stop();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
