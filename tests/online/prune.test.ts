/**
 * Retention pruning against Azurite (real SDK): the policy's retention decides (shared/retention.ts), expired points
 * and the packs only they use go, every kept point still restores to its own snapshot (tests/roundtrip's walker);
 * a run SIGKILLed at each step of a prune leaves every kept point whole, and the next run finishes the prune.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerClient } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Schedule } from '../../shared/policy.ts';
import { defaultRetention } from '../../shared/retention-rules.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { openRestorePoint } from '../../electron/services/online/point-source.ts';
import { retentionFor } from '../../electron/services/online/prune.ts';
import { OnlineRepo } from '../../electron/services/online/repo.ts';
import { compareWalks, walkTree, type Walk } from '../roundtrip/test-walk.ts';
import { day, runChild, seededJob, startTestStorage, type TestStorage } from './test-container.ts';

let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-online-prune-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

/** A seeded job in its own container; `run` makes a point of `src` at a day's 21:00 and snapshots the tree. */
async function seeded(job: string) {
  const src = join(dir, `${job}-src`);
  const rnd = prng(job.length * 7919);
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'a.bin'), rnd(400_000));
  await writeFile(join(src, 'b.txt'), 'stays\n'.repeat(5000));
  const { cc, snaps, run, childArgs } = await seededJob(storage, dir, job, src);
  return { src, rnd, cc, snaps, run, childArgs, repo: () => OnlineRepo.open(cc, job, PASS, {}) };
}

async function blobNames(cc: ContainerClient, prefix: string): Promise<string[]> {
  const out: string[] = [];
  for await (const b of cc.listBlobsFlat({ prefix })) out.push(b.name.slice(prefix.length));
  return out.sort();
}

async function expectRestores(
  repo: OnlineRepo,
  src: string,
  snaps: Map<string, Walk>,
  ids: string[],
  to: string,
): Promise<void> {
  for (const id of ids) {
    const out = join(to, id);
    await restoreJob(await openRestorePoint(repo, id), { to: out });
    expect(
      compareWalks(snaps.get(id)!, await walkTree(join(out, catalogPathOf(src))), { dirModeAdded: 0o700 }),
      id,
    ).toEqual([]);
  }
}

describe('retention pruning (Azurite)', () => {
  it('keeps what the policy keeps, removes the rest and the packs only they use', async () => {
    const j = await seeded('prune-policy');
    const schedule: Schedule = { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };
    const policy = { schedule, retention: defaultRetention(schedule, { daily: { enabled: true, count: 2 } }) };
    await writeFile(join(j.src, 'c.bin'), j.rnd(900_000));
    const p5 = await j.run(5);
    await rm(join(j.src, 'c.bin'));
    await writeFile(join(j.src, 'd.bin'), j.rnd(900_000));
    const p6 = await j.run(6);
    await writeFile(join(j.src, 'e.txt'), 'small\n');
    const p7 = await j.run(7);
    const cOnly = p5.point.id;
    const packsBefore = await blobNames(j.cc, 'prune-policy/online/packs/');
    expect(packsBefore.length).toBe(3); // c.bin's, d.bin's, e.txt's
    // A pack a killed run committed and nobody continued (no point names it) goes too.
    await j.cc.getBlockBlobClient('prune-policy/online/packs/pack-000099.bin').uploadData(Buffer.alloc(4096, 7));
    const p8 = await j.run(8, {
      expire: (points) => retentionFor(policy, points, Date.parse('2026-12-08T21:30:00Z')).expire,
    });
    // Daily ×2 at 21:30 on the 8th: the 7th's and the 8th's points; the seed (no Retain Backup Till), the 5th and the 6th go.
    expect(p8.pruned).toMatchObject({ removedPoints: ['seed', cOnly, p6.point.id], removedPacks: 2, resumed: false });
    const repo = await j.repo();
    expect((await repo.points()).points.map((p) => p.id)).toEqual([p7.point.id, p8.point.id]);
    // c.bin's pack and the orphan are gone; d.bin's (used by the kept points) and the seed's (a.bin, b.txt) stay; so
    // does the descriptor.
    const packsAfter = await blobNames(j.cc, 'prune-policy/online/packs/');
    expect(packsAfter).toEqual(packsBefore.slice(1));
    expect(await blobNames(j.cc, 'prune-policy/')).toEqual(
      expect.arrayContaining(['obc-backup.json', 'packs/pack-000001.bin']),
    );
    expect(await blobNames(j.cc, 'prune-policy/')).not.toContain('catalog.bin');
    expect(await blobNames(j.cc, 'prune-policy/')).not.toContain('online/prune.bin');
    await expectRestores(repo, j.src, j.snaps, [p7.point.id, p8.point.id], join(dir, 'prune-policy-out'));
  }, 120_000);

  for (const [i, [step, killAt]] of (
    [
      ['after the plan is written', '^prune:plan$'],
      ['after the first point is removed', '^prune:point:'],
      ['after the first pack is removed', '^prune:pack:'],
    ] as const
  ).entries()) {
    it(`a run killed ${step} leaves every kept point whole; the next run finishes the prune`, async () => {
      const job = `prune-kill-${i}`;
      const j = await seeded(job);
      await writeFile(join(j.src, 'x.bin'), j.rnd(900_000));
      const p5 = await j.run(5);
      await writeFile(join(j.src, 'y.bin'), j.rnd(900_000));
      const p6 = await j.run(6);
      await rm(join(j.src, 'x.bin'));
      await rm(join(j.src, 'y.bin'));
      await writeFile(join(j.src, 'z.bin'), j.rnd(900_000));
      // Day 7 removes the points of days 5 and 6; x.bin's and y.bin's packs are then used by no point.
      const killed = await runChild({ ...j.childArgs, time: day(7), expireIds: [p5.point.id, p6.point.id], killAt });
      expect(killed.signal, killed.stderr).toBe('SIGKILL');
      const repo = await j.repo();
      const left = (await repo.points()).points.map((p) => p.id);
      const p7 = left.find((id) => id.startsWith('20261207'))!;
      j.snaps.set(p7, await walkTree(j.src));
      expect(await blobNames(j.cc, `${job}/online/`)).toContain('prune.bin');
      await expectRestores(repo, j.src, j.snaps, left, join(dir, `${job}-after-kill`));

      const next = await j.run(8);
      expect(next.pruned).toMatchObject({ resumed: true, removedPacks: killAt === '^prune:pack:' ? 1 : 2 });
      expect(next.notes.join('\n')).toMatch(/Finished removing/);
      const ids = (await repo.points()).points.map((p) => p.id);
      expect(ids).toEqual(['seed', p7, next.point.id]);
      expect(await blobNames(j.cc, `${job}/online/packs/`)).toHaveLength(1);
      expect(await blobNames(j.cc, `${job}/online/`)).not.toContain('prune.bin');
      await expectRestores(repo, j.src, j.snaps, ids, join(dir, `${job}-after-rerun`));
    }, 120_000);
  }
});
