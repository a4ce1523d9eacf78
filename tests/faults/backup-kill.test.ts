/**
 * Fault suite 1: kill -9 of the process running Back Up Now at seeded random points, each followed by a rerun that
 * completes; verify passes and restore equals the source byte for byte. A kill point is a seeded random fraction
 * of the bytes a complete run writes into the job folder: the test watches the folder (inotify) and sends SIGKILL
 * as soon as that many bytes are on disk (packs, temp packs, catalog, seed, state) — real progress, no timers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watch, readdirSync, lstatSync, type FSWatcher } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { diffTrees, openStagingJob } from '../../electron/services/backup/test-trees.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { readSeed } from '../../electron/services/backup/job-files.ts';
import { StagingFolderSource } from '../../electron/services/backup/reader.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { PASSPHRASE, SEED, cli, makeCorpus, resultOf, rng, tempDir, writePassFile } from './test-cli.ts';

const POINTS = Number(process.env.OBC_FAULT_BACKUP_POINTS ?? 12);

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let pf: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-bk-'));
  src = join(dir, 'src');
  await makeCorpus(src, SEED, 8);
  pf = await writePassFile(dir);
});
afterAll(async () => cleanup?.());

function bytesUnder(d: string): number {
  let n = 0;
  let names: string[];
  try {
    names = readdirSync(d);
  } catch {
    return 0;
  }
  for (const name of names) {
    try {
      const s = lstatSync(join(d, name));
      n += s.isDirectory() ? bytesUnder(join(d, name)) : s.size;
    } catch {
      /* renamed or removed meanwhile */
    }
  }
  return n;
}

const backupArgs = (stagingLocation: string, job: string) => [
  'backup',
  '--items',
  src,
  '--staging',
  stagingLocation,
  '--job',
  job,
  '--passphrase-file',
  pf,
  '--pack-size',
  String(1 << 20),
  '--json',
];

/** Runs Back Up Now and kills it with SIGKILL once `threshold` bytes are in the job folder. */
async function runKilledAt(
  stagingLocation: string,
  job: string,
  threshold: number,
): Promise<{ killed: boolean; atBytes: number; code: number | null; output: string }> {
  await mkdir(stagingLocation, { recursive: true });
  const jobDir = join(stagingLocation, job);
  let atBytes = -1;
  let w: FSWatcher | null = null;
  const r = await cli(backupArgs(stagingLocation, job), {
    onChild: (child) => {
      w = watch(stagingLocation, { recursive: true }, () => {
        if (atBytes >= 0 || child.exitCode !== null) return;
        const b = bytesUnder(jobDir);
        if (b >= threshold) {
          atBytes = b;
          child.kill('SIGKILL');
        }
      });
    },
  });
  (w as FSWatcher | null)?.close();
  return { killed: r.signal === 'SIGKILL', atBytes, code: r.code, output: `${r.stderr}\n${r.stdout.slice(-2000)}` };
}

describe(`Back Up Now: kill -9 at ${POINTS} seeded points (OBC_FAULT_SEED=${SEED}), each followed by a rerun`, () => {
  it('every rerun completes, verify passes, restore equals the source', { timeout: 300_000 }, async () => {
    // Reference: how many bytes a complete run leaves in its job folder.
    const refStaging = join(dir, 'ref');
    const ref = await cli(backupArgs(refStaging, 'ref-job'));
    expect(ref.code, ref.stderr).toBe(0);
    const total = bytesUnder(join(refStaging, 'ref-job'));
    const r = rng(SEED ^ 0xb4c0);
    const outcomes: string[] = [];
    let kills = 0;
    for (let i = 0; i < POINTS; i++) {
      const stagingLocation = join(dir, `st-${i}`);
      const job = `kill-${i}`;
      // Spread over the whole run: early (seed/state), packs, catalog and seed.json at the end.
      const threshold = Math.floor(((i + r()) / POINTS) * total); // stratified: every part of the run gets points
      const k = await runKilledAt(stagingLocation, job, threshold);
      if (k.killed) kills++;
      else expect(k.code, `point ${i}: run ended before its kill point:\n${k.output}`).toBe(0);
      const killedAfterCompletion = k.killed && (await readSeed(join(stagingLocation, job)))?.state === 'complete';
      const again = await cli(backupArgs(stagingLocation, job));
      const res = resultOf(again);
      let rerun: string;
      if (!k.killed || killedAfterCompletion) {
        // Already complete: the rerun must refuse to overwrite it, never silently redo it.
        expect(again.code, `point ${i}: ${again.stdout.slice(-400)}`).toBe(1);
        expect(res?.error?.message).toMatch(/already has a completed backup/);
        rerun = 'refused (already complete)';
      } else {
        expect(
          again.code,
          `point ${i} (threshold ${threshold}/${total}): ${again.stderr}${again.stdout.slice(-400)}`,
        ).toBe(0);
        expect(res?.status).toBe('succeeded');
        rerun = res?.result?.resumed ? 'resumed' : 'started over';
      }
      const report = await verifyJob(new StagingFolderSource(join(stagingLocation, job)), PASSPHRASE);
      expect(report.ok, `verify after point ${i}: ${JSON.stringify(report)}`).toBe(true);
      const out = join(dir, `out-${i}`);
      const reader = await openStagingJob(stagingLocation, job, PASSPHRASE);
      try {
        await restoreJob(reader, { to: out });
      } finally {
        await reader.source.close?.();
      }
      expect(await diffTrees(src, join(out, catalogPathOf(src)), { mtimes: true }), `restore after point ${i}`).toEqual(
        [],
      );
      outcomes.push(
        `#${i} threshold ${threshold}/${total} B → ${k.killed ? `killed at ${k.atBytes} B` : 'completed before the kill'}; rerun ${rerun}; verify ok; restore identical`,
      );
    }
    // The CLI's own verify, once, on the last job.
    const v = await cli([
      'verify',
      '--staging',
      join(dir, `st-${POINTS - 1}`),
      '--job',
      `kill-${POINTS - 1}`,
      '--passphrase-file',
      pf,
    ]);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    console.log(`[faults] backup kill -9 seed=${SEED}: ${kills}/${POINTS} killed\n  ${outcomes.join('\n  ')}`);
    expect(kills).toBeGreaterThanOrEqual(10);
  });
});
