import { z } from 'zod';
import { channel } from './define.ts';
import { JOB_BACKENDS, type ImportJobInfo, type JobBackendName } from './azure.ts';
import { shippingDefaultsSchema } from './shipping.ts';
import type { JobTarget } from '../job-target.ts';
import { zContainerName, zJobName, zSubscriptionId } from '../validators/azure-names.ts';
import { zPath } from '../validators/path.ts';
import { DISK_SERIAL_RE, MAX_DISKS_PER_JOB } from '../disks.ts';

/* ---------- Types the Disk Prep screens render (the engine in electron/services/diskprep uses the same) ---------- */

export type DiskKind = 'folder' | 'windows';

export interface DiskVolume {
  /** Drive letter without colon (Windows) or the folder path (folder disks). */
  mount: string;
  fileSystem: string;
  sizeBytes: number;
  freeBytes: number;
  label?: string;
}

export type DiskIssueCode =
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

export interface DiskIssue {
  code: DiskIssueCode;
  message: string;
}

/** One disk. `refusals` block preparation; `warnings` need attention (NOT_EMPTY: typed confirmation naming the serial). */
export interface DiskInfo {
  /** Folder path (folder disks) or `disk:<n>` (Windows). Pass it back as `id`. */
  id: string;
  kind: DiskKind;
  /** Folder disks: label them "rehearsal disk" — they cannot be shipped. */
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
  usedBytes: number;
  jobName?: string;
  bitLockerKey?: string;
  refusals: DiskIssue[];
  warnings: DiskIssue[];
}

export type DiskPhase = 'waiting' | 'prepare' | 'copy' | 'manifest' | 'readback' | 'done';

/** A disk's place in a run: queued (not started), running, done (verified, or skipped as verified before), failed. */
export type DiskState = 'queued' | 'running' | 'done' | 'failed';

/** One disk of a Disk Prep run. The disks of a run are filled at the same time, so each has its own rate and ETA. */
export interface DiskProgress {
  serial: string;
  /** The disk as given (folder path, `disk:<n>` or drive letter): its label in the console and the CLI. */
  id?: string;
  phase: DiskPhase;
  state: DiskState;
  bytes: number;
  files: number;
  copiedBytes: number;
  copiedFiles: number;
  verifiedBytes: number;
  /** Copy + read-back of this disk (every data byte counts twice): done of total. */
  doneBytes: number;
  totalBytes: number;
  /** Bytes per second this disk moved over the last few seconds (copy or read-back), while it runs. */
  rate?: number;
  etaSeconds?: number;
  /** The file this disk is copying or reading back. */
  currentFile?: string;
  /** Why the disk failed (state 'failed'): the error's message, naming the disk. */
  error?: string;
}

/** Emitted as the task's progress (done/total bytes) and its typed detail (shared/task.ts), kept for `diskprep:status`. */
export interface DiskPrepProgress {
  /** The last phase change of any disk (with `serial`), or the run's own phase (plan, needsDisk). */
  phase: DiskPhase | 'plan' | 'needsDisk';
  serial?: string;
  currentFile?: string;
  /** Copy + read-back: every data byte counts twice. */
  doneBytes: number;
  totalBytes: number;
  rate?: number;
  etaSeconds?: number;
  disks: DiskProgress[];
  /** Capacity one more disk needs (0 when the disks given are enough). */
  neededBytes: number;
}

/** One prepared disk as drives.json records it: its manifest, what it holds, and whether it is a folder disk. */
export interface PreparedDriveSummary {
  driveId: string;
  manifestFile: string;
  manifestHash: string;
  bytes: number;
  files: number;
  rehearsal: boolean;
}

/** What a finished Disk Prep task hands back (TaskSnapshot.detail.result). */
export interface DiskPrepTaskResult {
  jobName: string;
  container: string;
  stateDir: string;
  drives: PreparedDriveSummary[];
  readBackDirect: boolean;
  readBackNote: string;
  /** Whether every copy read the staging, and wrote the disks, with O_DIRECT (Linux; else through the OS cache). */
  copyDirect: { read: boolean; write: boolean };
  copyNote: string;
  copiedBytes: number;
  /** Copy and read-back time summed over the disks (they run at the same time: more than the run's wall time). */
  copyMs: number;
  verifiedBytes: number;
  readBackMs: number;
  warnings: string[];
  notices: string[];
  backupId: string;
  /** Where the run's worker time went, in ms summed over the workers (the bench: staging read, disks or CPU?). */
  busyMs?: DiskPrepBusy;
}

