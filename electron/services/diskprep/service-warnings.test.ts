import { describe, expect, it } from 'vitest';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { runDiskPrep } from './engine.ts';
import { FolderDiskProvider } from './folder-disk.ts';
import { DiskPrepService } from './service.ts';
import { mirrorJournalPath, stateDirFor } from './session.ts';
import { WindowsDiskProvider } from './windows-disk.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging, tempDir, testCredential } from './test-staging.ts';

const JOB = 'warn-job';

describe('DiskPrepService: damaged journal lines reach the task as warnings', () => {
  it('a commit record damaged on the disk and in the mirror: the file is copied again, the task succeeds with a warning naming disk, journal and line', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, [1 * MiB, 512]);
    const [disk] = await makeDisks(root, [8 * MiB], 'SVW');
    await runDiskPrep({
      stagingLocation,
      job: JOB,
      disks: [{ id: disk }],
      providers: { folder: new FolderDiskProvider() },
      credential: testCredential,
      passphrase: TEST_PASSPHRASE,
      workers: 2,
      checkpoint: async (name) => {
        if (name.startsWith('committed:')) throw new Error('halt');
      },
    }).catch((e: Error) => expect(e.message).toBe('halt'));
    const jp = join(disk, 'obc-journal.json');
    for (const p of [jp, mirrorJournalPath(stateDirFor(stagingLocation, JOB), 'SVW1')]) {
      const text = await readFile(p, 'utf8');
      await writeFile(
        p,
        text.replace(/"md5":"(.)/, (_m, c: string) => `"md5":"${c === 'A' ? 'B' : 'A'}`),
      );
    }
    const tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new DiskPrepService({
      tasks,
      dataDir: root,
      windows: new WindowsDiskProvider({ platform: 'linux' }),
      credential: testCredential,
    });
    const { taskId } = svc.start({ stagingLocation, job: JOB, disks: [{ id: disk }], passphrase: TEST_PASSPHRASE });
    const done = await tasks.waitFor(taskId);
    expect(done.status, JSON.stringify(done.error)).toBe('succeededWithWarnings');
    expect(done.warnings.join('\n')).toMatch(
      /Disk SVW1: journal .*obc-journal\.json line 3 fails its checksum.*copied again from staging/,
    );
    // Every file: the one whose commit was lost again, and the rest (never committed before the halt).
    expect((done.result as { copiedBytes: number }).copiedBytes).toBe(seed.files.reduce((s, f) => s + f.length, 0));
  });
});
