/**
 * State and actions of the recover-data slice (slices/recover-data.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { CatalogChild, RestorePointList, StagingJob } from '../../../../shared/contract/backup.ts';
import type { RecoverDraft, RecoverStep } from '../../../../shared/backup-wizard.ts';
import type { PolicyDefaults } from '../slices/policy-defaults.ts';

export interface RecoverState {
  recoverData: {
    draft: RecoverDraft;
    step: RecoverStep;
    reached: number;
    jobs: StagingJob[] | null;
    /** The backup policy's staging location and import job (prefills the source fields), once read. */
    policy: PolicyDefaults | null;
    jobsLoading: boolean;
    jobsError: unknown;
    unlocking: boolean;
    unlockError: unknown;
    /** Source "blob": the container's restore points (recover:points), read when the backup opens. */
    points: RestorePointList | null;
    pointsError: unknown;
    /** Loaded catalog folders: path → children ('' = top). */
    tree: Record<string, CatalogChild[]>;
    expanded: string[];
    loadingPaths: string[];
    treeError: unknown;
    starting: boolean;
    startError: unknown;
    taskId: string | null;
    /** "Check this backup": the verify task of the open backup, or why it could not start. */
    checkTaskId: string | null;
    checkError: unknown;
  };
}

export interface RecoverActions {
  updateRecoverDraft(patch: Partial<RecoverDraft>): void;
  goRecoverStep(step: RecoverStep): void;
  loadRecoverJobs(): Promise<void>;
  /** Reads the backup policy at every opening: its staging location (the source of truth) and the container fields. */
  loadRecoverDefaults(): Promise<void>;
  /** Opens the catalog with the passphrase (recover:list of the top). Resolves true when it opened. */
  unlockRecoverJob(): Promise<boolean>;
  /** Source "blob": opens another restore point (the selection is cleared: it is another catalog). */
  chooseRecoverPoint(id: string): Promise<boolean>;
  loadRecoverFolder(path: string): Promise<void>;
  toggleRecoverFolder(path: string): Promise<void>;
  startRecover(): Promise<void>;
  /** Checks the open backup where it is (staging, disks or the container): a verify task, shown in Jobs too. */
  checkRecoverBackup(): Promise<void>;
  /** After a failed or cancelled run: back to the destination page to run it again. */
  retryRecover(): void;
  resetRecover(): void;
}

export type RecoverSlice = RecoverState & RecoverActions;
