/**
 * Repacking after retention against Azurite (real SDK): a pack the kept restore points use less than half of is
 * rewritten — its used chunks into a new pack, every kept point naming it rewritten, the old pack deleted — and every
 * kept point still restores to its own snapshot (tests/roundtrip's walker). A run SIGKILLed at each step of the repack
 * leaves every kept point whole, and the next run finishes: the old pack is gone, nothing unnamed is left behind.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { openRestorePoint, pointSourceOf } from '../../electron/services/online/point-source.ts';
import { REPACK_BELOW, REPACK_MIN_UNUSED, repackCandidates } from '../../electron/services/online/repack.ts';
import { OnlineRepo } from '../../electron/services/online/repo.ts';
import { compareWalks, walkTree, type Walk } from '../roundtrip/test-walk.ts';
import { day, runChild, seededJob, startTestStorage, type TestStorage } from './test-container.ts';

let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-online-repack-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

async function blobNames(cc: ContainerClient, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const b of cc.listBlobsFlat({ prefix })) out.push(b.name.slice(prefix.length));
  return out.sort();
}

/**
 * A seeded job, then day 5 adds big.bin and keep.bin (one pack), day 6 follows big.bin's deletion: once day 5's point
 * expires, the pack is used by keep.bin only (well under half of it).
 */
async function mostlyUnused(job: string) {
  const src = join(dir, `${job}-src`);
  const rnd = prng(job.length * 104_729);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'a.bin'), rnd(300_000));
  const { cc, snaps, run, childArgs } = await seededJob(storage, dir, job, src);
  await writeFile(join(src, 'big.bin'), rnd(600_000));
  await writeFile(join(src, 'keep.bin'), rnd(100_000));
  const p5 = await run(5);
  expect(p5.packs).toBe(1);
  await rm(join(src, 'big.bin'));
  const p6 = await run(6);
  expect(p6.packs).toBe(0);
  const repo = await OnlineRepo.open(cc, job, PASS, {});
  const shared = (await repo.pointHeader(p6.point.id)).packs.filter((k) => k.path.startsWith('online/'));
  expect(shared).toHaveLength(1);
  return { src, cc, snaps, run, repo, p5, p6, oldPack: shared[0].path, childArgs };
}

async function expectRestores(repo: OnlineRepo, src: string, snaps: Map<string, Walk>, to: string): Promise<string[]> {
  const ids = (await repo.points()).points.map((p) => p.id);
  for (const id of ids) {
    const report = await verifyJob(await pointSourceOf(repo, id), PASS);
    expect(report.ok, `${id}: ${JSON.stringify(report.damagedPacks)} ${JSON.stringify(report.damagedFiles)}`).toBe(
      true,
    );
    const out = join(to, id);
    await restoreJob(await openRestorePoint(repo, id), { to: out });
    expect(
      compareWalks(snaps.get(id)!, await walkTree(join(out, catalogPathOf(src))), { dirModeAdded: 0o700 }),
      id,
    ).toEqual([]);
  }
  return ids;
}

