import { BACKUP_STEPS, addYears, type BackupDraft } from '../../../../shared/backup-wizard.ts';
import { api, errorMessage } from '../../api/client.ts';
import { fetchPolicyDefaults, policyDefaultsOf } from './policy-defaults.ts';
import { backUpNowTarget } from './back-up-now-target.ts';
import type { SliceCreator } from '../types.ts';
import type { BackUpNowState, BackUpNowSlice } from '../state/back-up-now.ts';

export function localToday(now: Date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}`;
}

const emptyDraft = (): BackupDraft => ({
  source: 'manual',
  items: [],
  stagingLocation: '',
  jobName: '',
  retainUntil: addYears(localToday(), 1),
  passphrase: '',
  passphraseConfirm: '',
  overwrite: false,
});

export const initBackUpNowState: BackUpNowState = {
  backUpNow: {
    draft: emptyDraft(),
    step: 'items',
    reached: 0,
    policyLoad: 'idle',
    policyNote: null,
    policy: null,
    withoutSchedule: false,
    existing: 'unknown',
    existingJob: null,
    stagingProblem: null,
    estimate: null,
    estimating: false,
    estimateError: null,
    starting: false,
    startError: null,
    taskId: null,
    seedChecking: false,
    seedCheckError: null,
    verifyTaskId: null,
    verifyError: null,
  },
};

export const createBackUpNowSlice: SliceCreator<BackUpNowSlice> = (set, get) => {
  const patch = (p: Partial<BackUpNowState['backUpNow']>) => set((s) => ({ backUpNow: { ...s.backUpNow, ...p } }));
  const selectedItems = () =>
    get()
      .backUpNow.draft.items.filter((i) => i.selected)
      .map((i) => i.path);
  const exclusions = () => get().backUpNow.policy?.exclusions;
  /** Back Up Now after the seed: an online restore point (no staging folder, job folder or size estimate involved). */
  const online = () =>
    get().backUpNow.draft.source === 'policy' && backUpNowTarget(get().backUpNow.policy).kind === 'online';
  /** The passphrase typed, or the policy's (the host reads it; it never reaches the renderer). */
  const secret = (): { passphrase: string } | { usePolicyPassphrase: true } => {
    const d = get().backUpNow.draft;
    return d.usePolicyPassphrase && get().backUpNow.policy?.passphraseSet
      ? { usePolicyPassphrase: true }
      : { passphrase: d.passphrase };
  };
  return {
    ...initBackUpNowState,
    async openBackUpNow() {
      const b = get().backUpNow;
      // A run started from the wizard is shown as it is; otherwise the policy is read again (it may be new or changed).
      if (b.taskId || b.policyLoad === 'loading') return;
      if (b.policyLoad === 'idle') patch({ policyLoad: 'loading' });
      get().applyBackUpNowPolicy(await fetchPolicyDefaults());
    },
    applyBackUpNowPolicy(r) {
      const b = get().backUpNow;
      if (b.taskId || (b.step !== 'items' && b.policyLoad !== 'loading' && b.policyLoad !== 'idle')) return;
      if (r.kind === 'policy') {
        const p = r.policy;
        if (b.draft.source === 'policy' && JSON.stringify(b.policy) === JSON.stringify(p) && b.policyLoad === 'loaded')
          return;
        patch({
          policyLoad: 'loaded',
          policy: p,
          policyNote: null,
          draft: {
            ...get().backUpNow.draft,
            source: 'policy',
            items: p.items.map((it) => ({ ...it, selected: true })),
            stagingLocation: p.stagingLocation || get().backUpNow.draft.stagingLocation,
            jobName: p.jobName || get().backUpNow.draft.jobName,
            usePolicyPassphrase: p.passphraseSet,
          },
          existing: 'unknown',
          existingJob: null,
          estimate: null,
          estimateError: null,
        });
      } else {
        // No policy (any more): the items are typed here. What came from a deleted policy is not kept.
        const fromPolicy = b.draft.source === 'policy';
        const stagingLocation =
          (fromPolicy ? '' : b.draft.stagingLocation) || get().settings?.lastStagingLocation || '';
        const draft = fromPolicy
          ? { ...emptyDraft(), stagingLocation }
          : { ...b.draft, source: 'manual' as const, stagingLocation };
        patch({ policyLoad: r.kind, policy: null, policyNote: r.note, draft });
      }
    },
    continueWithoutSchedule() {
      patch({ withoutSchedule: true });
    },
    async checkSeedForBackup() {
      patch({ seedChecking: true, seedCheckError: null });
      try {
        const view = await api.invoke('policy:checkSeed', {});
        patch({ seedChecking: false });
        get().applyBackUpNowPolicy(policyDefaultsOf(view));
      } catch (err) {
        patch({ seedChecking: false, seedCheckError: err });
      }
    },
    updateBackupDraft(p) {
      const b = get().backUpNow;
      const draft = { ...b.draft, ...p };
      const jobChanged = p.stagingLocation !== undefined || p.jobName !== undefined;
      const itemsChanged = p.items !== undefined || p.stagingLocation !== undefined;
      patch({
        draft,
        ...(jobChanged ? { existing: 'unknown' as const, existingJob: null } : {}),
        ...(itemsChanged ? { stagingProblem: null } : {}),
        ...(itemsChanged ? { estimate: null, estimateError: null } : {}),
        // A new passphrase makes the last run's wrong-passphrase message stale.
        ...((p.passphrase !== undefined && p.passphrase !== b.draft.passphrase) ||
        (p.usePolicyPassphrase !== undefined && p.usePolicyPassphrase !== b.draft.usePolicyPassphrase)
          ? { startError: null }
          : {}),
      });
    },
    goBackupStep(step) {
      const i = BACKUP_STEPS.indexOf(step);
      set((s) => ({ backUpNow: { ...s.backUpNow, step, reached: Math.max(s.backUpNow.reached, i) } }));
    },
    async checkStagingForBackup() {
      if (online()) return true;
      const { stagingLocation } = get().backUpNow.draft;
      try {
        const r = await api.invoke('policy:checkStaging', { path: stagingLocation, items: selectedItems() });
        const refused =
          !r.ok &&
          (r.problem === 'preparedDisk' ||
            r.problem === 'insideItems' ||
            r.problem === 'notFolder' ||
            r.problem === 'notWritable');
        patch({ stagingProblem: refused ? { stagingLocation, message: r.message } : null });
        return !refused;
      } catch {
        // Hosts without policies: the engine's own checks still run when the backup starts.
        patch({ stagingProblem: null });
        return true;
      }
    },
    async checkBackupJob() {
      if (online()) return;
      const { stagingLocation, jobName } = get().backUpNow.draft;
      try {
        const jobs = await api.invoke('backup:jobs', { stagingLocation });
        const job = jobs.find((j) => j.jobName === jobName) ?? null;
        patch({ existing: job ? job.state : 'none', existingJob: job });
      } catch (err) {
        // A staging folder that does not exist yet simply has no jobs: the engine creates it.
        const code = (err as { code?: string }).code;
        patch({
          existing: code === 'NOT_FOUND' ? 'none' : 'unknown',
          existingJob: null,
          ...(code === 'NOT_FOUND' ? {} : { estimateError: errorMessage(err) }),
        });
      }
    },
    async checkBackupPassphrase() {
      const b = get().backUpNow;
      const d = b.draft;
      // One passphrase per backup: a typed one is checked against the policy's saved one, or the existing job's key
      // check (resume / replace); the policy's own is checked against an unfinished job. Nothing to check otherwise.
      const typed = !(d.usePolicyPassphrase && b.policy?.passphraseSet);
      if (online()) return true; // the run uses the policy's saved passphrase; the container's key check refuses another
      if (b.existing !== 'inProgress' && !(typed && (b.existing === 'complete' || b.policy?.passphraseSet)))
        return true;
      try {
        await api.invoke('backup:checkPassphrase', { stagingLocation: d.stagingLocation, job: d.jobName, ...secret() });
        return true;
      } catch (err) {
        patch({ startError: err });
        return false;
      }
    },
    async estimateBackup() {
      if (online()) return;
      const { stagingLocation } = get().backUpNow.draft;
      patch({ estimating: true, estimateError: null });
      try {
        const ex = exclusions();
        const estimate = await api.invoke('backup:estimate', {
          items: selectedItems(),
          stagingLocation,
          ...(ex ? { exclusions: ex } : {}),
        });
        patch({ estimate, estimating: false });
      } catch (err) {
        patch({ estimate: null, estimating: false, estimateError: err });
      }
    },
    async startBackup() {
      const b = get().backUpNow;
      const d = b.draft;
      patch({ starting: true, startError: null });
      if (online()) {
        try {
          const { taskId } = await api.invoke(
            'backup:startOnline',
            /^\d{4}-\d{2}-\d{2}$/.test(d.retainUntil) ? { retainUntil: d.retainUntil } : {},
          );
          patch({ starting: false, taskId, step: 'progress', reached: BACKUP_STEPS.length - 1 });
        } catch (err) {
          patch({ starting: false, startError: err });
        }
        return;
      }
      try {
        const p = b.policy;
        const ex = exclusions();
        const { taskId } = await api.invoke('backup:start', {
          items: selectedItems(),
          stagingLocation: d.stagingLocation,
          job: {
            name: d.jobName,
            ...(p?.subscriptionId ? { subscriptionId: p.subscriptionId } : {}),
            ...(p?.resourceGroup ? { resourceGroup: p.resourceGroup } : {}),
            ...(p?.storageAccount ? { storageAccount: p.storageAccount } : {}),
            ...(p?.container ? { container: p.container } : {}),
            ...(p?.jobBackend ? { jobBackend: p.jobBackend } : {}),
          },
          ...secret(),
          ...(/^\d{4}-\d{2}-\d{2}$/.test(d.retainUntil) ? { retainUntil: d.retainUntil } : {}),
          ...(ex ? { exclusions: ex } : {}),
          ...(b.existing === 'complete' && d.overwrite ? { overwrite: true } : {}),
        });
        patch({ starting: false, taskId, step: 'progress', reached: BACKUP_STEPS.length - 1 });
        if (d.source === 'manual') void get().updateSettings({ lastStagingLocation: d.stagingLocation });
      } catch (err) {
        patch({ starting: false, startError: err });
      }
    },
    async verifyBackup() {
      const d = get().backUpNow.draft;
      patch({ verifyError: null });
      try {
        const { taskId } = await api.invoke('backup:verify', {
          stagingLocation: d.stagingLocation,
          job: d.jobName,
          ...secret(),
        });
        patch({ verifyTaskId: taskId });
      } catch (err) {
        patch({ verifyError: err });
      }
    },
    retryBackup(step, error) {
      patch({
        taskId: null,
        verifyTaskId: null,
        step,
        startError: error ?? null,
        estimate: null,
        existing: 'unknown',
        existingJob: null,
      });
      void get().checkBackupJob();
    },
    resetBackUpNow() {
      // Forget the passphrase, the task and everything typed; the policy is read again when the wizard opens.
      set({ backUpNow: { ...initBackUpNowState.backUpNow, draft: emptyDraft() } });
    },
  };
};
