/**
 * The scheduler's OnlineRun as the online engine (Azurite, real SDK): a due run makes a restore point carrying its
 * due instant and reports bytes scanned, new and uploaded; a container SAS that expires in the middle of a run fails
 * it as SIGNIN_REQUIRED with nothing lost, and a run with a new SAS continues without sending the committed pack again.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AnonymousCredential,
  ContainerClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  newPipeline,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Policy } from '../../shared/policy-schema.ts';
import { AppError } from '../../shared/errors.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { FakeClock, samplePolicy, testProtector } from '../../electron/services/policies/test-policies.ts';
import { PolicyService } from '../../electron/services/policies/index.ts';
import { connectScheduler } from '../../electron/services/policies/connect.ts';
import { TaskManager } from '../../electron/services/tasks/task-manager.ts';
import type { OnlineRunProgress, SeedRef } from '../../electron/services/policies/online-run.ts';
import { createCaTrustingHttpClient } from '../../electron/services/sandbox/ca-http-client.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';
import { openRestorePoint } from '../../electron/services/online/point-source.ts';
import { createOnlineRun } from '../../electron/services/online/policy-run.ts';
import { OnlineRepo } from '../../electron/services/online/repo.ts';
import { compareWalks, walkTree } from '../roundtrip/test-walk.ts';
import { stageAndImport, startTestStorage, type TestStorage } from './test-container.ts';

let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-online-run-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

async function seeded(job: string) {
  const src = join(dir, `${job}-src`);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'base.bin'), prng(7)(300_000));
  return { src, ...(await stageAndImport(storage, dir, job, src)) };
}

/** The container through a container SAS (read, add, create, write, delete, list) that expires at `expiresOn`. */
function sasContainer(container: string, expiresOn: Date): ContainerClient {
  const sas = generateBlobSASQueryParameters(
    {
      containerName: container,
      permissions: ContainerSASPermissions.parse('racwdl'),
      startsOn: new Date(Date.now() - 60_000),
      expiresOn,
    },
    new StorageSharedKeyCredential(storage.account, storage.key),
  ).toString();
  const pipeline = newPipeline(new AnonymousCredential(), { retryOptions: { maxTries: 1 } });
  (pipeline as unknown as { _coreHttpClient: unknown })._coreHttpClient = createCaTrustingHttpClient(storage.caCertPem);
  return new ContainerClient(`${storage.baseUrl}/${storage.account}/${container}?${sas}`, pipeline);
}

