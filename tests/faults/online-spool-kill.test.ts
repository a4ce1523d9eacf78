/**
 * An online run (a child process, the real SDK, Azurite over TLS on an ephemeral port) SIGKILLed while it spools,
 * then run again. The kill points are generated, not listed: every hook the run passes while it spools and uploads
 * (`spool:N` pack file final, log line not written; `pack:N` log line synced; `block:…` a block staged;
 * `committed:N` blob committed, log not yet told; `uploaded:N`; `catalog`; `point`) is counted, and round k kills
 * at the k-th one, until a round's run ends without reaching its k-th (so every count is taken once). Each round adds
 * new incompressible files first (two packs at 1 MiB packs), so every round spools and uploads. In odd rounds the
 * rerun is killed as well, at its own k-th hook, before a third run completes.
 *
 * After each rerun: every point made in the round restores byte for byte to the tree as it was (the independent
 * walker of tests/roundtrip), no pack is added by two points, no chunk is stored in two committed packs (nothing
 * uploaded twice), every committed online pack is added by a point (nothing left aside) and the spool is gone.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { PASS, prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { OnlineRepo } from '../../electron/services/online/repo.ts';
import { openRestorePoint } from '../../electron/services/online/point-source.ts';
import { compareWalks, walkTree, type Walk } from '../roundtrip/test-walk.ts';
import { runChild, stageAndImport, startTestStorage, type TestStorage } from '../online/test-container.ts';

const JOB = 'spool-kill';
/** Every hook of the run's spooling and uploading (not prune/repack: no retention here). */
const SPOOLING = '^(spool:\\d+|pack:\\d+|block:.*|committed:\\d+|uploaded:\\d+|catalog|point)$';
let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-spool-kill-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

