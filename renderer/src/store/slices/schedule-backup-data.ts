/**
 * The Schedule Backup wizard's data as plain functions: the empty draft, a saved policy as a draft and back, which
 * pages the wizard shows, and whether the import job's resource group was found missing. The slice is
 * schedule-backup.ts.
 */
import { DEFAULT_RETENTION, type Policy, type PolicyInput } from '../../../../shared/policy-schema.ts';
import { visibleSteps, type WizardData, type WizardStep } from '../../../../shared/policy-steps.ts';
import type { ScheduleBackupState } from '../state/schedule-backup.ts';

export const localTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

export const emptyWizardData = (): WizardData => ({
  items: [],
  exclusions: { folders: [], patterns: [], fileTypes: [] },
  schedule: { frequency: 'daily', times: ['21:00'], days: ['sunday'], everyWeeks: 1, timeZone: localTimeZone() },
  retention: structuredClone(DEFAULT_RETENTION),
  initialType: 'ownDisks',
  ownDisk: {
    stagingLocation: '',
    subscriptionId: '',
    storageAccount: '',
    storageAccountResourceGroup: '',
    container: '',
    importJobName: '',
    jobResourceGroup: '',
    // Decision 1 (revised): new own-disk jobs are Microsoft.DataBox customer-disk jobs unless Import/Export is chosen.
    jobBackend: 'DataBox',
  },
  existingJobNames: [],
  stagingCheck: null,
  signIn: { signedIn: false, providerRegistered: false },
  passphraseRequired: true,
  passphrase: '',
  passphraseConfirm: '',
  passphraseSaved: false,
});

/**
 * The wizard's pages. A new schedule on a machine that keeps a passphrase (its earlier schedule was stopped and
 * deleted) still shows the passphrase page: it says the kept passphrase is used, instead of skipping it silently.
 */
export function wizardSteps(sb: Pick<ScheduleBackupState['scheduleBackup'], 'data' | 'view'>): WizardStep[] {
  const steps = visibleSteps(sb.data);
  if (!steps.includes('passphrase') && sb.view && !sb.view.policy && sb.view.passphraseSet)
    steps.splice(steps.indexOf('confirm'), 0, 'passphrase');
  return steps;
}

/** The import job's resource group was looked up and does not exist (Next stays disabled on the own-disk page). */
export function jobResourceGroupMissing(sb: ScheduleBackupState['scheduleBackup']): boolean {
  const c = sb.jobResourceGroupCheck;
  return !!c && c.state === 'missing' && c.name === sb.data.ownDisk.jobResourceGroup.trim();
}

export function dataFromPolicy(p: Policy, base: WizardData): WizardData {
  return {
    ...base,
    items: p.items,
    exclusions: p.exclusions,
    schedule: p.schedule,
    retention: p.retention,
    initialType: p.initialBackup.type,
    ownDisk: p.initialBackup.ownDisk ?? base.ownDisk,
    // The existing job is this policy's own: it is not a clash.
    existingJobNames: [],
  };
}

export function policyInputOf(d: WizardData): PolicyInput {
  return {
    items: d.items,
    exclusions: d.exclusions,
    schedule: d.schedule,
    retention: d.retention,
    initialBackup:
      d.initialType === 'ownDisks'
        ? { type: 'ownDisks', ownDisk: { ...d.ownDisk, stagingLocation: d.ownDisk.stagingLocation.trim() } }
        : { type: d.initialType },
  };
}
