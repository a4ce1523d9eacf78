/**
 * Pure rules of the Disks table: which disk may be chosen (and why not), the warnings shown, and the capacity
 * needed vs selected. The engine computes refusals and warnings; these rules add the SPEC decision-6 notes if an
 * engine did not (USB bus, over 10 TB) so the table never hides them.
 */
import type { DiskInfo, DiskIssue, PlanView } from '../../../../shared/contract/diskprep.ts';
import { checkRecoveryPasswordTypos } from '../../../../shared/validators/azure-names.ts';

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
    warnings.push({
      code: 'USB_BUS',
      message: 'USB disk: only SATA disks or SSDs may be shipped (a USB adapter is fine while preparing).',
    });
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
export function capacitySummary(
  selected: readonly DiskInfo[],
  neededBytes: number,
  plannerFits?: boolean,
): CapacitySummary {
  const selectedBytes = selected.reduce((s, d) => s + d.sizeBytes, 0);
  const fits = plannerFits ?? (selected.length > 0 && selectedBytes >= neededBytes);
  const percent =
    neededBytes <= 0 ? (selected.length ? 100 : 0) : Math.min(100, Math.floor((selectedBytes / neededBytes) * 100));
  return {
    neededBytes,
    selectedBytes,
    percent,
    fits: fits && selected.length > 0,
    tooMany: selected.length > MAX_DISKS,
  };
}

/**
 * The capacity line under the Disks table, counted from the planner's figures: what the chosen disks take of the
 * job's data, what is left, and the size of the next disk Disk Prep will ask for (data plus room for its manifest).
 */
export function capacityText(
  chosen: number,
  selectedBytes: number,
  plan: PlanView | null,
  neededData: number,
  fmt: (n: number, up?: boolean) => string,
): string {
  if (!chosen) return `${fmt(neededData)} of data to copy; choose one or more disks`;
  const on = `${fmt(selectedBytes)} selected on ${chosen} disk${chosen > 1 ? 's' : ''} for ${fmt(plan?.totalBytes ?? neededData)} of data`;
  if (!plan) return on;
  if (plan.fits) return `${on} — fits`;
  const placed = plan.disks.reduce((s, d) => s + d.dataBytes, 0);
  const left = Math.max(0, plan.totalBytes - placed);
  return `${on}: they take ${fmt(placed)}, ${fmt(left)} remain — Disk Prep fills these disks, then asks for another of at least ${fmt(plan.neededBytes, true)} (the data plus room for its manifest)`;
}

/** Chosen disks too small for one pack of the job: each would hold no pack, only the catalog or nothing. */
export function disksSmallerThanAPack(plan: PlanView | null): PlanView['disks'] {
  const pack = plan?.largestFileBytes ?? 0;
  if (!plan || pack <= 0) return [];
  return plan.disks.filter((d) => d.capacityBytes < pack + RESERVE_FOR_ONE_FILE);
}

/** The planner's room for a disk's manifest, BOM and journal with one file on it (planner.ts: 1 MiB + per-file). */
const RESERVE_FOR_ONE_FILE = 1024 * 1024 + 64 * 1024;

/** The erase confirmation passes when the typed text is exactly the job name (surrounding spaces ignored). */
export const eraseConfirmed = (typed: string, jobName: string): boolean => typed.trim() === jobName;

/* ---------- A disk that is already BitLocker-encrypted, accepted with its recovery password ---------- */

/** Pasted forms become 8 dash-separated groups: spaces around or instead of dashes, or 48 digits in a row. */
export function normalizeRecoveryPassword(typed: string): string {
  const v = typed.trim().replace(/\s*-\s*|\s+/g, '-');
  return /^\d{48}$/.test(v) ? v.match(/\d{6}/g)!.join('-') : v;
}

/**
 * What the key field says. While typing (`final` false) only what is already wrong: a character that is not a digit,
 * a group longer than 6 digits, a finished group that fails the checksum. On accept: the full check (format and every
 * group), with the same words as `obc diskprep --bitlocker-key`.
 */
export function recoveryPasswordProblem(typed: string, final: boolean): string | null {
  const v = normalizeRecoveryPassword(typed);
  if (!v) return final ? 'Enter the 48-digit recovery password (8 groups of 6 digits).' : null;
  if (/[^\d-]/.test(v))
    return 'Only digits and dashes: the recovery password is 8 groups of 6 digits, like 123456-…-123456.';
  const groups = v.split('-');
  if (groups.length > 8) return 'Too many groups: the recovery password has 8 groups of 6 digits.';
  for (let i = 0; i < groups.length; i++) {
    const g = groups[i];
    if (g.length > 6) return `Group ${i + 1} has ${g.length} digits; every group has 6.`;
    const finished = g.length === 6 && (i < groups.length - 1 || groups.length === 8 || final);
    if (finished && (Number(g) % 11 !== 0 || Number(g) / 11 > 65535))
      return `Group ${i + 1} (${g}) is not part of a valid BitLocker recovery password (each group is a multiple of 11 below 720896); check it for a typo.`;
    if (g.length < 6 && (i < groups.length - 1 || final))
      return `Group ${i + 1} has ${g.length} digit${g.length === 1 ? '' : 's'}; every group has 6.`;
  }
  if (!final) return null;
  const p = checkRecoveryPasswordTypos(v);
  return p ? p.charAt(0).toUpperCase() + p.slice(1) : null;
}

/** The key is shown once, while typed; afterwards only its last group. */
export const maskRecoveryPassword = (key: string): string => `••••••-…-${key.slice(-6)}`;

/** The host's answer when a given key is not the volume's (windows-disk.ts / folder-disk.ts). */
export const isWrongKeyError = (message: string | undefined): boolean =>
  !!message && /does not match the volume's recovery password/.test(message);

/**
 * A disk with a key keeps its volume: no erase confirmation, and diskprep:start / addDisk get the key instead of
 * confirmErase. A rehearsal (folder) disk that holds files is still cleared — the folder stands in for the volume — so
 * it stays in the erase confirmation, unless it was already prepared for this job (then the copy resumes on it).
 */
export const keyedDiskIsCleared = (d: DiskInfo | undefined, job?: string | null): boolean =>
  !!d && d.kind === 'folder' && d.usedBytes > 0 && !(job && d.jobName === job);

export function needsEraseConfirm(d: DiskInfo | undefined, key: string | undefined, job?: string | null): boolean {
  return !key || keyedDiskIsCleared(d, job);
}

export type DiskRefOut = { id: string; confirmErase?: boolean; existingBitLockerKey?: string };

export function diskRefFor(
  id: string,
  d: DiskInfo | undefined,
  key: string | undefined,
  job?: string | null,
): DiskRefOut {
  if (!key) return { id, confirmErase: true };
  return { id, existingBitLockerKey: key, ...(keyedDiskIsCleared(d, job) ? { confirmErase: true } : {}) };
}
