import { Worker } from 'node:worker_threads';
import type { JobKeys } from './crypto.ts';
import type { UnitList } from './plan.ts';
import type { FromWorker, OutBatch, ToWorker } from './worker-protocol.ts';

/** Shared ring per worker: must hold two of the largest sealed chunks (4 MiB max) plus slack. */
const RING_BYTES = 10 << 20;

export const CHUNK_WORKER_URL = new URL('./chunk-worker.ts', import.meta.url);

/** Settles when a chunk worker has loaded (its `ready`) or stopped: see `endWorker`. */
const loaded = new WeakMap<Worker, Promise<void>>();
/** How long `endWorker` waits for a worker to load before it ends it anyway. */
const LOAD_WAIT_MS = 30_000;

function spawnChunkWorker(url?: URL): Worker {
  // A small young generation: the workers' JS objects are tiny and short-lived; the bytes live outside the heap.
  const w = new Worker(url ?? CHUNK_WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
  loaded.set(
    w,
    new Promise<void>((resolve) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') done();
      };
      const done = () => {
        w.off('message', onMessage);
        resolve();
      };
      w.on('message', onMessage);
      w.once('exit', done);
    }),
  );
  return w;
}

/**
 * Ends a worker once it has loaded: a worker terminated while it is still loading (Node compiling its built-in
 * modules, the chunk worker making its `gc` context) makes V8 print "Exception thrown during bootstrapping" and a page
 * of Node's own source on stderr, which CI showed when a run that had started its workers ahead stopped before its
 * read pass. Waiting costs at most the worker's start-up (~0.1-0.2 s), and never more than LOAD_WAIT_MS.
 */
function endWorker(w: Worker): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, LOAD_WAIT_MS);
    timer.unref();
  });
  return Promise.race([loaded.get(w) ?? Promise.resolve(), limit])
    .then(() => {
      clearTimeout(timer);
      return w.terminate();
    })
    .catch(() => 0);
}

/**
 * Chunk workers started ahead of their pass, so that their start-up (a thread, an isolate and the worker's modules:
 * ~0.1-0.15 CPU-s each from TypeScript source) runs beside the scan instead of between the scan and the first byte
 * read (issue 15). They get no key and no work until the pass hands them to `runPool` (`take`). A worker that fails
 * or stops before then is remembered and fails the pass that takes it. `close` ends the ones never taken (a run that
 * stops before its read pass); a `start` after `close` starts nothing.
 */
export class StartedWorkers {
  private workers: Worker[] | null = null;
  private closed = false;
  private failure: unknown = null;
  private readonly detach: Array<() => void> = [];
  private readonly want: number;
  private readonly url: URL | undefined;
  constructor(count: number, url?: URL) {
    this.want = Math.max(1, count);
    this.url = url;
  }

  /** Starts the workers (once; not after `close` or `take`). */
  start(): void {
    if (this.closed || this.workers) return;
    const onError = (err: unknown) => {
      this.failure ??= err;
    };
    const onExit = (code: number) => {
      this.failure ??= new Error(`A backup worker stopped unexpectedly (exit code ${code}).`);
    };
    this.workers = Array.from({ length: this.want }, () => {
      const w = spawnChunkWorker(this.url);
      w.on('error', onError);
      w.on('exit', onExit);
      this.detach.push(() => w.off('error', onError).off('exit', onExit));
      return w;
    });
  }

  /** What made a worker fail or stop before a pass took it, if anything did. */
  get failed(): unknown {
    return this.failure;
  }

  get count(): number {
    return this.workers?.length ?? 0;
  }

  /**
   * The workers, once (a second pass starts its own), or null when they were not started; throws what made one of
   * them fail meanwhile.
   */
  take(): Worker[] | null {
    const ws = this.workers;
    this.workers = null;
    this.closed = true;
    if (!ws) return null;
    if (this.failure) {
      // Their listeners stay until they end: another worker failing to load meanwhile must not be an unhandled
      // 'error' event (it crashed the test run once the end waited for the worker's load).
      void Promise.all(ws.map(endWorker));
      throw this.failure;
    }
    // From here the pool listens to them itself.
    for (const d of this.detach) d();
    return ws;
  }

  /** Ends the workers no pass took. */
  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = null;
    this.closed = true;
    await Promise.all((ws ?? []).map(endWorker));
  }
}

