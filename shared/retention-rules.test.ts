import { describe, expect, it } from 'vitest';
import type { Schedule } from './policy.ts';
import { policyInputSchema, upgradePolicyV1 } from './policy-schema.ts';
import {
  checkRetention,
  defaultRetention,
  describeRetention,
  fitRetentionToSchedule,
  recoveryPoints,
  type Retention,
} from './retention-rules.ts';

const daily: Schedule = { frequency: 'daily', times: ['00:00', '18:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };
const weekly: Schedule = {
  frequency: 'weekly',
  times: ['01:00', '09:30'],
  days: ['sunday', 'wednesday'],
  everyWeeks: 2,
  timeZone: 'UTC',
};

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

describe('retention rows as MARS has them', () => {
  it("accepts MARS's own example and describes it", () => {
    expect(checkRetention(marsExample(), daily)).toEqual({});
    expect(describeRetention(marsExample())).toEqual([
      'Daily: every backup, kept 7 days',
      'Weekly: Saturday at 00:00, 18:00, kept 4 weeks',
      'Monthly: last Saturday at 00:00, 18:00, kept 12 months',
      'Yearly: last Saturday of March at 00:00, 18:00, kept 10 years',
    ]);
    // 7 × 2 + 4 × 1 × 2 + 12 × 2 + 10 × 1 × 2
    expect(recoveryPoints(marsExample(), daily)).toBe(14 + 8 + 24 + 20);
  });

  it('a new policy keeps 30 days of every backup; the other rows start on the first backup day at every backup time', () => {
    expect(defaultRetention(daily)).toEqual({
      daily: { enabled: true, count: 30 },
      weekly: { enabled: false, count: 4, days: ['sunday'], times: ['00:00', '18:00'] },
      monthly: {
        enabled: false,
        count: 12,
        by: 'week',
        daysOfMonth: ['last'],
        weeksOfMonth: ['last'],
        weekdays: ['sunday'],
        times: ['00:00', '18:00'],
      },
      yearly: {
        enabled: false,
        count: 10,
        by: 'week',
        daysOfMonth: ['last'],
        weeksOfMonth: ['last'],
        weekdays: ['sunday'],
        times: ['00:00', '18:00'],
        months: ['december'],
      },
    });
    expect(defaultRetention(weekly).weekly.days).toEqual(['sunday']);
    expect(defaultRetention({ ...weekly, days: ['saturday', 'wednesday'] }).monthly.weekdays).toEqual(['wednesday']);
    expect(checkRetention(defaultRetention(weekly), weekly)).toEqual({});
  });

  it('weekly, monthly and yearly rows keep backup times of the schedule only', () => {
    const r = marsExample();
    r.weekly.times = ['00:00', '12:00'];
    r.monthly.times = [];
    r.yearly.times = ['18:00', '18:00'];
    expect(checkRetention(r, daily)).toEqual({
      'weekly.times': 'Weekly retention: 12:00 is not a backup time of the schedule (00:00, 18:00).',
      'monthly.times': 'Monthly retention: choose at least one backup time to keep.',
      'yearly.times': 'Yearly retention: 18:00 is chosen twice.',
    });
  });

  it('with a weekly schedule: weekdays must be backup days and monthly/yearly rows go by week of the month', () => {
    const r = defaultRetention(weekly);
    r.weekly = { ...r.weekly, enabled: true, days: ['saturday'] };
    r.monthly = { ...r.monthly, enabled: true, by: 'day', daysOfMonth: [1] };
    r.yearly = { ...r.yearly, enabled: true, weekdays: ['monday'] };
    expect(checkRetention(r, weekly)).toEqual({
      'weekly.days': 'Weekly retention: Saturday is not a backup day of the weekly schedule (Sunday, Wednesday).',
      'monthly.by':
        'With a weekly schedule, monthly retention must use a week of the month (for example the last Sunday): a date may not be a backup day.',
      'yearly.weekdays': 'Yearly retention: Monday is not a backup day of the weekly schedule (Sunday, Wednesday).',
    });
  });

  it('days of the month are 1–28 or the last day; weeks, weekdays and months must be chosen', () => {
    const r = marsExample();
    r.monthly = { ...r.monthly, by: 'day', daysOfMonth: [1, 29] };
    r.yearly = { ...r.yearly, months: [], weeksOfMonth: [], weekdays: [] };
    expect(checkRetention(r, daily)).toEqual({
      'monthly.daysOfMonth':
        'Monthly retention: day 29 is not 1 to 28 or "last" (later dates do not exist in every month).',
      'yearly.months': 'Yearly retention: choose at least one month.',
      'yearly.weeksOfMonth': 'Yearly retention: choose at least one week of the month (first … fourth, last).',
      'yearly.weekdays': 'Yearly retention: choose at least one day of the week.',
    });
    r.monthly.daysOfMonth = [1, 'last', 28];
    expect(checkRetention(r, daily)['monthly.daysOfMonth']).toBeUndefined();
    expect(describeRetention({ ...r, yearly: { ...r.yearly, enabled: false } })[2]).toBe(
      'Monthly: day 1 and the last day and day 28 at 00:00, 18:00, kept 12 months',
    );
  });

  it('disabled rows are not checked; the 9,999-point cap counts days and times', () => {
    const r = defaultRetention(daily);
    r.weekly = { ...r.weekly, enabled: false, days: [], times: ['23:00'] };
    expect(checkRetention(r, daily)).toEqual({});
    const big = defaultRetention({ ...daily, times: ['00:00', '08:00', '16:00'] });
    big.daily.count = 3000; // 9,000 points
    big.weekly = { ...big.weekly, enabled: true, count: 200, days: ['sunday', 'monday', 'friday'] }; // 200 × 3 × 3
    expect(checkRetention(big, { ...daily, times: ['00:00', '08:00', '16:00'] }).total).toBe(
      'This retention keeps up to 10,800 recovery points; Azure Backup keeps at most 9,999. Shorten a row.',
    );
  });

  it('follows a changed schedule: times and days it no longer has are dropped, an emptied row takes the schedule’s', () => {
    const r = marsExample();
    const fitted = fitRetentionToSchedule(r, {
      frequency: 'weekly',
      days: ['sunday', 'wednesday'],
      times: ['18:00', '21:00'],
    });
    expect(fitted.weekly).toMatchObject({ days: ['sunday'], times: ['18:00'] });
    expect(fitted.monthly).toMatchObject({ by: 'week', weekdays: ['sunday'], times: ['18:00'] });
    expect(
      fitRetentionToSchedule({ ...r, monthly: { ...r.monthly, by: 'day', daysOfMonth: [5] } }, daily).monthly.by,
    ).toBe('day');
    expect(checkRetention(fitted, { ...weekly, times: ['18:00', '21:00'] })).toEqual({});
  });

  it('the schema reports each bad field under its own path', () => {
    const r = marsExample();
    r.weekly.days = [];
    const input = {
      items: [{ path: '/srv/data', kind: 'folder' }],
      exclusions: { folders: [], patterns: [], fileTypes: [] },
      schedule: daily,
      retention: r,
      initialBackup: { type: 'online' },
    };
    const res = policyInputSchema.safeParse(input);
    expect(res.success).toBe(false);
    expect(res.error!.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['retention.weekly.days', 'Weekly retention: choose at least one day of the week.'],
    ]);
  });

  it('upgradePolicyV1 turns format-1 rows into format-2 rows and leaves anything else alone', () => {
    const v1 = {
      schedule: daily,
      retention: {
        daily: { enabled: true, count: 9 },
        weekly: { enabled: true, count: 2 },
        monthly: { enabled: false, count: 1 },
        yearly: { enabled: false, count: 1 },
      },
    };
    expect((upgradePolicyV1(v1) as { retention: Retention }).retention).toEqual(
      defaultRetention(daily, {
        daily: { enabled: true, count: 9 },
        weekly: { enabled: true, count: 2 },
        monthly: { enabled: false, count: 1 },
        yearly: { enabled: false, count: 1 },
      }),
    );
    const v2 = { schedule: daily, retention: marsExample() };
    expect(upgradePolicyV1(v2)).toBe(v2);
    for (const x of [
      null,
      3,
      'x',
      [],
      { retention: 1 },
      { schedule: {}, retention: { daily: { enabled: true, count: 1, extra: 1 } } },
    ])
      expect(upgradePolicyV1(x)).toBe(x);
  });
});
