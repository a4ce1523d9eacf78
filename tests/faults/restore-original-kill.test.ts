/**
 * Fault suite: `obc restore --original-location` killed with SIGKILL at seeded points (a seeded fraction of the bytes
 * a complete restore writes, watched with inotify) after the backed-up folder was deleted, then run again. The killed
 * run may leave `.obc-restore-<12 hex>.tmp` files beside the files it was writing (the original location has no
 * restore folder for the unfinished-restore marker); the rerun removes exactly those — listed in its result — and
 * nothing else: look-alike names, a link with a temp file's name, a folder with one, and temp-named files in folders
 * the restore writes no file into all stay. The tree then equals the source, compared by the independent walker
 * (tests/roundtrip/walk_tree.py).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lstat, mkdir, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareWalks, walkTrees, type Walk } from '../roundtrip/test-walk.ts';
import { SEED, cli, makeCorpus, resultOf, rng, tempDir, writePassFile } from './test-cli.ts';
import { cliKilledAt } from './test-cli-kill.ts';

const POINTS = Number(process.env.OBC_FAULT_ORIGINAL_POINTS ?? 4);
const TEMP = /^\.obc-restore-[0-9a-f]{12}\.tmp$/;

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let pf: string;
let source: Walk;
const stagingLocation = () => join(dir, 'staging');
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-ro-'));
  src = join(dir, 'src');
  await makeCorpus(src, SEED ^ 0x0a1, 8);
  pf = await writePassFile(dir);
  const bk = await cli([
    'backup',
    '--items',
    src,
    '--staging',
    stagingLocation(),
    '--job',
    'ro-job',
    '--passphrase-file',
    pf,
    '--pack-size',
    String(1 << 20),
  ]);
  if (bk.code !== 0) throw new Error(`backup failed: ${bk.stderr}`);
  [source] = await walkTrees([src]);
}, 120_000);
afterAll(async () => cleanup?.());

const restoreArgs = [
  'restore',
  '--staging',
  () => stagingLocation(),
  '--job',
  'ro-job',
  '--passphrase-file',
  () => pf,
  '--original-location',
  '--json',
];
const args = () => restoreArgs.map((a) => (typeof a === 'function' ? a() : a));

/** Names that look like a restore's temp file but are not one it writes, or are where it writes no file. */
async function plantDecoys(): Promise<string[]> {
  const bin = join(src, 'bin'); // a folder the restore writes files into
  await mkdir(bin, { recursive: true });
  await mkdir(join(src, 'empty-dir'), { recursive: true }); // inside the item, but no file goes there
  const outside = join(dir, 'outside-target.txt');
  await writeFile(outside, 'not the restore’s');
  const decoys = [
    join(bin, '.obc-restore-0123456789AB.tmp'), // upper-case hex
    join(bin, '.obc-restore-0123456789ab.tmp.keep'),
    join(bin, 'x.obc-restore-0123456789ab.tmp'),
    join(bin, '.obc-restore-0123456789abc.tmp'), // 13 hex digits
    join(src, 'empty-dir', '.obc-restore-0123456789ab.tmp'), // no file is restored into empty-dir
    join(dir, '.obc-restore-0123456789ab.tmp'), // above the item
  ];
  for (const d of decoys) await writeFile(d, 'decoy');
  const link = join(bin, '.obc-restore-abcdefabcdef.tmp'); // a link with a temp file's name
  await rm(link, { force: true });
  await symlink(outside, link);
  const folder = join(bin, '.obc-restore-fedcbafedcba.tmp'); // a folder with one
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'inside.txt'), 'kept');
  return [...decoys, link, folder, join(folder, 'inside.txt'), outside];
}

/** Every restore temp file below `d`, by its absolute path. */
async function tempsUnder(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const rel of await readdir(d, { recursive: true })) {
    const p = join(d, rel);
    const name = rel.split('/').pop()!;
    if (TEMP.test(name) && (await lstat(p)).isFile()) out.push(p);
  }
  return out.sort();
}

describe(`Recover Data to the original location: kill -9 at ${POINTS} seeded points (OBC_FAULT_SEED=${SEED}), each followed by a rerun`, () => {
  it(
    'the rerun removes exactly the temp files the killed run left (and says which), and the tree equals the source',
    { timeout: 300_000 },
    async () => {
      const total = Object.values(source).reduce((s, e) => s + (e.type === 'file' ? (e.size ?? 0) : 0), 0);
      const r = rng(SEED ^ 0x0a1d);
      const outcomes: string[] = [];
      let kills = 0;
      let leftBehind = 0;
      for (let i = 0; i < POINTS; i++) {
        await rm(src, { recursive: true, force: true });
        const threshold = Math.floor(((i + 0.2 + 0.6 * r()) / POINTS) * total);
        const k = await cliKilledAt(args(), dir, src, threshold);
        if (k.killed) kills++;
        else expect(k.code, `point ${i}: ended before its kill point`).toBe(0);
        const temps = await tempsUnder(src);
        leftBehind += temps.length;
        const decoys = await plantDecoys();

        const again = await cli(args());
        const res = resultOf(again);
        expect(again.code, `point ${i} (threshold ${threshold}/${total}): ${again.stdout.slice(-600)}`).toBe(0);
        expect(res?.status).toBe('succeeded');
        expect(res?.result?.skipped, `point ${i}: the rerun reported files`).toEqual([]);
        // Exactly what the killed run left is removed, and reported; none of the look-alikes.
        expect([...((res?.result?.leftoversRemoved as string[] | undefined) ?? [])].sort(), `point ${i}`).toEqual(
          temps,
        );
        for (const d of decoys)
          expect(
            await lstat(d).then(
              () => true,
              () => false,
            ),
            `decoy ${d}`,
          ).toBe(true);
        // The only temp-named file left is the decoy in a folder the restore wrote no file into.
        expect(await tempsUnder(src), `point ${i}: left behind`).toEqual([
          join(src, 'empty-dir', '.obc-restore-0123456789ab.tmp'),
        ]);
        // The tree equals the source; the only differences are the decoys planted inside it.
        const [out] = await walkTrees([src]);
        const diffs = compareWalks(source, out, { dirModeAdded: 0o700, linkMtimes: true });
        expect(
          diffs.filter((d) => !/^extra: .*\.obc-restore-/.test(d)),
          `point ${i}`,
        ).toEqual([]);
        expect(diffs, `point ${i}`).toHaveLength(decoys.filter((d) => d.startsWith(src + '/')).length);
        outcomes.push(
          `#${i} threshold ${threshold}/${total} B → ${k.killed ? `killed at ${k.atBytes} B` : 'completed before the kill'}, ${temps.length} temp file(s) left; rerun removed ${temps.length}, restored ${String(res?.result?.files)}, ${String(res?.result?.unchanged)} already there; identical`,
        );
      }
      console.log(
        `[faults] original-location restore kill -9 seed=${SEED}: ${kills}/${POINTS} killed, ${leftBehind} temp files left\n  ${outcomes.join('\n  ')}`,
      );
      expect(kills).toBeGreaterThanOrEqual(Math.ceil(POINTS * 0.6));
      // The case this covers happened: some killed run left temp files beside the files it was writing.
      expect(leftBehind).toBeGreaterThan(0);
    },
  );
});
