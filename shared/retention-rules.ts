/**
 * Retention rules of the backup policy (SPEC §2.5, decision 12): the rows of Select Retention Policy as MARS has
 * them, their limits and checks. The evaluator that applies them to restore points is shared/retention.ts.
 *
 * What MARS says (MARS-BK; New-OBRetentionPolicy in MARS-PS; the Recovery Services LongTermRetentionPolicy model):
 * - daily: every backup of the schedule is kept N days ("retention for daily and weekly recovery points usually
 *   coincides with the backup schedule");
 * - weekly: the backups on chosen days of the week, at chosen backup times, kept N weeks;
 * - monthly: by day of the month (1–28 or the last day) or by week of the month (first … fourth, last + weekday),
 *   at chosen backup times, kept N months;
 * - yearly: the same day/week choice in chosen months, kept N years.
 * Where the texts are silent this product decides (docs/ARCHITECTURE.md "Retention"): the times of a weekly,
 * monthly or yearly row must be backup times of the schedule; with a weekly schedule the weekdays of those rows must
 * be backup days and monthly/yearly rows go by week of the month (a date may not be a backup day).
 */
import type { Schedule, Weekday } from './schedule-rules.ts';

export const RETENTION_LIMITS = {
  daily: { min: 1, max: 9999, unit: 'days' },
  weekly: { min: 1, max: 5163, unit: 'weeks' },
  monthly: { min: 1, max: 1188, unit: 'months' },
  yearly: { min: 1, max: 99, unit: 'years' },
} as const;
export type RetentionTier = keyof typeof RETENTION_LIMITS;
export const RETENTION_TIERS = Object.keys(RETENTION_LIMITS) as RetentionTier[];
export const MAX_RECOVERY_POINTS = 9999;

export const WEEKS_OF_MONTH = ['first', 'second', 'third', 'fourth', 'last'] as const;
export type WeekOfMonth = (typeof WEEKS_OF_MONTH)[number];
export const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
] as const;
export type Month = (typeof MONTHS)[number];
/** 1–28, or the last day of the month (Azure Backup's `Day { date, isLast }`; 29–31 do not exist in every month). */
export type DayOfMonth = number | 'last';
export const MAX_DAY_OF_MONTH = 28;

export interface DailyRetention {
  enabled: boolean;
  /** Days. */
  count: number;
}
export interface WeeklyRetention {
  enabled: boolean;
  /** Weeks. */
  count: number;
  days: Weekday[];
  /** Backup times of the schedule ("HH:MM") whose backups this row keeps. */
  times: string[];
}
/** Which day of a month a monthly or yearly row keeps: dates, or weekdays in weeks of the month. */
export interface MonthDayRule {
  by: 'day' | 'week';
  /** by 'day'. */
  daysOfMonth: DayOfMonth[];
  /** by 'week'. */
  weeksOfMonth: WeekOfMonth[];
  /** by 'week'. */
  weekdays: Weekday[];
  times: string[];
}
export interface MonthlyRetention extends MonthDayRule {
  enabled: boolean;
  /** Months. */
  count: number;
}
export interface YearlyRetention extends MonthDayRule {
  enabled: boolean;
  /** Years. */
  count: number;
  months: Month[];
}
export interface Retention {
  daily: DailyRetention;
  weekly: WeeklyRetention;
  monthly: MonthlyRetention;
  yearly: YearlyRetention;
}

const cap = (s: string) => s[0].toUpperCase() + s.slice(1);
const list = (xs: readonly string[]) => xs.map(cap).join(', ');

export function checkRetentionCount(tier: RetentionTier, n: number): string | null {
  const l = RETENTION_LIMITS[tier];
  const label = cap(tier);
  if (!Number.isFinite(n) || !Number.isInteger(n)) return `${label} retention must be a whole number of ${l.unit}.`;
  if (n < l.min || n > l.max) return `${label} retention must be ${l.min} to ${l.max} ${l.unit} (got ${n}).`;
  return null;
}