export interface DiskPrepBusy {
  stagingRead: number;
  diskWrite: number;
  copyHash: number;
  fsync: number;
  readBackRead: number;
  readBackHash: number;
  /** CPU time (user + system) of the worker threads in the copy jobs and in the read-back jobs (bench: per phase). */
  copyCpu?: number;
  readBackCpu?: number;
  /** Of which system time (read/write system calls), per phase. */
  copyCpuSys?: number;
  readBackCpuSys?: number;
}

/** The Disk Prep task's typed detail on its snapshot: live per-disk progress, and the result once it succeeded. */
export interface DiskPrepTaskDetail {
  kind: 'diskprep';
  progress: DiskPrepProgress;
  result?: DiskPrepTaskResult;
}

export interface StagedJobView {
  jobName: string;
  folder: string;
  files: number;
  bytes: number;
  state: 'inProgress' | 'complete';
  container?: string;
  storageAccount?: string;
  /** seed.json's job type (decision 1); absent in seeds written before it was recorded. */
  jobBackend?: JobBackendName;
  sourceMachine: string;
  createdAt: string;
}

export interface JobsView {
  stagingLocation: string;
  jobs: StagedJobView[];
  /** seed.json files that failed their checks, with the reason. */
  broken: Array<{ folder: string; seedPath: string; reason: string }>;
}

export interface DisksView {
  disks: DiskInfo[];
  /** False off Windows: only folder (rehearsal) disks are listed; `note` says so. */
  windowsAvailable: boolean;
  note?: string;
}

export interface PlanView {
  fits: boolean;
  /** Capacity one more disk needs for the files left over: their data plus room for its manifest, BOM and journal. */
  neededBytes: number;
  /** The job's data. */
  totalBytes: number;
  /** The largest file of the job (a pack): a disk smaller than this holds no pack at all. */
  largestFileBytes?: number;
  disks: Array<{ serial: string; capacityBytes: number; files: number; dataBytes: number; plannedBytes: number }>;
  unassignedFiles: number;
  tooManyDisks: boolean;
  split: Array<{ part: number; disks: number; files: number; bytes: number; firstFile: string; lastFile: string }>;
}

export interface DiskStatusView {
  serial: string;
  id: string;
  kind: DiskKind;
  files: number;
  bytes: number;
  committedFiles: number;
  committedBytes: number;
  manifestHash?: string;
  verified: boolean;
}

/** What a waiting Disk Prep task waits for (its TaskWaiting.reason). */
export type DiskPrepWaitReason = 'anotherDisk' | 'signIn';

/** The words every view (Jobs, Prepare Disks, the task's message) uses for a Disk Prep wait and what ends it. */
export const DISK_PREP_WAITS: Record<DiskPrepWaitReason, { title: string; action: string }> = {
  anotherDisk: { title: 'Waiting for another disk', action: 'Attach another disk' },
  signIn: { title: 'Waiting for sign-in', action: 'Sign in to continue' },
};

/** The reason of a waiting Disk Prep task's snapshot, when it is one of DISK_PREP_WAITS. */
export const diskPrepWaitReason = (waiting: { reason: string } | undefined): DiskPrepWaitReason | undefined =>
  waiting?.reason === 'anotherDisk' || waiting?.reason === 'signIn' ? waiting.reason : undefined;

export interface DiskPrepStatus {
  jobName: string;
  stateDir: string;
  started: boolean;
  disks: DiskStatusView[];
  /** Every file of the job is on a verified disk. */
  complete: boolean;
  /**
   * Set while the job's disks cannot take every file: one more disk of at least `neededBytes` is needed. Worked out
   * from session.json, so it survives a restart (then: resume, and the task waits for the disk again).
   */
  needsDisk?: { neededBytes: number; remainingFiles: number; remainingBytes: number };
  /** The job's task while it copies (or is cancelling). */
  runningTaskId?: string;
  /**
   * The job's task while it waits (task status 'waiting'): for another disk (diskprep:addDisk continues it) or for a
   * sign-in (it continues by itself once the console is signed in); `waitingFor` says which.
   */
  waitingTaskId?: string;
  waitingFor?: DiskPrepWaitReason;
  lastProgress?: DiskPrepProgress;
}

