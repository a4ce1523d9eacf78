/**
 * The retention evaluator: given the policy's schedule and retention, the restore points (their times) and their
 * "Retain Backup Till" dates, which points are kept and why, and which expire. Pure (Intl only), so the pruning of
 * online backups, the console and the CLI all decide the same way.
 *
 * Rules (MARS-BK, MARS-MGR; where they are silent, decided here and in docs/ARCHITECTURE.md "Retention"):
 * - Each retention row defines slots: wall-clock instants in the schedule's time zone. Daily: every backup time of
 *   the schedule ("retention for daily … recovery points coincides with the backup schedule"); weekly: the chosen
 *   days at the chosen times; monthly: the chosen dates (1–28, last) or weekdays of chosen weeks of the month;
 *   yearly: the same in the chosen months.
 * - A slot is kept by the first restore point taken at or after it and before the row's next slot. That is the
 *   point the schedule made then, or, when that backup is missing, the next one, which stands in for it (MARS: "if a
 *   scheduled backup … fails, the backup triggered right after the failure is considered for long-term retention").
 * - The slot stays in force from its instant until its instant plus the row's count of days, weeks, months or years,
 *   added on the wall clock (a daylight-saving change does not move it by an hour; the 31st plus a month is the end
 *   of the next month).
 * - A point with a Retain Backup Till date (Back Up Now, the seed) is kept through the end of that date in the
 *   schedule's time zone.
 * - The newest point is always kept (MARS-MGR: "the most recent recovery point doesn't expire"), and so is a point
 *   taken after `now` (a clock moved back): it cannot be judged yet.
 * A point is kept when any rule keeps it; a longer rule is never cut short by a shorter one.
 */
import { AppError } from './errors.ts';
import { WEEKDAYS, checkSchedule, type Schedule } from './policy.ts';
import {
  MONTHS,
  RETENTION_LIMITS,
  checkRetention,
  describeMonthDay,
  type MonthDayRule,
  type Retention,
  type RetentionTier,
} from './retention-rules.ts';
import { dayNumber, wallAt, weekdayOf, zonedToInstant, type Wall } from './schedule.ts';

const DAY = 86_400_000;

export interface RestorePointRef {
  id: string;
  /** When the point's data was read: ISO text or epoch ms. A scheduled run's point carries its due instant. */
  time: string | number;
  /** "Retain Backup Till" (YYYY-MM-DD), for Back Up Now points and the seed. */
  retainUntil?: string;
}

export type KeepRule = 'newest' | 'future' | 'retainUntil' | RetentionTier;

export interface KeepReason {
  rule: KeepRule;
  /** The slot this point stands for (retention rows). */
  slot?: string;
  /** When this reason ends (absent for newest and future). */
  until?: string;
  /** The reason in words, for the Jobs view, the CLI and the log. */
  text: string;
}

export interface PointDecision {
  id: string;
  time: string;
  keep: boolean;
  reasons: KeepReason[];
  /** The latest end among the reasons (null when none has an end, or the point expires). */
  keptUntil: string | null;
  /** Why an expiring point goes. */
  note?: string;
}

export interface RetentionInput {
  schedule: Schedule;
  retention: Retention;
  points: readonly RestorePointRef[];
  /** The evaluation instant (epoch ms). */
  now: number;
  /** Start of the "every N weeks" count of a weekly schedule (the policy's createdAt, as the scheduler uses). */
  anchor?: number;
}

export interface RetentionResult {
  /** Every point, newest first. */
  decisions: PointDecision[];
  keep: string[];
  expire: string[];
}

interface Slot {
  at: number;
  wall: Wall;
}

const pad = (n: number) => String(n).padStart(2, '0');
const fmt = (w: Wall) => `${w.y}-${pad(w.m)}-${pad(w.d)} ${pad(w.H)}:${pad(w.M)}`;
const iso = (ms: number) => new Date(ms).toISOString();
const daysIn = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();
const dateOf = (dn: number) => {
  const d = new Date(dn * DAY);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
};
const minutes = (t: string) => t.split(':').map(Number) as [number, number];
const wd = (name: string) => (WEEKDAYS as readonly string[]).indexOf(name);

/** Dates of one month a monthly/yearly rule picks (by day: 1–28 or last; by week: nth or last weekday). */
function datesOfMonth(y: number, m: number, r: MonthDayRule): number[] {
  const last = daysIn(y, m);
  const out = new Set<number>();
  if (r.by === 'day') for (const d of r.daysOfMonth) out.add(d === 'last' ? last : Math.min(d, last));
  else {
    const firstWd = weekdayOf(dayNumber(y, m, 1));
    const lastWd = weekdayOf(dayNumber(y, m, last));
    for (const w of r.weekdays) {
      const k = wd(w);
      const first = 1 + ((k - firstWd + 7) % 7);
      for (const week of r.weeksOfMonth) {
        if (week === 'last') out.add(last - ((lastWd - k + 7) % 7));
        else out.add(first + 7 * ['first', 'second', 'third', 'fourth'].indexOf(week));
      }
    }
  }
  return [...out].sort((a, b) => a - b);
}

