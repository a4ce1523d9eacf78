/**
 * State and actions of the back-up-now slice (slices/back-up-now.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { BackupEstimate, StagingJob } from '../../../../shared/contract/backup.ts';
import type { BackupDraft, BackupStep, ExistingJobState } from '../../../../shared/backup-wizard.ts';
import type { PolicyDefaults, PolicyFetch } from '../slices/policy-defaults.ts';

export type PolicyLoad = 'idle' | 'loading' | 'loaded' | 'none' | 'unavailable' | 'error';

export interface BackUpNowState {
  backUpNow: {
    draft: BackupDraft;
    step: BackupStep;
    reached: number;
    policyLoad: PolicyLoad;
    policyNote: string | null;
    policy: PolicyDefaults | null;
    /**
     * No schedule exists and the user chose a one-off backup anyway. Until then Back Up Now asks for a schedule first,
     * as the MARS agent does (its Back Up Now is available only once a schedule exists).
     */
    withoutSchedule: boolean;
    existing: ExistingJobState;
    existingJob: StagingJob | null;
    /** What the staging check refused (a prepared disk, the items themselves…); Back Up Now creates a missing folder itself. */
    stagingProblem: { stagingLocation: string; message: string } | null;
    estimate: BackupEstimate | null;
    estimating: boolean;
    estimateError: unknown;
    starting: boolean;
    startError: unknown;
    taskId: string | null;
    /** "Check the import job now" (policy:checkSeed) in progress, and why it failed. */
    seedChecking: boolean;
    seedCheckError: unknown;
    /** backup:verify run from the finished progress page. */
    verifyTaskId: string | null;
    verifyError: unknown;
  };
}

export interface BackUpNowActions {
  /** Reads the policy again every time the wizard opens (a policy created or changed since is used at once). */
  openBackUpNow(): Promise<void>;
  /** The policy as read now (policy:get or a policy:changed event): applied while the wizard is on its first page. */
  applyBackUpNowPolicy(r: PolicyFetch): void;
  /** No schedule: go on with a one-off backup whose items are typed here. */
  continueWithoutSchedule(): void;
  /** Asks the seed's import job state now (policy:checkSeed); a Completed job turns Back Up Now into an online run. */
  checkSeedForBackup(): Promise<void>;
  updateBackupDraft(patch: Partial<BackupDraft>): void;
  goBackupStep(step: BackupStep): void;
  /** The staging check before leaving the first page: false (message on the staging field) when it is refused. */
  checkStagingForBackup(): Promise<boolean>;
  checkBackupJob(): Promise<void>;
  /** backup:checkPassphrase (policy's passphrase, existing job's key check) before leaving the passphrase page; false (error shown) when wrong. */
  checkBackupPassphrase(): Promise<boolean>;
  estimateBackup(): Promise<void>;
  startBackup(): Promise<void>;
  verifyBackup(): Promise<void>;
  /** After a failed or cancelled run: back to a page to fix it, carrying the task's error there. */
  retryBackup(step: BackupStep, error?: unknown): void;
  resetBackUpNow(): void;
}

export type BackUpNowSlice = BackUpNowState & BackUpNowActions;
