/**
 * Files that change while they are read (issue 13 §6): a file rewritten between the scan and its read is read
 * again and backed up as it is now; a file that keeps changing is kept as read the second time, never past the
 * length it had then, marked `changed` in the catalog and reported (the task ends with warnings).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from './engine.ts';
import { catalogPathOf } from './scan.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { BackupService } from './service.ts';
import { FAST_KDF, PASS, prng, tempDir, openStagingJob } from './test-trees.ts';
import type { BackupProgress } from './types.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-changes-')));
afterEach(async () => cleanup());

describe('files that change while they are read', () => {
  it('rewritten after the scan: read again, the backup holds the new bytes and length, no warning', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'moving.bin'), prng(1)(300_000));
    await writeFile(join(src, 'still.txt'), 'still');
    const warnings: string[] = [];
    let last: BackupProgress | undefined;
    const r = await runBackup({
      items: [src],
      stagingLocation: join(dir, 'staging'),
      job: { name: 'chg-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
      onWarning: (w) => warnings.push(w.path),
      onProgress: (p) => (last = p),
      testHook: async (point) => {
        // Between the scan and the read: other bytes, another length.
        if (point === 'scanned') await writeFile(join(src, 'moving.bin'), prng(2)(700_000));
      },
    });
    expect(warnings).toEqual([]);
    expect(r.changedWhileRead).toEqual([]);
    // A file read twice is one file processed.
    expect(last).toMatchObject({ filesProcessed: 2, filesTotal: 2 });
    const reader = await openStagingJob(join(dir, 'staging'), 'chg-job', PASS);
    const e = reader.entry(`${catalogPathOf(src)}/moving.bin`)!;
    expect(e.size).toBe(700_000);
    expect(e.changed).toBeUndefined();
    expect((await reader.readFileBytes(e.path)).equals(prng(2)(700_000))).toBe(true);
  });

  it('kept growing through both reads: kept as read, within the length it had, marked in the catalog, a warning (exit 3)', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    const log = join(src, 'growing.log');
    await writeFile(log, prng(3)(6 << 20));
    // Another process appends to the file without pause for the whole backup.
    const writer = spawn(
      process.execPath,
      [
        '-e',
        `const fs=require('fs');const fd=fs.openSync(process.argv[1],'a');process.stdout.write('go\\n');for(;;)fs.writeSync(fd,'line of the growing log\\n')`,
        log,
      ],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    await new Promise((resolve) => writer.stdout.once('data', resolve));
    const tasks = new TaskManager({ minIntervalMs: 10 });
    try {
      const svc = new BackupService(tasks, { kdf: FAST_KDF });
      const snap = await tasks.waitFor(
        svc.start({ items: [src], stagingLocation: join(dir, 'staging'), job: { name: 'grow-job' }, passphrase: PASS })
          .taskId,
      );
      writer.kill('SIGKILL');
      expect(snap.status).toBe('succeededWithWarnings');
      expect(snap.warnings.join('\n')).toMatch(
        /Changed while read: .*growing\.log: changed while it was read, and again/,
      );
      const result = snap.result as { changedWhileRead: Array<{ path: string }> };
      expect(result.changedWhileRead.map((c) => c.path)).toEqual([log]);
      const reader = await openStagingJob(join(dir, 'staging'), 'grow-job', PASS);
      const e = reader.entry(`${catalogPathOf(src)}/growing.log`)!;
      expect(e.changed).toBe(true);
      const kept = await reader.readFileBytes(e.path);
      expect(kept.length).toBe(e.size);
      // Append-only: what was kept is exactly the start of the file as it is now.
      const now = await readFile(log);
      expect(now.length).toBeGreaterThan(kept.length);
      expect(now.subarray(0, kept.length).equals(kept)).toBe(true);
    } finally {
      writer.kill('SIGKILL');
      await tasks.shutdown();
    }
  });
});
