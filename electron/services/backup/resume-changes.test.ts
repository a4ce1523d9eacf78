/**
 * A source that changes between a killed run and its rerun: the backup equals the source at the final run, and the
 * rerun says which files changed, were added or removed in between (issue 13, kill -9 suite; the CLI version with a
 * real SIGKILL is tests/faults/backup-source-changed.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from './engine.ts';
import { restoreJob } from './restore.ts';
import { catalogPathOf } from './scan.ts';
import { SCAN_RECORD } from './scan-record.ts';
import { NO_VSS_NOTE } from './vss-run.ts';
import { FAST_KDF, PASS, diffTrees, prng, tempDir, openStagingJob } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-resume-changes-')));
afterEach(async () => cleanup());

describe('source changed between a killed run and its rerun', () => {
  it('the rerun backs up the source as it is now and names what changed in between', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'sub'), { recursive: true });
    for (let i = 0; i < 5; i++) await writeFile(join(src, `f${i}.bin`), prng(i)(600_000));
    await writeFile(join(src, 'sub', 'same.txt'), 'unchanged');
    const stagingLocation = join(dir, 'staging');
    const opts = {
      items: [src],
      stagingLocation,
      job: { name: 'since-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 1 << 20,
      compressionLevel: 0,
    };
    await expect(
      runBackup({
        ...opts,
        testHook: (p) =>
          void (
            p === 'pack:1' &&
            (() => {
              throw new Error('killed');
            })()
          ),
      }),
    ).rejects.toThrow('killed');
    await writeFile(join(src, 'f1.bin'), prng(99)(600_000)); // same size, other bytes, new mtime
    await rm(join(src, 'f3.bin'));
    await writeFile(join(src, 'sub', 'new.txt'), 'added after the kill');
    const notes: string[] = [];
    const r = await runBackup({ ...opts, onNote: (n) => notes.push(n) });
    const base = catalogPathOf(src);
    expect(r.changedSinceInterruptedRun).toEqual([
      { path: `${base}/f1.bin`, change: 'changed' },
      { path: `${base}/f3.bin`, change: 'removed' },
      { path: `${base}/sub/new.txt`, change: 'added' },
    ]);
    expect(notes.join('\n')).toMatch(
      /Since the interrupted run, files were changed, added or removed \(1 changed, 1 added, 1 removed\)/,
    );
    expect(await readdir(join(stagingLocation, 'since-job'))).not.toContain(SCAN_RECORD);
    const reader = await openStagingJob(stagingLocation, 'since-job', PASS);
    await restoreJob(reader, { to: join(dir, 'out') });
    expect(await diffTrees(src, join(dir, 'out', base), { mtimes: true })).toEqual([]);
  });

  it('a first run, and a rerun where nothing changed, say nothing', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    for (let i = 0; i < 3; i++) await writeFile(join(src, `f${i}.bin`), prng(i)(700_000));
    const opts = {
      items: [src],
      stagingLocation: join(dir, 'staging'),
      job: { name: 'quiet-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 1 << 20,
      compressionLevel: 0,
    };
    await expect(
      runBackup({
        ...opts,
        testHook: (p) =>
          void (
            p === 'pack:1' &&
            (() => {
              throw new Error('killed');
            })()
          ),
      }),
    ).rejects.toThrow('killed');
    const r = await runBackup(opts);
    expect(r.resumed).toBe(true);
    expect(r.changedSinceInterruptedRun).toBeUndefined();
    expect(r.notes).toEqual([NO_VSS_NOTE]);
  });
});
