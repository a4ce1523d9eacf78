import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { azureInvoke } from '../contract/azure.ts';
import { backupJobIdentitySchema, recoverSourceSchema } from '../contract/backup.ts';
import { diskprepInvoke } from '../contract/diskprep.ts';
import { verifyTargetSchema } from '../contract/import-verify.ts';
import { validateRecoverStep } from '../backup-wizard.ts';
import { DEFAULT_RETENTION, policyInputSchema } from '../policy-schema.ts';
import { validateStep } from '../policy-steps.ts';
import { seedSchema } from '../staging.ts';
import { CONTAINER_NAME_RULE } from './azure-names.ts';

/**
 * Decision 10, one rule for every entry point of a container name in shared/: the wizard page, each IPC contract,
 * seed.json and the Recover Data page refuse `Bad_Container`, `a--b` and `x` with the rule in the message, and take
 * a good name. (The CLI flags, Disk Prep and job creation are tested where they run: cli.test.ts, create-job.test.ts.)
 */
const BAD = ['Bad_Container', 'a--b', 'x'];
const SUB = '291bba3f-e0a5-47bc-a099-3bdcb2a50a05';

function refused(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value);
  expect(r.success).toBe(false);
  return r.success ? '' : r.error.issues.map((i) => i.message).join(' ');
}

const own = (container: string) => ({
  stagingLocation: '/stage',
  subscriptionId: SUB,
  storageAccount: 'seedacct01',
  storageAccountResourceGroup: 'rg',
  container,
  importJobName: 'seed-job',
  jobResourceGroup: 'rg',
  jobBackend: 'DataBox' as const,
});

const entryPoints: Array<[string, (c: string) => string | null]> = [
  [
    'azure:createContainer',
    (c) =>
      refusedOrNull(azureInvoke['azure:createContainer'].req, {
        subscriptionId: SUB,
        resourceGroup: 'rg',
        accountName: 'seedacct01',
        containerName: c,
      }),
  ],
  ['backup:start job identity', (c) => refusedOrNull(backupJobIdentitySchema, { name: 'seed-job', container: c })],
  [
    'recover source (container)',
    (c) =>
      refusedOrNull(recoverSourceSchema, {
        kind: 'container',
        job: 'seed-job',
        subscriptionId: SUB,
        storageAccount: 'seedacct01',
        container: c,
      }),
  ],
  [
    'importVerify:start',
    (c) => refusedOrNull(verifyTargetSchema, { stagingLocation: '/stage', jobName: 'seed-job', container: c }),
  ],
  [
    'diskprep:start',
    (c) =>
      refusedOrNull(diskprepInvoke['diskprep:start'].req, {
        stagingLocation: '/stage',
        job: 'seed-job',
        container: c,
        disks: [{ id: '/d1' }],
      }),
  ],
  ['seed.json', (c) => refusedOrNull(seedSchema.shape.container, c)],
  [
    'policy:save (own disks)',
    (c) =>
      refusedOrNull(policyInputSchema, {
        items: [{ path: '/data', kind: 'folder' }],
        exclusions: { folders: [], patterns: [] },
        schedule: { frequency: 'daily', times: ['21:00'], days: ['sunday'], everyWeeks: 1, timeZone: 'UTC' },
        retention: DEFAULT_RETENTION,
        initialBackup: { type: 'ownDisks', ownDisk: own(c) },
      }),
  ],
  [
    'Schedule Backup page "Use your own disk"',
    (c) => {
      const errors = validateStep('ownDisk', {
        ownDisk: own(c),
        existingJobNames: [],
        stagingCheck: { path: '/stage', ok: true, exists: true, writable: true, message: '' },
      } as never);
      return errors.container ?? null;
    },
  ],
  [
    'Recover Data source page',
    (c) =>
      validateRecoverStep(
        'source',
        {
          source: 'blob',
          stagingLocation: '',
          subscriptionId: SUB,
          storageAccount: 'seedacct01',
          container: c,
          jobName: '',
          passphrase: '',
          selected: [],
          destination: '',
          conflict: '',
        },
        { supportedSources: ['staging', 'disks', 'blob'] },
      ).container ?? null,
  ],
];

function refusedOrNull(schema: z.ZodType, value: unknown): string | null {
  return schema.safeParse(value).success ? null : refused(schema, value);
}

describe('one container-name rule at every entry point in shared/', () => {
  for (const [where, check] of entryPoints)
    it(where, () => {
      for (const bad of BAD) {
        const msg = check(bad);
        expect(msg, `${where}: ${bad}`).toContain(`Container name "${bad}"`);
        expect(msg, `${where}: ${bad}`).toContain(CONTAINER_NAME_RULE);
      }
      expect(check('seed-data-1'), where).toBeNull();
    });
});
