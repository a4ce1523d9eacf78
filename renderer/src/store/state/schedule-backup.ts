/**
 * State and actions of the schedule-backup slice (slices/schedule-backup.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { PolicyView } from '../../../../shared/contract/policies.ts';
import type { Policy } from '../../../../shared/policy-schema.ts';
import type { WizardData, WizardStep } from '../../../../shared/policy-steps.ts';
import type {
  ContainerInfo,
  EntraAppResult,
  StorageAccountInfo,
  SubscriptionInfo,
} from '../../../../shared/contract/azure.ts';

/** The import job's resource group, looked up in the subscription once signed in (issue 18: checked on its page). */
export type ResourceGroupCheck =
  { name: string; state: 'checking' } | { name: string; state: 'ok' | 'missing' | 'unknown'; message: string };

export type ItemEstimate =
  { state: 'loading' } | { state: 'done'; bytes: number; files: number } | { state: 'error'; message: string };
export type RunStepId = 'container' | 'app' | 'policy';
export interface RunStep {
  id: RunStepId;
  title: string;
  status: 'pending' | 'running' | 'succeeded' | 'failed' | 'skipped';
  message?: string | undefined;
}

export interface ScheduleBackupState {
  scheduleBackup: {
    loaded: boolean;
    view: PolicyView | null;
    loadError: string | null;
    data: WizardData;
    step: WizardStep;
    reached: number;
    touched: Record<string, boolean>;
    estimates: Record<string, ItemEstimate>;
    checkingStaging: boolean;
    azureError: string | null;
    azureBusy: string | null;
    subscriptions: SubscriptionInfo[];
    storageAccounts: StorageAccountInfo[];
    containers: ContainerInfo[];
    entraApp: EntraAppResult | null;
    jobResourceGroupCheck: ResourceGroupCheck | null;
    run: RunStep[];
    running: boolean;
    actionMessage: string | null;
  };
}

export interface ScheduleBackupActions {
  openScheduleBackup(): Promise<void>;
  /** The wizard's sign-in page follows the console's sign-in (signed in or out anywhere, auth:changed). */
  syncWizardSignIn(): void;
  updateWizardData(patch: Partial<WizardData>): void;
  touchField(...names: string[]): void;
  goWizardStep(step: WizardStep): void;
  nextWizardStep(): void;
  backWizardStep(): void;
  estimateItem(path: string): Promise<void>;
  checkStagingLocation(): Promise<void>;
  signInAzure(): Promise<void>;
  loadSubscriptions(): Promise<void>;
  selectSubscription(id: string): Promise<void>;
  selectStorageAccount(name: string): Promise<void>;
  loadExistingJobs(): Promise<void>;
  checkProvider(): Promise<void>;
  registerProvider(): Promise<void>;
  ensureEntraApp(): Promise<void>;
  checkJobResourceGroup(): Promise<void>;
  finishScheduleBackup(): Promise<void>;
  setPolicyState(state: Policy['state']): Promise<void>;
  deletePolicy(deleteStagingData: boolean): Promise<void>;
  resetScheduleBackup(): void;
  /** policy:get / policy:changed: the saved policy, its next runs and last runs (console status line). */
  loadPolicyView(): Promise<void>;
  applyPolicyView(view: PolicyView): void;
  /** Takes a scheduled run off the Jobs view (policy:hideRun; it stays in the run history). */
  hideScheduledRun(id: string): Promise<void>;
}

export type ScheduleBackupSlice = ScheduleBackupState & ScheduleBackupActions;
