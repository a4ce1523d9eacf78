import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_THROTTLING, type Throttling } from '../../../shared/policy-schema.ts';
import { kbpsToBytesPerSecond, rateAt } from '../../../shared/throttling.ts';
import { ThrottleLimiter, limiterFor, type LimiterClock } from './bandwidth.ts';
import type { BandwidthLimiter } from '../online/limiter.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { PolicyService } from './index.ts';
import { samplePolicy, tempDir, testProtector } from './test-policies.ts';

/** A clock that jumps forward on sleep (no real waiting). */
function fakeClock(start: number): LimiterClock & { t: number; sleeps: number } {
  const c = {
    t: start,
    sleeps: 0,
    now: () => c.t,
    sleep: async (ms: number, signal?: AbortSignal) => {
      signal?.throwIfAborted();
      c.sleeps++;
      c.t += ms;
    },
  };
  return c;
}

const ON: Throttling = {
  ...DEFAULT_THROTTLING,
  enabled: true,
  workDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  workStart: '09:00',
  workEnd: '18:00',
  workKbps: 512,
  nonWorkKbps: 8192,
};
const TZ = 'Europe/Amsterdam';
// Monday 2026-12-07 10:00 in Amsterdam (UTC+1).
const MON_10 = Date.parse('2026-12-07T09:00:00Z');

async function transfer(limiter: BandwidthLimiter, total: number, block: number): Promise<void> {
  for (let sent = 0; sent < total; sent += block) await limiter.acquire(Math.min(block, total - sent));
}

describe('throttling schedule', () => {
  it('is the work rate on work days in work hours, the non-work rate otherwise, in the policy’s zone', () => {
    expect(rateAt(ON, MON_10, TZ)).toMatchObject({
      period: 'work',
      bytesPerSecond: 64_000,
      until: Date.parse('2026-12-07T17:00:00Z'),
    });
    expect(rateAt(ON, Date.parse('2026-12-07T17:00:00Z'), TZ)).toMatchObject({
      period: 'nonWork',
      bytesPerSecond: 1_024_000,
      until: Date.parse('2026-12-08T08:00:00Z'),
    });
    // Saturday: non-work all day, next change Monday 09:00.
    expect(rateAt(ON, Date.parse('2026-12-12T12:00:00Z'), TZ)).toMatchObject({
      period: 'nonWork',
      until: Date.parse('2026-12-14T08:00:00Z'),
    });
    expect(rateAt({ ...ON, enabled: false }, MON_10, TZ)).toEqual({ bytesPerSecond: null, period: 'off', until: null });
    expect(kbpsToBytesPerSecond(512)).toBe(64_000);
  });
});

describe('ThrottleLimiter', () => {
  it('holds a bounded transfer to the work-hours rate within 10 %', async () => {
    const clock = fakeClock(MON_10);
    const l = new ThrottleLimiter({ throttling: () => ON, timeZone: () => TZ, clock });
    const total = 3_200_000; // 50 s at 64,000 B/s
    await transfer(l, total, 256 * 1024);
    const seconds = (clock.t - MON_10) / 1000;
    const rate = total / seconds;
    expect(Math.abs(rate - 64_000) / 64_000).toBeLessThan(0.1);
  });

  it('changes speed at the end of work hours, in the middle of a transfer', async () => {
    const start = Date.parse('2026-12-07T16:59:50Z'); // 17:59:50 local
    const clock = fakeClock(start);
    const l = new ThrottleLimiter({ throttling: () => ON, timeZone: () => TZ, clock });
    // 10 s at 64,000 B/s = 640,000 bytes, then 10 s at 1,024,000 B/s = 10,240,000 bytes.
    await transfer(l, 640_000 + 10_240_000, 64 * 1024);
    const seconds = (clock.t - start) / 1000;
    expect(seconds).toBeGreaterThan(18);
    expect(seconds).toBeLessThan(22);
  });

  it('serves parallel callers in order under one shared rate, and stops waiting when cancelled', async () => {
    const clock = fakeClock(MON_10);
    const l = new ThrottleLimiter({ throttling: () => ON, timeZone: () => TZ, clock });
    await Promise.all([transfer(l, 640_000, 32_000), transfer(l, 640_000, 32_000)]);
    expect((clock.t - MON_10) / 1000).toBeCloseTo(20, 0);
    const ac = new AbortController();
    ac.abort(new Error('cancelled'));
    await expect(l.acquire(1_000_000, ac.signal)).rejects.toThrow('cancelled');
    // A cancelled caller does not block the next one.
    await l.acquire(1);
  });

  it('applies a change made in Change Properties during the run, and no limit when off', async () => {
    const clock = fakeClock(MON_10);
    let t: Throttling = ON;
    const l = new ThrottleLimiter({ throttling: () => t, timeZone: () => TZ, clock });
    await transfer(l, 640_000, 64_000);
    expect((clock.t - MON_10) / 1000).toBeCloseTo(10, 0);
    t = { ...ON, enabled: false };
    const before = clock.t;
    await transfer(l, 100_000_000, 4 * 1024 * 1024);
    expect(clock.t).toBe(before);
  });

  it('never lets any transfer run more than 10 % (plus one bucket) above the rate (generated rates and blocks)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 512, max: 100_000 }),
        fc.integer({ min: 1, max: 8 * 1024 * 1024 }),
        fc.integer({ min: 2, max: 40 }),
        async (kbps, block, blocks) => {
          const clock = fakeClock(MON_10);
          const t = { ...ON, workKbps: kbps };
          const l = new ThrottleLimiter({ throttling: () => t, timeZone: () => TZ, clock });
          const total = block * blocks;
          const rate = kbpsToBytesPerSecond(kbps);
          // Keep inside work hours (the rate must not change during this check).
          fc.pre(total / rate < 7 * 3600);
          await transfer(l, total, block);
          const seconds = (clock.t - MON_10) / 1000;
          // The first block is paid for too (the bucket starts empty): the time is at least total / rate.
          expect(seconds * 1000).toBeGreaterThanOrEqual((total / rate) * 1000 - blocks);
          expect(seconds).toBeLessThanOrEqual((total / rate) * 1.1 + 0.01);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('limiterFor', () => {
  it('limits a run of the policy by the stored throttling on the schedule’s time zone, and follows a change', async () => {
    const svc = new PolicyService({
      dataDir: await tempDir(),
      protector: testProtector,
      tasks: new TaskManager(),
      lease: false,
    });
    await svc.load();
    const base = samplePolicy({}, await tempDir('obc-stg-'));
    await svc.save({ ...base, schedule: { ...base.schedule, timeZone: TZ } }, 'a passphrase of 24 chars');
    const clock = fakeClock(MON_10);
    const l = limiterFor(svc.store, clock)(svc.store.policy!);
    // Off by default: nothing waits.
    await transfer(l, 10_000_000, 1024 * 1024);
    expect(clock.t).toBe(MON_10);
    await svc.setProperties({ throttling: ON });
    await transfer(l, 640_000, 64_000);
    // Monday 10:00 in Amsterdam is work time: 64,000 B/s.
    expect((clock.t - MON_10) / 1000).toBeCloseTo(10, 0);
    svc.close();
  });
});
