import { z } from 'zod';
import { channel } from './define.ts';
import { zContainerName, zJobName, zStorageAccountName } from '../validators/azure-names.ts';
import { JOB_BACKENDS } from '../job-backends.ts';
import { zPath } from '../validators/path.ts';
import { MAX_DISKS_PER_JOB } from '../disks.ts';

/** Back Up Now and Recover Data channels. Passphrases travel in the payload and are never logged. */
/** The import job name rule (decision 10), in the words of shared/validators/azure-names.ts. */
const jobName = zJobName;
const passphrase = z.string().min(1, 'a passphrase is required').max(256);
const stagingLocation = zPath;

export const exclusionsSchema = z
  .object({
    folders: z
      .array(z.object({ path: zPath, subfolders: z.boolean() }).strict())
      .max(1000)
      .optional(),
    /** File-type patterns matched against file names: `*.mp3`, `*.tmp`. */
    patterns: z.array(z.string().min(1).max(260)).max(1000).optional(),
    /** File types excluded in one folder (and below it with `subfolders`), MARS's rules. */
    fileTypes: z
      .array(z.object({ folder: zPath, pattern: z.string().min(1).max(260), subfolders: z.boolean() }).strict())
      .max(1000)
      .optional(),
  })
  .strict();

export const backupJobIdentitySchema = z
  .object({
    name: jobName,
    subscriptionId: z.string().max(64).optional(),
    resourceGroup: z.string().max(90).optional(),
    storageAccount: zStorageAccountName.optional(),
    container: zContainerName.optional(),
    /** Which service will hold the import job (the policy's choice, decision 1); recorded in seed.json. */
    jobBackend: z.enum(JOB_BACKENDS).optional(),
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
  /** Files that kept changing while they were read (kept as read the second time, marked in the catalog). */
  changedWhileRead?: SkippedFile[];
  /** Plain remarks of the run (no warnings): a folder left out because it holds the staging location, … */
  notes?: string[];
  /** A run that resumed a killed one: files changed, added or removed in between (first 200; the count). */
  changedSinceInterruptedRun?: Array<{ path: string; change: 'changed' | 'added' | 'removed' }>;
  changedSinceInterruptedRunCount?: number;
  resumed: boolean;
  seconds: number;
  /**
   * The packs' byte path in this run: how many were written, and read back, with O_DIRECT (Linux: no page-cache copy,
   * the read-back reads the device) or through the OS cache (elsewhere, or a file system that refuses it); in words.
   */
  packIo?: { writtenDirect: number; writtenCached: number; readDirect: number; readCached: number; note: string };
}

/** Task result of backup:verify. */
export interface VerifySummary {
  ok: boolean;
  jobName: string;
  packsChecked: number;
  /** With a data subset (`obc verify --read-data-subset`): packs not read. */
  packsNotRead?: number;
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
  resourceGroup?: string;
  /** Retain-till date recorded in seed.json (YYYY-MM-DD). */
  retainUntil?: string;
  totals?: { files: number; bytes: number; storedBytes: number; chunks: number; skipped: number };
  problem?: string;
}

/** Task result of recover:start. */
export interface RestoreSummary {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  /** Files and links already in place with the backup's bytes (a rerun), left alone. */
  unchanged?: number;
  skipped: Array<{ path: string; reason: string }>;
  /**
   * Original location: `.obc-restore-*.tmp` files a killed earlier restore left beside the files, removed from the
   * folders this run wrote into (absolute paths, the first 200; `leftoversRemoved` counter: all).
   */
  leftoversRemoved?: string[];
  /** The container's restore point restored (the newest when none was asked for). */
  restorePoint?: string;
}

/** A restore point as listed: the seed (the imported backup) or one made online. */
export interface RestorePointInfo {
  /** `seed` for the imported backup; `YYYYMMDDTHHMMSSZ-xxxxxx` (its time, then 6 random hex) for one made online. */
  id: string;
  kind: 'seed' | 'online';
  /** When its data was read: a scheduled run's due instant (ISO), Back Up Now's start, the seed's createdAt. */
  time: string;
  completedAt: string;
  /** Files and their bytes in the point. */
  files: number;
  bytes: number;
  /** Bytes this point added to the container (its new packs and its catalog). */
  newBytes: number;
  /** "Retain Backup Till" (YYYY-MM-DD), when set. */
  retainUntil?: string;
  sourceMachine: string;
}

/** Task-less result of recover:points: readable restore points (oldest first) and damaged ones. */
export interface RestorePointList {
  points: RestorePointInfo[];
  damaged: Array<{ id: string; reason: string }>;
}

export const CONFLICT_CHOICES = ['overwrite', 'skip', 'keepBoth'] as const;
/**
 * What Recover Data does with a file that already exists at the destination when nobody chose: keep both (the
 * recovered copy gets a new name), as the MARS agent's "Create copies so that you have both versions". The console,
 * `obc restore` and the backup service use this one default.
 */
export const DEFAULT_CONFLICT: (typeof CONFLICT_CHOICES)[number] = 'keepBoth';

/** YYYY-MM-DD (a real calendar date). */
export const retainUntilSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'retainUntil: a date as YYYY-MM-DD')
  .refine(
    (s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s),
    'retainUntil: not a calendar date',
  );

