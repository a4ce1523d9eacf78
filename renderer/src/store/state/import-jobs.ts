/**
 * State and actions of the import-jobs slice (slices/import-jobs.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type {
  ImportJobInfo,
  ImportLocation,
  JobBackendName,
  SubscriptionInfo,
} from '../../../../shared/contract/azure.ts';
import type { CleanupResult, DriveLogSummary, ImportVerifyReport } from '../../../../shared/contract/import-verify.ts';
import type {
  DeliveryPackageInput,
  ReturnShippingInput,
  ShippingContact,
} from '../../../../shared/validators/shipping.ts';

export interface JobRefKey {
  subscriptionId: string;
  resourceGroup: string;
  jobName: string;
  /** Which service holds the job (default Import/Export); every job action goes to that backend. */
  backend?: JobBackendName;
}

export interface JobNotification {
  id: string;
  jobName: string;
  level: 'info' | 'warning' | 'error';
  text: string;
}

export type JobAction = 'tracking' | 'return' | 'cancel' | 'delete';

export interface ImportJobsState {
  importJobs: {
    jobs: ImportJobInfo[];
    subscriptions: SubscriptionInfo[];
    loaded: boolean;
    loading: boolean;
    error: unknown;
    /** Consecutive failed refreshes (drives the backoff). */
    failures: number;
    lastRefreshed: string | null;
    notifications: JobNotification[];
    /** Keys already notified (state changes and deadline levels), so each is said once. */
    notified: string[];
    selected: JobRefKey | null;
    busy: JobAction | null;
    actionError: unknown;
    locations: ImportLocation[];
    verifyStagingLocation: string;
    verifyTaskId: string | null;
    verifyError: unknown;
    report: ImportVerifyReport | null;
    cleanup: CleanupResult | null;
    cleanupError: unknown;
    driveLogs: Record<string, DriveLogSummary | { error: string }>;
  };
}

export interface ImportJobsActions {
  refreshImportJobs(): Promise<void>;
  selectImportJob(ref: JobRefKey | null): void;
  loadJobLocations(): Promise<void>;
  submitTracking(pkg: DeliveryPackageInput): Promise<boolean>;
  submitReturn(u: { returnAddress?: ShippingContact; returnShipping?: ReturnShippingInput }): Promise<boolean>;
  cancelImportJob(): Promise<boolean>;
  deleteImportJob(): Promise<boolean>;
  dismissJobNotification(id: string): void;
  clearJobActionError(): void;
  setVerifyStaging(path: string): void;
  startImportVerify(): Promise<void>;
  loadVerifyReport(): Promise<void>;
  cleanupStaging(confirmJobName: string): Promise<void>;
  loadDriveLog(uri: string): Promise<void>;
}

export type ImportJobsSlice = ImportJobsState & ImportJobsActions;
