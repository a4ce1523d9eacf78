/**
 * Disk Prep types shared by the providers, the planner and the copy engine.
 * The engine never imports 'electron'; hosts wire it to tasks and IPC (service.ts).
 */

import type { DiskInfo, DiskKind } from '../../../shared/contract/diskprep.ts';
export type { DiskInfo, DiskIssue, DiskKind, DiskVolume } from '../../../shared/contract/diskprep.ts';

/** A disk opened for writing by the engine: a root directory plus capacity rules. */
export interface PreparedVolume {
  /** Root of the volume (`E:\` on Windows, the folder for folder disks). */
  root: string;
  serial: string;
  bitLockerKey: string;
  /** Usable bytes for files (after file-system overhead) as reported by the disk. */
  capacityBytes: number;
  /**
   * Called before a file at `relPath` grows to `newLength` bytes. Folder disks throw AppError('NO_SPACE') the way
   * a full disk would; real volumes let the OS decide (ENOSPC becomes NO_SPACE).
   */
  ensureRoom(relPath: string, newLength: number): void;
  /** Forget a file that was deleted. */
  released(relPath: string): void;
  /** Before the disk counts as done: Windows waits until BitLocker reports FullyEncrypted. */
  finalize?(signal?: AbortSignal, onStatus?: (text: string) => void): Promise<void>;
}

export interface PrepareOptions {
  jobName: string;
  stagingLocation: string;
  /** Required when the disk has data on it (the UI asks for typed confirmation naming the serial). */
  confirmErase?: boolean;
  /** Re-open a disk this job already owns without erasing it (resume). */
  resume?: boolean;
  /** For already-encrypted Windows disks: the existing 48-digit recovery password. */
  existingBitLockerKey?: string;
  signal?: AbortSignal;
}

export interface DiskProvider {
  readonly kind: DiskKind;
  /** Lists the candidate disks with refusals/warnings computed for the given staging path and job. */
  list(ctx: DiskContext): Promise<DiskInfo[]>;
  /** Details of one disk by id (folder path or `disk:<n>` / drive letter). */
  inspect(id: string, ctx: DiskContext): Promise<DiskInfo>;
  /** Clears/formats/encrypts (or, with resume, re-opens) a disk for the job. Refusals throw. */
  prepare(id: string, opts: PrepareOptions): Promise<PreparedVolume>;
}

export interface DiskContext {
  stagingLocation?: string;
  jobName?: string;
}

/** One file of the staging job as the planner and copier see it. */
export interface PlanFile {
  /** Path relative to the job folder, forward slashes (seed.json `files[].path`). */
  path: string;
  length: number;
}

export { MAX_DISKS_PER_JOB } from '../../../shared/disks.ts';
export const TEN_TB = 10 * 1000 ** 4;
/** Page range size: the maximum the manifest format allows (shared/page-ranges.ts, where the backup takes it too). */
export { PAGE_RANGE_SIZE as RANGE_SIZE } from '../../../shared/page-ranges.ts';
