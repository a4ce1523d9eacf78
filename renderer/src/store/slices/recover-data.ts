import { DEFAULT_CONFLICT, type RecoverSource as ContractSource } from '../../../../shared/contract/backup.ts';
import { RECOVER_STEPS, type RecoverDraft, type RecoverSource } from '../../../../shared/backup-wizard.ts';
import { api } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import { fetchPolicyDefaults } from './policy-defaults.ts';
import type { RecoverState, RecoverSlice } from '../state/recover-data.ts';

/** Sources recover:start can read: the staging folder, prepared disks, the blob container (after the import). */
export const SUPPORTED_RECOVER_SOURCES: readonly RecoverSource[] = ['staging', 'disks', 'blob'];

/** The contract's source for a draft. */
export function recoverSourceOf(d: RecoverDraft): ContractSource {
  if (d.source === 'disks')
    return {
      kind: 'disks',
      disks: d.disks ?? [],
      job: d.jobName,
      ...(d.stagingLocation ? { stagingLocation: d.stagingLocation } : {}),
    };
  if (d.source === 'blob')
    return {
      kind: 'container',
      job: d.jobName,
      subscriptionId: d.subscriptionId ?? '',
      ...(d.resourceGroup ? { resourceGroup: d.resourceGroup } : {}),
      storageAccount: d.storageAccount ?? '',
      container: d.container ?? '',
      ...(d.stagingLocation ? { stagingLocation: d.stagingLocation } : {}),
      ...(d.restorePoint ? { restorePoint: d.restorePoint } : {}),
    };
  return { kind: 'staging', stagingLocation: d.stagingLocation, job: d.jobName };
}

const emptyDraft = (): RecoverDraft => ({
  source: 'staging',
  stagingLocation: '',
  jobName: '',
  passphrase: '',
  selected: [],
  destination: '',
  conflict: DEFAULT_CONFLICT,
});

export const initRecoverState: RecoverState = {
  recoverData: {
    draft: emptyDraft(),
    step: 'source',
    reached: 0,
    jobs: null,
    policy: null,
    jobsLoading: false,
    jobsError: null,
    unlocking: false,
    unlockError: null,
    points: null,
    pointsError: null,
    tree: {},
    expanded: [],
    loadingPaths: [],
    treeError: null,
    starting: false,
    startError: null,
    taskId: null,
    checkTaskId: null,
    checkError: null,
  },
};

