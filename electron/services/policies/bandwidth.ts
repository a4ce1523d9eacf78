/**
 * Change Properties' throttling applied to online uploads: a token bucket whose rate follows the policy's work and
 * non-work hours (shared/throttling.ts). The online engine calls `acquire(bytes, signal)` before it sends each block;
 * callers are served in order, so several uploads in parallel share one rate. The bucket starts empty and holds at
 * most a fifth of a second of the rate (64 KiB at least), so a transfer never runs ahead of the limit by more than
 * that; a block larger than the bucket is paid for by waiting. The throttling settings and the time zone are read
 * at every call, so a change in Change Properties applies to a run in progress.
 */
import type { Policy, Throttling } from '../../../shared/policy-schema.ts';
import { rateAt } from '../../../shared/throttling.ts';
import type { BandwidthLimiter } from '../online/limiter.ts';
import { sleep } from '../sleep.ts';

export interface LimiterClock {
  now(): number;
  /** Resolves after `ms` (rejects with the signal's reason when aborted). */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: LimiterClock = { now: () => Date.now(), sleep };

export class ThrottleLimiter implements BandwidthLimiter {
  private readonly throttling: () => Throttling;
  private readonly timeZone: () => string;
  private readonly clock: LimiterClock;
  private tokens = 0;
  private last: number;
  private queue: Promise<void> = Promise.resolve();

  constructor(o: { throttling: () => Throttling; timeZone: () => string; clock?: LimiterClock }) {
    this.throttling = o.throttling;
    this.timeZone = o.timeZone;
    this.clock = o.clock ?? realClock;
    this.last = this.clock.now();
  }

  private static capacity(rate: number): number {
    return Math.max(64 * 1024, rate / 5);
  }

  /** Adds what the rate earned since the last look, period by period, up to the bucket's size. */
  private refill(now: number): void {
    let t = this.last;
    while (t < now) {
      const r = rateAt(this.throttling(), t, this.timeZone());
      if (r.bytesPerSecond === null) {
        this.tokens = 0;
        break;
      }
      const end = Math.min(now, r.until ?? now);
      this.tokens = Math.min(
        ThrottleLimiter.capacity(r.bytesPerSecond),
        this.tokens + ((end - t) / 1000) * r.bytesPerSecond,
      );
      if (end <= t) break;
      t = end;
    }
    this.last = now;
  }

  acquire(bytes: number, signal?: AbortSignal): Promise<void> {
    const mine = this.queue.then(() => this.take(bytes, signal));
    this.queue = mine.catch(() => undefined);
    return mine;
  }

  private async take(bytes: number, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    this.refill(this.clock.now());
    this.tokens -= bytes;
    while (this.tokens < 0) {
      const now = this.clock.now();
      const r = rateAt(this.throttling(), now, this.timeZone());
      if (r.bytesPerSecond === null) {
        // Throttling was switched off while waiting: nothing more to pay.
        this.tokens = 0;
        return;
      }
      const needMs = Math.ceil((-this.tokens / r.bytesPerSecond) * 1000);
      // Wake at the next period boundary at the latest: the rate may change there.
      const wait = Math.max(1, r.until !== null ? Math.min(needMs, r.until - now) : needMs);
      await this.clock.sleep(wait, signal);
      this.refill(this.clock.now());
    }
  }
}

/**
 * The limiter of each online run of a policy (the online engine's `LimiterFor` shape): this machine's throttling
 * (Change Properties, read at every call) on the wall clock of the policy's schedule time zone. Always a
 * ThrottleLimiter, so throttling switched on during a run applies to it.
 */
export function limiterFor(
  store: { readonly throttling: Throttling },
  clock?: LimiterClock,
): (policy: Policy) => BandwidthLimiter {
  return (policy) =>
    new ThrottleLimiter({
      throttling: () => store.throttling,
      timeZone: () => policy.schedule.timeZone,
      ...(clock ? { clock } : {}),
    });
}
