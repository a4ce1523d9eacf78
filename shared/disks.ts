import { z } from 'zod';

/**
 * Folder disks: a directory standing in for a SATA disk (sandbox, tests, rehearsal). Created by
 * `obc disks init <dir> --serial <s> --capacity <size>`; the capacity is enforced as if it were a real disk.
 * `bitLockerKey` stands in for the BitLocker recovery password the datacenter needs to unlock the disk.
 */
export const FOLDER_DISK_DESCRIPTOR = 'obc-disk.json';

/** Disks one import job holds (Import/Export's driveList and Data Box's customer disks alike). */
export const MAX_DISKS_PER_JOB = 10;
/** A disk's serial as this app names it: letters, digits, - and _. */
export const DISK_SERIAL_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** A BitLocker recovery password: 8 groups of 6 digits. */
export const BITLOCKER_KEY_RE = /^\d{6}(-\d{6}){7}$/;

export const folderDiskSchema = z.object({
  format: z.literal('obc-folder-disk'),
  formatVersion: z.literal(1),
  serial: z.string().regex(DISK_SERIAL_RE, 'serial: letters, digits, - and _ only'),
  capacityBytes: z.number().int().positive(),
  model: z.string().default('Rehearsal folder disk'),
  createdAt: z.string(),
  /** Set when the disk is "encrypted" by Disk Prep: 8 groups of 6 digits like a BitLocker recovery password. */
  bitLockerKey: z.string().regex(BITLOCKER_KEY_RE).optional(),
  /** Job that owns the disk once preparation started (a disk in use by another job is refused). */
  jobName: z.string().optional(),
});
export type FolderDiskDescriptor = z.infer<typeof folderDiskSchema>;

/** Layout on every prepared disk (folder or real NTFS volume), relative to the drive root. */
export const DISK_LAYOUT = {
  /** The DriveManifest XML; the job's driveList[].manifestFile is `\DriveManifest.xml`. */
  manifestFile: 'DriveManifest.xml',
  /** Bill of materials: every file, size, MD5. */
  bomFile: 'obc-bom.json',
  /** Resume journal owned by the tool (mirrored beside the staging folder). */
  journalFile: 'obc-journal.json',
  /** Copy of the job's seed.json (no secret: key salt/check, file list), so Recover Data can read the disks alone. */
  seedFile: 'obc-seed.json',
  /** Data folder: `<session>/<job>/<seed file path>`; BlobPath = `<container>/<job>/<seed file path>`. */
  sessionDir: 'obc-session-1',
} as const;
