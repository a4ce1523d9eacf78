/**
 * Recover Data's container source without a restore point reads the newest one: the seed while it is the only point,
 * a later online point once there is one, and still a point after retention removed the seed's catalog. With nothing
 * readable left, the error lists what the container holds. Azurite and the real SDK; only the sign-in state is a stub.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../electron/services/backup/engine.ts';
import { BackupService } from '../../electron/services/backup/service.ts';
import { recoverDeps } from '../../electron/services/backup/recover-deps.ts';
import { CATALOG_PATH } from '../../electron/services/backup/catalog.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { FAST_KDF, PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { ContainerPackSource } from '../../electron/services/import-verify/container-pack-source.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';
import { pointPath } from '../../electron/services/online/layout.ts';
import { TaskManager } from '../../electron/services/tasks/task-manager.ts';
import { compareWalks, walkTree } from '../roundtrip/test-walk.ts';
import { importStagedJob, startTestStorage, type TestStorage } from './test-container.ts';

const JOB = 'newest-pt';
let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-newest-point-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

describe('no --restore-point: the newest restore point', () => {
  it(
    'reads the seed, then the newest online point, also after the seed catalog is gone; lists what is there when nothing is readable',
    { timeout: 120_000 },
    async () => {
      const src = join(dir, 'src');
      const rnd = prng(77);
      await mkdir(src, { recursive: true });
      for (let i = 0; i < 3; i++) await writeFile(join(src, `f${i}.bin`), rnd(200_000 + i));
      const stagingLocation = join(dir, 'staging');
      await runBackup({
        items: [src],
        stagingLocation,
        job: { name: JOB },
        passphrase: PASS,
        kdf: FAST_KDF,
        packSize: 1 << 20,
        snapshots: false,
      });
      const cc = await storage.container('seed');
      await importStagedJob(cc, join(stagingLocation, JOB), JOB);

      const tasks = new TaskManager();
      const svc = new BackupService(
        tasks,
        {},
        recoverDeps({
          azure: { status: async () => ({ signedIn: true }) as never, storageAccounts: async () => [] },
          importVerify: { containerPackSource: async () => new ContainerPackSource(cc, `${JOB}/`) },
        }),
      );
      const source = {
        kind: 'container' as const,
        job: JOB,
        subscriptionId: '00000000-0000-0000-0000-000000000000',
        resourceGroup: 'rg',
        storageAccount: storage.account,
        container: 'seed',
      };
      const verify = async () => await tasks.waitFor(svc.verify({ source, passphrase: PASS }).taskId);
      const restore = async (to: string) => await tasks.waitFor(svc.recover({ source, passphrase: PASS, to }).taskId);

      expect((await svc.points({ source, passphrase: PASS })).points.map((p) => p.id)).toEqual(['seed']);
      const v0 = await verify();
      expect(v0.status, JSON.stringify(v0.error)).toBe('succeeded');
      expect(v0.result).toMatchObject({ ok: true, restorePoint: 'seed', filesChecked: 3 });

      await writeFile(join(src, 'added.txt'), 'after the seed\n');
      const run = await runOnlineBackup({
        container: cc,
        job: JOB,
        passphrase: PASS,
        items: [src],
        time: '2026-12-06T21:00:00.000Z',
        workDir: join(dir, 'work'),
        packSize: 1 << 20,
        snapshots: false,
      });
      const walk = await walkTree(src);
      // What retention does to the seed once it has expired: its catalog goes, its packs stay (the point uses them).
      await cc.getBlobClient(`${JOB}/${CATALOG_PATH}`).delete();

      // What Recover Data lists: the online point only, the seed's catalog being gone.
      expect(await svc.points({ source, passphrase: PASS })).toEqual({
        points: [expect.objectContaining({ id: run.point.id, kind: 'online', files: 4 })],
        damaged: [],
      });
      await expect(svc.points({ stagingLocation, job: JOB, passphrase: PASS })).rejects.toThrow(/choose the container/);
      const v1 = await verify();
      expect(v1.status, JSON.stringify(v1.error)).toBe('succeeded');
      expect(v1.result).toMatchObject({ ok: true, restorePoint: run.point.id, filesChecked: 4 });
      const to = join(dir, 'restored');
      const r1 = await restore(to);
      expect(r1.status, JSON.stringify(r1.error)).toBe('succeeded');
      expect(r1.result).toMatchObject({ files: 4, restorePoint: run.point.id });
      expect(compareWalks(walk, await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 })).toEqual([]);

      // Nothing readable: the point blob damaged too. The error names the container's damaged point.
      await cc.getBlockBlobClient(`${JOB}/${pointPath(run.point.id)}`).upload('not a point', 11);
      expect(await svc.points({ source, passphrase: PASS })).toEqual({
        points: [],
        damaged: [expect.objectContaining({ id: run.point.id })],
      });
      const v2 = await verify();
      expect(v2.status).toBe('failed');
      expect(v2.error?.code).toBe('NOT_FOUND');
      expect(v2.error?.message).toContain('no readable restore point');
      expect(v2.error?.message).toContain(run.point.id);
    },
  );
});
