/**
 * Change Properties → Throttling as a rate at an instant (MARS's work hours / non-work hours bandwidth): the work
 * rate on work days from the start of work hours up to (not including) their end, the non-work rate otherwise, both
 * read on the wall clock of `timeZone` (the policy's schedule zone). Kbps are kilobits per second, 1,000 bits each,
 * as networks count (so 512 Kbps is 64,000 bytes per second). Pure; the limiter (services/policies/bandwidth.ts)
 * asks it again at each boundary, so a run that crosses 18:00 changes speed there.
 */
import type { Throttling } from './policy-schema.ts';
import { WEEKDAYS } from './policy.ts';
import { dayNumber, wallAt, weekdayOf, zonedToInstant } from './schedule.ts';

export interface RateAt {
  /** Bytes per second; null when throttling is off. */
  bytesPerSecond: number | null;
  period: 'work' | 'nonWork' | 'off';
  /** The next instant the rate may change (ms); null when it never does. */
  until: number | null;
}

export const kbpsToBytesPerSecond = (kbps: number) => (kbps * 1000) / 8;

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

export function rateAt(t: Throttling, ms: number, timeZone: string): RateAt {
  if (!t.enabled) return { bytesPerSecond: null, period: 'off', until: null };
  const w = wallAt(ms, timeZone);
  const today = dayNumber(w.y, w.m, w.d);
  const now = w.H * 60 + w.M;
  const start = minutes(t.workStart);
  const end = minutes(t.workEnd);
  const isWorkDay = (day: number) => t.workDays.includes(WEEKDAYS[weekdayOf(day)]);
  const work = isWorkDay(today) && now >= start && now < end;
  // The next boundary: a work day's start or end after now, within the next eight days.
  let until: number | null = null;
  for (let k = 0; k <= 8 && until === null; k++) {
    const day = today + k;
    if (!isWorkDay(day)) continue;
    const date = new Date(day * 86_400_000);
    for (const at of [start, end]) {
      const instant = zonedToInstant(
        {
          y: date.getUTCFullYear(),
          m: date.getUTCMonth() + 1,
          d: date.getUTCDate(),
          H: Math.floor(at / 60),
          M: at % 60,
        },
        timeZone,
      );
      if (instant > ms) {
        until = instant;
        break;
      }
    }
  }
  return {
    bytesPerSecond: kbpsToBytesPerSecond(work ? t.workKbps : t.nonWorkKbps),
    period: work ? 'work' : 'nonWork',
    until,
  };
}
