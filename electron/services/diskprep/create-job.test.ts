import { describe, expect, it } from 'vitest';
import type { AppError } from '../../../shared/errors.ts';
import { CONTAINER_NAME_RULE } from '../../../shared/validators/azure-names.ts';
import type { JobTarget } from '../../../shared/job-target.ts';
import { fromDefaults } from '../../../shared/shipping-draft.ts';
import { createJobFromDisks, type JobAzurePort } from './create-job.ts';
import { upsertDrive } from './drives-file.ts';
import { TEST_SHIPPING, tempDir, testProtector } from './test-staging.ts';

/** Job creation is an entry point of the container name too (drives.json names it): refused before any Azure call. */
describe('job creation from drives.json', () => {
  it('refuses a container that breaks the rule (Bad_Container, a--b, x) before asking Azure anything', async () => {
    const calls: string[] = [];
    const azure = new Proxy({}, { get: (_t, k) => async () => void calls.push(String(k)) }) as unknown as JobAzurePort;
    const target = {
      subscriptionId: 's',
      subscriptionName: 's',
      resourceGroup: 'rg',
      storageAccount: 'seedacct01',
      storageAccountId: '/x',
      locationName: 'westus',
      location: null,
      backend: 'DataBox',
      providerNamespace: 'Microsoft.DataBox',
      providerRegistered: true,
      providerState: 'Registered',
    } satisfies JobTarget;
    for (const bad of ['Bad_Container', 'a--b', 'x']) {
      const stateDir = await tempDir();
      await upsertDrive(stateDir, { jobName: 'name-job', container: bad }, testProtector(), {
        driveId: 'DRV1',
        bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076',
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '109B21108597EF36D5785F08303F3638',
        bytes: 512,
        files: 1,
        rehearsal: true,
        verified: true,
        preparedAt: '2026-12-04T00:00:00.000Z',
      });
      const err = (await createJobFromDisks(azure, {
        stateDir,
        protector: testProtector(),
        target,
        cloud: { name: 'LocalSandbox', displayName: 'Local sandbox', rehearsal: true },
        shipping: fromDefaults(TEST_SHIPPING),
      }).catch((e: unknown) => e)) as AppError;
      expect(err.code, bad).toBe('VALIDATION');
      expect(err.message).toContain(`Container name "${bad}"`);
      expect(err.message).toContain(CONTAINER_NAME_RULE);
    }
    expect(calls).toEqual([]);
  });
});
