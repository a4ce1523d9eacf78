/**
 * The Schedule Backup wizard's pages and a pure `validateStep(step, data)` (ANCHORS §11.11). The renderer shows the
 * messages after a field is touched and enables Next only when the page's result is empty.
 */
import { checkPassphrase } from './validators/passphrase.ts';
import { JOB_BACKEND_NAMESPACE } from './contract/azure.ts';
import {
  checkExclusions,
  checkItems,
  checkOwnDisk,
  checkRetention,
  checkSchedule,
  jobBackendOfPolicy,
  type Exclusions,
  type InitialBackupType,
  type OwnDiskSettings,
  type PolicyItem,
  type Retention,
  type Schedule,
} from './policy.ts';

export const WIZARD_STEPS = [
  'gettingStarted',
  'items',
  'schedule',
  'retention',
  'initialType',
  'ownDisk',
  'signIn',
  'passphrase',
  'confirm',
  'progress',
] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];

export const STEP_TITLES: Record<WizardStep, string> = {
  gettingStarted: 'Getting Started',
  items: 'Select Items to Back up',
  schedule: 'Specify Backup Schedule',
  retention: 'Select Retention Policy',
  initialType: 'Choose Initial Backup Type',
  ownDisk: 'Use your own disk',
  signIn: 'Azure sign-in',
  passphrase: 'Encryption passphrase',
  confirm: 'Confirmation',
  progress: 'Modify Backup Progress',
};

export interface StagingCheckResult {
  path: string;
  ok: boolean;
  exists: boolean;
  writable: boolean;
  freeBytes?: number;
  requiredBytes?: number;
  message: string;
  /**
   * Why it is not ok, for callers that treat problems differently (Back Up Now creates a missing folder itself but
   * never writes onto a prepared disk or into the items it backs up).
   */
  problem?:
    'syntax' | 'missing' | 'notFolder' | 'preparedDisk' | 'insideItems' | 'notWritable' | 'noSpace' | 'unreadable';
}

export interface WizardData {
  items: PolicyItem[];
  exclusions: Exclusions;
  schedule: Schedule;
  retention: Retention;
  initialType: InitialBackupType;
  ownDisk: OwnDiskSettings;
  /** Job names already used in the subscription (from jobs:list once signed in). */
  existingJobNames: string[];
  /** Last result of policy:checkStaging for ownDisk.stagingLocation (null until checked). */
  stagingCheck: StagingCheckResult | null;
  signIn: { signedIn: boolean; providerRegistered: boolean };
  /** A passphrase is needed only for the first policy of this machine. */
  passphraseRequired: boolean;
  passphrase: string;
  passphraseConfirm: string;
  /** Saved to a file or copied since it was last changed. */
  passphraseSaved: boolean;
}

export type StepErrors = Partial<Record<string, string>>;

/** Steps shown for this data: own-disk and sign-in only for own disks, the passphrase only the first time. */
export function visibleSteps(d: Pick<WizardData, 'initialType' | 'passphraseRequired'>): WizardStep[] {
  return WIZARD_STEPS.filter((s) => {
    if (s === 'ownDisk' || s === 'signIn') return d.initialType === 'ownDisks';
    if (s === 'passphrase') return d.passphraseRequired;
    return true;
  });
}

export function validateStep(step: WizardStep, d: WizardData): StepErrors {
  switch (step) {
    case 'gettingStarted':
    case 'confirm':
    case 'progress':
      return {};
    case 'items': {
      const out: StepErrors = { ...checkExclusions(d.exclusions, d.items) };
      const m = checkItems(d.items);
      if (m) out.items = m;
      return out;
    }
    case 'schedule':
      return checkSchedule(d.schedule);
    case 'retention':
      return checkRetention(d.retention, d.schedule);
    case 'initialType':
      return d.initialType ? {} : { initialType: 'Choose how the first backup reaches Azure.' };
    case 'ownDisk': {
      const out: StepErrors = checkOwnDisk(d.ownDisk, d.existingJobNames);
      if (!out.stagingLocation) {
        const c = d.stagingCheck;
        if (!c || c.path !== d.ownDisk.stagingLocation.trim())
          out.stagingLocation = 'Staging location has not been checked yet (existence, write access and free space).';
        else if (!c.ok) out.stagingLocation = c.message;
      }
      return out;
    }
    case 'signIn': {
      const out: StepErrors = {};
      if (!d.signIn.signedIn) out.signIn = 'Sign in to Azure to continue.';
      else if (!d.signIn.providerRegistered)
        out.provider = `Register the ${JOB_BACKEND_NAMESPACE[jobBackendOfPolicy(d.ownDisk)]} resource provider in the subscription to continue.`;
      return out;
    }
    case 'passphrase': {
      if (!d.passphraseRequired) return {};
      const out: StepErrors = {};
      const c = checkPassphrase(d.passphrase);
      if (!c.ok) out.passphrase = c.reason;
      if (d.passphraseConfirm !== d.passphrase) out.passphraseConfirm = 'The two passphrases do not match.';
      if (!out.passphrase && !d.passphraseSaved)
        out.passphraseSaved =
          'Save the passphrase to a file or copy it before continuing: nothing can be restored without it.';
      return out;
    }
  }
}

/** The first step (in order) with errors, or null when every step up to `until` is valid. */
export function firstInvalidStep(d: WizardData, until: WizardStep = 'confirm'): WizardStep | null {
  for (const s of visibleSteps(d)) {
    if (Object.keys(validateStep(s, d)).length) return s;
    if (s === until) break;
  }
  return null;
}
