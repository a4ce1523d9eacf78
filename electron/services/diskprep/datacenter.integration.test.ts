import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { startSandbox, type SandboxHandle } from '../sandbox/index.ts';
import { caTrustingPipeline } from '../sandbox/blob-access.ts';
import { mintToken } from '../sandbox/test-tokens.ts';
import { sbRequest } from '../sandbox/test-http.ts';
import { sandboxCredential } from '../sandbox/test-sas.ts';
import { runDiskPrep } from './engine.ts';
import { FolderDiskProvider } from './folder-disk.ts';
import { createJobFromDrives, passphraseProtector } from './drives-file.ts';
import { stateDirFor } from './session.ts';
import { findJob } from './jobs.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging, tempDir } from './test-staging.ts';

/** End to end: Disk Prep's folder disks go through the sandbox datacenter; the container then holds the staged packs. */
let sb: SandboxHandle;
let token: string;
let accountKey: string;
let work: string;

const arm = (path: string, method = 'GET', body?: unknown) =>
  sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });
const admin = (path: string, body?: unknown) =>
  sbRequest(`${sb.admin.url}${path}`, { method: 'POST', body, token: sb.admin.token });

beforeAll(async () => {
  work = await tempDir('obc-diskprep-dc-');
  sb = await startSandbox({ registrationDelayMs: 0 });
  token = await mintToken(sb, sb.users[0]);
  await arm(
    `/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`,
    'POST',
  );
  accountKey = (
    await arm(
      `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/listKeys?api-version=2025-08-01`,
      'POST',
    )
  ).json.keys[0].value;
});
afterAll(async () => {
  await sb?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Disk Prep → sandbox datacenter', () => {
  it('imports the prepared disks; the blobs equal the staged packs byte for byte', async () => {
    const JOB = 'dp-e2e-job';
    const stagingLocation = join(work, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, [5 * MiB + 512, 3 * MiB, 1024, 2 * MiB], {
      container: 'seed',
    });
    const disks = await makeDisks(work, [8 * MiB, 8 * MiB], 'E2EDISK');
    await runDiskPrep({
      stagingLocation,
      job: JOB,
      disks: disks.map((id) => ({ id })),
      providers: { folder: new FolderDiskProvider() },
      credential: sandboxCredential(sb, accountKey),
      passphrase: TEST_PASSPHRASE,
    });

    const jobPath = `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs/${JOB}?api-version=2021-01-01`;
    const protector = await passphraseProtector(TEST_PASSPHRASE, (await findJob(stagingLocation, JOB)).seed);
    // The job-creation seam, with the ARM call the Azure layer will make.
    await createJobFromDrives(stateDirFor(stagingLocation, JOB), protector, async (req) => {
      expect(req.rehearsal).toBe(true);
      const put = await arm(jobPath, 'PUT', {
        location: 'West US',
        properties: {
          storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
          jobType: 'Import',
          returnAddress: {
            recipientName: 'IT',
            streetAddress1: '1 Main St',
            city: 'Redmond',
            postalCode: '98052',
            countryOrRegion: 'USA',
            phone: '4250000000',
            email: 'it@example.com',
          },
          returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123' },
          diagnosticsPath: 'waimportexport',
          logLevel: 'Verbose',
          driveList: req.driveList,
        },
      });
      expect(put.status, JSON.stringify(put.json)).toBe(201);
      return { created: true };
    });
    const ship = await arm(jobPath, 'PATCH', {
      properties: {
        state: 'Shipping',
        deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'T-DP-E2E', driveCount: 2, shipDate: '2026-11-22' },
      },
    });
    expect(ship.json.properties.state).toBe('Shipping');
    expect((await admin(`/jobs/backup-rg/${JOB}/receive`, { disks: disks.map((path) => ({ path })) })).status).toBe(
      200,
    );
    expect((await admin(`/jobs/backup-rg/${JOB}/transfer`, {})).status).toBe(200);
    const job = (await arm(jobPath)).json;
    expect(job.properties.state).toBe('Completed');
    for (const d of job.properties.driveList)
      expect(d).toMatchObject({ state: 'Completed', copyStatus: 'Completed', percentComplete: 100 });
    for (const f of seed.files) {
      const blob = await new BlobClient(
        `${sb.blobUrl}/obcseedv2/seed/${JOB}/${f.path}`,
        caTrustingPipeline(new StorageSharedKeyCredential('obcseedv2', accountKey), sb.caCertPem),
      ).downloadToBuffer();
      expect(blob.equals(await readFile(join(stagingLocation, JOB, f.path))), f.path).toBe(true);
    }
  });
});
