/**
 * Fault suite: the source changes between a killed Back Up Now and its rerun. `obc backup` is killed with SIGKILL
 * at seeded points (bytes in the job folder), then files are changed, added and removed, then the backup runs
 * again: it completes, verify passes, the restore equals the source as it is at the final run (independent walker),
 * and the rerun names exactly the files that changed in between whenever the killed run had recorded its scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { cp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { readSeed } from '../../electron/services/backup/job-files.ts';
import { StagingFolderSource } from '../../electron/services/backup/reader.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { SCAN_RECORD } from '../../electron/services/backup/scan-record.ts';
import { prng, openStagingJob } from '../../electron/services/backup/test-trees.ts';
import { compareWalks, walkTrees } from '../roundtrip/test-walk.ts';
import { PASSPHRASE, SEED, cli, makeCorpus, resultOf, rng, tempDir, writePassFile } from './test-cli.ts';
import { bytesUnder, cliKilledAt } from './test-cli-kill.ts';

const POINTS = Number(process.env.OBC_FAULT_SOURCE_CHANGED_POINTS ?? 6);

let dir: string;
let cleanup: () => Promise<void>;
let corpus: string;
let pf: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-chg-'));
  corpus = join(dir, 'corpus');
  await makeCorpus(corpus, SEED ^ 0xc4a6, 6);
  pf = await writePassFile(dir);
});
afterAll(async () => cleanup?.());

const backupArgs = (src: string, stagingLocation: string, job: string) => [
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

describe(`Back Up Now: source changed between a kill -9 and the rerun, ${POINTS} seeded points (OBC_FAULT_SEED=${SEED})`, () => {
  it('the rerun backs up the final source and names what changed in between', { timeout: 300_000 }, async () => {
    const ref = await cli(backupArgs(corpus, join(dir, 'ref'), 'ref-job'));
    expect(ref.code, ref.stdout).toBe(0);
    const total = bytesUnder(join(dir, 'ref', 'ref-job'));
    const r = rng(SEED ^ 0x5c4);
    const outcomes: string[] = [];
    let told = 0;
    for (let i = 0; i < POINTS; i++) {
      const src = join(dir, `src-${i}`);
      await cp(corpus, src, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
      const stagingLocation = join(dir, `st-${i}`);
      const job = `chg-${i}`;
      const threshold = Math.floor(((i + r()) / POINTS) * total * 0.9);
      const k = await cliKilledAt(
        backupArgs(src, stagingLocation, job),
        stagingLocation,
        join(stagingLocation, job),
        threshold,
      );
      if (!k.killed || (await readSeed(join(stagingLocation, job)))?.state === 'complete') {
        outcomes.push(
          `#${i}: ${k.killed ? 'killed after completion' : 'completed before the kill'}; nothing to resume`,
        );
        continue;
      }
      const recorded = existsSync(join(stagingLocation, job, SCAN_RECORD));
      // Between the runs: one file rewritten (same size), one grown, one removed, one added.
      await writeFile(join(src, 'bin', 'blob-0.bin'), prng(i + 1000)(bytesUnder(join(src, 'bin', 'blob-0.bin'))));
      await writeFile(join(src, 'docs', 'note-3.txt'), `grown after the kill #${i}\n`.repeat(9000));
      await rm(join(src, 'docs', 'note-7.txt'));
      await writeFile(join(src, 'docs', 'deep', `added-${i}.txt`), 'added after the kill');
      const again = await cli(backupArgs(src, stagingLocation, job));
      const res = resultOf(again);
      expect(again.code, `point ${i}: ${again.stderr}${again.stdout.slice(-500)}`).toBe(0);
      const base = catalogPathOf(src);
      const since = res?.result?.changedSinceInterruptedRun as Array<{ path: string; change: string }> | undefined;
      if (recorded) {
        told++;
        expect(since, `point ${i}`).toEqual([
          { path: `${base}/bin/blob-0.bin`, change: 'changed' },
          { path: `${base}/docs/deep/added-${i}.txt`, change: 'added' },
          { path: `${base}/docs/note-3.txt`, change: 'changed' },
          { path: `${base}/docs/note-7.txt`, change: 'removed' },
        ]);
      } else expect(since, `point ${i}: no record, nothing to compare with`).toBeUndefined();
      expect(
        (await verifyJob(new StagingFolderSource(join(stagingLocation, job)), PASSPHRASE)).ok,
        `verify after point ${i}`,
      ).toBe(true);
      const out = join(dir, `out-${i}`);
      const reader = await openStagingJob(stagingLocation, job, PASSPHRASE);
      try {
        expect((await restoreJob(reader, { to: out })).skipped).toEqual([]);
      } finally {
        await reader.source.close?.();
      }
      const [a, b] = await walkTrees([src, join(out, src.slice(1))]);
      expect(compareWalks(a, b, { dirModeAdded: 0o700, linkMtimes: true }), `restore after point ${i}`).toEqual([]);
      outcomes.push(
        `#${i} threshold ${threshold}/${total} B → killed at ${k.atBytes} B; rerun ${res?.result?.resumed ? 'resumed' : 'started over'}; ${recorded ? 'told: 2 changed, 1 added, 1 removed' : 'no scan record yet'}; restore = final source`,
      );
    }
    console.log(
      `[faults] source changed between kill and rerun, seed=${SEED}: ${told}/${POINTS} reruns named the changes\n  ${outcomes.join('\n  ')}`,
    );
    expect(told).toBeGreaterThanOrEqual(Math.ceil(POINTS / 2));
  });
});