describe('online run killed while it spools (Azurite)', () => {
  it('at every spooling hook count: the rerun completes, restores byte for byte, nothing sent twice or lost', async () => {
    const src = join(dir, 'src');
    const rnd = prng(1810);
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'base.bin'), rnd(300_000));
    const { cc } = await stageAndImport(storage, dir, JOB, src);
    const workDir = join(dir, 'work');
    const killedAtFile = join(dir, 'killed-at');
    const args = {
      baseUrl: storage.baseUrl,
      account: storage.account,
      key: storage.key,
      caCertPem: storage.caCertPem,
      container: JOB,
      job: JOB,
      passphrase: PASS,
      items: [src],
      workDir,
      packSize: 1 << 20,
      blockSize: 512 << 10,
    };
    const repo = await OnlineRepo.open(cc, JOB, PASS, {});
    const walks = new Map<string, Walk>();
    const killedAt: string[] = [];
    const rounds: string[] = [];
    let day = 0;
    for (let k = 1; ; k++) {
      expect(k, 'a run passes fewer than 60 spooling hooks').toBeLessThan(60);
      // New data for this round: two packs' worth, incompressible, and one earlier file rewritten.
      await writeFile(join(src, `r${k}-a.bin`), rnd(900_000));
      await writeFile(join(src, `r${k}-b.bin`), rnd(700_000));
      if (k > 1) await writeFile(join(src, `r${k - 1}-b.bin`), rnd(650_000));
      const walk = await walkTree(src);
      const before = new Set((await repo.points()).points.map((p) => p.id));
      await rm(killedAtFile, { force: true });

      const killed = await runChild({ ...args, time: at(++day), killAt: SPOOLING, killNth: k, killedAtFile });
      const wasKilled = killed.signal === 'SIGKILL';
      if (!wasKilled) expect(killed.code, killed.stderr).toBe(0);
      const kills: string[] = [];
      if (wasKilled) {
        kills.push((await readFile(killedAtFile, 'utf8')).replace(/\d+/g, 'N'));
        killedAt.push(kills[0]);
        // A killed run leaves its spool (state.json at least) for the rerun.
        expect(existsSync(join(workDir, 'spool', 'state.json')), kills[0]).toBe(true);
        // In odd rounds the rerun is killed too, at its own k-th hook (when it has that many): it opens a spool it
        // must replay and compact, drops, uploads and adds again, and is cut short there as well.
        if (k % 2 === 1) {
          await rm(killedAtFile, { force: true });
          const again = await runChild({ ...args, time: at(++day), killAt: SPOOLING, killNth: k, killedAtFile });
          if (again.signal === 'SIGKILL') kills.push((await readFile(killedAtFile, 'utf8')).replace(/\d+/g, 'N'));
          else expect(again.code, `${kills[0]}: ${again.stderr}`).toBe(0);
        }
        if (kills.length === 2 || k % 2 === 0) {
          const rerun = await runChild({ ...args, time: at(++day) });
          expect(rerun.code, `${kills.join(', then ')}: ${rerun.stderr}`).toBe(0);
        }
        // (resumed only when the killed run had logged a pack: `spool:N` of its first pack leaves none.)
      }
      const where = kills.length ? kills.join(', then ') : 'not killed';
      rounds.push(where);
      expect(existsSync(join(workDir, 'spool')), where).toBe(false);

      const { points, damaged } = await repo.points();
      expect(damaged, where).toEqual([]);
      const made = points.filter((p) => !before.has(p.id));
      // One point per round, one more for each kill after the point was committed (`point`).
      expect(made.length, where).toBe(1 + kills.filter((w) => w === 'point').length);
      for (const p of made) {
        walks.set(p.id, walk);
        const to = join(dir, `restored-${p.id}`);
        await restoreJob(await openRestorePoint(repo, p.id), { to });
        expect(
          compareWalks(walk, await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 }),
          `${where}: point ${p.id}`,
        ).toEqual([]);
        await rm(to, { recursive: true, force: true });
      }

      // No pack is added by two points; every committed online pack is added by one (none sent and left aside).
      const addedBy = new Map<number, string>();
      for (const p of points)
        for (const n of p.addedPacks) {
          expect(addedBy.get(n), `${where}: pack ${n} added by ${addedBy.get(n)} and ${p.id}`).toBeUndefined();
          addedBy.set(n, p.id);
        }
      const listed = await repo.packs(true);
      expect(
        listed.filter((b) => !b.committed).map((b) => b.path),
        `${where}: staged, never committed`,
      ).toEqual([]);
      const online = listed.filter((b) => b.path.startsWith('online/')).map((b) => b.n);
      expect(
        online.filter((n) => !addedBy.has(n)),
        `${where}: committed packs no point added`,
      ).toEqual([]);
      // No chunk stored twice: each chunk id is in one committed pack only.
      const holder = new Map<string, number>();
      for (const b of listed) {
        for (const e of await repo.packIndex({
          n: b.n,
          path: b.path,
          length: b.length,
          ...(b.etag ? { etag: b.etag } : {}),
        })) {
          const hex = e.id.toString('hex');
          expect(
            holder.get(hex),
            `${where}: chunk ${hex.slice(0, 12)} in packs ${holder.get(hex)} and ${b.n}`,
          ).toBeUndefined();
          holder.set(hex, b.n);
        }
      }
      // A point's new bytes are its added packs and its own blob, each counted by that point only.
      const lengthOf = new Map(listed.map((b) => [b.n, b.length]));
      for (const p of made) {
        const blob = await cc.getBlobClient(`${JOB}/online/points/${p.id}.bin`).getProperties();
        const packBytes = p.addedPacks.reduce((s, n) => s + lengthOf.get(n)!, 0);
        expect(p.newBytes, `${where}: point ${p.id}`).toBe(packBytes + blob.contentLength!);
      }
      if (!wasKilled) break;
    }
    console.info(`online-spool-kill: ${rounds.length} rounds; killed at: ${rounds.join('; ')}`);
    // Every kind of spooling hook was a kill point at least once.
    expect(new Set(killedAt)).toEqual(
      new Set([
        'spool:N',
        'pack:N',
        `block:${JOB}/online/packs/pack-N.bin:N`,
        'committed:N',
        'uploaded:N',
        'catalog',
        'point',
      ]),
    );
    expect(walks.size).toBeGreaterThan(killedAt.length);
  }, 900_000);
});

const at = (d: number) => new Date(Date.UTC(2026, 11, 6, 0, d)).toISOString();