export const createRecoverSlice: SliceCreator<RecoverSlice> = (set, get) => {
  const patch = (p: Partial<RecoverState['recoverData']>) => set((s) => ({ recoverData: { ...s.recoverData, ...p } }));
  const ref = () => {
    const d = get().recoverData.draft;
    const secret =
      d.usePolicyPassphrase && get().recoverData.policy?.passphraseSet
        ? { usePolicyPassphrase: true as const }
        : { passphrase: d.passphrase };
    return { source: recoverSourceOf(d), ...secret };
  };
  return {
    ...initRecoverState,
    updateRecoverDraft(p) {
      const r = get().recoverData;
      const draft = { ...r.draft, ...p };
      // Another staging folder, job or passphrase means another catalog: forget what was browsed.
      const newSource = p.stagingLocation !== undefined && p.stagingLocation !== r.draft.stagingLocation;
      const where = (
        ['source', 'disks', 'subscriptionId', 'resourceGroup', 'storageAccount', 'container'] as const
      ).some((k) => p[k] !== undefined && JSON.stringify(p[k]) !== JSON.stringify(r.draft[k]));
      const newJob =
        newSource ||
        where ||
        (p.jobName !== undefined && p.jobName !== r.draft.jobName) ||
        (p.passphrase !== undefined && p.passphrase !== r.draft.passphrase) ||
        (p.usePolicyPassphrase !== undefined && p.usePolicyPassphrase !== r.draft.usePolicyPassphrase);
      if (newSource) draft.jobName = p.jobName ?? '';
      if (newJob) draft.selected = p.selected ?? [];
      patch({
        draft,
        ...(newSource ? { jobs: null, jobsError: null } : {}),
        ...(newJob
          ? {
              tree: {},
              expanded: [],
              treeError: null,
              unlockError: null,
              points: null,
              pointsError: null,
              checkTaskId: null,
              checkError: null,
              reached: Math.min(r.reached, RECOVER_STEPS.indexOf('job')),
            }
          : {}),
      });
    },
    goRecoverStep(step) {
      const i = RECOVER_STEPS.indexOf(step);
      set((s) => ({ recoverData: { ...s.recoverData, step, reached: Math.max(s.recoverData.reached, i) } }));
    },
    async loadRecoverDefaults() {
      // Read at every opening: the policy is the source of truth for its staging location, so a change made there
      // since replaces the one taken before; a folder typed here stays until the policy changes. The last folder used
      // is offered only when no policy names one.
      const r = await fetchPolicyDefaults().catch(() => null);
      const fromPolicy = r?.kind === 'policy' ? r.policy.stagingLocation : '';
      const last = get().settings?.lastStagingLocation;
      if (fromPolicy && fromPolicy !== (get().recoverData.policy?.stagingLocation ?? ''))
        get().updateRecoverDraft({ stagingLocation: fromPolicy });
      else if (!fromPolicy && last && !get().recoverData.draft.stagingLocation)
        get().updateRecoverDraft({ stagingLocation: last });
      if (r?.kind !== 'policy') return;
      const p = r.policy;
      const d = get().recoverData.draft;
      const fill = <K extends 'subscriptionId' | 'resourceGroup' | 'storageAccount' | 'container'>(
        k: K,
        v: string | undefined,
      ) => (!d[k] && v ? { [k]: v } : {});
      patch({
        policy: p,
        draft: {
          ...d,
          ...fill('subscriptionId', p.subscriptionId),
          ...fill('resourceGroup', p.resourceGroup),
          ...fill('storageAccount', p.storageAccount),
          ...fill('container', p.container),
          ...(!d.jobName && p.jobName ? { jobName: p.jobName } : {}),
          ...(p.passphraseSet && d.usePolicyPassphrase === undefined ? { usePolicyPassphrase: true } : {}),
        },
      });
    },
    async loadRecoverJobs() {
      // Disks and the container do not need a staging folder; without one there is no job list to read.
      if (!get().recoverData.draft.stagingLocation) return patch({ jobs: [], jobsLoading: false, jobsError: null });
      patch({ jobsLoading: true, jobsError: null });
      try {
        const jobs = await api.invoke('backup:jobs', { stagingLocation: get().recoverData.draft.stagingLocation });
        const d = get().recoverData.draft;
        const complete = jobs.filter((j) => j.state === 'complete');
        // One finished job: choose it for the user.
        const jobName =
          d.jobName && (d.source !== 'staging' || jobs.some((j) => j.jobName === d.jobName))
            ? d.jobName
            : complete.length === 1
              ? complete[0].jobName
              : '';
        // The container fields from the job's seed.json when the policy did not give them.
        const j = jobs.find((x) => x.jobName === jobName);
        const fromJob =
          d.source === 'blob' && j
            ? {
                ...(!d.subscriptionId && j.subscriptionId ? { subscriptionId: j.subscriptionId } : {}),
                ...(!d.resourceGroup && j.resourceGroup ? { resourceGroup: j.resourceGroup } : {}),
                ...(!d.storageAccount && j.storageAccount ? { storageAccount: j.storageAccount } : {}),
                ...(!d.container && j.container ? { container: j.container } : {}),
              }
            : {};
        patch({ jobs, jobsLoading: false, draft: { ...d, ...fromJob, jobName } });
      } catch (err) {
        patch({ jobs: null, jobsLoading: false, jobsError: err });
      }
    },
    async unlockRecoverJob() {
      if (get().recoverData.tree['']) return true;
      patch({ unlocking: true, unlockError: null });
      try {
        const top = await api.invoke('recover:list', { ...ref(), path: '' });
        patch({ unlocking: false, tree: { '': top.children } });
        if (get().recoverData.draft.source === 'blob' && !get().recoverData.points) {
          // The points to choose from; the newest is open. Without the list the newest can still be recovered.
          const points = await api
            .invoke('recover:points', ref())
            .catch((err: unknown) => (patch({ pointsError: err }), null));
          if (points) patch({ points, pointsError: null });
        }
        return true;
      } catch (err) {
        patch({ unlocking: false, unlockError: err });
        return false;
      }
    },
    async chooseRecoverPoint(id) {
      const r = get().recoverData;
      patch({
        draft: { ...r.draft, restorePoint: id, selected: [] },
        tree: {},
        expanded: [],
        treeError: null,
        unlockError: null,
        checkTaskId: null,
        checkError: null,
      });
      return get().unlockRecoverJob();
    },
    async loadRecoverFolder(path) {
      if (get().recoverData.tree[path] || get().recoverData.loadingPaths.includes(path)) return;
      set((s) => ({
        recoverData: { ...s.recoverData, loadingPaths: [...s.recoverData.loadingPaths, path], treeError: null },
      }));
      try {
        const l = await api.invoke('recover:list', { ...ref(), path });
        set((s) => ({ recoverData: { ...s.recoverData, tree: { ...s.recoverData.tree, [path]: l.children } } }));
      } catch (err) {
        patch({ treeError: err });
      } finally {
        set((s) => ({
          recoverData: { ...s.recoverData, loadingPaths: s.recoverData.loadingPaths.filter((p) => p !== path) },
        }));
      }
    },
    async toggleRecoverFolder(path) {
      const open = get().recoverData.expanded.includes(path);
      set((s) => ({
        recoverData: {
          ...s.recoverData,
          expanded: open ? s.recoverData.expanded.filter((p) => p !== path) : [...s.recoverData.expanded, path],
        },
      }));
      if (!open) await get().loadRecoverFolder(path);
    },
    async startRecover() {
      const d = get().recoverData.draft;
      patch({ starting: true, startError: null });
      try {
        const all = d.selected.includes('');
        const { taskId } = await api.invoke('recover:start', {
          ...ref(),
          ...(d.location === 'original' ? { originalLocation: true as const } : { to: d.destination }),
          ...(all ? {} : { paths: d.selected }),
          ...(d.conflict ? { conflict: d.conflict } : {}),
        });
        patch({ starting: false, taskId, step: 'progress', reached: RECOVER_STEPS.length - 1 });
      } catch (err) {
        patch({ starting: false, startError: err });
      }
    },
    async checkRecoverBackup() {
      patch({ checkTaskId: null, checkError: null });
      try {
        const { taskId } = await api.invoke('backup:verify', ref());
        patch({ checkTaskId: taskId });
      } catch (err) {
        patch({ checkError: err });
      }
    },
    retryRecover() {
      patch({ taskId: null, step: 'destination' });
    },
    resetRecover() {
      set((s) => ({
        recoverData: { ...initRecoverState.recoverData, draft: emptyDraft(), policy: s.recoverData.policy },
      }));
    },
  };
};
