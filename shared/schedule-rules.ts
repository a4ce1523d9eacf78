/**
 * The backup schedule of the policy (SPEC §2.3): days, times and time zone as MARS has them, and their check. Pure.
 * The next-run arithmetic is schedule.ts; the retention rows that must match these times are retention-rules.ts.
 * policy.ts re-exports this file.
 */
export const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
export const MAX_TIMES_PER_DAY = 3;

export interface Schedule {
  frequency: 'daily' | 'weekly';
  /** "HH:MM", 24-hour, on 30-minute boundaries; 1–3 of them. */
  times: string[];
  /** Weekly only: the days backups run on. */
  days: Weekday[];
  /** Weekly only: every N weeks, 1–4. */
  everyWeeks: number;
  /** IANA zone the times are in (the user's zone when the policy was saved). */
  timeZone: string;
}

export function checkTime(v: string): string | null {
  const m = /^(\d{2}):(\d{2})$/.exec(v);
  if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) return `Time "${v}" must be a time of day as HH:MM (00:00–23:30).`;
  if (m[2] !== '00' && m[2] !== '30') return `Time ${v} is not on a 30-minute boundary; use ${m[1]}:00 or ${m[1]}:30.`;
  return null;
}

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function checkSchedule(s: Schedule): Partial<Record<'times' | 'days' | 'everyWeeks' | 'timeZone', string>> {
  const out: Partial<Record<'times' | 'days' | 'everyWeeks' | 'timeZone', string>> = {};
  if (s.times.length === 0) out.times = 'Choose at least one time of day for the backup.';
  else if (s.times.length > MAX_TIMES_PER_DAY)
    out.times = `At most ${MAX_TIMES_PER_DAY} backups a day are allowed (${s.times.length} times chosen).`;
  else {
    const bad = s.times.map(checkTime).find((m) => m);
    if (bad) out.times = bad;
    else if (new Set(s.times).size !== s.times.length)
      out.times = `Time ${s.times.find((t, i) => s.times.indexOf(t) !== i)} is chosen twice.`;
  }
  if (s.frequency === 'weekly') {
    if (s.days.length === 0) out.days = 'Choose at least one day of the week.';
    if (!Number.isFinite(s.everyWeeks)) out.everyWeeks = 'Enter how many weeks apart backups run (1 to 4).';
    else if (!Number.isInteger(s.everyWeeks) || s.everyWeeks < 1 || s.everyWeeks > 4)
      out.everyWeeks = `"Every ${s.everyWeeks} weeks" is out of range: choose every 1 to 4 weeks.`;
  }
  if (!s.timeZone) out.timeZone = 'Time zone is required.';
  else if (!isTimeZone(s.timeZone))
    out.timeZone = `"${s.timeZone}" is not a time zone this system knows (expected an IANA name such as Europe/Berlin).`;
  return out;
}