/** The first backup day of a schedule in week order (Sunday first), or Sunday for a daily schedule (MARS's default day). */
export function firstBackupDay(s: Pick<Schedule, 'frequency' | 'days'>): Weekday {
  const order: Weekday[] = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
  return (s.frequency === 'weekly' ? order.find((d) => s.days.includes(d)) : undefined) ?? 'sunday';
}

/**
 * The retention a new policy starts with: daily 30 days; weekly (4 weeks), monthly (12 months, last <day>) and yearly
 * (10 years, last <day> of December) off, on the schedule's first backup day and at all its times.
 */
export function defaultRetention(
  s: Pick<Schedule, 'frequency' | 'days' | 'times'>,
  enabled: Partial<Record<RetentionTier, { enabled: boolean; count: number }>> = {},
): Retention {
  const day = firstBackupDay(s);
  const times = [...s.times];
  const row = (t: RetentionTier, count: number) => enabled[t] ?? { enabled: t === 'daily', count };
  const monthDay = (): MonthDayRule => ({
    by: 'week',
    daysOfMonth: ['last'],
    weeksOfMonth: ['last'],
    weekdays: [day],
    times: [...times],
  });
  return {
    daily: { ...row('daily', 30) },
    weekly: { ...row('weekly', 4), days: [day], times: [...times] },
    monthly: { ...row('monthly', 12), ...monthDay() },
    yearly: { ...row('yearly', 10), ...monthDay(), months: ['december'] },
  };
}

/**
 * A policy file of format 1 kept only `{ enabled, count }` per row. Version 2 reads it as the defaults of
 * `defaultRetention` for that schedule with the same enabled flags and counts.
 */
export function upgradeRetentionV1(
  rows: Record<RetentionTier, { enabled: boolean; count: number }>,
  s: Pick<Schedule, 'frequency' | 'days' | 'times'>,
): Retention {
  return defaultRetention(s, rows);
}

/**
 * Keeps a draft retention in step with a changed schedule (the wizard calls it when the schedule page changes):
 * times and days the schedule no longer has are dropped, and a row left with none gets the schedule's.
 */
export function fitRetentionToSchedule(r: Retention, s: Pick<Schedule, 'frequency' | 'days' | 'times'>): Retention {
  const times = (xs: string[]) => {
    const kept = xs.filter((t) => s.times.includes(t));
    return kept.length ? kept : [...s.times];
  };
  const days = (xs: Weekday[]) => {
    if (s.frequency !== 'weekly') return xs.length ? xs : [firstBackupDay(s)];
    const kept = xs.filter((d) => s.days.includes(d));
    return kept.length ? kept : [firstBackupDay(s)];
  };
  const month = <T extends MonthDayRule>(m: T): T => ({
    ...m,
    by: s.frequency === 'weekly' ? 'week' : m.by,
    weekdays: days(m.weekdays),
    times: times(m.times),
  });
  return {
    daily: { ...r.daily },
    weekly: { ...r.weekly, days: days(r.weekly.days), times: times(r.weekly.times) },
    monthly: month(r.monthly),
    yearly: month(r.yearly),
  };
}

/**
 * Recovery points the retention implies (an upper bound: points kept by two rows are counted in each).
 * Daily: days × backups per day (daily schedule) or × backup days per week / 7 (weekly schedule); weekly: weeks ×
 * days × times; monthly and yearly: periods × chosen days of the period × times.
 */
