import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { tempDir } from '../../services/test-temp.ts';
import { CONTAINER_NAME_RULE } from '../../../shared/validators/azure-names.ts';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { PolicyService } from '../../services/policies/index.ts';
import { samplePolicy } from '../../services/policies/test-policies.ts';
import { makeStaging } from '../../services/diskprep/test-staging.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { writeSeed } from '../../services/backup/job-files.ts';
import { jobDefaults } from './job-defaults.ts';

const cli = resolve(import.meta.dirname, '..', 'index.ts');
const run = (dataDir: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((ok) =>
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, OBC_DATA_DIR: dataDir } },
      (err, stdout, stderr) => ok({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

async function withPolicy(dataDir: string, ownDisk: Record<string, unknown>): Promise<void> {
  const svc = new PolicyService({
    dataDir,
    protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
    tasks: new TaskManager(),
  });
  await svc.store.load();
  const p = samplePolicy({}, join(dataDir, 'staging'));
  await svc.save(
    { ...p, initialBackup: { type: 'ownDisks', ownDisk: { ...p.initialBackup.ownDisk!, ...ownDisk } } },
    'a passphrase of 24 chars',
  );
  svc.close();
}

describe('obc jobs: subscription, resource group and job type from the policy or seed.json (decision 1)', () => {
  it("the policy's job: its subscription, resource group, job type, storage account and container", async () => {
    const dataDir = await tempDir('obc-jobdef-');
    await withPolicy(dataDir, { jobBackend: 'DataBox' });
    expect(await jobDefaults(dataDir, 'seed-2026')).toMatchObject({
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg-seed',
      backend: 'DataBox',
      storageAccount: 'seedacct01',
      container: 'seed-data',
      from: ['the backup policy'],
    });
    // Another job name: nothing from the policy (never a guess by name).
    expect(await jobDefaults(dataDir, 'other-job')).toEqual({ from: [] });
  });

  it('a policy saved before the job type existed: the type comes from seed.json, or stays unknown (both services asked)', async () => {
    const dataDir = await tempDir('obc-jobdef-');
    await withPolicy(dataDir, {});
    expect((await jobDefaults(dataDir, 'seed-2026')).backend).toBeUndefined();
    const seed = await makeStaging(join(dataDir, 'staging'), 'seed-2026', [512], {
      container: 'seed-data',
      storageAccount: 'seedacct01',
    });
    await writeSeed(join(dataDir, 'staging', 'seed-2026'), { ...seed, jobBackend: 'ImportExport' });
    const d = await jobDefaults(dataDir, 'seed-2026');
    expect(d.backend).toBe('ImportExport');
    expect(d.from).toEqual(['the backup policy', join(dataDir, 'staging', 'seed-2026', 'seed.json')]);
  });

  it('without a policy or seed.json the flags are asked for, naming where it looked, before any sign-in', async () => {
    const dataDir = await tempDir('obc-jobdef-');
    const r = await run(dataDir, ['jobs', 'show', 'lost-job']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /--subscription is required: neither this machine's backup policy nor a seed\.json \(--staging <dir>\) names job lost-job\./,
    );
    expect((await run(dataDir, ['jobs', 'list'])).stderr).toMatch(
      /--subscription is required: no backup policy on this machine names one/,
    );
    expect(
      (
        await run(dataDir, [
          'jobs',
          'show',
          'x1',
          '--subscription',
          '11111111-2222-3333-4444-555555555555',
          '--resource-group',
          'rg',
          '--job-type',
          'pigeon',
        ])
      ).stderr,
    ).toMatch(/--job-type "pigeon" must be data-box or import-export/);
  });
});

describe('obc backup / verify-import --container: decision 10 before anything is written', () => {
  it('Bad_Container, a--b and x are refused with the rule; the staging folder stays empty', async () => {
    const dataDir = await tempDir('obc-names-');
    const staging = join(dataDir, 'staging');
    await mkdir(join(dataDir, 'src'), { recursive: true });
    await mkdir(staging);
    await writeFile(join(dataDir, 'src', 'a.txt'), 'a');
    await writeFile(join(dataDir, 'pass.txt'), 'a passphrase of 24 chars\n');
    for (const bad of ['Bad_Container', 'a--b', 'x']) {
      const b = await run(dataDir, [
        'backup',
        '--items',
        join(dataDir, 'src'),
        '--staging',
        staging,
        '--job',
        'name-job',
        '--passphrase-file',
        join(dataDir, 'pass.txt'),
        '--container',
        bad,
      ]);
      expect(b.code, bad).toBe(2);
      expect(b.stderr).toContain(`Container name "${bad}"`);
      expect(b.stderr).toContain(CONTAINER_NAME_RULE);
    }
    // The same rule (one home) in the other commands that take --container; one bad name each keeps this test short.
    const v = await run(dataDir, ['verify-import', '--staging', staging, '--job', 'name-job', '--container', 'a--b']);
    expect(v.code).toBe(2);
    expect(v.stderr).toContain(CONTAINER_NAME_RULE);
    const sas = await run(dataDir, [
      'jobs',
      'revoke-sas',
      'name-job',
      '--storage-account',
      'seedacct01',
      '--container',
      'x',
      '--subscription',
      '11111111-2222-3333-4444-555555555555',
    ]);
    expect(sas.code).toBe(2);
    expect(sas.stderr).toContain(CONTAINER_NAME_RULE);
    expect(await readdir(staging)).toEqual([]);
  });
});
