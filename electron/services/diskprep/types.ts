/**
 * Disk Prep types shared by the providers, the planner and the copy engine.
 * The engine never imports 'electron'; hosts wire it to tasks and IPC (service.ts).
 */

export type DiskKind = 'folder' | 'windows';

export interface DiskVolume {
  /** Drive letter without colon (Windows) or the folder path (folder disks). */
  mount: string;
  fileSystem: string;
  sizeBytes: number;
  freeBytes: number;
  label?: string;
  bitLocker?: 'off' | 'on' | 'encrypting' | 'unknown';
}

/** One disk as the UI lists it. `refusals` block preparation; `warnings` need the user's attention. */
export interface DiskInfo {
  /** Stable handle for this machine: the folder path (folder disks) or `disk:<number>` (Windows). */
  id: string;
  kind: DiskKind;
  /** Rehearsal disks (folder disks) cannot be shipped; the UI labels them. */
  rehearsal: boolean;
  serial: string;
  model: string;
  sizeBytes: number;
  busType: string;
  partitionStyle: string;
  volumes: DiskVolume[];
  isSystem: boolean;
  isBoot: boolean;
  readOnly: boolean;
  holdsStaging: boolean;
  /** Bytes already used on the disk (files present); a non-empty disk is erased only with confirmErase. */
  usedBytes: number;
  /** Import job that already owns the disk (set when preparation starts). */
  jobName?: string;
  /** Already BitLocker-encrypted disk whose key the user supplied / folder disk key. */
  bitLockerKey?: string;
  refusals: DiskIssue[];
  warnings: DiskIssue[];
}

export interface DiskIssue {
  code:
    | 'SYSTEM_DISK'
    | 'BOOT_DISK'
    | 'HOLDS_STAGING'
    | 'IN_USE_BY_OTHER_JOB'
    | 'READ_ONLY'
    | 'TOO_LARGE'
    | 'USB_BUS'
    | 'NOT_EMPTY'
    | 'REHEARSAL'
    | 'NOT_WINDOWS';
  message: string;
}

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
}

export interface PrepareOptions {
  jobName: string;
  stagingPath: string;
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
  stagingPath?: string;
  jobName?: string;
}

/** One file of the staging job as the planner and copier see it. */
export interface PlanFile {
  /** Path relative to the job folder, forward slashes (seed.json `files[].path`). */
  path: string;
  length: number;
}

export const MAX_DISKS_PER_JOB = 10;
export const TEN_TB = 10 * 1000 ** 4;
/** Page range size: the maximum the manifest format allows. */
export const RANGE_SIZE = 4 * 1024 * 1024;