export interface DriveListItem {
  driveId: string;
  bitLockerKey: string;
  manifestFile: string;
  manifestHash: string;
  driveHeaderHash: '';
}

export interface DrivesView {
  jobName: string;
  container: string;
  storageAccount?: string;
  drives: Array<PreparedDriveSummary & { verified: boolean }>;
  /** Present only with `revealKeys: true` (job creation); the keys are otherwise never sent. */
  driveList?: DriveListItem[];
}

/* ---------- Channels ---------- */

/** The import job name rule (decision 10), in the words of shared/validators/azure-names.ts. */
const jobName = zJobName;
/** Never logged; used only to check seed.json and to seal/open the BitLocker keys in drives.json. */
const passphrase = z.string().min(1).max(256);
const diskRef = z
  .object({
    id: z.string().min(1).max(4096),
    /** The UI sets this only after the user typed the disk's serial. */
    confirmErase: z.boolean().optional(),
    existingBitLockerKey: z
      .string()
      .regex(/^\d{6}(-\d{6}){7}$/)
      .optional(),
  })
  .strict();
const jobRef = z.object({ stagingLocation: zPath, job: jobName }).strict();
const createImportJobSchema = z
  .object({
    stagingLocation: zPath,
    job: jobName,
    passphrase: passphrase.optional(),
    shipping: shippingDefaultsSchema,
    subscriptionId: zSubscriptionId.optional(),
    /** Which service runs the job (default Import/Export; Data Box customer-disk jobs take names of at most 24 characters). */
    backend: z.enum(JOB_BACKENDS).optional(),
  })
  .strict();
export type CreateImportJobRequest = z.output<typeof createImportJobSchema>;
export interface CreateImportJobResult {
  job: ImportJobInfo;
  /** False when a job of that name already existed with exactly these drives. */
  created: boolean;
  target: JobTarget;
  /** Something the user should know after all (e.g. the manifests' SAS policy could not be extended). */
  note?: string;
}

export const diskprepInvoke = {
  'diskprep:jobs': channel<JobsView>()(z.object({ stagingLocation: zPath }).strict()),
  'diskprep:disks': channel<DisksView>()(
    z
      .object({
        stagingLocation: zPath.optional(),
        job: jobName.optional(),
        folderRoots: z.array(zPath).max(20).optional(),
      })
      .strict(),
  ),
  /** Rehearsal: creates a folder disk (`capacity` in bytes or like "500M", "2G"). */
  'diskprep:initFolderDisk': channel<DiskInfo>()(
    z
      .object({
        path: zPath,
        serial: z.string().regex(DISK_SERIAL_RE),
        capacity: z.union([z.number().int().positive(), z.string().max(32)]),
      })
      .strict(),
  ),
  'diskprep:plan': channel<PlanView>()(
    z.object({ stagingLocation: zPath, job: jobName, disks: z.array(z.string().min(1).max(4096)).max(32) }).strict(),
  ),
  /**
   * Starts (or resumes) the copy as a task. Too little capacity is not a failure: the task fills the disks, then
   * waits (status 'waiting', "Waiting for another disk: …") for diskprep:addDisk.
   */
  'diskprep:start': channel<{ taskId: string }>()(
    z
      .object({
        stagingLocation: zPath,
        job: jobName,
        container: zContainerName.optional(),
        disks: z.array(diskRef).min(1).max(MAX_DISKS_PER_JOB),
        passphrase: passphrase.optional(),
        repair: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Continues a job paused for capacity with one more disk: the waiting task goes on (same taskId); else a new task resumes the job. */
  'diskprep:addDisk': channel<{ taskId: string }>()(
    z.object({ stagingLocation: zPath, job: jobName, disk: diskRef, passphrase: passphrase.optional() }).strict(),
  ),
  'diskprep:status': channel<DiskPrepStatus>()(jobRef),
  'diskprep:drives': channel<DrivesView>()(
    z
      .object({
        stagingLocation: zPath,
        job: jobName,
        passphrase: passphrase.optional(),
        revealKeys: z.boolean().optional(),
      })
      .strict(),
  ),
  /**
   * Creates the import job for the prepared (read-back-verified) disks: the staged job's storage account, region and
   * datacenter are looked up, the shipping details checked against its carriers. The BitLocker keys stay in the
   * main process. A job that already exists with the same drives is returned with created: false.
   */
  'diskprep:createJob': channel<CreateImportJobResult>()(createImportJobSchema),
};
