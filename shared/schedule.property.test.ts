import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { HALF_HOURS, formatRun, isValidTimeZone, nextRuns, offsetAt, zonedToInstant } from './schedule.ts';
import { WEEKDAYS } from './policy.ts';
import { hostileNumber, hostileString } from './validators/hostile-arbitraries.ts';

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/St_Johns',
  'Asia/Kathmandu',
  'Australia/Lord_Howe',
  'Pacific/Chatham',
  'Etc/GMT-14',
];
const instant = fc.integer({ min: 0, max: 4_102_444_800_000 }); // 1970–2100

describe('schedule arithmetic with random and hostile values', () => {
  it('isValidTimeZone never throws', () => {
    fc.assert(
      fc.property(hostileString, (tz) => {
        expect(typeof isValidTimeZone(tz)).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('valid schedules: runs are strictly after `from`, sorted, distinct, on the chosen weekdays', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('daily', 'weekly') as fc.Arbitrary<'daily' | 'weekly'>,
        fc.uniqueArray(fc.constantFrom(...HALF_HOURS), { minLength: 1, maxLength: 3 }),
        fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1 }),
        hostileNumber,
        fc.constantFrom(...ZONES),
        instant,
        fc.integer({ min: 0, max: 10 }),
        (frequency, times, days, everyWeeks, timeZone, from, count) => {
          const runs = nextRuns({ frequency, times, days, everyWeeks, timeZone }, from, count);
          expect(runs.length).toBeLessThanOrEqual(count);
          for (let i = 0; i < runs.length; i++) {
            expect(runs[i]).toBeGreaterThan(from);
            if (i) expect(runs[i]).toBeGreaterThan(runs[i - 1]);
          }
          for (const r of runs) expect(typeof formatRun(r, timeZone)).toBe('string');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('zonedToInstant/offsetAt stay finite for any valid wall time in any zone', () => {
    fc.assert(
      fc.property(instant, fc.constantFrom(...ZONES), (ms, tz) => {
        expect(Number.isFinite(offsetAt(ms, tz))).toBe(true);
        const d = new Date(ms);
        const t = zonedToInstant(
          { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate(), H: d.getUTCHours(), M: 0 },
          tz,
        );
        expect(Number.isFinite(t)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
