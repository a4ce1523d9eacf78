import { describe, expect, it } from 'vitest';
import type { Schedule } from './policy.ts';
import { evaluateRetention, type RestorePointRef } from './retention.ts';
import { defaultRetention, type Retention } from './retention-rules.ts';
import { nextRuns } from './schedule.ts';

const H = 3_600_000;
const DAY = 24 * H;
const utc = (s: string) => Date.parse(s.endsWith('Z') ? s : `${s}Z`);
const daily2: Schedule = { frequency: 'daily', times: ['00:00', '18:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };

/** MARS-BK's example: daily 7 days; Saturday 4 weeks; last Saturday 12 months; last Saturday of March 10 years. */
const marsExample = (): Retention => ({
  daily: { enabled: true, count: 7 },
  weekly: { enabled: true, count: 4, days: ['saturday'], times: ['00:00', '18:00'] },
  monthly: {
    enabled: true,
    count: 12,
    by: 'week',
    daysOfMonth: [],
    weeksOfMonth: ['last'],
    weekdays: ['saturday'],
    times: ['00:00', '18:00'],
  },
  yearly: {
    enabled: true,
    count: 10,
    by: 'week',
    daysOfMonth: [],
    weeksOfMonth: ['last'],
    weekdays: ['saturday'],
    times: ['00:00', '18:00'],
    months: ['march'],
  },
});

/** A point at every run of the schedule from `from` up to and including `to`. */
function runsBetween(s: Schedule, from: number, to: number, anchor = from): number[] {
  const out: number[] = [];
  let t = from - 1;
  for (;;) {
    const next = nextRuns(s, t, 1, anchor)[0];
    if (next === undefined || next > to) return out;
    out.push(next);
    t = next;
  }
}
const pts = (times: number[]): RestorePointRef[] => times.map((t) => ({ id: new Date(t).toISOString(), time: t }));

describe('evaluateRetention: MARS example, every scheduled backup present (UTC)', () => {
  const now = utc('2026-06-15T12:00:00');
  const times = runsBetween(daily2, utc('2015-01-01T00:00:00'), now);
  const result = evaluateRetention({ schedule: daily2, retention: marsExample(), points: pts(times), now });

  it('keeps exactly what an independent reading of the four rows keeps', () => {
    // The oracle: plain UTC calendar arithmetic, written without the evaluator's slot machinery.
    const addMonths = (t: number, n: number) => {
      const d = new Date(t);
      const y = d.getUTCFullYear() + Math.floor((d.getUTCMonth() + n) / 12);
      const m = (d.getUTCMonth() + n) % 12;
      const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
      return Date.UTC(y, m, Math.min(d.getUTCDate(), last), d.getUTCHours(), d.getUTCMinutes());
    };
    const isLastSat = (t: number) => {
      const d = new Date(t);
      return (
        d.getUTCDay() === 6 &&
        d.getUTCDate() + 7 > new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate()
      );
    };
    const expected = times.filter((t) => {
      const d = new Date(t);
      const dailyKeep = now < t + 7 * DAY;
      const weeklyKeep = d.getUTCDay() === 6 && now < t + 28 * DAY;
      const monthlyKeep = isLastSat(t) && now < addMonths(t, 12);
      const yearlyKeep = isLastSat(t) && d.getUTCMonth() === 2 && now < addMonths(t, 120);
      return dailyKeep || weeklyKeep || monthlyKeep || yearlyKeep || t === times[times.length - 1];
    });
    expect(result.keep.slice().sort()).toEqual(
      pts(expected)
        .map((p) => p.id)
        .sort(),
    );
    // 14 daily + 8 weekly + 24 monthly + 20 yearly, less the overlaps: 13 June (daily and weekly), 30 May (weekly and
    // monthly), 28 March 2026 (monthly and yearly), two backups each.
    expect(result.keep).toHaveLength(14 + 8 + 24 + 20 - 2 - 2 - 2);
    expect(result.expire.length + result.keep.length).toBe(times.length);
  });

  it('says which rule keeps each point, until when, and why the others go', () => {
    const byId = new Map(result.decisions.map((d) => [d.id, d]));
    const lastSatMay = byId.get('2026-05-30T18:00:00.000Z')!;
    expect(lastSatMay.reasons.map((r) => r.rule)).toEqual(['weekly', 'monthly']);
    expect(lastSatMay.keptUntil).toBe('2027-05-30T18:00:00.000Z');
    expect(lastSatMay.reasons[1].text).toBe(
      'Monthly (last Saturday): the backup due 2026-05-30 18:00 UTC, kept 12 months until 2027-05-30 18:00.',
    );
    const march2017 = byId.get('2017-03-25T00:00:00.000Z')!;
    expect(march2017.reasons).toEqual([
      {
        rule: 'yearly',
        slot: '2017-03-25T00:00:00.000Z',
        until: '2027-03-25T00:00:00.000Z',
        text: 'Yearly (last Saturday of March): the backup due 2017-03-25 00:00 UTC, kept 10 years until 2027-03-25 00:00.',
      },
    ]);
    expect(byId.get('2016-03-26T00:00:00.000Z')).toMatchObject({
      keep: false,
      reasons: [],
      keptUntil: null,
      note: expect.stringMatching(/^Expires: /),
    });
    expect(byId.get('2026-06-15T00:00:00.000Z')!.reasons.map((r) => r.rule)).toEqual(['newest', 'daily']);
    expect(result.decisions[0].id).toBe('2026-06-15T00:00:00.000Z'); // newest first
  });
});

describe('evaluateRetention: single rules', () => {
  it('a missing Saturday backup: the next backup stands in for it as the weekly point', () => {
    const now = utc('2026-06-15T12:00:00');
    const times = runsBetween(daily2, utc('2026-05-01T00:00:00'), now).filter(
      (t) => !new Date(t).toISOString().startsWith('2026-06-06'),
    );
    const r = {
      ...marsExample(),
      monthly: { ...marsExample().monthly, enabled: false },
      yearly: { ...marsExample().yearly, enabled: false },
    };
    const res = evaluateRetention({ schedule: daily2, retention: r, points: pts(times), now });
    const sunday = res.decisions.find((d) => d.id === '2026-06-07T00:00:00.000Z')!;
    expect(sunday.keep).toBe(true);
    expect(sunday.reasons).toHaveLength(1);
    expect(sunday.reasons[0]).toMatchObject({
      rule: 'weekly',
      slot: '2026-06-06T18:00:00.000Z',
      until: '2026-07-04T18:00:00.000Z',
    });
    expect(sunday.reasons[0].text).toMatch(/stands in for it: the backup at that time is missing\.$/);
    // Sunday 18:00 is no stand-in: the Saturday 18:00 slot already has its point.
    expect(res.decisions.find((d) => d.id === '2026-06-07T18:00:00.000Z')!.keep).toBe(false);
  });

  it('Retain Backup Till keeps a point through the end of that day in the schedule’s time zone', () => {
    const s: Schedule = { ...daily2, timeZone: 'Europe/Berlin' };
    const r = defaultRetention(s);
    r.daily.count = 1;
    const points: RestorePointRef[] = [
      { id: 'seed', time: '2026-01-10T08:00:00Z', retainUntil: '2026-06-15' },
      { id: 'later', time: '2026-06-20T16:00:00Z' },
    ];
    const at = (iso: string) =>
      evaluateRetention({ schedule: s, retention: r, points, now: utc(iso) }).decisions.find((d) => d.id === 'seed')!;
    expect(at('2026-06-15T21:59:00').reasons).toEqual([
      {
        rule: 'retainUntil',
        until: '2026-06-15T22:00:00.000Z',
        text: 'Retain Backup Till 2026-06-15 (through the end of that day, Europe/Berlin).',
      },
    ]);
    expect(at('2026-06-15T22:00:00').keep).toBe(false);
  });

  it('the newest point is kept however old; a point after `now` is kept and said to be so', () => {
    const r = defaultRetention(daily2);
    r.daily.count = 1;
    const res = evaluateRetention({
      schedule: daily2,
      retention: r,
      points: [{ id: 'old', time: '2001-01-01T00:00:00Z' }],
      now: utc('2026-01-01T00:00:00'),
    });
    expect(res.decisions[0].reasons.map((x) => x.rule)).toEqual(['newest']);
    const fut = evaluateRetention({
      schedule: daily2,
      retention: r,
      points: [
        { id: 'a', time: '2026-01-01T00:00:00Z' },
        { id: 'b', time: '2026-03-01T00:00:00Z' },
      ],
      now: utc('2026-02-01T00:00:00'),
    });
    expect(fut.decisions[0]).toMatchObject({ id: 'b', keep: true });
    expect(fut.decisions[0].reasons.map((x) => x.rule)).toEqual(['newest', 'future']);
    expect(fut.expire).toEqual(['a']);
  });

  it('daily rows are counted on the wall clock across a daylight-saving change (Europe/Berlin, 02:30 in the spring gap)', () => {
    const s: Schedule = {
      frequency: 'daily',
      times: ['01:00', '02:30'],
      days: [],
      everyWeeks: 1,
      timeZone: 'Europe/Berlin',
    };
    const r = defaultRetention(s);
    r.daily.count = 3;
    const times = runsBetween(s, utc('2026-03-20T00:00:00'), utc('2026-04-02T00:00:00'));
    // 29 March has no 02:30: that run is at 03:30 CEST (01:30 UTC).
    expect(times.map((t) => new Date(t).toISOString())).toContain('2026-03-29T01:30:00.000Z');
    const dec = (now: string) =>
      evaluateRetention({ schedule: s, retention: r, points: pts(times), now: utc(now) }).decisions.find(
        (d) => d.id === '2026-03-28T01:30:00.000Z',
      )!;
    // 28 March 02:30 CET + 3 days on the wall clock = 31 March 02:30 CEST = 00:30 UTC (71 hours later, not 72).
    expect(dec('2026-03-31T00:29:00')).toMatchObject({ keep: true, keptUntil: '2026-03-31T00:30:00.000Z' });
    expect(dec('2026-03-31T00:30:00').keep).toBe(false);
    const gap = evaluateRetention({
      schedule: s,
      retention: r,
      points: pts(times),
      now: utc('2026-03-30T12:00:00'),
    }).decisions.find((d) => d.id === '2026-03-29T01:30:00.000Z')!;
    expect(gap.reasons[0]).toMatchObject({
      rule: 'daily',
      slot: '2026-03-29T01:30:00.000Z',
      until: '2026-04-01T00:30:00.000Z',
    });
  });

  it('monthly by day: the last day, and a month added to the 31st ends on the last day of the next month', () => {
    const s: Schedule = { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };
    const r = defaultRetention(s);
    r.daily.count = 1;
    r.monthly = { ...r.monthly, enabled: true, count: 1, by: 'day', daysOfMonth: ['last', 15] };
    const times = runsBetween(s, utc('2026-01-01T00:00:00'), utc('2026-03-05T00:00:00'));
    const res = (now: string) => evaluateRetention({ schedule: s, retention: r, points: pts(times), now: utc(now) });
    const jan31 = res('2026-02-27T00:00:00').decisions.find((d) => d.id === '2026-01-31T21:00:00.000Z')!;
    expect(jan31.reasons[0]).toMatchObject({ rule: 'monthly', until: '2026-02-28T21:00:00.000Z' });
    expect(res('2026-02-28T21:00:00').decisions.find((d) => d.id === '2026-01-31T21:00:00.000Z')!.keep).toBe(false);
    expect(res('2026-03-05T00:00:00').keep.sort()).toEqual([
      '2026-02-15T21:00:00.000Z',
      '2026-02-28T21:00:00.000Z',
      '2026-03-04T21:00:00.000Z',
    ]);
  });

  it('yearly by week of the month: the first Monday of January and July', () => {
    const s: Schedule = {
      frequency: 'weekly',
      times: ['06:00'],
      days: ['monday'],
      everyWeeks: 1,
      timeZone: 'America/New_York',
    };
    const r = defaultRetention(s);
    r.daily.enabled = false;
    r.yearly = {
      ...r.yearly,
      enabled: true,
      count: 2,
      weeksOfMonth: ['first'],
      weekdays: ['monday'],
      months: ['january', 'july'],
    };
    const times = runsBetween(s, utc('2023-01-01T00:00:00'), utc('2026-02-01T00:00:00'));
    const res = evaluateRetention({ schedule: s, retention: r, points: pts(times), now: utc('2026-02-01T00:00:00') });
    // First Mondays: 2024-07-01, 2025-01-06, 2025-07-07, 2026-01-05 (within 2 years); 2024-01-01 + 2 years < now.
    expect(res.keep.sort()).toEqual([
      '2024-07-01T10:00:00.000Z',
      '2025-01-06T11:00:00.000Z',
      '2025-07-07T10:00:00.000Z',
      '2026-01-05T11:00:00.000Z',
      '2026-01-26T11:00:00.000Z',
    ]);
  });

  it('a weekly schedule every 2 weeks: daily retention keeps the scheduled runs, not the off-week points', () => {
    const s: Schedule = { frequency: 'weekly', times: ['20:00'], days: ['wednesday'], everyWeeks: 2, timeZone: 'UTC' };
    const r = defaultRetention(s);
    r.daily.count = 60;
    const anchor = utc('2026-01-05T00:00:00');
    const runs = runsBetween(s, anchor, utc('2026-03-01T00:00:00'), anchor);
    expect(runs.map((t) => new Date(t).toISOString().slice(0, 10))).toEqual([
      '2026-01-07',
      '2026-01-21',
      '2026-02-04',
      '2026-02-18',
    ]);
    const offWeek = { id: 'on-demand', time: '2026-01-14T20:00:00Z' }; // no Retain Backup Till, not a stand-in
    const res = evaluateRetention({
      schedule: s,
      retention: r,
      points: [...pts(runs), offWeek],
      now: utc('2026-03-01T00:00:00'),
      anchor,
    });
    expect(res.expire).toEqual(['on-demand']);
  });

  it('refuses what it cannot judge, loudly', () => {
    const r = defaultRetention(daily2);
    const base = { schedule: daily2, retention: r, now: utc('2026-01-01T00:00:00') };
    expect(() =>
      evaluateRetention({
        ...base,
        points: [
          { id: 'a', time: 1 },
          { id: 'a', time: 2 },
        ],
      }),
    ).toThrow('Restore point "a" is listed twice.');
    expect(() => evaluateRetention({ ...base, points: [{ id: 'a', time: 'yesterday' }] })).toThrow(
      'Restore point "a" has no valid time (yesterday).',
    );
    expect(() => evaluateRetention({ ...base, points: [{ id: 'a', time: 1, retainUntil: '2026-02-30' }] })).toThrow(
      /not a date \(2026-02-30\)/,
    );
    expect(() =>
      evaluateRetention({ ...base, retention: { ...r, daily: { enabled: true, count: 0 } }, points: [] }),
    ).toThrow("The policy's retention cannot be applied: Daily retention must be 1 to 9999 days (got 0).");
    expect(() => evaluateRetention({ ...base, now: NaN, points: [] })).toThrow(/not a valid instant/);
    expect(evaluateRetention({ ...base, points: [] })).toEqual({ decisions: [], keep: [], expire: [] });
  });
});
