import { sep as pathSep } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FsPath } from './names.ts';
import { listFolder, type ListReply, type ListRequest } from './scan-list.ts';

export const SCAN_WORKER_URL = new URL('./scan-worker.ts', import.meta.url);

/**
 * Folder listings made in worker threads (`listFolder` there): one message per folder rather than a thread-pool
 * round trip per name. With 114 000 files a promise per lstat cost the scan ~4.5 CPU-s (half of it system time in
 * futex and epoll calls); the sync calls in a worker cost ~2 CPU-s. One worker by default: each costs an isolate
 * (about 6 MiB of RSS left after it ends, measured from source) for two calls in flight instead of one on a cold
 * disk. Requests go to the worker with the fewest under way.
 */
export class FolderLister {
  private readonly workers: Array<{ w: Worker; busy: number }> = [];
  private readonly waiting = new Map<
    number,
    { resolve: (l: ListReply['listing']) => void; reject: (e: Error) => void }
  >();
  private next = 0;
  private failure: Error | null = null;

  constructor(count = 1, url: URL = SCAN_WORKER_URL) {
    for (let i = 0; i < count; i++) {
      const w = new Worker(url, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
      const slot = { w, busy: 0 };
      w.on('message', (m: ListReply) => {
        slot.busy--;
        const p = this.waiting.get(m.id);
        this.waiting.delete(m.id);
        p?.resolve(m.listing);
      });
      const fail = (err: Error) => {
        this.failure ??= err;
        for (const p of this.waiting.values()) p.reject(err);
        this.waiting.clear();
      };
      w.on('error', fail);
      w.on('exit', (code) => {
        if (code !== 0) fail(new Error(`A scan worker stopped unexpectedly (exit code ${code}).`));
      });
      this.workers.push(slot);
    }
  }

  list(dir: FsPath, sep = pathSep): Promise<ListReply['listing']> {
    if (this.failure) return Promise.reject(this.failure);
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    const id = this.next++;
    slot.busy++;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      slot.w.postMessage({ id, dir, sep } satisfies ListRequest);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('The scan is over.');
    await Promise.all(this.workers.map((s) => s.w.terminate().catch(() => 0)));
  }
}

/**
 * The same listings made on this thread, one folder per turn of the event loop: for `obc backup`, where nothing else
 * waits on the main thread during the scan. The scan worker's isolate (~34 MB of RSS, ~15 MB of it the worker's own
 * type stripping) sat beside scrypt's 128 MiB at the start of every run, and made the peak depend on whether the scan
 * ended before scrypt had touched its memory (README 2026-12-05, session 10 start18). The console keeps the worker:
 * there the thread serves the window, and a folder of many names is listed in one go.
 */
export class HereLister {
  list(dir: FsPath, sep = pathSep): Promise<ListReply['listing']> {
    // listFolder reports file-system errors in its result; anything else it throws rejects here, as the worker's
    // 'error' does for FolderLister, instead of escaping from the callback as an uncaught exception.
    return new Promise((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(listFolder(dir, sep));
        } catch (err) {
          reject(err);
        }
      }),
    );
  }

  async close(): Promise<void> {}
}
