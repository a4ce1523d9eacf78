import type { TaskProgress } from '../../../shared/task.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

export { formatBytes };

/** 45 s · 3 min 05 s · 2 h 07 min · 3 d 4 h. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const pad = (x: number) => String(x).padStart(2, '0');
  if (s < 3600) return `${Math.floor(s / 60)} min ${pad(s % 60)} s`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ${pad(Math.floor((s % 3600) / 60))} min`;
  return `${Math.floor(s / 86400)} d ${Math.floor((s % 86400) / 3600)} h`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

export function formatAmount(n: number, unit: TaskProgress['unit']): string {
  if (unit === 'bytes') return formatBytes(n);
  return `${formatCount(n)} ${unit === 'files' ? (n === 1 ? 'file' : 'files') : n === 1 ? 'step' : 'steps'}`;
}

export function formatRate(rate: number, unit: TaskProgress['unit']): string {
  if (unit === 'bytes') return `${formatBytes(rate)}/s`;
  return `${rate >= 10 ? Math.round(rate) : rate.toFixed(1)} ${unit}/s`;
}

/** "1.20 GiB of 5.00 GiB (24%) · 80.0 MiB/s · about 1 min 02 s left" — the parts that are known. */
export function formatProgress(p: TaskProgress): string {
  const parts: string[] = [];
  if (p.total !== undefined && p.total > 0) {
    const pct = Math.min(100, Math.floor((p.done / p.total) * 100));
    parts.push(`${formatAmount(p.done, p.unit)} of ${formatAmount(p.total, p.unit)} (${pct}%)`);
  } else {
    parts.push(`${formatAmount(p.done, p.unit)} so far`);
  }
  if (p.rate !== undefined && p.rate > 0) parts.push(formatRate(p.rate, p.unit));
  if (p.etaSeconds !== undefined && p.total !== undefined) parts.push(`about ${formatDuration(p.etaSeconds)} left`);
  return parts.join(' · ');
}

/**
 * The one date format of the console: the OS locale's medium date (and short time), e.g. "Nov 22, 2026, 04:12" in
 * en-US or "22 nov. 2026, 04:12" in fr-FR. The host tells the OS locale (app:info); until it has, the browser's.
 */
let osLocale: string | undefined;
export function setDateLocale(locale: string | undefined): void {
  osLocale = locale && Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : undefined;
}

const toDate = (v: string | number | Date): Date =>
  v instanceof Date
    ? v
    : typeof v === 'number'
      ? new Date(v)
      : /^\d{4}-\d{2}-\d{2}$/.test(v)
        ? new Date(`${v}T12:00:00`)
        : new Date(v);

/** Date and time (minutes) in the OS locale; `timeZone` for a schedule's own zone (then named after the time). */
export function formatDateTime(value: string | number | Date | undefined, timeZone?: string): string {
  if (value === undefined || value === '') return '—';
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return typeof value === 'string' ? value : '—';
  const text = new Intl.DateTimeFormat(osLocale, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone } : {}),
  }).format(d);
  return timeZone && timeZone !== Intl.DateTimeFormat().resolvedOptions().timeZone ? `${text} (${timeZone})` : text;
}

/** A calendar date (YYYY-MM-DD or a timestamp) in the OS locale's medium date, e.g. "Nov 22, 2026". */
export function formatDate(value: string | number | Date | undefined): string {
  if (value === undefined || value === '') return '—';
  const d = toDate(value);
  if (Number.isNaN(d.getTime())) return typeof value === 'string' ? value : '—';
  return new Intl.DateTimeFormat(osLocale, { dateStyle: 'medium' }).format(d);
}

/** Seconds between two ISO times (or until now). */
export function elapsedSeconds(startIso: string, endIso?: string, now: number = Date.now()): number {
  const start = Date.parse(startIso);
  const end = endIso ? Date.parse(endIso) : now;
  return Math.max(0, (end - start) / 1000);
}
