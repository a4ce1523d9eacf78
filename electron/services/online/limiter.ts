/**
 * The bandwidth seam between the online engine and Change Properties' throttling (work hours / non-work hours).
 * The engine calls `acquire(bytes, signal)` before it sends each block of a pack or catalog and sends the block
 * when the promise resolves; whoever builds the limiter decides the rate (and may change it while a run goes on).
 * `NO_LIMIT` is the default; the token bucket that follows Change Properties' throttling is `ThrottleLimiter`
 * (policies/bandwidth.ts), the only one.
 */
export interface BandwidthLimiter {
  /** Resolves when `bytes` may be sent; rejects with the signal's reason once it is aborted. Never partial. */
  acquire(bytes: number, signal?: AbortSignal): Promise<void>;
}

export const NO_LIMIT: BandwidthLimiter = {
  acquire: async (_bytes, signal) => signal?.throwIfAborted(),
};