describe('repacking mostly-unused packs (Azurite)', () => {
  it('a pack the kept points use less than half of is rewritten; every kept point restores; the next run dedups against the new pack', async () => {
    const j = await mostlyUnused('repack-plain');
    await writeFile(join(j.src, 'small.txt'), 'day seven\n');
    const p7 = await j.run(7, { expire: () => [j.p5.point.id] });
    expect(p7.pruned).toMatchObject({ removedPoints: [j.p5.point.id], removedPacks: 0 });
    expect(p7.repacked).toMatchObject({ removedPacks: 1, newPacks: 1, rewrittenPoints: [j.p6.point.id, p7.point.id] });
    expect(p7.repacked!.freedBytes).toBeGreaterThan(500_000);
    const packs = await blobNames(j.cc, 'repack-plain/online/packs/');
    expect(packs).not.toContain(j.oldPack.slice('online/packs/'.length));
    expect(await blobNames(j.cc, 'repack-plain/online/')).not.toContain('repack.bin');
    const ids = await expectRestores(j.repo, j.src, j.snaps, join(dir, 'repack-plain-out'));
    expect(ids).toEqual(['seed', j.p6.point.id, p7.point.id]);
    // Nothing is left to repack, and keep.bin's chunk is found in its new pack (not sent again).
    const heads = (await j.repo.points()).points;
    expect(repackCandidates(heads)).toEqual([]);
    const p8 = await j.run(8, { expire: () => [] });
    expect(p8.repacked).toBeNull();
    expect(p8.uploadedBytes).toBeLessThan(20_000);
    await expectRestores(j.repo, j.src, j.snaps, join(dir, 'repack-plain-out8'));
  }, 120_000);

  it('the threshold is a named share of the pack, judged on the headers, never on the seed’s packs', () => {
    expect(REPACK_BELOW).toBe(0.5);
    const pk = (path: string, length: number, refBytes: number) => ({
      n: Number(/(\d+)\.bin$/.exec(path)![1]),
      path,
      length,
      sha256: '0'.repeat(64),
      refBytes,
    });
    const h = (id: string, packs: ReturnType<typeof pk>[]) =>
      ({ id, packs }) as unknown as Parameters<typeof repackCandidates>[0][number];
    const online = 'online/packs/pack-000007.bin';
    // Two points use 200 + 200 KiB of 1000 KiB: under half. 300 + 300 KiB: not.
    const K = 1024;
    expect(
      repackCandidates([h('p1', [pk(online, 1000 * K, 200 * K)]), h('p2', [pk(online, 1000 * K, 200 * K)])]).map(
        (p) => p.path,
      ),
    ).toEqual([online]);
    expect(
      repackCandidates([h('p1', [pk(online, 1000 * K, 300 * K)]), h('p2', [pk(online, 1000 * K, 300 * K)])]),
    ).toEqual([]);
    // A small pack is mostly its fixed overhead: rewriting it would free under REPACK_MIN_UNUSED, so it stays.
    expect(repackCandidates([h('p1', [pk(online, 1024, 40)])])).toEqual([]);
    expect(repackCandidates([h('p1', [pk(online, 1000 + REPACK_MIN_UNUSED, 1000)])]).map((p) => p.path)).toEqual([
      online,
    ]);
    // The seed's packs (and any pack the seed names) stay.
    expect(
      repackCandidates([
        h('seed', [pk('packs/pack-000001.bin', 1000, 1000)]),
        h('p1', [pk('packs/pack-000001.bin', 1000, 10)]),
      ]),
    ).toEqual([]);
  });

  for (const [i, [step, killAt]] of (
    [
      ['after the plan is written', '^repack:plan$'],
      ['after the new pack is written', '^repack:pack:'],
      ['after the first point is rewritten', '^repack:point:'],
      ['after the old pack is removed', '^repack:old:'],
    ] as const
  ).entries()) {
    it(`a run killed ${step} leaves every kept point whole; the next run finishes`, async () => {
      const job = `repack-kill-${i}`;
      const j = await mostlyUnused(job);
      const killed = await runChild({ ...j.childArgs, time: day(7), expireIds: [j.p5.point.id], killAt });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const left = (await j.repo.points()).points.map((p) => p.id);
      const p7 = left.find((id) => id.startsWith('20261207'))!;
      j.snaps.set(p7, await walkTree(j.src));
      expect(await blobNames(j.cc, `${job}/online/`)).toContain('repack.bin');
      expect(await expectRestores(j.repo, j.src, j.snaps, join(dir, `${job}-after-kill`))).toEqual([
        'seed',
        j.p6.point.id,
        p7,
      ]);

      const next = await j.run(8, { expire: () => [] });
      expect(await blobNames(j.cc, `${job}/online/`)).not.toContain('repack.bin');
      expect(await blobNames(j.cc, `${job}/online/packs/`)).not.toContain(j.oldPack.slice('online/packs/'.length));
      // Every online pack left is named by a kept point (nothing half-written stays behind).
      const heads = (await j.repo.points()).points;
      const named = new Set(heads.flatMap((h) => h.packs.map((k) => k.path)));
      for (const name of await blobNames(j.cc, `${job}/online/packs/`))
        expect(named.has(`online/packs/${name}`), name).toBe(true);
      expect(repackCandidates(heads)).toEqual([]);
      expect(await expectRestores(j.repo, j.src, j.snaps, join(dir, `${job}-after-rerun`))).toEqual([
        'seed',
        j.p6.point.id,
        p7,
        next.point.id,
      ]);
    }, 120_000);
  }
});
