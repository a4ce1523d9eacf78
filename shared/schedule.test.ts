import { describe, expect, it } from 'vitest';
import { formatRun, nextRuns, offsetAt, zonedToInstant, HALF_HOURS } from './schedule.ts';
import type { Schedule } from './policy.ts';

const iso = (ms: number[]) => ms.map((t) => new Date(t).toISOString());
const at = (s: string) => Date.parse(s);
const base: Schedule = { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };

describe('nextRuns', () => {
  it('daily in UTC, strictly after now, sorted across several times', () => {
    expect(iso(nextRuns({ ...base, times: ['21:00', '09:30'] }, at('2026-11-22T09:30:00Z')))).toEqual([
      '2026-11-22T21:00:00.000Z',
      '2026-11-23T09:30:00.000Z',
      '2026-11-23T21:00:00.000Z',
    ]);
  });
  it('uses the schedule time zone', () => {
    const runs = nextRuns({ ...base, timeZone: 'America/New_York' }, at('2026-11-22T12:00:00Z'));
    expect(iso(runs)[0]).toBe('2026-11-23T02:00:00.000Z'); // 21:00 EST = 02:00Z next day
  });
  it('weekly, every 2 weeks, counted from the anchor week', () => {
    const s: Schedule = { ...base, frequency: 'weekly', days: ['sunday', 'wednesday'], everyWeeks: 2 };
    // 2026-11-22 is a Sunday.
    expect(iso(nextRuns(s, at('2026-11-22T00:00:00Z'), 3, at('2026-11-22T00:00:00Z')))).toEqual([
      '2026-11-22T21:00:00.000Z',
      '2026-11-25T21:00:00.000Z',
      '2026-12-06T21:00:00.000Z',
    ]);
    expect(nextRuns({ ...s, everyWeeks: 4 }, at('2026-11-23T00:00:00Z'), 1, at('2026-11-22T00:00:00Z'))).toEqual([
      at('2026-11-25T21:00:00Z'),
    ]);
  });
  it('a time in the spring DST gap runs after the shift; ambiguous autumn time runs once', () => {
    const tz = 'Europe/Berlin';
    expect(new Date(zonedToInstant({ y: 2026, m: 3, d: 29, H: 2, M: 30 }, tz)).toISOString()).toBe(
      '2026-03-29T01:30:00.000Z',
    );
    const runs = nextRuns({ ...base, times: ['02:30'], timeZone: tz }, at('2026-10-24T12:00:00Z'), 2);
    expect(iso(runs)).toEqual(['2026-10-25T01:30:00.000Z', '2026-10-26T01:30:00.000Z']);
    expect(offsetAt(at('2026-07-01T00:00:00Z'), tz)).toBe(2 * 3600_000);
  });
  it('empty when nothing to run', () => {
    expect(nextRuns({ ...base, times: [] }, 0)).toEqual([]);
    expect(nextRuns({ ...base, frequency: 'weekly', days: [] }, 0)).toEqual([]);
  });
  it('formats with the zone and offers 48 half hours', () => {
    expect(formatRun(at('2026-11-22T21:00:00Z'), 'UTC')).toBe('Sun, 22 Nov 2026, 21:00 (UTC)');
    expect(HALF_HOURS.length).toBe(48);
    expect(HALF_HOURS[47]).toBe('23:30');
  });
});
