/**
 * Back Up Now after the seed (issue 16), through the console's service (PolicyService.backUpNow → the scheduler's
 * OnlineRun, the same as `obc agent`), against Azurite with the real SDK: refused before the import is Completed; a
 * restore point with Back Up Now's Retain Backup Till and a Jobs record; and the three failures the wizard must
 * explain — no credential for unattended access, the container's lock held by another run, an expired container SAS —
 * each a task error that says what to do, with nothing sent.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  type ContainerClient,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { AzureService } from '../../electron/services/azure/azure-service.ts';
import { connectScheduler } from '../../electron/services/policies/connect.ts';
import { PolicyService } from '../../electron/services/policies/index.ts';
import { samplePolicy, testProtector } from '../../electron/services/policies/test-policies.ts';
import { acquireContainerLock } from '../../electron/services/online/lock.ts';
import { OnlineRepo } from '../../electron/services/online/repo.ts';
import type { ContainerOpener } from '../../electron/services/online/types.ts';
import { TaskManager } from '../../electron/services/tasks/task-manager.ts';
import { stageAndImport, startTestStorage, type TestStorage } from './test-container.ts';

let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-bun-online-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

/** A staged seed imported into its own container, and a console's PolicyService whose policy points at it. */
async function setUp(job: string, opener: (cc: ContainerClient) => Partial<Parameters<typeof connectScheduler>[1]>) {
  const src = join(dir, `${job}-src`);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'base.bin'), prng(3)(200_000));
  const { stagingLocation, cc } = await stageAndImport(storage, dir, job, src);
  const dataDir = join(dir, `${job}-data`);
  await mkdir(dataDir);
  const tasks = new TaskManager();
  const svc = new PolicyService({ dataDir, protector: testProtector, tasks, hostLabel: 'test console', lease: false });
  await svc.load();
  let probed: string | Error = 'Shipping';
  const getJob = async () => {
    if (probed instanceof Error) throw probed;
    return { state: probed, backend: 'ImportExport' };
  };
  connectScheduler(svc, { azure: async () => ({ getJob }) as never, dataDir, ...opener(cc) });
  const base = samplePolicy({ items: [{ path: src, kind: 'folder' }] }, stagingLocation);
  await svc.save(
    {
      ...base,
      initialBackup: {
        type: 'ownDisks',
        ownDisk: {
          ...base.initialBackup.ownDisk!,
          storageAccount: storage.account,
          container: job,
          importJobName: job,
        },
      },
    },
    PASS,
  );
  /** What the scheduler's next check of the import job finds, then that check (a due run) itself. */
  const importJob = async (state: string) => {
    probed = state;
    return svc.scheduler.runOnce(Date.now());
  };
  const jobFinds = (state: string | Error) => (probed = state);
  return { src, cc, svc, tasks, importJob, jobFinds };
}

const byKey =
  (cc: ContainerClient): ContainerOpener =>
  async ({ seed }) => ({ container: cc, job: seed!.jobName });