/** Add the row's period to a slot's wall clock (days, weeks, months or years; month ends clamp). */
function addPeriod(w: Wall, tier: RetentionTier, n: number): Wall {
  if (tier === 'daily' || tier === 'weekly') {
    const dn = dayNumber(w.y, w.m, w.d) + n * (tier === 'weekly' ? 7 : 1);
    return { ...w, ...dateOf(dn) };
  }
  const months = tier === 'monthly' ? n : 12 * n;
  const total = w.y * 12 + (w.m - 1) + months;
  const y = Math.floor(total / 12);
  const m = (total % 12) + 1;
  return { ...w, y, m, d: Math.min(w.d, daysIn(y, m)) };
}

/** Longest gap between two slots of a row, in days (bounds the search for the next slot). */
const GAP_DAYS: Record<RetentionTier, number> = { daily: 29, weekly: 8, monthly: 63, yearly: 800 };
const PERIOD_DAYS: Record<RetentionTier, number> = { daily: 1, weekly: 7, monthly: 31, yearly: 366 };

function slotsOf(tier: RetentionTier, inp: RetentionInput, fromDay: number, toDay: number): Slot[] {
  const { schedule: s, retention: r } = inp;
  const tz = s.timeZone;
  const times = (tier === 'daily' ? s.times : r[tier].times).map(minutes);
  const dates: number[] = [];
  if (tier === 'daily' || tier === 'weekly') {
    const days = new Set((tier === 'daily' ? (s.frequency === 'weekly' ? s.days : WEEKDAYS) : r.weekly.days).map(wd));
    const every =
      tier === 'daily' && s.frequency === 'weekly' ? Math.min(4, Math.max(1, Math.trunc(s.everyWeeks) || 1)) : 1;
    const a = wallAt(inp.anchor ?? inp.now, tz);
    const anchorDay = dayNumber(a.y, a.m, a.d);
    const anchorWeek = anchorDay - weekdayOf(anchorDay);
    for (let dn = fromDay; dn <= toDay; dn++) {
      if (!days.has(weekdayOf(dn))) continue;
      const weeks = Math.round((dn - weekdayOf(dn) - anchorWeek) / 7);
      if (((weeks % every) + every) % every === 0) dates.push(dn);
    }
  } else {
    const rule = r[tier];
    const months =
      tier === 'yearly' ? new Set(r.yearly.months.map((m) => (MONTHS as readonly string[]).indexOf(m) + 1)) : null;
    const f = dateOf(fromDay);
    const t = dateOf(toDay);
    for (let k = f.y * 12 + f.m - 1; k <= t.y * 12 + t.m - 1; k++) {
      const y = Math.floor(k / 12);
      const m = (k % 12) + 1;
      if (months && !months.has(m)) continue;
      for (const d of datesOfMonth(y, m, rule)) {
        const dn = dayNumber(y, m, d);
        if (dn >= fromDay && dn <= toDay) dates.push(dn);
      }
    }
  }
  const out: Slot[] = [];
  for (const dn of dates) {
    const { y, m, d } = dateOf(dn);
    for (const [H, M] of times) {
      const wall = { y, m, d, H, M };
      out.push({ at: zonedToInstant(wall, tz), wall });
    }
  }
  out.sort((x, y) => x.at - y.at);
  return out.filter((x, i) => i === 0 || x.at !== out[i - 1].at);
}

function parsePoints(points: readonly RestorePointRef[]): { id: string; at: number; retainUntil?: string }[] {
  const seen = new Set<string>();
  return points.map((p) => {
    if (typeof p?.id !== 'string' || !p.id) throw new AppError('VALIDATION', 'A restore point has no id.');
    if (seen.has(p.id)) throw new AppError('VALIDATION', `Restore point "${p.id}" is listed twice.`, { id: p.id });
    seen.add(p.id);
    const at = typeof p.time === 'number' ? p.time : Date.parse(p.time);
    if (!Number.isFinite(at))
      throw new AppError('VALIDATION', `Restore point "${p.id}" has no valid time (${String(p.time)}).`, { id: p.id });
    if (p.retainUntil !== undefined) {
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(p.retainUntil);
      if (!m || dateOf(dayNumber(+m[1], +m[2], +m[3])).d !== +m[3])
        throw new AppError(
          'VALIDATION',
          `Restore point "${p.id}" has a Retain Backup Till date that is not a date (${p.retainUntil}); expected YYYY-MM-DD.`,
          { id: p.id },
        );
    }
    return { id: p.id, at, ...(p.retainUntil ? { retainUntil: p.retainUntil } : {}) };
  });
}

