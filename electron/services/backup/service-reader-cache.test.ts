/**
 * The reader BackupService keeps for browsing (recover:list, recover:start): a replaced one is closed, but never
 * under a restore still reading it, and a failure closing it is logged, not an unhandled rejection. An unclosed
 * source leaves pack FileHandles to the garbage collector (Node's DEP0137 "Closing file descriptor N on garbage
 * collection").
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { runBackup } from './engine.ts';
import { StagingFolderSource } from './reader.ts';
import { catalogPathOf } from './scan.ts';
import { BackupService } from './service.ts';
import { FAST_KDF, PASS, diffTrees, prng, tempDir } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let stagingLocation: string;
let tasks: TaskManager;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-svc-cache-'));
  src = join(dir, 'src');
  await mkdir(src, { recursive: true });
  const rnd = prng(3);
  for (let i = 0; i < 3; i++) await writeFile(join(src, `f${i}.bin`), rnd(200_000 + i));
  stagingLocation = join(dir, 'staging');
  for (const name of ['job-a', 'job-b'])
    await runBackup({ items: [src], stagingLocation, job: { name }, passphrase: PASS, kdf: FAST_KDF });
});
afterAll(async () => {
  await cleanup();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await tasks?.shutdown();
});

/** Records which StagingFolderSource each close() was called on. */
function spyCloses(): { closed: StagingFolderSource[]; spy: ReturnType<typeof vi.spyOn> } {
  const closed: StagingFolderSource[] = [];
  const real = StagingFolderSource.prototype.close;
  const spy = vi.spyOn(StagingFolderSource.prototype, 'close').mockImplementation(function (this: StagingFolderSource) {
    closed.push(this);
    return real.call(this);
  });
  return { closed, spy };
}

const ref = (job: string) => ({ stagingLocation, job, passphrase: PASS });

describe('BackupService cached reader', () => {
  it('closes a replaced reader only after the restore reading it is done, and on close()', async () => {
    tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new BackupService(tasks, { kdf: FAST_KDF });
    const { closed } = spyCloses();
    // The restore of job-a holds on its first pack read until job-b has been opened (which replaces the cache).
    let reached!: () => void;
    const atFirstRead = new Promise<void>((r) => (reached = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const realRead = StagingFolderSource.prototype.read;
    let held = false;
    vi.spyOn(StagingFolderSource.prototype, 'read').mockImplementation(async function (
      this: StagingFolderSource,
      ...a: Parameters<StagingFolderSource['read']>
    ) {
      if (!held) {
        held = true;
        reached();
        await released;
      }
      return realRead.apply(this, a);
    });
    const out = join(dir, 'out-a');
    const { taskId } = svc.recover({ ...ref('job-a'), to: out, conflict: 'skip' });
    await atFirstRead;
    await svc.list(ref('job-b'));
    const closedWhileReading = closed.length; // job-a's source is still being read: 0
    release();
    expect(closedWhileReading).toBe(0);
    const snap = await tasks.waitFor(taskId);
    expect(snap.status).toBe('succeeded');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.description).toContain('job-a');
    expect(await diffTrees(src, join(out, catalogPathOf(src)))).toEqual([]);
    // The cache now holds job-b: close() releases it.
    await svc.close();
    expect(closed).toHaveLength(2);
    expect(closed[1]!.description).toContain('job-b');
  });

  it('logs a failure closing the replaced reader; the browse that replaced it still answers', async () => {
    tasks = new TaskManager({ minIntervalMs: 10 });
    const log = vi.fn();
    const svc = new BackupService(tasks, { kdf: FAST_KDF }, { log });
    await svc.list(ref('job-a'));
    vi.spyOn(StagingFolderSource.prototype, 'close').mockRejectedValueOnce(new Error('EIO: the disk went away'));
    const listing = await svc.list(ref('job-b'));
    expect(listing.children.length).toBeGreaterThan(0);
    expect(log).toHaveBeenCalledWith(
      'warn',
      'recover:source-close-failed',
      expect.objectContaining({ error: 'EIO: the disk went away', source: expect.stringContaining('job-a') }),
    );
    await svc.close();
  });
});
