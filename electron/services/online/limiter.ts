/**
 * The bandwidth seam between the online engine and Change Properties' throttling (work hours / non-work hours).
 * The engine calls `acquire(bytes, signal)` before it sends each block of a pack or catalog and sends the block
 * when the promise resolves; whoever builds the limiter decides the rate (and may change it while a run goes on).
 * `NO_LIMIT` is the default. `rateLimiter(rate)` is a token bucket over a rate function (bytes per second, read at
 * every acquire, so a schedule-aware limiter is one function of the clock); it is the one the engine's own
 * throttling test measures.
 */
export interface BandwidthLimiter {
  /** Resolves when `bytes` may be sent; rejects with the signal's reason once it is aborted. Never partial. */
  acquire(bytes: number, signal?: AbortSignal): Promise<void>;
}

export const NO_LIMIT: BandwidthLimiter = {
  acquire: async (_bytes, signal) => signal?.throwIfAborted(),
};

export interface RateLimiterOptions {
  /** Bytes a burst may send at once before the rate applies (default: one second's worth, at least 64 KiB). */
  burstBytes?: number;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * A token bucket: tokens accrue at `rate()` bytes per second up to the burst size; `acquire(n)` waits until n tokens
 * are there (a request larger than the burst waits for the bucket to be full, then goes into debt, so a 4 MiB block
 * under a 512 Kbps limit still goes, at that rate). Requests are served in order. `rate()` ≤ 0 or not finite = no limit.
 */
export function rateLimiter(rate: () => number, o: RateLimiterOptions = {}): BandwidthLimiter {
  const now = o.now ?? (() => performance.now());
  const sleep = o.sleep ?? defaultSleep;
  let tokens = 0;
  let last = now();
  let queue: Promise<void> = Promise.resolve();
  const burstOf = (r: number) => o.burstBytes ?? Math.max(64 * 1024, r);
  const take = async (bytes: number, signal?: AbortSignal): Promise<void> => {
    for (;;) {
      signal?.throwIfAborted();
      const r = rate();
      const t = now();
      if (!(r > 0) || !Number.isFinite(r)) {
        last = t;
        return;
      }
      const burst = burstOf(r);
      tokens = Math.min(burst, tokens + ((t - last) / 1000) * r);
      last = t;
      const need = Math.min(bytes, burst);
      if (tokens >= need) {
        tokens -= bytes;
        return;
      }
      await sleep(Math.max(1, Math.ceil(((need - tokens) / r) * 1000)), signal);
    }
  };
  return {
    acquire(bytes, signal) {
      const mine = queue.then(() => take(bytes, signal));
      queue = mine.catch(() => undefined);
      return mine;
    },
  };
}
