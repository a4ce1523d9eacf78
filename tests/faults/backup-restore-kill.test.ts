/**
 * Fault suite: `obc restore` killed with SIGKILL at seeded points (a seeded fraction of the bytes a complete restore
 * writes into its destination, watched with inotify), then run again into the same destination: the rerun ends with
 * exit 0 and says nothing per file (files already complete are recognised as identical), no temp file or marker is
 * left, and the tree equals the source — compared by the independent walker (tests/roundtrip/walk_tree.py).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareWalks, walkTrees } from '../roundtrip/test-walk.ts';
import { SEED, cli, makeCorpus, resultOf, rng, tempDir, writePassFile } from './test-cli.ts';
import { bytesUnder, cliKilledAt, leftovers } from './test-cli-kill.ts';

const POINTS = Number(process.env.OBC_FAULT_RESTORE_POINTS ?? 8);

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let pf: string;
const stagingLocation = () => join(dir, 'staging');
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-rs-'));
  src = join(dir, 'src');
  await makeCorpus(src, SEED ^ 0x5e5, 8);
  pf = await writePassFile(dir);
  const bk = await cli([
    'backup',
    '--items',
    src,
    '--staging',
    stagingLocation(),
    '--job',
    'rs-job',
    '--passphrase-file',
    pf,
    '--pack-size',
    String(1 << 20),
  ]);
  if (bk.code !== 0) throw new Error(`backup failed: ${bk.stderr}`);
}, 120_000);
afterAll(async () => cleanup?.());

const restoreArgs = (to: string) => [
  'restore',
  '--staging',
  stagingLocation(),
  '--job',
  'rs-job',
  '--passphrase-file',
  pf,
  '--to',
  to,
  '--json',
];

describe(`Recover Data: kill -9 at ${POINTS} seeded points (OBC_FAULT_SEED=${SEED}), each followed by a rerun`, () => {
  it(
    'every rerun finishes quietly with exit 0, leaves nothing behind, and the tree equals the source',
    { timeout: 300_000 },
    async () => {
      const ref = join(dir, 'ref');
      const full = await cli(restoreArgs(ref));
      expect(full.code, full.stdout).toBe(0);
      const total = bytesUnder(ref);
      const r = rng(SEED ^ 0x7e57);
      const outcomes: string[] = [];
      let kills = 0;
      for (let i = 0; i < POINTS; i++) {
        const parent = join(dir, `p-${i}`);
        const out = join(parent, 'out');
        const threshold = Math.floor(((i + r()) / POINTS) * total);
        const k = await cliKilledAt(restoreArgs(out), parent, out, threshold);
        if (k.killed) kills++;
        else expect(k.code, `point ${i}: ended before its kill point`).toBe(0);
        const again = await cli(restoreArgs(out));
        const res = resultOf(again);
        expect(again.code, `point ${i} (threshold ${threshold}/${total}): ${again.stdout.slice(-600)}`).toBe(0);
        expect(res?.status).toBe('succeeded');
        expect(res?.result?.skipped, `point ${i}: the rerun reported files`).toEqual([]);
        expect(leftovers(out), `point ${i}: left behind`).toEqual([]);
        const [a, b] = await walkTrees([src, join(out, src.slice(1))]);
        expect(compareWalks(a, b, { dirModeAdded: 0o700, linkMtimes: true }), `point ${i}`).toEqual([]);
        outcomes.push(
          `#${i} threshold ${threshold}/${total} B → ${k.killed ? `killed at ${k.atBytes} B` : 'completed before the kill'}; rerun: ${String(res?.result?.files)} restored, ${String(res?.result?.unchanged)} already there; identical`,
        );
      }
      console.log(`[faults] restore kill -9 seed=${SEED}: ${kills}/${POINTS} killed\n  ${outcomes.join('\n  ')}`);
      expect(kills).toBeGreaterThanOrEqual(Math.ceil(POINTS * 0.6));
    },
  );
});
