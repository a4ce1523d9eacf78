/**
 * The online engine against a real Azurite (TLS, account key, the real SDK): a seed imported as page blobs, then
 * incremental restore points with adds, modifications, deletes, renames and a growing file; every point restores to
 * the tree as it was at its run, compared by the independent walker of tests/roundtrip.
 */
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBackup } from '../../electron/services/backup/engine.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { FAST_KDF, PASS, prng, tempDir } from '../../electron/services/backup/test-utils.ts';
import { compareWalks, walkTree, type Walk } from '../roundtrip/walk.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';
import { OnlineRepo, pointInfo } from '../../electron/services/online/repo.ts';
import { openRestorePoint } from '../../electron/services/online/point-source.ts';
import { importStagedJob, startTestStorage, type TestStorage } from './test-container.ts';

const JOB = 'online-int';
let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-online-int-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

describe('online restore points (Azurite)', () => {
  it('seed, then incremental points with changes; each point restores to its own snapshot', async () => {
    const src = join(dir, 'src');
    const rnd = prng(16);
    await mkdir(join(src, 'sub'), { recursive: true });
    for (let i = 0; i < 6; i++) await writeFile(join(src, 'sub', `f${i}.bin`), rnd(300_000 + i * 1000));
    await writeFile(join(src, 'grow.log'), 'start\n');
    await writeFile(join(src, 'keep.txt'), 'unchanged\n'.repeat(1000));
    const staging = join(dir, 'staging');
    await runBackup({ items: [src], staging, job: { name: JOB }, passphrase: PASS, kdf: FAST_KDF, packSize: 1 << 20, snapshots: false });
    const cc = await storage.container('backups');
    await importStagedJob(cc, join(staging, JOB), JOB);
    const snaps: Array<{ id: string; walk: Walk }> = [{ id: 'seed', walk: await walkTree(src) }];

    const workDir = join(dir, 'work');
    const run = async (i: number) => {
      const r = await runOnlineBackup({ container: cc, job: JOB, passphrase: PASS, items: [src], time: new Date(Date.UTC(2026, 11, 5 + i, 21)).toISOString(), workDir, packSize: 1 << 20, snapshots: false });
      snaps.push({ id: r.point.id, walk: await walkTree(src) });
      return r;
    };

    // 1: add and modify
    await writeFile(join(src, 'sub', 'new.bin'), rnd(500_000));
    await writeFile(join(src, 'sub', 'f1.bin'), rnd(301_000));
    await appendFile(join(src, 'grow.log'), 'more\n'.repeat(1000));
    const r1 = await run(1);
    expect(r1.filesRead).toBe(3);
    expect(r1.unchangedFiles).toBe(6);
    // 2: delete and rename
    await rm(join(src, 'sub', 'f2.bin'));
    await rename(join(src, 'sub', 'f3.bin'), join(src, 'sub', 'f3-renamed.bin'));
    await appendFile(join(src, 'grow.log'), rnd(200_000));
    const r2 = await run(2);
    expect(r2.newBytes).toBeLessThan(260_000);
    // 3: nothing changed
    const r3 = await run(3);
    expect(r3.filesRead).toBe(0);
    expect(r3.uploadedBytes).toBeLessThan(64 * 1024);

    const repo = await OnlineRepo.open(cc, JOB, PASS, {});
    const { points } = await repo.points();
    expect(points.map((p) => pointInfo(p).id)).toEqual(snaps.map((s) => s.id));
    for (const s of snaps) {
      const reader = await openRestorePoint(repo, s.id);
      const to = join(dir, `restored-${s.id}`);
      await restoreJob(reader, { to });
      const diffs = compareWalks(s.walk, await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 });
      expect(diffs, s.id).toEqual([]);
    }
  }, 180_000);
});
