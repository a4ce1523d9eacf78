/**
 * Retention rules of the backup policy (SPEC §2.5, decision 12): the rows of Select Retention Policy, their limits
 * and checks. The evaluator that applies them to restore points is shared/retention.ts.
 */
import type { Schedule } from './policy.ts';

// ---------- retention (decision 12; recovery points cap BK-SM) ----------

export const RETENTION_LIMITS = {
  daily: { min: 1, max: 9999, unit: 'days' },
  weekly: { min: 1, max: 5163, unit: 'weeks' },
  monthly: { min: 1, max: 1188, unit: 'months' },
  yearly: { min: 1, max: 99, unit: 'years' },
} as const;
export type RetentionTier = keyof typeof RETENTION_LIMITS;
export const RETENTION_TIERS = Object.keys(RETENTION_LIMITS) as RetentionTier[];
export const MAX_RECOVERY_POINTS = 9999;

export interface RetentionRow {
  enabled: boolean;
  count: number;
}
export type Retention = Record<RetentionTier, RetentionRow>;

export function checkRetentionCount(tier: RetentionTier, n: number): string | null {
  const l = RETENTION_LIMITS[tier];
  const label = tier[0].toUpperCase() + tier.slice(1);
  if (!Number.isFinite(n) || !Number.isInteger(n)) return `${label} retention must be a whole number of ${l.unit}.`;
  if (n < l.min || n > l.max) return `${label} retention must be ${l.min} to ${l.max} ${l.unit} (got ${n}).`;
  return null;
}

/**
 * Recovery points the retention implies (an upper bound: points kept by two tiers are counted in each).
 * Daily: days × backups per day (daily schedule) or × backup days per week / 7 (weekly schedule);
 * weekly, monthly, yearly: one point per period.
 */
export function recoveryPoints(r: Retention, s: Pick<Schedule, 'frequency' | 'times' | 'days' | 'everyWeeks'>): number {
  const perDay = Math.max(1, s.times.length);
  let total = 0;
  if (r.daily.enabled) {
    total +=
      s.frequency === 'daily'
        ? r.daily.count * perDay
        : Math.ceil((r.daily.count * perDay * Math.max(1, s.days.length)) / (7 * Math.max(1, s.everyWeeks)));
  }
  if (r.weekly.enabled) total += r.weekly.count;
  if (r.monthly.enabled) total += r.monthly.count;
  if (r.yearly.enabled) total += r.yearly.count;
  return total;
}

export function checkRetention(r: Retention, s: Schedule): Partial<Record<RetentionTier | 'total', string>> {
  const out: Partial<Record<RetentionTier | 'total', string>> = {};
  for (const t of RETENTION_TIERS) {
    if (!r[t].enabled) continue;
    const m = checkRetentionCount(t, r[t].count);
    if (m) out[t] = m;
  }
  if (!RETENTION_TIERS.some((t) => r[t].enabled)) out.total = 'Keep at least one kind of recovery point (daily, weekly, monthly or yearly).';
  else if (!RETENTION_TIERS.some((t) => out[t])) {
    const n = recoveryPoints(r, s);
    if (n > MAX_RECOVERY_POINTS)
      out.total = `This retention keeps up to ${n.toLocaleString('en-US')} recovery points; Azure Backup keeps at most ${MAX_RECOVERY_POINTS.toLocaleString('en-US')}. Shorten a row.`;
  }
  return out;
}
