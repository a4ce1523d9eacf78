import type { CatalogChild, StagingJob } from '../../../../shared/contract/backup.ts';
import { RECOVER_STEPS, type RecoverDraft, type RecoverSource, type RecoverStep } from '../../../../shared/backup-wizard.ts';
import { api } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';

/** Sources recover:start can read in this build (the contract takes a staging folder only). */
export const SUPPORTED_RECOVER_SOURCES: readonly RecoverSource[] = ['staging'];

export interface RecoverState {
  rec: {
    draft: RecoverDraft;
    step: RecoverStep;
    reached: number;
    jobs: StagingJob[] | null;
    jobsLoading: boolean;
    jobsError: unknown;
    unlocking: boolean;
    unlockError: unknown;
    /** Loaded catalog folders: path → children ('' = top). */
    tree: Record<string, CatalogChild[]>;
    expanded: string[];
    loadingPaths: string[];
    treeError: unknown;
    starting: boolean;
    startError: unknown;
    taskId: string | null;
  };
}

export interface RecoverActions {
  updateRecoverDraft(patch: Partial<RecoverDraft>): void;
  goRecoverStep(step: RecoverStep): void;
  loadRecoverJobs(): Promise<void>;
  /** Opens the catalog with the passphrase (recover:list of the top). Resolves true when it opened. */
  unlockRecoverJob(): Promise<boolean>;
  loadRecoverFolder(path: string): Promise<void>;
  toggleRecoverFolder(path: string): Promise<void>;
  startRecover(): Promise<void>;
  /** After a failed or cancelled run: back to the destination page to run it again. */
  retryRecover(): void;
  resetRecover(): void;
}

export type RecoverSlice = RecoverState & RecoverActions;

const emptyDraft = (): RecoverDraft => ({ source: 'staging', staging: '', jobName: '', passphrase: '', selected: [], destination: '', conflict: 'keepBoth' });

export const initRecoverState: RecoverState = {
  rec: {
    draft: emptyDraft(),
    step: 'source',
    reached: 0,
    jobs: null,
    jobsLoading: false,
    jobsError: null,
    unlocking: false,
    unlockError: null,
    tree: {},
    expanded: [],
    loadingPaths: [],
    treeError: null,
    starting: false,
    startError: null,
    taskId: null,
  },
};

export const createRecoverSlice: SliceCreator<RecoverSlice> = (set, get) => {
  const patch = (p: Partial<RecoverState['rec']>) => set((s) => ({ rec: { ...s.rec, ...p } }));
  const ref = () => {
    const d = get().rec.draft;
    return { staging: d.staging, job: d.jobName, passphrase: d.passphrase };
  };
  return {
    ...initRecoverState,
    updateRecoverDraft(p) {
      const r = get().rec;
      const draft = { ...r.draft, ...p };
      // Another staging folder, job or passphrase means another catalog: forget what was browsed.
      const newSource = p.staging !== undefined && p.staging !== r.draft.staging;
      const newJob = newSource || (p.jobName !== undefined && p.jobName !== r.draft.jobName) || (p.passphrase !== undefined && p.passphrase !== r.draft.passphrase);
      if (newSource) draft.jobName = p.jobName ?? '';
      if (newJob) draft.selected = p.selected ?? [];
      patch({
        draft,
        ...(newSource ? { jobs: null, jobsError: null } : {}),
        ...(newJob ? { tree: {}, expanded: [], treeError: null, unlockError: null, reached: Math.min(r.reached, RECOVER_STEPS.indexOf('job')) } : {}),
      });
    },
    goRecoverStep(step) {
      const i = RECOVER_STEPS.indexOf(step);
      set((s) => ({ rec: { ...s.rec, step, reached: Math.max(s.rec.reached, i) } }));
    },
    async loadRecoverJobs() {
      patch({ jobsLoading: true, jobsError: null });
      try {
        const jobs = await api.invoke('backup:jobs', { staging: get().rec.draft.staging });
        const d = get().rec.draft;
        const complete = jobs.filter((j) => j.state === 'complete');
        // One finished job: choose it for the user.
        const jobName = d.jobName && jobs.some((j) => j.jobName === d.jobName) ? d.jobName : complete.length === 1 ? complete[0].jobName : '';
        patch({ jobs, jobsLoading: false, draft: { ...d, jobName } });
      } catch (err) {
        patch({ jobs: null, jobsLoading: false, jobsError: err });
      }
    },
    async unlockRecoverJob() {
      if (get().rec.tree['']) return true;
      patch({ unlocking: true, unlockError: null });
      try {
        const top = await api.invoke('recover:list', { ...ref(), path: '' });
        patch({ unlocking: false, tree: { '': top.children } });
        return true;
      } catch (err) {
        patch({ unlocking: false, unlockError: err });
        return false;
      }
    },
    async loadRecoverFolder(path) {
      if (get().rec.tree[path] || get().rec.loadingPaths.includes(path)) return;
      set((s) => ({ rec: { ...s.rec, loadingPaths: [...s.rec.loadingPaths, path], treeError: null } }));
      try {
        const l = await api.invoke('recover:list', { ...ref(), path });
        set((s) => ({ rec: { ...s.rec, tree: { ...s.rec.tree, [path]: l.children } } }));
      } catch (err) {
        patch({ treeError: err });
      } finally {
        set((s) => ({ rec: { ...s.rec, loadingPaths: s.rec.loadingPaths.filter((p) => p !== path) } }));
      }
    },
    async toggleRecoverFolder(path) {
      const open = get().rec.expanded.includes(path);
      set((s) => ({ rec: { ...s.rec, expanded: open ? s.rec.expanded.filter((p) => p !== path) : [...s.rec.expanded, path] } }));
      if (!open) await get().loadRecoverFolder(path);
    },
    async startRecover() {
      const d = get().rec.draft;
      patch({ starting: true, startError: null });
      try {
        const all = d.selected.includes('');
        const { taskId } = await api.invoke('recover:start', {
          ...ref(),
          to: d.destination,
          ...(all ? {} : { paths: d.selected }),
          ...(d.conflict ? { conflict: d.conflict } : {}),
        });
        patch({ starting: false, taskId, step: 'progress', reached: RECOVER_STEPS.length - 1 });
      } catch (err) {
        patch({ starting: false, startError: err });
      }
    },
    retryRecover() {
      patch({ taskId: null, step: 'destination' });
    },
    resetRecover() {
      set({ rec: { ...initRecoverState.rec, draft: emptyDraft() } });
    },
  };
};