const LABEL: Record<RetentionTier, string> = { daily: 'Daily', weekly: 'Weekly', monthly: 'Monthly', yearly: 'Yearly' };

function rowText(tier: RetentionTier, r: Retention): string {
  if (tier === 'daily') return 'every backup';
  if (tier === 'weekly') return r.weekly.days.map((d) => d[0].toUpperCase() + d.slice(1)).join('/');
  if (tier === 'monthly') return describeMonthDay(r.monthly);
  return `${describeMonthDay(r.yearly)} of ${r.yearly.months.map((m) => m[0].toUpperCase() + m.slice(1)).join('/')}`;
}

export function evaluateRetention(inp: RetentionInput): RetentionResult {
  const { schedule: s, retention: r, now } = inp;
  if (!Number.isFinite(now)) throw new AppError('VALIDATION', 'The evaluation time is not a valid instant.');
  const problems = [...Object.values(checkSchedule(s)), ...Object.values(checkRetention(r, s))].filter(Boolean);
  if (problems.length) throw new AppError('VALIDATION', `The policy's retention cannot be applied: ${problems[0]}`);
  const tz = s.timeZone;
  const points = parsePoints(inp.points).sort((a, b) => a.at - b.at || (a.id < b.id ? -1 : 1));
  const reasons = new Map<string, KeepReason[]>(points.map((p) => [p.id, []]));
  if (points.length === 0) return { decisions: [], keep: [], expire: [] };
  const add = (id: string, k: KeepReason) => reasons.get(id)!.push(k);
  const newestAt = points[points.length - 1].at;
  for (const p of points) {
    if (p.at === newestAt) add(p.id, { rule: 'newest', text: 'The newest restore point is always kept.' });
    if (p.at > now)
      add(p.id, {
        rule: 'future',
        text: `Taken after the evaluation time (${fmt(wallAt(now, tz))} ${tz}); the clock may have been moved back, so it is kept.`,
      });
    if (p.retainUntil) {
      const [y, m, d] = p.retainUntil.split('-').map(Number);
      const until = zonedToInstant({ ...dateOf(dayNumber(y, m, d) + 1), H: 0, M: 0 }, tz);
      if (now < until)
        add(p.id, {
          rule: 'retainUntil',
          until: iso(until),
          text: `Retain Backup Till ${p.retainUntil} (through the end of that day, ${tz}).`,
        });
    }
  }
  const w0 = wallAt(now, tz);
  const nowDay = dayNumber(w0.y, w0.m, w0.d);
  const o = wallAt(points[0].at, tz);
  const oldestDay = dayNumber(o.y, o.m, o.d);
  // First index i with points[i].at >= t.
  const firstAtOrAfter = (t: number) => {
    let lo = 0;
    let hi = points.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid].at < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  for (const tier of Object.keys(RETENTION_LIMITS) as RetentionTier[]) {
    const row = r[tier];
    if (!row.enabled) continue;
    const fromDay = Math.max(nowDay - PERIOD_DAYS[tier] * row.count - 2, oldestDay - GAP_DAYS[tier] - 2);
    const slots = slotsOf(tier, inp, fromDay, nowDay + GAP_DAYS[tier] + 2);
    for (let i = 0; i < slots.length && slots[i].at <= now; i++) {
      const slot = slots[i];
      const until = zonedToInstant(addPeriod(slot.wall, tier, row.count), tz);
      if (now >= until) continue;
      const j = firstAtOrAfter(slot.at);
      const next = slots[i + 1]?.at ?? Infinity;
      if (j >= points.length || points[j].at >= next) continue;
      const p = points[j];
      const standsIn = p.at !== slot.at ? ' This point stands in for it: the backup at that time is missing.' : '';
      add(p.id, {
        rule: tier,
        slot: iso(slot.at),
        until: iso(until),
        text: `${LABEL[tier]} (${rowText(tier, r)}): the backup due ${fmt(slot.wall)} ${tz}, kept ${row.count} ${RETENTION_LIMITS[tier].unit} until ${fmt(wallAt(until, tz))}.${standsIn}`,
      });
    }
  }
  const decisions: PointDecision[] = points
    .map((p) => {
      const rs = reasons.get(p.id)!;
      const ends = rs
        .map((x) => x.until)
        .filter((u): u is string => !!u)
        .sort();
      const d: PointDecision = {
        id: p.id,
        time: iso(p.at),
        keep: rs.length > 0,
        reasons: rs,
        keptUntil: ends.length ? ends[ends.length - 1] : null,
      };
      if (!d.keep)
        d.note =
          'Expires: not the newest point, no Retain Backup Till date in force, and it stands for no daily, weekly, monthly or yearly backup still within its retention.';
      return d;
    })
    .reverse();
  return {
    decisions,
    keep: decisions.filter((d) => d.keep).map((d) => d.id),
    expire: decisions.filter((d) => !d.keep).map((d) => d.id),
  };
}