export function recoveryPoints(r: Retention, s: Pick<Schedule, 'frequency' | 'times' | 'days' | 'everyWeeks'>): number {
  const perDay = Math.max(1, s.times.length);
  const n = (xs: readonly unknown[] | undefined) => Math.max(1, xs?.length ?? 1);
  const perMonth = (m: MonthDayRule) =>
    (m.by === 'day' ? n(m.daysOfMonth) : n(m.weeksOfMonth) * n(m.weekdays)) * n(m.times);
  let total = 0;
  if (r.daily.enabled) {
    total +=
      s.frequency === 'daily'
        ? r.daily.count * perDay
        : Math.ceil((r.daily.count * perDay * Math.max(1, s.days.length)) / (7 * Math.max(1, s.everyWeeks)));
  }
  if (r.weekly.enabled) total += r.weekly.count * n(r.weekly.days) * n(r.weekly.times);
  if (r.monthly.enabled) total += r.monthly.count * perMonth(r.monthly);
  if (r.yearly.enabled) total += r.yearly.count * n(r.yearly.months) * perMonth(r.yearly);
  return total;
}

export type RetentionErrors = Partial<Record<string, string>>;

function checkTimes(tier: RetentionTier, times: readonly string[], s: Pick<Schedule, 'times'>): string | null {
  const label = cap(tier);
  if (times.length === 0) return `${label} retention: choose at least one backup time to keep.`;
  const dup = times.find((t, i) => times.indexOf(t) !== i);
  if (dup) return `${label} retention: ${dup} is chosen twice.`;
  // A schedule with a malformed time is reported on its own page; comparing with it would only add noise.
  const scheduleOk = s.times.length > 0 && s.times.every((t) => /^([01]\d|2[0-3]):[03]0$/.test(t));
  const foreign = scheduleOk ? times.find((t) => !s.times.includes(t)) : undefined;
  if (foreign)
    return `${label} retention: ${foreign} is not a backup time of the schedule (${s.times.join(', ') || 'none'}).`;
  return null;
}

function checkDays(
  tier: RetentionTier,
  what: string,
  days: readonly Weekday[],
  s: Pick<Schedule, 'frequency' | 'days'>,
): string | null {
  const label = cap(tier);
  if (days.length === 0) return `${label} retention: choose at least one ${what}.`;
  const dup = days.find((d, i) => days.indexOf(d) !== i);
  if (dup) return `${label} retention: ${cap(dup)} is chosen twice.`;
  if (s.frequency === 'weekly') {
    const foreign = days.find((d) => !s.days.includes(d));
    if (foreign)
      return `${label} retention: ${cap(foreign)} is not a backup day of the weekly schedule (${list(s.days) || 'none'}).`;
  }
  return null;
}

function checkMonthDay(
  tier: 'monthly' | 'yearly',
  m: MonthDayRule,
  s: Pick<Schedule, 'frequency' | 'days' | 'times'>,
  out: RetentionErrors,
): void {
  const label = cap(tier);
  if (m.by !== 'day' && m.by !== 'week')
    out[`${tier}.by`] = `${label} retention must go by day of the month or by week of the month.`;
  else if (m.by === 'day') {
    if (s.frequency === 'weekly')
      out[`${tier}.by`] =
        `With a weekly schedule, ${tier} retention must use a week of the month (for example the last ${cap(firstBackupDay(s))}): a date may not be a backup day.`;
    else if (m.daysOfMonth.length === 0)
      out[`${tier}.daysOfMonth`] = `${label} retention: choose at least one day of the month.`;
    else {
      const bad = m.daysOfMonth.find((d) => d !== 'last' && !(Number.isInteger(d) && d >= 1 && d <= MAX_DAY_OF_MONTH));
      const dup = m.daysOfMonth.find((d, i) => m.daysOfMonth.indexOf(d) !== i);
      if (bad !== undefined)
        out[`${tier}.daysOfMonth`] =
          `${label} retention: day ${String(bad)} is not 1 to ${MAX_DAY_OF_MONTH} or "last" (later dates do not exist in every month).`;
      else if (dup !== undefined)
        out[`${tier}.daysOfMonth`] = `${label} retention: day ${String(dup)} is chosen twice.`;
    }
  } else {
    if (m.weeksOfMonth.length === 0)
      out[`${tier}.weeksOfMonth`] = `${label} retention: choose at least one week of the month (first … fourth, last).`;
    else if (m.weeksOfMonth.some((w, i) => m.weeksOfMonth.indexOf(w) !== i))
      out[`${tier}.weeksOfMonth`] = `${label} retention: a week of the month is chosen twice.`;
    const d = checkDays(tier, 'day of the week', m.weekdays, s);
    if (d) out[`${tier}.weekdays`] = d;
  }
  const t = checkTimes(tier, m.times, s);
  if (t) out[`${tier}.times`] = t;
}