describe('OnlineRun (the scheduler seam) and credentials', () => {
  it('a due run makes a restore point at its due instant and reports scanned, new and uploaded bytes', async () => {
    const job = 'policy-run';
    const { src, stagingLocation, cc } = await seeded(job);
    await writeFile(join(src, 'new.bin'), prng(8)(600_000));
    const policy = {
      ...samplePolicy({ items: [{ path: src, kind: 'folder' }] }, stagingLocation),
      id: 'p1',
      createdAt: '2026-12-01T00:00:00Z',
      updatedAt: '2026-12-01T00:00:00Z',
      state: 'active',
    } as Policy;
    const seed: SeedRef = {
      jobName: job,
      subscriptionId: 's',
      resourceGroup: 'rg',
      storageAccount: storage.account,
      container: job,
      stagingDir: join(stagingLocation, job),
    };
    const progress: OnlineRunProgress[] = [];
    const warnings: string[] = [];
    const online = createOnlineRun({ dataDir: join(dir, 'data'), openContainer: async () => ({ container: cc, job }) });
    const res = await online.run({
      policy,
      seed,
      dueAt: '2026-12-05T21:00:00.000Z',
      passphrase: async () => PASS,
      signal: new AbortController().signal,
      progress: (p) => progress.push(p),
      warn: (w) => warnings.push(w),
    });
    expect(res.outcome, `${res.message} ${warnings.join('; ')}`).toBe('succeeded');
    expect(res.details).toMatchObject({
      restorePoint: expect.stringMatching(/^20261205T210000Z-/),
      filesScanned: 2,
      bytesScanned: 900_000,
      pointsPruned: 0,
    });
    expect(Number(res.details!.newBytes)).toBeGreaterThanOrEqual(600_000);
    expect(Number(res.details!.uploadedBytes)).toBeGreaterThan(600_000);
    const last = progress.at(-1)!;
    expect(last.counters).toMatchObject({
      bytesScanned: { value: 900_000, unit: 'bytes' },
      uploadedBytes: { value: res.details!.uploadedBytes },
    });
    const repo = await OnlineRepo.open(cc, job, PASS);
    const h = await repo.pointHeader(String(res.details!.restorePoint));
    expect(h.time).toBe('2026-12-05T21:00:00.000Z');
    const to = join(dir, 'policy-run-out');
    await restoreJob(await openRestorePoint(repo, h.id), { to });
    expect(
      compareWalks(await walkTree(src), await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 }),
    ).toEqual([]);
    // No passphrase stored: said so, nothing sent.
    await expect(
      online.run({
        policy,
        seed,
        dueAt: '2026-12-06T21:00:00.000Z',
        passphrase: async () => null,
        signal: new AbortController().signal,
        progress: () => undefined,
        warn: () => undefined,
      }),
    ).rejects.toThrow(/No encryption passphrase/);
  }, 120_000);

  it('a SAS expiring mid-run fails as SIGNIN_REQUIRED with nothing lost; a new SAS continues without resending', async () => {
    const job = 'sas-expiry';
    const { src, cc } = await seeded(job);
    for (let i = 0; i < 2; i++) await writeFile(join(src, `n${i}.bin`), prng(20 + i)(900_000));
    const workDir = join(dir, 'sas-work');
    // Long enough for the first pack to be committed on a loaded machine; the second waits for the expiry.
    const expiresOn = new Date(Math.ceil((Date.now() + 10_000) / 1000) * 1000);
    const short = sasContainer(job, expiresOn);
    let failure: unknown;
    try {
      await runOnlineBackup({
        container: short,
        job,
        passphrase: PASS,
        items: [src],
        time: '2026-12-05T21:00:00Z',
        workDir,
        packSize: 1 << 20,
        snapshots: false,
        // The second online pack is uploaded only after the SAS has expired.
        testHook: async (p) => {
          if (p === 'uploaded:2')
            while (Date.now() < expiresOn.getTime() + 1500) await new Promise((r) => setTimeout(r, 100));
        },
      });
    } catch (err) {
      failure = err;
    }
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: 'SIGNIN_REQUIRED', details: { credential: 'refused' } });
    expect((failure as Error).message).toMatch(/expired or was revoked[\s\S]*Nothing was lost/);
    const repo = await OnlineRepo.open(cc, job, PASS);
    expect((await repo.points()).points.map((p) => p.id)).toEqual(['seed']);
    expect(
      await cc.getBlobClient(`${job}/online/packs/pack-000002.bin`).exists(),
      'the first pack was committed before the SAS expired',
    ).toBe(true);

    const fresh = sasContainer(job, new Date(Date.now() + 3_600_000));
    const r = await runOnlineBackup({
      container: fresh,
      job,
      passphrase: PASS,
      items: [src],
      time: '2026-12-05T21:00:00Z',
      workDir,
      packSize: 1 << 20,
      snapshots: false,
    });
    expect(r.resumed).toBe(true);
    const pack2 = (await repo.pointHeader(r.point.id)).packs.find((p) => p.n === 2)!;
    expect(r.reusedBytes).toBeGreaterThanOrEqual(pack2.length);
    const to = join(dir, 'sas-out');
    await restoreJob(await openRestorePoint(repo, r.point.id), { to });
    expect(
      compareWalks(await walkTree(src), await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 }),
    ).toEqual([]);
  }, 120_000);

  it('connectScheduler with a container opener: a due run after the Completed import is an online restore point', async () => {
    const job = 'sched-run';
    const { src, stagingLocation, cc } = await seeded(job);
    await writeFile(join(src, 'more.bin'), prng(9)(200_000));
    const dataDir = join(dir, 'sched-data');
    await mkdir(dataDir);
    const tasks = new TaskManager();
    const svc = new PolicyService({
      dataDir,
      protector: testProtector,
      tasks,
      clock: new FakeClock(Date.parse('2026-12-05T21:00:00Z')),
      hostLabel: 'test host',
    });
    await svc.load();
    connectScheduler(svc, {
      azure: async () => ({ getJob: async () => ({ state: 'Completed', backend: 'ImportExport' }) }) as never,
      dataDir,
      openContainer: async ({ seed }) => ({ container: cc, job: seed!.jobName }),
    });
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
    const rec = await svc.scheduler.runOnce(Date.parse('2026-12-05T21:00:00Z'));
    expect(rec, JSON.stringify(rec)).toMatchObject({
      outcome: 'succeeded',
      details: { restorePoint: expect.stringMatching(/^20261205T210000Z-/), importJobState: 'Completed' },
    });
    const repo = await OnlineRepo.open(cc, job, PASS);
    expect((await repo.points()).points.map((p) => p.id)).toEqual(['seed', rec!.details!.restorePoint]);
    expect(tasks.get(rec!.taskId!)).toMatchObject({
      status: 'succeeded',
      counters: { uploadedBytes: { unit: 'bytes' } },
    });
  }, 120_000);

  it('connectScheduler judges retention at the scheduler’s clock (obc agent’s test clock), not the host’s', async () => {
    const job = 'sched-prune';
    const { src, stagingLocation, cc } = await seeded(job);
    const dataDir = join(dir, 'prune-data');
    await mkdir(dataDir);
    // Runs due in 2027: at the host's own clock (now) their points would be in the future, which retention keeps.
    const clock = new FakeClock(Date.parse('2027-01-05T21:00:00Z'));
    const svc = new PolicyService({
      dataDir,
      protector: testProtector,
      tasks: new TaskManager(),
      clock,
      hostLabel: 'test host',
    });
    await svc.load();
    connectScheduler(svc, {
      azure: async () => ({ getJob: async () => ({ state: 'Completed', backend: 'ImportExport' }) }) as never,
      dataDir,
      openContainer: async ({ seed }) => ({ container: cc, job: seed!.jobName }),
      now: () => clock.now(),
    });
    const base = samplePolicy({ items: [{ path: src, kind: 'folder' }] }, stagingLocation);
    await svc.save(
      {
        ...base,
        retention: { ...base.retention, daily: { enabled: true, count: 1 } },
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
    const first = await svc.scheduler.runOnce(Date.parse('2027-01-05T21:00:00Z'));
    expect(first?.outcome, JSON.stringify(first)).toBe('succeeded');
    await writeFile(join(src, 'later.bin'), prng(11)(100_000));
    clock.t = Date.parse('2027-01-06T21:00:00Z'); // without firing the scheduler's own timer (a second writer)
    const second = await svc.scheduler.runOnce(Date.parse('2027-01-06T21:00:00Z'));
    expect(second?.outcome, JSON.stringify(second)).toBe('succeeded');
    const left = (await (await OnlineRepo.open(cc, job, PASS)).points()).points.map((p) => p.id);
    expect(left).not.toContain(first!.details!.restorePoint);
    expect(left).toContain(second!.details!.restorePoint);
    expect(Number(second!.details!.pointsPruned)).toBeGreaterThanOrEqual(1);
  }, 120_000);
});