/**
 * Where Recover Data reads a backup from: the staging folder, the prepared disks (folder roots of the disks, each
 * holding DriveManifest.xml, obc-bom.json and `obc-session-1/<job>/…`), or the blob container after the import.
 */
export const recoverSourceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('staging'), stagingLocation, job: jobName }).strict(),
  z
    .object({
      kind: z.literal('disks'),
      disks: z
        .array(zPath)
        .min(1, 'give at least one disk folder')
        .max(MAX_DISKS_PER_JOB, `an import job has at most ${MAX_DISKS_PER_JOB} disks`),
      job: jobName,
      /** Where seed.json is read from when reachable (else the copy Disk Prep keeps on each disk). */
      stagingLocation: stagingLocation.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('container'),
      job: jobName,
      subscriptionId: z.string().min(1, 'a subscription is required').max(64),
      resourceGroup: z.string().min(1).max(90).optional(),
      storageAccount: zStorageAccountName,
      container: zContainerName,
      stagingLocation: stagingLocation.optional(),
      /** A restore point (`obc restore-points list`): `seed`, or one made online; absent = the newest readable one. */
      restorePoint: z
        .string()
        .regex(
          /^(seed|\d{8}T\d{6}Z-[0-9a-f]{6})$/,
          'restore point: "seed" or an id as `obc restore-points list` prints it',
        )
        .optional(),
    })
    .strict(),
]);
export type RecoverSource = z.infer<typeof recoverSourceSchema>;

/**
 * A job to open: `source` (any kind), or the older `{ staging, job }`; the passphrase typed, or
 * `usePolicyPassphrase: true` (the host uses the passphrase this machine's backup policy keeps protected).
 */
const openRef = {
  stagingLocation: stagingLocation.optional(),
  job: jobName.optional(),
  source: recoverSourceSchema.optional(),
  passphrase: passphrase.optional(),
  usePolicyPassphrase: z.literal(true).optional(),
};
// Parsed requests: zod types an optional field as `T | undefined`.
type OpenRefShape = {
  stagingLocation?: string | undefined;
  job?: string | undefined;
  source?: RecoverSource | undefined;
  passphrase?: string | undefined;
  usePolicyPassphrase?: true | undefined;
};
function checkOpenRef(v: OpenRefShape, ctx: z.RefinementCtx): void {
  if (!v.source && (!v.stagingLocation || !v.job))
    ctx.addIssue({ code: 'custom', path: ['source'], message: 'give a source, or a stagingLocation and a job' });
  if (v.source && (v.stagingLocation !== undefined || v.job !== undefined))
    ctx.addIssue({ code: 'custom', path: ['source'], message: 'give either source or stagingLocation/job, not both' });
  checkSecret(v, ctx);
}
function checkSecret(
  v: { passphrase?: string | undefined; usePolicyPassphrase?: true | undefined },
  ctx: z.RefinementCtx,
): void {
  if (!v.passphrase && !v.usePolicyPassphrase)
    ctx.addIssue({
      code: 'custom',
      path: ['passphrase'],
      message: 'a passphrase is required (or usePolicyPassphrase)',
    });
  if (v.passphrase && v.usePolicyPassphrase)
    ctx.addIssue({
      code: 'custom',
      path: ['passphrase'],
      message: 'give a passphrase or usePolicyPassphrase, not both',
    });
}
const secretRef = { passphrase: passphrase.optional(), usePolicyPassphrase: z.literal(true).optional() };