/**
 * Hands work units to N chunk workers (two queued per worker so none idles) and funnels their output batches
 * through one sequential handler. Resolves when every unit is done and handled; rejects on the first error.
 * Each unit is made (`units.take`) when it is handed to a worker. The workers get their first units before this
 * function first awaits, so the caller can do other work right after calling it (read-pass.ts collects the scan's
 * garbage then).
 */
export async function runPool(opts: {
  keys: JobKeys;
  known: Uint8Array;
  level: number;
  workers: number;
  units: UnitList;
  signal?: AbortSignal;
  /** Handles one batch; `ring` holds the sealed chunks it points at, valid until the handler returns. */
  handle: (batch: OutBatch, ring: Buffer) => Promise<void>;
  ringBytes?: number;
  workerUrl?: URL;
  /** Workers started ahead (`StartedWorkers.take`): used instead of starting new ones, ended with the pool. */
  started?: Worker[] | null;
}): Promise<void> {
  const workers: Worker[] = [];
  const started = opts.started ?? [];
  if (opts.units.length === 0 || opts.signal?.aborted) {
    await Promise.all(started.map(endWorker));
    if (opts.units.length === 0) return;
    opts.signal?.throwIfAborted();
  }
  let onAbort: (() => void) | null = null;
  let next = 0;
  let outstanding = 0;
  let chain = Promise.resolve();
  let settled = false;
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (err: unknown) => {
        if (settled) return;
        settled = true;
        reject(err);
      };
      const maybeDone = () => {
        if (!settled && next >= opts.units.length && outstanding === 0) {
          chain.then(() => {
            if (!settled) {
              settled = true;
              resolve();
            }
          }, fail);
        }
      };
      const n = Math.max(1, Math.min(opts.workers, opts.units.length || 1));
      /** Units handed to each worker and not yet done. */
      const queued = new Map<Worker, number>();
      const feed = (w: Worker) => {
        if (next < opts.units.length) {
          outstanding++;
          queued.set(w, (queued.get(w) ?? 0) + 1);
          const pieces = opts.units.take(next++);
          w.postMessage({ type: 'unit', pieces } satisfies ToWorker);
        }
      };
      /**
       * Two units per worker (one read, one waiting) while more units are left than there are workers, so none idles
       * while the main thread is busy; then a unit goes only to a worker that has none left, so the last ones are
       * shared out as workers finish instead of waiting behind another unit of a busy worker (issue 15: with units of
       * up to 16 MiB of small files or a 64 MiB segment, one core could run alone for a second unit at the end).
       */
      const refill = (w: Worker) => {
        if (opts.units.length - next > n || (queued.get(w) ?? 0) === 0) feed(w);
      };
      onAbort = () => fail(opts.signal!.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // Started workers beyond what this pass needs end now; missing ones start here.
      for (const w of started.slice(n)) void endWorker(w);
      for (let i = 0; i < n; i++) {
        const w = started[i] ?? spawnChunkWorker(opts.workerUrl);
        const sab = new SharedArrayBuffer(opts.ringBytes ?? RING_BYTES);
        const ring = Buffer.from(sab);
        workers.push(w);
        w.on('error', fail);
        w.on('exit', (code) => {
          if (!settled && code !== 0) fail(new Error(`A backup worker stopped unexpectedly (exit code ${code}).`));
        });
        w.on('message', (m: FromWorker) => {
          if (settled) return;
          if (m.type === 'out') {
            chain = chain.then(async () => {
              if (settled) return;
              await opts.handle(m, ring);
              w.postMessage({ type: 'credit', bytes: m.bytes } satisfies ToWorker);
            });
            chain.catch(fail);
          } else if (m.type === 'unitDone') {
            outstanding--;
            queued.set(w, (queued.get(w) ?? 1) - 1);
            refill(w);
            maybeDone();
          } else if (m.type === 'fatal') {
            fail(new Error(`A backup worker failed: ${m.message}`));
          }
        });
        const known = n === 1 ? opts.known : opts.known.slice();
        w.postMessage({
          type: 'init',
          enc: opts.keys.enc,
          mac: opts.keys.mac,
          level: opts.level,
          known,
          ring: sab,
        } satisfies ToWorker);
        feed(w);
      }
      for (const w of workers) refill(w);
      maybeDone();
    });
  } finally {
    settled = true;
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map(endWorker));
    // Let a pack commit that is under way finish before the caller cleans up.
    await chain.catch(() => undefined);
  }
}
