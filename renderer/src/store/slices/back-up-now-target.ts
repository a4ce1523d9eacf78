/**
 * Which backup Back Up Now makes (issue 16), and why, in words the wizard shows on every page: until the policy's
 * seed is imported, the initial backup to the staging location (for Prepare Disks); once the scheduler has seen the
 * import job Completed, an incremental restore point uploaded to the seed's container by the same online run the
 * schedule and `obc agent` use (`backup:startOnline`). Pure: the choice and its page rules are unit-tested.
 */
import type { BackupStep, FieldErrors } from '../../../../shared/backup-wizard.ts';
import type { PolicyDefaults } from './policy-defaults.ts';

export type BackUpNowTarget =
  | { kind: 'online'; title: string; why: string; container: string }
  /** `seedPending`: the policy seeds a container and its import job is not known to be Completed (it can be checked). */
  | { kind: 'staging'; title: string; why: string; seedPending?: true };

export function backUpNowTarget(policy: PolicyDefaults | null): BackUpNowTarget {
  if (!policy)
    return {
      kind: 'staging',
      title: 'Backup to the staging location',
      why: 'No backup policy is in use: Back Up Now writes a backup to the staging location you enter.',
    };
  const job = policy.jobName ? `import job "${policy.jobName}"` : 'its import job';
  if (!policy.storageAccount || !policy.container)
    return {
      kind: 'staging',
      title: 'Backup to the staging location',
      why: 'The backup policy names no storage account container for a seed: Back Up Now writes the backup to the staging location.',
    };
  const container = `${policy.storageAccount}/${policy.container}/${policy.jobName}/`;
  if (policy.seed?.completed)
    return {
      kind: 'online',
      title: 'Incremental restore point in the container',
      why: `The seed is imported (${job}: Completed), so this backup is incremental: only data the container does not hold yet is sent to ${container}, as a new restore point — the same run the schedule makes.`,
      container,
    };
  const seen = policy.seed?.importJobState
    ? `${policy.seed.importJobState}, checked ${policy.seed.checkedAt ?? 'at the last scheduled run'}`
    : 'not checked yet';
  return {
    kind: 'staging',
    title: 'Initial backup to the staging location',
    seedPending: true,
    why: `The seed is not imported yet (${job}: ${seen}), so Back Up Now writes the initial backup to the staging location, for Prepare Disks. Once the import job is seen Completed (by a scheduled run, or Check the import job now), Back Up Now makes incremental restore points in the container instead.`,
  };
}

/**
 * Page rules of Back Up Now online: the policy's items, its saved passphrase and its Retain Backup Till rule (the
 * shared rule for the retain page); no staging location, job folder or size estimate are involved.
 */
export function onlineStepErrors(
  step: BackupStep,
  policy: PolicyDefaults,
  staged: FieldErrors,
  running: boolean,
): FieldErrors {
  if (step === 'items') return policy.items.length ? {} : { items: 'The backup policy has no items.' };
  if (step === 'retain') return staged;
  if (step === 'passphrase')
    return policy.passphraseSet
      ? {}
      : {
          passphrase:
            "No encryption passphrase is saved with the backup policy on this machine, and online restore points are sealed with the seed's passphrase: save the policy again in Schedule Backup with it, then run Back Up Now again.",
        };
  if (step === 'confirm')
    return running ? { confirm: 'A backup started from this wizard is still running; see Backup Progress.' } : {};
  return {};
}
