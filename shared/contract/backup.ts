import { z } from 'zod';
import { channel } from './define.ts';

/** Back Up Now and Recover Data channels. Passphrases travel in the payload and are never logged. */
const pathString = z.string().min(1, 'a path is required').max(4096).refine((s) => !s.includes('\0'), 'path contains a NUL character');
const jobName = z.string().regex(/^[a-z][a-z0-9-]{1,63}$/, 'job name: 2–64 lowercase letters, digits and hyphens, starting with a letter');
const passphrase = z.string().min(1, 'a passphrase is required').max(256);
const staging = pathString;

export const exclusionsSchema = z
  .object({
    folders: z.array(z.object({ path: pathString, subfolders: z.boolean() }).strict()).max(1000).optional(),
    /** File-type patterns matched against file names: `*.mp3`, `*.tmp`. */
    patterns: z.array(z.string().min(1).max(260)).max(1000).optional(),
  })
  .strict();

export const backupJobIdentitySchema = z
  .object({
    name: jobName,
    subscriptionId: z.string().max(64).optional(),
    resourceGroup: z.string().max(90).optional(),
    storageAccount: z.string().regex(/^[a-z0-9]{3,24}$/).optional(),
    container: z.string().min(3).max(63).optional(),
  })
  .strict();

export interface SkippedFile {
  path: string;
  code: string;
  reason: string;
}

export interface BackupEstimate {
  files: number;
  dirs: number;
  bytes: number;
  requiredBytes: number;
  freeBytes: number;
  fits: boolean;
  skipped: SkippedFile[];
}

/** Task result of backup:start (task.result). */
export interface BackupSummary {
  jobName: string;
  jobDir: string;
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  storedBytes: number;
  packs: number;
  chunks: number;
  dedupSavedBytes: number;
  compressionSavedBytes: number;
  skippedCount: number;
  skipped: SkippedFile[];
  resumed: boolean;
  seconds: number;
}

/** Task result of backup:verify. */
export interface VerifySummary {
  ok: boolean;
  jobName: string;
  packsChecked: number;
  chunksChecked: number;
  filesChecked: number;
  catalogOk: boolean;
  damagedPacks: Array<{ path: string; reason: string }>;
  damagedFiles: Array<{ path: string; reason: string }>;
}

export interface CatalogChild {
  name: string;
  path: string;
  type: 'file' | 'dir' | 'symlink';
  size: number;
  mtimeMs: number;
  target?: string;
}
export interface CatalogListing {
  path: string;
  children: CatalogChild[];
}

export interface StagingJob {
  jobName: string;
  dir: string;
  state: 'inProgress' | 'complete' | 'damaged';
  createdAt?: string;
  completedAt?: string;
  storageAccount?: string;
  container?: string;
  subscriptionId?: string;
  totals?: { files: number; bytes: number; storedBytes: number; chunks: number; skipped: number };
  problem?: string;
}

/** Task result of recover:start. */
export interface RestoreSummary {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  skipped: Array<{ path: string; reason: string }>;
}

export const CONFLICT_CHOICES = ['overwrite', 'skip', 'keepBoth'] as const;

const jobRef = { staging, job: jobName, passphrase };

export const backupInvoke = {
  /** Starts Back Up Now (resumes an unfinished run of the same job). Progress and summary through the task. */
  'backup:start': channel<{ taskId: string }>()(
    z
      .object({
        items: z.array(pathString).min(1).max(1000),
        exclusions: exclusionsSchema.optional(),
        staging,
        job: backupJobIdentitySchema,
        passphrase,
        /** Replace a completed backup of this job (the wizard asks first). */
        overwrite: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Fast scan: source size vs the staging volume's free space. */
  'backup:estimate': channel<BackupEstimate>()(z.object({ items: z.array(pathString).min(1).max(1000), exclusions: exclusionsSchema.optional(), staging }).strict()),
  'backup:verify': channel<{ taskId: string }>()(z.object(jobRef).strict()),
  /** Jobs found in a staging location (from their seed.json files). */
  'backup:jobs': channel<StagingJob[]>()(z.object({ staging }).strict()),
  /** Browse a backup's catalog: the children of `path` ('' or absent = top). */
  'recover:list': channel<CatalogListing>()(z.object({ ...jobRef, path: z.string().max(4096).optional() }).strict()),
  'recover:start': channel<{ taskId: string }>()(
    z
      .object({
        ...jobRef,
        to: pathString,
        paths: z.array(z.string().min(1).max(4096)).max(10000).optional(),
        conflict: z.enum(CONFLICT_CHOICES).optional(),
      })
      .strict(),
  ),
};