describe('Back Up Now online (PolicyService.backUpNow)', () => {
  it('is refused until the import is Completed; then makes a restore point with its Retain Backup Till and a Jobs record', async () => {
    const job = 'bun-online';
    const { src, cc, svc, tasks, importJob, jobFinds } = await setUp(job, (c) => ({ openContainer: byKey(c) }));
    await expect(svc.backUpNow()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /not known to be Completed yet \(last seen: not checked\).*initial backup to the staging location/,
      ),
    });
    expect((await importJob('Shipping'))?.outcome).toBe('waitingForImport');
    await expect(svc.backUpNow()).rejects.toThrow(/last seen: Shipping/);
    // "Check the import job now": a check that fails records nothing; a Completed job is recorded without a due run.
    jobFinds(new Error('socket hang up'));
    await expect(svc.checkSeed()).rejects.toThrow(/could not be checked: Unknown \(socket hang up\)/);
    expect(svc.store.policy!.seed).toMatchObject({ completed: false, importJobState: 'Shipping' });
    jobFinds('Completed');
    expect((await svc.checkSeed()).policy!.seed).toMatchObject({ completed: true, importJobState: 'Completed' });
    expect(svc.store.policy!.lastRuns).toHaveLength(1); // the Shipping run only

    await writeFile(join(src, 'after-import.bin'), prng(4)(300_000));
    const { taskId, runId } = await svc.backUpNow({ retainUntil: '2099-12-31' });
    // One run at a time in this program: a second Back Up Now while the first runs is refused, nothing started.
    await expect(svc.backUpNow()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/already running/),
    });
    const done = await tasks.waitFor(taskId);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.title).toBe('Back Up Now (online restore point)');
    expect(Object.keys(done.counters)).toEqual(expect.arrayContaining(['bytesScanned', 'newBytes', 'uploadedBytes']));
    await svc.scheduler.idle();
    const rec = svc.store.policy!.lastRuns.find((r) => r.id === runId)!;
    expect(rec).toMatchObject({
      outcome: 'succeeded',
      taskId,
      ranBy: expect.stringMatching(/^test console on /),
      details: { startedFrom: 'Back Up Now', importJobState: 'Completed' },
    });
    const point = String(rec.details!.restorePoint);
    const repo = await OnlineRepo.open(cc, job, PASS);
    const header = await repo.pointHeader(point);
    expect(header.retainUntil).toBe('2099-12-31');
    expect((await repo.points()).points.map((p) => p.id)).toContain(point);
    expect(Number(rec.details!.newBytes)).toBeGreaterThanOrEqual(300_000);
  }, 120_000);

  it('another run holding the container’s lock: the task fails naming the holder, and nothing is sent', async () => {
    const job = 'bun-locked';
    const { svc, tasks, cc, importJob } = await setUp(job, (c) => ({ openContainer: byKey(c) }));
    expect((await importJob('Completed'))?.outcome).toBe('succeeded');
    const before = (await (await OnlineRepo.open(cc, job, PASS)).points()).points.length;
    const lock = await acquireContainerLock(cc, job, `${storage.account}/${job}/${job}/`, 'obc agent (test)');
    try {
      const { taskId } = await svc.backUpNow();
      const done = await tasks.waitFor(taskId);
      expect(done.status).toBe('failed');
      expect(done.error).toMatchObject({
        code: 'CONFLICT',
        message: expect.stringMatching(/Another backup is writing to .*obc agent \(test\).*this run sent nothing/),
      });
    } finally {
      await lock.release();
    }
    expect((await (await OnlineRepo.open(cc, job, PASS)).points()).points).toHaveLength(before);
  }, 120_000);

  it('no credential for unattended access, and an expired container SAS: the task fails saying what to set', async () => {
    // The console's own Azure layer, with no Entra application certificate recorded on this machine.
    const azureDir = join(dir, 'azure-none');
    await mkdir(azureDir);
    const azure = new AzureService({
      dataDir: azureDir,
      settings: () => ({ cloud: 'AzurePublic' }),
      openUrl: async () => undefined,
      protector: testProtector,
    });
    let sasUrl: string | null = null;
    const job = 'bun-creds';
    const { svc, tasks, importJob } = await setUp(job, () => ({}));
    // The real opener (policyContainerOpener): the stored SAS when there is one, else the Entra application.
    connectScheduler(svc, {
      azure: async () =>
        Object.assign(azure, {
          getJob: async () => ({ state: 'Completed', backend: 'ImportExport' as const }),
        }) as never,
      dataDir: join(dir, 'bun-creds-data'),
    });
    (svc.store as unknown as { containerSas: () => Promise<string | null> }).containerSas = async () => sasUrl;
    expect((await importJob('Completed'))?.outcome).toBe('failed'); // the due run meets the same missing credential
    let { taskId } = await svc.backUpNow();
    let done = await tasks.waitFor(taskId);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: 'SIGNIN_REQUIRED',
      message: expect.stringMatching(/no Entra application certificate.*Change Properties → Container access/),
    });
    await svc.scheduler.idle(); // its Jobs record written

    const sas = generateBlobSASQueryParameters(
      {
        containerName: job,
        permissions: ContainerSASPermissions.parse('racwdl'),
        startsOn: new Date(Date.now() - 7_200_000),
        expiresOn: new Date(Date.now() - 3_600_000),
      },
      new StorageSharedKeyCredential(storage.account, storage.key),
    ).toString();
    sasUrl = `https://${storage.account}.blob.core.windows.net/${job}?${sas}`;
    ({ taskId } = await svc.backUpNow());
    done = await tasks.waitFor(taskId);
    expect(done.status).toBe('failed');
    expect(done.error).toMatchObject({
      code: 'SIGNIN_REQUIRED',
      message: expect.stringMatching(/container SAS expired on .*enter it again/),
      details: { credential: 'sas' },
    });
    azure.close();
  }, 120_000);
});
