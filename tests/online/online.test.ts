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
import { FAST_KDF, PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { compareWalks, walkTree, type Walk } from '../roundtrip/test-walk.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';
import { OnlineRepo, pointInfo } from '../../electron/services/online/repo.ts';
import { PointPackSource, openRestorePoint } from '../../electron/services/online/point-source.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { packPath as packPathOf } from '../../electron/services/backup/pack-format.ts';
import { importStagedJob, runChild, stageAndImport, startTestStorage, type TestStorage } from './test-container.ts';

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
    const cc = await storage.container('backups');
    await importStagedJob(cc, join(stagingLocation, JOB), JOB);
    const snaps: Array<{ id: string; walk: Walk }> = [{ id: 'seed', walk: await walkTree(src) }];

    const workDir = join(dir, 'work');
    const run = async (i: number) => {
      const r = await runOnlineBackup({
        container: cc,
        job: JOB,
        passphrase: PASS,
        items: [src],
        time: new Date(Date.UTC(2026, 11, 5 + i, 21)).toISOString(),
        workDir,
        packSize: 1 << 20,
        snapshots: false,
      });
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
    expect(r1.newBytes).toBeGreaterThanOrEqual(801_000);
    // 2: delete and rename
    await rm(join(src, 'sub', 'f2.bin'));
    await rename(join(src, 'sub', 'f3.bin'), join(src, 'sub', 'f3-renamed.bin'));
    await appendFile(join(src, 'grow.log'), rnd(200_000));
    const r2 = await run(2);
    // Only the appended random bytes are new (a chunk boundary or two may re-send a little of the old tail).
    expect(r2.newBytes).toBeGreaterThanOrEqual(200_000);
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

    // verify --read-data-subset on a point: two slices read every pack once; a damaged pack is found by its slice only.
    const last = points[points.length - 1];
    const whole = await verifyJob(new PointPackSource(repo, last), PASS);
    const halves = [
      await verifyJob(new PointPackSource(repo, last), PASS, undefined, undefined, { subset: { n: 1, m: 2 } }),
      await verifyJob(new PointPackSource(repo, last), PASS, undefined, undefined, { subset: { n: 2, m: 2 } }),
    ];
    expect(whole.ok && halves.every((h) => h.ok)).toBe(true);
    expect(halves.map((h) => h.packsChecked + h.packsNotRead!)).toEqual([whole.packsChecked, whole.packsChecked]);
    expect(halves[0].packsChecked + halves[1].packsChecked).toBe(whole.packsChecked);
    const victim = last.packs[1];
    const blob = cc.getBlockBlobClient(`${JOB}/${victim.path}`);
    const bytes = await blob.downloadToBuffer();
    bytes[100] ^= 0xff;
    if (victim.path.startsWith('online/')) await blob.uploadData(bytes);
    else await cc.getPageBlobClient(`${JOB}/${victim.path}`).uploadPages(bytes.subarray(0, 512), 0, 512);
    const after = [
      await verifyJob(new PointPackSource(repo, last), PASS, undefined, undefined, { subset: { n: 1, m: 2 } }),
      await verifyJob(new PointPackSource(repo, last), PASS, undefined, undefined, { subset: { n: 2, m: 2 } }),
    ];
    // seed.json lists packs in header order, so pack index 1 is in the second slice.
    expect(after.map((h) => h.damagedPacks.map((d) => d.path))).toEqual([[], [packPathOf(victim.n)]]);
  }, 180_000);

  it('a run killed mid-upload leaves no point; the rerun sends no staged block again and its point restores', async () => {
    const job = 'online-kill';
    const src = join(dir, 'kill-src');
    const rnd = prng(1602);
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'base.bin'), rnd(400_000));
    const { cc } = await stageAndImport(storage, dir, job, src); // the seed (1 MiB packs), imported into container `job`
    // Three new packs' worth of incompressible data, sent in 256 KiB blocks.
    for (let i = 0; i < 3; i++) await writeFile(join(src, `new-${i}.bin`), rnd(900_000));
    const workDir = join(dir, 'kill-work');
    const args = {
      baseUrl: storage.baseUrl,
      account: storage.account,
      key: storage.key,
      caCertPem: storage.caCertPem,
      container: job,
      job,
      passphrase: PASS,
      items: [src],
      workDir,
      packSize: 1 << 20,
      blockSize: 256 << 10,
    };
    // The seed has pack 1; killed once the second block of the second online pack (3) was staged: pack 2 is committed.
    const killed = await runChild({
      ...args,
      time: '2026-12-05T21:00:00Z',
      killAt: `^block:${job}/online/packs/pack-000003\\.bin:1$`,
    });
    expect(killed.signal, killed.stderr).toBe('SIGKILL');
    const repo = await OnlineRepo.open(cc, job, PASS, {});
    expect((await repo.points()).points.map((p) => p.id)).toEqual(['seed']);
    // What the killed run left in the container: committed blocks and staged ones.
    let left = 0;
    const state: Record<string, string> = {};
    for await (const b of cc.listBlobsFlat({ prefix: `${job}/online/packs/`, includeUncommitedBlobs: true })) {
      const bl = await cc.getBlockBlobClient(b.name).getBlockList('all');
      state[b.name.slice(b.name.lastIndexOf('/') + 1)] =
        `${bl.committedBlocks?.length ?? 0} committed, ${(bl.uncommittedBlocks?.length ?? 0) > 0 ? 'some' : 'no'} staged`;
      left += [...(bl.committedBlocks ?? []), ...(bl.uncommittedBlocks ?? [])].reduce((s, x) => s + x.size, 0);
    }
    expect(state['pack-000002.bin']).toMatch(/^[1-9]\d* committed, no staged$/);
    expect(state['pack-000003.bin']).toBe('0 committed, some staged');
    expect(left).toBeGreaterThan(1 << 20);

    const rerun = await runChild({ ...args, time: '2026-12-05T21:30:00Z' });
    expect(rerun.code, rerun.stderr).toBe(0);
    const r = rerun.result as { resumed: boolean; uploadedBytes: number; reusedBytes: number; point: { id: string } };
    expect(r.resumed).toBe(true);
    expect(r.reusedBytes).toBe(left);
    const { points } = await repo.points();
    const point = points.find((p) => p.id === r.point.id)!;
    const pointBlob = await cc.getBlobClient(`${job}/online/points/${point.id}.bin`).getProperties();
    const packBytes = point.packs.filter((p) => point.addedPacks.includes(p.n)).reduce((s, p) => s + p.length, 0);
    // Every byte of the point's packs and blob was staged exactly once over both runs.
    expect(r.uploadedBytes + r.reusedBytes).toBe(packBytes + pointBlob.contentLength!);
    expect(point.addedPacks).toEqual([2, 3]);
    const to = join(dir, 'kill-restored');
    await restoreJob(await openRestorePoint(repo, point.id), { to });
    expect(
      compareWalks(await walkTree(src), await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 }),
    ).toEqual([]);
  }, 180_000);
});