export const backupInvoke = {
  /** Starts Back Up Now (resumes an unfinished run of the same job). Progress and summary through the task. */
  'backup:start': channel<{ taskId: string }>()(
    z
      .object({
        items: z.array(zPath).min(1).max(1000),
        exclusions: exclusionsSchema.optional(),
        stagingLocation,
        job: backupJobIdentitySchema,
        ...secretRef,
        /** Replace a completed backup of this job (the wizard asks first). */
        overwrite: z.boolean().optional(),
        /** Retain-till date (YYYY-MM-DD), stored in seed.json. */
        retainUntil: retainUntilSchema.optional(),
      })
      .strict()
      .superRefine(checkSecret),
  ),
  /**
   * Back Up Now once the policy's seed is imported (issue 16): an incremental restore point uploaded to the seed's
   * container, run by the scheduler's online run (the policy's items, exclusions and stored passphrase; the container
   * through Change Properties → Container access) and shown in Jobs. Refused while the seed is not imported.
   */
  'backup:startOnline': channel<{ taskId: string; runId: string }>()(
    z.object({ retainUntil: retainUntilSchema.optional() }).strict(),
  ),
  /** Checks a passphrase against an existing job's seed.json (its key check) before Back Up Now continues it. */
  'backup:checkPassphrase': channel<{ ok: true; exists: boolean }>()(
    z
      .object({ stagingLocation, job: jobName, ...secretRef })
      .strict()
      .superRefine(checkSecret),
  ),
  /** Fast scan: source size vs the staging volume's free space. */
  'backup:estimate': channel<BackupEstimate>()(
    z
      .object({ items: z.array(zPath).min(1).max(1000), exclusions: exclusionsSchema.optional(), stagingLocation })
      .strict(),
  ),
  /** Check a backup (every pack, chunk and file): in a staging folder (staging + job), or any recover source (Recover Data's "Check this backup"). */
  'backup:verify': channel<{ taskId: string }>()(
    z
      .object({ ...openRef })
      .strict()
      .superRefine(checkOpenRef),
  ),
  /** Jobs found in a staging location (from their seed.json files). */
  'backup:jobs': channel<StagingJob[]>()(z.object({ stagingLocation }).strict()),
  /** Browse a backup's catalog: the children of `path` ('' or absent = top). */
  /** The restore points of a container source (the seed while its catalog is there, and every online one). */
  'recover:points': channel<RestorePointList>()(
    z
      .object({ ...openRef })
      .strict()
      .superRefine(checkOpenRef),
  ),
  'recover:list': channel<CatalogListing>()(
    z
      .object({ ...openRef, path: z.string().max(4096).optional() })
      .strict()
      .superRefine(checkOpenRef),
  ),
  'recover:start': channel<{ taskId: string }>()(
    z
      .object({
        ...openRef,
        /** The destination folder ("Another location"); absent with `originalLocation`. */
        to: zPath.optional(),
        /** Each file back to the absolute path it was backed up from ("Original location"); exclusive with `to`. */
        originalLocation: z.literal(true).optional(),
        paths: z.array(z.string().min(1).max(4096)).max(10000).optional(),
        conflict: z.enum(CONFLICT_CHOICES).optional(),
      })
      .strict()
      .superRefine(checkOpenRef)
      .superRefine((v, ctx) => {
        if ((v.to === undefined) === (v.originalLocation === undefined)) {
          ctx.addIssue({
            code: 'custom',
            path: ['to'],
            message:
              'Restore to either a destination folder (to) or the original location (originalLocation), one of the two.',
          });
        }
      }),
  ),
};
