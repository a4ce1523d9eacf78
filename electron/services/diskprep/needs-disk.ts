/**
 * "Waiting for another disk": the numbers of a capacity pause, read from the engine's NO_SPACE error (live) or
 * worked out again from session.json (after a restart, when no task is left to ask), and the message the Jobs
 * view and the status bar show for the waiting task.
 */
import { toIpcError } from '../../../shared/errors.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { planDisks } from './planner.ts';
import type { Session } from './session.ts';
import type { PlanFile } from './types.ts';

export interface NeedsDisk {
  /** Capacity one more disk needs to take every file not yet placed on a disk of the job. */
  neededBytes: number;
  remainingFiles: number;
  remainingBytes: number;
}

/** The numbers of the engine's capacity pause (`AppError('NO_SPACE', …, { neededBytes, … })`), else null. */
export function needsDiskOf(err: unknown): NeedsDisk | null {
  const e = toIpcError(err);
  // The plan's shortfall names the files left over; a full disk (folder-disk.ts: neededBytes, no remainingFiles) is a failure.
  if (e.code !== 'NO_SPACE' || e.details?.neededBytes === undefined || e.details.remainingFiles === undefined)
    return null;
  return {
    neededBytes: Number(e.details.neededBytes),
    remainingFiles: Number(e.details.remainingFiles ?? 0),
    remainingBytes: Number(e.details.remainingBytes ?? 0),
  };
}

/**
 * From the persisted session: the files no disk of the job takes, and the capacity one more disk needs for them
 * (the same planner rule the engine uses, so the numbers match its NO_SPACE error). Null when every file is placed.
 */
export function needsDiskFromSession(files: PlanFile[], session: Session | null): NeedsDisk | null {
  if (!session || session.disks.length === 0) return null;
  const plan = planDisks(
    files,
    session.disks.map((d) => ({ serial: d.serial, capacityBytes: d.capacityBytes, assigned: d.files })),
  );
  if (plan.fits) return null;
  return {
    neededBytes: plan.neededBytes,
    remainingFiles: plan.unassigned.length,
    remainingBytes: plan.unassigned.reduce((s, f) => s + f.length, 0),
  };
}

/** "Waiting for another disk: at least 9.80 MiB more (1 file, 5.00 MiB left)". */
export function needsDiskMessage(n: NeedsDisk): string {
  const files = `${n.remainingFiles} file${n.remainingFiles === 1 ? '' : 's'}`;
  return `Waiting for another disk: at least ${formatBytes(n.neededBytes, true)} more (${files}, ${formatBytes(n.remainingBytes)} left). Attach a disk and add it in Prepare Disks, or cancel; the prepared disks are kept.`;
}
