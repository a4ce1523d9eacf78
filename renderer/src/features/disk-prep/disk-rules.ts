/**
 * Pure rules of the Disks table: which disk may be chosen (and why not), the warnings shown, and the capacity
 * needed vs selected. The engine computes refusals and warnings; these rules add the SPEC decision-6 notes if an
 * engine did not (USB bus, over 10 TB) so the table never hides them.
 */
import type { DiskInfo, DiskIssue } from '../../../../shared/contract/diskprep.ts';

export const TEN_TB = 10 * 1000 ** 4;
export const MAX_DISKS = 10;

export interface DiskRow {
  disk: DiskInfo;
  selectable: boolean;
  /** Why the disk cannot be chosen (system/boot disk, holds staging, other job, read-only…). */
  reason?: string;
  warnings: DiskIssue[];
  rehearsal: boolean;
}

export function diskRow(d: DiskInfo): DiskRow {
  const warnings = [...d.warnings];
  const has = (c: DiskIssue['code']) => warnings.some((w) => w.code === c) || d.refusals.some((r) => r.code === c);
  if (/usb/i.test(d.busType) && !has('USB_BUS'))
    warnings.push({ code: 'USB_BUS', message: 'USB disk: only SATA disks or SSDs may be shipped (a USB adapter is fine while preparing).' });
  if (d.sizeBytes > TEN_TB && !has('TOO_LARGE'))
    warnings.push({ code: 'TOO_LARGE', message: 'Over 10 TB: the Import/Export service may refuse disks this large.' });
  const reasons = [...d.refusals.map((r) => r.message)];
  if (!reasons.length && d.isSystem) reasons.push('Holds the system volume.');
  if (!reasons.length && d.holdsStaging) reasons.push('Holds the staging location.');
  return {
    disk: d,
    selectable: reasons.length === 0,
    ...(reasons.length ? { reason: reasons.join(' ') } : {}),
    warnings,
    rehearsal: d.rehearsal,
  };
}

export interface CapacitySummary {
  neededBytes: number;
  selectedBytes: number;
  /** 0–100: how much of the need the selection covers. */
  percent: number;
  fits: boolean;
  tooMany: boolean;
}

/** Needed (the job's data, or the planner's figure when known) vs the selected disks' sizes. */
export function capacitySummary(selected: readonly DiskInfo[], neededBytes: number, plannerFits?: boolean): CapacitySummary {
  const selectedBytes = selected.reduce((s, d) => s + d.sizeBytes, 0);
  const fits = plannerFits ?? (selected.length > 0 && selectedBytes >= neededBytes);
  const percent = neededBytes <= 0 ? (selected.length ? 100 : 0) : Math.min(100, Math.floor((selectedBytes / neededBytes) * 100));
  return { neededBytes, selectedBytes, percent, fits: fits && selected.length > 0, tooMany: selected.length > MAX_DISKS };
}

/** The erase confirmation passes when the typed text is exactly the job name (surrounding spaces ignored). */
export const eraseConfirmed = (typed: string, jobName: string): boolean => typed.trim() === jobName;
