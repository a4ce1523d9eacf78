/**
 * State and actions of the disk-prep slice (slices/disk-prep.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type {
  DiskInfo,
  DiskPrepProgress,
  DiskPrepStatus,
  DisksView,
  DrivesView,
  DriveListItem,
  JobsView,
  PlanView,
} from '../../../../shared/contract/diskprep.ts';
import type { ImportJobInfo, JobBackendName } from '../../../../shared/contract/azure.ts';
import type { JobTarget } from '../slices/job-target.ts';
import type { ShippingDraft } from '../../../../shared/shipping-draft.ts';

export const DISK_PREP_STEPS = ['staging', 'disks', 'signin', 'copy', 'shipping', 'result'] as const;
export type DiskPrepStep = (typeof DISK_PREP_STEPS)[number];

export interface DiskPrepState {
  diskPrep: {
    step: DiskPrepStep;
    reached: number;
    defaultsLoaded: boolean;
    stagingLocation: string;
    /** The policy's staging location as last taken (''): a change in the policy replaces the one shown. */
    policyStagingLocation: string;
    jobs: JobsView | null;
    jobsLoading: boolean;
    jobsError: unknown;
    job: string | null;
    /** Disk Prep state of the chosen job on disk (resume offer, needs-disk pause, complete). */
    status: DiskPrepStatus | null;
    disks: DisksView | null;
    disksLoading: boolean;
    disksError: unknown;
    selected: string[];
    plan: PlanView | null;
    planError: unknown;
    passphrase: string;
    /** The passphrase was checked against the job's seed.json and refused (shown on the Disks page, before any erase). */
    passphraseError: unknown;
    checkingPassphrase: boolean;
    /**
     * Disks that are already BitLocker-encrypted, accepted with their recovery password instead of being erased
     * (disk id → key). Memory only: sent in the diskRef of diskprep:start / addDisk, never stored or shown again.
     */
    bitLockerKeys: Record<string, string>;
    /** The erase dialog: for the first start, or for the disk added after a capacity pause. */
    erase: null | { mode: 'start' | 'add'; diskIds: string[] };
    taskId: string | null;
    startError: unknown;
    progress: DiskPrepProgress | null;
    shipping: ShippingDraft;
    shippingShowAll: boolean;
    /** Which service runs the job: Azure Import/Export (default) or a Data Box customer-disk job. */
    jobBackend: JobBackendName;
    target: JobTarget | null;
    targetError: unknown;
    targetLoading: boolean;
    creating: boolean;
    registering: boolean;
    createError: unknown;
    created: ImportJobInfo | null;
    /** The job already existed with exactly these disks (created earlier, e.g. by `obc diskprep`). */
    createdExisting: boolean;
    drives: DrivesView | null;
    /** Fetched only when the user asks to see them on the result page; kept in memory only. */
    keys: DriveListItem[] | null;
  };
}

export interface DiskPrepActions {
  /** First open: the staging location from the policy; every later open: refreshDiskPrep. */
  openDiskPrep(): Promise<void>;
  /** Reads the staging jobs, the chosen job's state and the created import job again (screen reopened, a task ended). */
  refreshDiskPrep(): Promise<void>;
  setDiskPrepStaging(path: string): void;
  loadStagingJobs(): Promise<void>;
  chooseStagedJob(name: string): Promise<void>;
  loadDisks(): Promise<void>;
  toggleDisk(id: string): void;
  /** Creates a rehearsal folder disk under the data dir; `select` adds it to the chosen disks. */
  addRehearsalDisk(serial: string, capacity: string, select?: boolean): Promise<DiskInfo>;
  setDiskPrepPassphrase(p: string): void;
  /** Checks the passphrase against the staged job before the erase confirmation; false (error on the page) when wrong. */
  checkDiskPrepPassphrase(): Promise<boolean>;
  /** Accepts a disk with its recovery password (keeps its volume), or with null erases it like any other. */
  setDiskBitLockerKey(id: string, key: string | null): void;
  openErase(mode: 'start' | 'add', diskIds: string[]): void;
  closeErase(): void;
  confirmErase(): Promise<void>;
  startCopy(resume?: boolean): Promise<void>;
  /** Shows the progress of a copy that is already running (e.g. after a reload). */
  followCopy(taskId: string): void;
  /** From the Jobs view: opens the copy step of a Disk Prep task waiting for another disk (staging, job from the task). */
  openWaitingDiskPrep(taskId: string, stagingLocation: string, job: string): Promise<void>;
  refreshDiskPrepStatus(): Promise<void>;
  goDiskPrepStep(step: DiskPrepStep): void;
  /** Moves forward (and marks the step reached). */
  advanceDiskPrepStep(step: DiskPrepStep): void;
  openShipping(): Promise<void>;
  updateShipping(patch: Partial<ShippingDraft>): void;
  createImportJob(): Promise<void>;
  /** Chooses the job type on the shipping step (Import/Export or Data Box customer disks). */
  setDiskPrepJobBackend(backend: JobBackendName): Promise<void>;
  /** Opens the BitLocker keys of the prepared disks for display (result page, after a warning). */
  revealDiskPrepKeys(): Promise<void>;
  registerDiskPrepProvider(): Promise<void>;
  resetDiskPrep(): void;
}

export type DiskPrepSlice = DiskPrepState & DiskPrepActions;
