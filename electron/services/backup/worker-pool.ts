import { Worker } from 'node:worker_threads';
import type { JobKeys } from './crypto.ts';
import type { UnitList } from './plan.ts';
import type { FromWorker, OutBatch, ToWorker } from './worker-protocol.ts';

/** Shared ring per worker: must hold two of the largest sealed chunks (4 MiB max) plus slack. */
const RING_BYTES = 10 << 20;

export const CHUNK_WORKER_URL = new URL('./chunk-worker.ts', import.meta.url);

/**
 * Hands work units to N chunk workers (two queued per worker so none idles) and funnels their output batches
 * through one sequential handler. Resolves when every unit is done and handled; rejects on the first error.
 * Each unit is made (`units.take`) when it is handed to a worker.
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
}): Promise<void> {
  if (opts.units.length === 0) return;
  opts.signal?.throwIfAborted();
  const workers: Worker[] = [];
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
      const feed = (w: Worker) => {
        if (next < opts.units.length) {
          outstanding++;
          const pieces = opts.units.take(next++);
          w.postMessage({ type: 'unit', pieces } satisfies ToWorker);
        }
      };
      onAbort = () => fail(opts.signal!.reason);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      const n = Math.max(1, Math.min(opts.workers, opts.units.length || 1));
      for (let i = 0; i < n; i++) {
        // A small young generation: the workers' JS objects are tiny and short-lived; the bytes live outside the heap.
        const w = new Worker(opts.workerUrl ?? CHUNK_WORKER_URL, { resourceLimits: { maxYoungGenerationSizeMb: 8 } });
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
            feed(w);
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
        feed(w);
      }
      maybeDone();
    });
  } finally {
    settled = true;
    if (onAbort) opts.signal?.removeEventListener('abort', onAbort);
    await Promise.all(workers.map((w) => w.terminate().catch(() => 0)));
    // Let a pack commit that is under way finish before the caller cleans up.
    await chain.catch(() => undefined);
  }
}
