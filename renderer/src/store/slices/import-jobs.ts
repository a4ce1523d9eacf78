import type { ImportJobInfo, JobBackendName } from '../../../../shared/contract/azure.ts';
import { normalizeState, trackingDeadline } from '../../../../shared/import-jobs.ts';
import { api, errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import type { JobRefKey, JobNotification, JobAction, ImportJobsState, ImportJobsSlice } from '../state/import-jobs.ts';

export const initImportJobsState: ImportJobsState = {
  importJobs: {
    jobs: [],
    subscriptions: [],
    loaded: false,
    loading: false,
    error: null,
    failures: 0,
    lastRefreshed: null,
    notifications: [],
    notified: [],
    selected: null,
    busy: null,
    actionError: null,
    locations: [],
    verifyStagingLocation: '',
    verifyTaskId: null,
    verifyError: null,
    report: null,
    cleanup: null,
    cleanupError: null,
    driveLogs: {},
  },
};

/** Next automatic refresh: every minute when healthy; 15 s, 30 s, 1 min … up to 10 min after failures. */
export function refreshDelayMs(failures: number): number {
  if (failures <= 0) return 60_000;
  return Math.min(600_000, 15_000 * 2 ** (failures - 1));
}

/** Identity of a job in the list; a Data Box job may share its name with an Import/Export job. */
export const jobKey = (j: {
  subscriptionId: string;
  resourceGroup: string;
  name?: string;
  jobName?: string;
  backend?: JobBackendName | undefined;
}) =>
  `${j.subscriptionId}/${j.resourceGroup.toLowerCase()}/${j.name ?? j.jobName}${j.backend && j.backend !== 'ImportExport' ? `@${j.backend}` : ''}`;

/** The reference the job actions send (the backend travels with it). */
export const jobRefOf = (j: ImportJobInfo): JobRefKey => ({
  subscriptionId: j.subscriptionId,
  resourceGroup: j.resourceGroup,
  jobName: j.name,
  backend: j.backend,
});

/** New notifications for state changes (vs the previous list) and deadlines at warning/overdue. */
export function jobNotifications(
  prev: readonly ImportJobInfo[] | null,
  next: readonly ImportJobInfo[],
  notified: ReadonlySet<string>,
  now = new Date(),
): JobNotification[] {
  const out: JobNotification[] = [];
  const before = new Map((prev ?? []).map((j) => [jobKey(j), j]));
  for (const j of next) {
    const k = jobKey(j);
    const old = before.get(k);
    if (prev && old && normalizeState(old.state) !== normalizeState(j.state)) {
      const id = `${k}:state:${j.state}`;
      if (!notified.has(id))
        out.push({
          id,
          jobName: j.name,
          level: j.state === 'Closed' ? 'error' : 'info',
          text: `Import job ${j.name} changed from ${old.state} to ${j.state}.`,
        });
    }
    const d = trackingDeadline(j, now);
    if (d.level === 'warning' || d.level === 'overdue') {
      const id = `${k}:deadline:${d.level}`;
      if (!notified.has(id))
        out.push({
          id,
          jobName: j.name,
          level: d.level === 'overdue' ? 'error' : 'warning',
          text:
            d.level === 'overdue'
              ? `Import job ${j.name}: the tracking number is overdue; the job may be deleted.`
              : `Import job ${j.name}: enter the tracking number — ${d.text}.`,
        });
    }
  }
  return out;
}

export const createImportJobsSlice: SliceCreator<ImportJobsSlice> = (set, get) => {
  const ij = () => get().importJobs;
  const patch = (p: Partial<ImportJobsState['importJobs']>) => set((s) => ({ importJobs: { ...s.importJobs, ...p } }));
  const ref = () => {
    const r = ij().selected;
    if (!r) throw new Error('No import job is selected.');
    return r;
  };
  let refreshAgain = false;
  const replaceJob = (job: ImportJobInfo) =>
    patch({ jobs: ij().jobs.map((j) => (jobKey(j) === jobKey(job) ? job : j)) });
  const act = async (name: JobAction, fn: () => Promise<void>): Promise<boolean> => {
    patch({ busy: name, actionError: null });
    try {
      await fn();
      patch({ busy: null });
      // The whole list is read again after a change, so its "Updated" time and every row are as Azure has them now.
      void get().refreshImportJobs();
      return true;
    } catch (err) {
      patch({ busy: null, actionError: err });
      return false;
    }
  };
  return {
    ...initImportJobsState,
    async refreshImportJobs() {
      // A refresh asked for while one runs (e.g. right after saving tracking) runs once that one is done.
      if (ij().loading) {
        refreshAgain = true;
        return;
      }
      patch({ loading: true });
      try {
        const subscriptions = await api.invoke('azure:subscriptions', {});
        const settled = await Promise.allSettled(
          subscriptions.map((s) => api.invoke('jobs:list', { subscriptionId: s.subscriptionId })),
        );
        const failed = settled.flatMap((r, i) =>
          r.status === 'rejected' ? [`${subscriptions[i].displayName}: ${errorMessage(r.reason)}`] : [],
        );
        if (failed.length && failed.length === settled.length) throw (settled[0] as PromiseRejectedResult).reason;
        const jobs = settled
          .flatMap((r) => (r.status === 'fulfilled' ? r.value : []))
          .sort((a, b) => (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name));
        const notified = new Set(ij().notified);
        const fresh = jobNotifications(ij().loaded ? ij().jobs : null, jobs, notified);
        for (const n of fresh) notified.add(n.id);
        patch({
          jobs,
          subscriptions,
          loaded: true,
          loading: false,
          // Jobs of the subscriptions that answered are shown; the others are named.
          error: failed.length ? `Jobs of some subscriptions could not be listed — ${failed.join('; ')}` : null,
          failures: 0,
          lastRefreshed: new Date().toISOString(),
          notifications: [...fresh, ...ij().notifications].slice(0, 20),
          notified: [...notified],
        });
      } catch (err) {
        patch({ loading: false, error: err, failures: ij().failures + 1, lastRefreshed: new Date().toISOString() });
      }
      if (refreshAgain) {
        refreshAgain = false;
        await get().refreshImportJobs();
      }
    },
    selectImportJob(r) {
      patch({
        selected: r,
        actionError: null,
        report: null,
        verifyTaskId: null,
        verifyError: null,
        cleanup: null,
        cleanupError: null,
      });
      if (r) {
        void get().loadVerifyReport();
        if (!ij().verifyStagingLocation) patch({ verifyStagingLocation: get().settings?.lastStagingLocation ?? '' });
      }
    },
    async loadJobLocations() {
      if (ij().locations.length) return;
      try {
        patch({ locations: await api.invoke('azure:locations', {}) });
      } catch {
        /* carriers then come from the job's own return shipping */
      }
    },
    submitTracking: (pkg) =>
      act('tracking', async () =>
        replaceJob(await api.invoke('jobs:updateShipping', { ...ref(), deliveryPackage: pkg })),
      ),
    submitReturn: (u) =>
      act('return', async () => replaceJob(await api.invoke('jobs:updateReturn', { ...ref(), ...u }))),
    cancelImportJob: () => act('cancel', async () => replaceJob(await api.invoke('jobs:cancel', ref()))),
    deleteImportJob: () =>
      act('delete', async () => {
        const r = ref();
        await api.invoke('jobs:delete', r);
        patch({ jobs: ij().jobs.filter((j) => jobKey(j) !== jobKey(r)), selected: null });
      }),
    dismissJobNotification(id) {
      patch({ notifications: ij().notifications.filter((n) => n.id !== id) });
    },
    clearJobActionError() {
      patch({ actionError: null });
    },
    setVerifyStaging(path) {
      patch({ verifyStagingLocation: path });
    },
    async startImportVerify() {
      const r = ref();
      const job = ij().jobs.find((j) => jobKey(j) === jobKey(r));
      const account = job?.storageAccountId?.split('/').pop();
      patch({ verifyError: null, report: null, cleanup: null, cleanupError: null });
      try {
        const { taskId } = await api.invoke('importVerify:start', {
          stagingLocation: ij().verifyStagingLocation.trim(),
          jobName: r.jobName,
          subscriptionId: r.subscriptionId,
          resourceGroup: job?.storageAccountId?.split('/')[4] ?? r.resourceGroup,
          ...(account ? { storageAccount: account } : {}),
        });
        patch({ verifyTaskId: taskId });
      } catch (err) {
        patch({ verifyError: err });
      }
    },
    async loadVerifyReport() {
      const r = ij().selected;
      if (!r) return;
      try {
        const report = await api.invoke('importVerify:lastReport', { jobName: r.jobName });
        if (ij().selected?.jobName === r.jobName) patch({ report });
      } catch {
        /* no report yet */
      }
    },
    async cleanupStaging(confirmJobName) {
      const r = ref();
      patch({ cleanupError: null });
      try {
        patch({
          cleanup: await api.invoke('importVerify:cleanupStaging', {
            stagingLocation: ij().verifyStagingLocation.trim(),
            jobName: r.jobName,
            confirmJobName,
          }),
        });
      } catch (err) {
        patch({ cleanupError: err });
      }
    },
    async loadDriveLog(uri) {
      const r = ref();
      const job = ij().jobs.find((j) => jobKey(j) === jobKey(r));
      const idParts = job?.storageAccountId?.split('/') ?? [];
      try {
        const log = await api.invoke('importVerify:driveLog', {
          subscriptionId: idParts[2] ?? r.subscriptionId,
          resourceGroup: idParts[4] ?? r.resourceGroup,
          storageAccount: idParts[8] ?? '',
          uri,
        });
        patch({ driveLogs: { ...ij().driveLogs, [uri]: log } });
      } catch (err) {
        patch({ driveLogs: { ...ij().driveLogs, [uri]: { error: errorMessage(err) } } });
      }
    },
  };
};
