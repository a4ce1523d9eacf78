/**
 * Next-run arithmetic for a backup schedule, in the schedule's IANA time zone. Pure (Intl only).
 * Times are wall-clock times in that zone. A time that does not exist on a daylight-saving day (the spring gap)
 * runs at the same wall time after the shift (02:30 → 03:30); an ambiguous autumn time runs once.
 */
import { WEEKDAYS, type Schedule } from './policy.ts';

const DAY = 86_400_000;
const fmtCache = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = fmtCache.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    fmtCache.set(tz, f);
  }
  return f;
}

export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

export interface Wall {
  y: number;
  m: number;
  d: number;
  H: number;
  M: number;
}

export function wallAt(ms: number, tz: string): Wall {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(ms))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return { y: parts.year, m: parts.month, d: parts.day, H: parts.hour % 24, M: parts.minute };
}

/** Zone offset in ms at an instant (local − UTC). */
export function offsetAt(ms: number, tz: string): number {
  const w = wallAt(ms, tz);
  const floored = ms - (((ms % 60_000) + 60_000) % 60_000);
  return Date.UTC(w.y, w.m - 1, w.d, w.H, w.M) - floored;
}

/** The instant a wall-clock time in `tz` happens (see the file comment for DST gaps). */
export function zonedToInstant(w: Wall, tz: string): number {
  const wall = Date.UTC(w.y, w.m - 1, w.d, w.H, w.M);
  const o1 = offsetAt(wall, tz);
  let t = wall - o1;
  const o2 = offsetAt(t, tz);
  if (o2 !== o1) t = wall - o2;
  return t;
}

/** Days since 1970-01-01 of a calendar date. */
export const dayNumber = (y: number, m: number, d: number) => Math.floor(Date.UTC(y, m - 1, d) / DAY);
/** 0 = Sunday. 1970-01-01 was a Thursday. */
export const weekdayOf = (dayNum: number) => (((dayNum + 4) % 7) + 7) % 7;

/**
 * The next `count` run instants strictly after `fromMs`. Weekly schedules with "every N weeks" count weeks
 * (Sunday-based) from the week containing `anchorMs` (when the schedule was saved).
 */
export function nextRuns(
  s: Pick<Schedule, 'frequency' | 'times' | 'days' | 'everyWeeks' | 'timeZone'>,
  fromMs: number,
  count = 3,
  anchorMs = fromMs,
): number[] {
  if (!s.times.length || (s.frequency === 'weekly' && !s.days.length)) return [];
  const tz = s.timeZone;
  const times = [...new Set(s.times)]
    .map((t) => t.split(':').map(Number) as [number, number])
    .sort((a, b) => a[0] * 60 + a[1] - (b[0] * 60 + b[1]));
  const start = wallAt(fromMs, tz);
  const startDay = dayNumber(start.y, start.m, start.d);
  const a = wallAt(anchorMs, tz);
  const anchorDay = dayNumber(a.y, a.m, a.d);
  const anchorWeek = anchorDay - weekdayOf(anchorDay);
  const every = s.frequency === 'weekly' ? Math.min(4, Math.max(1, Math.trunc(s.everyWeeks) || 1)) : 1;
  const dayIdx = new Set(s.days.map((d) => WEEKDAYS.indexOf(d)));
  const out: number[] = [];
  for (let dn = startDay - 1; dn < startDay + 7 * 4 * 2 + 2 && out.length < count; dn++) {
    if (s.frequency === 'weekly') {
      if (!dayIdx.has(weekdayOf(dn))) continue;
      const weekStart = dn - weekdayOf(dn);
      const weeks = Math.round((weekStart - anchorWeek) / 7);
      if (((weeks % every) + every) % every !== 0) continue;
    }
    const date = new Date(dn * DAY);
    for (const [H, M] of times) {
      const t = zonedToInstant({ y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate(), H, M }, tz);
      if (t > fromMs && !out.includes(t)) out.push(t);
      if (out.length >= count) break;
    }
  }
  return out.sort((x, y) => x - y).slice(0, count);
}

/** "Mon 24 Nov 2026, 21:00 (Europe/Berlin)" style text for the console and the wizard. */
export function formatRun(ms: number, tz: string, locale = 'en-GB'): string {
  const text = new Intl.DateTimeFormat(locale, {
    timeZone: tz,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(ms));
  return `${text} (${tz})`;
}

/** Every half hour of the day, for the time pickers. */
export const HALF_HOURS: readonly string[] = Array.from(
  { length: 48 },
  (_, i) => `${String(Math.floor(i / 2)).padStart(2, '0')}:${i % 2 ? '30' : '00'}`,
);