/**
 * `{ field: message }` for the retention page: `<tier>` for a count, `<tier>.<field>` for its choices, `total` for
 * the whole. Disabled rows are not checked.
 */
export function checkRetention(r: Retention, s: Schedule): RetentionErrors {
  const out: RetentionErrors = {};
  for (const t of RETENTION_TIERS) {
    if (!r[t].enabled) continue;
    const m = checkRetentionCount(t, r[t].count);
    if (m) out[t] = m;
  }
  if (r.weekly.enabled) {
    const d = checkDays('weekly', 'day of the week', r.weekly.days, s);
    if (d) out['weekly.days'] = d;
    const t = checkTimes('weekly', r.weekly.times, s);
    if (t) out['weekly.times'] = t;
  }
  if (r.monthly.enabled) checkMonthDay('monthly', r.monthly, s, out);
  if (r.yearly.enabled) {
    if (r.yearly.months.length === 0) out['yearly.months'] = 'Yearly retention: choose at least one month.';
    else if (r.yearly.months.some((m, i) => r.yearly.months.indexOf(m) !== i))
      out['yearly.months'] = 'Yearly retention: a month is chosen twice.';
    checkMonthDay('yearly', r.yearly, s, out);
  }
  if (!RETENTION_TIERS.some((t) => r[t].enabled))
    out.total = 'Keep at least one kind of recovery point (daily, weekly, monthly or yearly).';
  else if (Object.keys(out).length === 0) {
    const n = recoveryPoints(r, s);
    if (n > MAX_RECOVERY_POINTS)
      out.total = `This retention keeps up to ${n.toLocaleString('en-US')} recovery points; Azure Backup keeps at most ${MAX_RECOVERY_POINTS.toLocaleString('en-US')}. Shorten a row.`;
  }
  return out;
}

const ordinal: Record<WeekOfMonth, string> = {
  first: 'first',
  second: 'second',
  third: 'third',
  fourth: 'fourth',
  last: 'last',
};

/** "last Saturday", "day 1 and the last day": the day part of a monthly or yearly row in words. */
export function describeMonthDay(m: Pick<MonthDayRule, 'by' | 'daysOfMonth' | 'weeksOfMonth' | 'weekdays'>): string {
  if (m.by === 'day') return m.daysOfMonth.map((d) => (d === 'last' ? 'the last day' : `day ${d}`)).join(' and ');
  return m.weeksOfMonth.map((w) => `${ordinal[w]} ${m.weekdays.map(cap).join('/')}`).join(' and ');
}

/** One line per enabled row, as the confirmation page and `obc policy show` print them. */
export function describeRetention(r: Retention): string[] {
  const out: string[] = [];
  if (r.daily.enabled) out.push(`Daily: every backup, kept ${r.daily.count} days`);
  if (r.weekly.enabled)
    out.push(`Weekly: ${list(r.weekly.days)} at ${r.weekly.times.join(', ')}, kept ${r.weekly.count} weeks`);
  if (r.monthly.enabled)
    out.push(
      `Monthly: ${describeMonthDay(r.monthly)} at ${r.monthly.times.join(', ')}, kept ${r.monthly.count} months`,
    );
  if (r.yearly.enabled)
    out.push(
      `Yearly: ${describeMonthDay(r.yearly)} of ${list(r.yearly.months)} at ${r.yearly.times.join(', ')}, kept ${r.yearly.count} years`,
    );
  return out;
}
