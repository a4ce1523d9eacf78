import { api } from '../../api/client.ts';
import { fetchPolicyDefaults } from './policy-defaults.ts';
import { shippingActions } from './disk-prep-shipping.ts';
import type { SliceCreator } from '../types.ts';
import { diskRefFor, needsEraseConfirm } from '../../features/prepare-disks/disk-rules.ts';
import { emptyShippingDraft } from '../../../../shared/shipping-draft.ts';
import { DISK_PREP_STEPS, type DiskPrepStep, type DiskPrepState, type DiskPrepSlice } from '../state/disk-prep.ts';

export const initDiskPrepState: DiskPrepState = {
  diskPrep: {
    step: 'staging',
    reached: 0,
    defaultsLoaded: false,
    stagingLocation: '',
    policyStagingLocation: '',
    jobs: null,
    jobsLoading: false,
    jobsError: null,
    job: null,
    status: null,
    disks: null,
    disksLoading: false,
    disksError: null,
    selected: [],
    plan: null,
    planError: null,
    passphrase: '',
    passphraseError: null,
    checkingPassphrase: false,
    bitLockerKeys: {},
    erase: null,
    taskId: null,
    startError: null,
    progress: null,
    shipping: emptyShippingDraft(),
    shippingShowAll: false,
    // Decision 1 (revised): Data Box customer disk unless seed.json records Import/Export (chooseStagedJob).
    jobBackend: 'DataBox',
    target: null,
    targetError: null,
    targetLoading: false,
    creating: false,
    registering: false,
    createError: null,
    created: null,
    createdExisting: false,
    drives: null,
    keys: null,
  },
};

const joinPath = (dir: string, ...parts: string[]) => {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return [dir.replace(/[\\/]+$/, ''), ...parts].join(sep);
};

export const createDiskPrepSlice: SliceCreator<DiskPrepSlice> = (set, get) => {
  const dp = () => get().diskPrep;
  const patch = (p: Partial<DiskPrepState['diskPrep']>) => set((s) => ({ diskPrep: { ...s.diskPrep, ...p } }));
  const go = (step: DiskPrepStep) => patch({ step, reached: Math.max(dp().reached, DISK_PREP_STEPS.indexOf(step)) });
  const planFor = async (ids: string[]) => {
    const { stagingLocation, job } = dp();
    if (!job || !ids.length) return patch({ plan: null, planError: null });
    try {
      const plan = await api.invoke('diskprep:plan', { stagingLocation, job, disks: ids });
      if (dp().selected.join('\n') === ids.join('\n')) patch({ plan, planError: null });
    } catch (err) {
      patch({ plan: null, planError: err });
    }
  };
  return {
    ...initDiskPrepState,
    async openDiskPrep() {
      const first = !dp().defaultsLoaded;
      patch({ defaultsLoaded: true });
      // The backup policy is where the staging location is chosen and stored: read at every opening, so a change made
      // there since is taken (unless a Disk Prep runs). A folder typed here stays until the policy changes; the last
      // folder used is offered only when no policy names one.
      const r = await fetchPolicyDefaults();
      const fromPolicy = r.kind === 'policy' ? r.policy.stagingLocation : '';
      const d = dp();
      if (fromPolicy && fromPolicy !== d.policyStagingLocation && !d.taskId) {
        if (fromPolicy === d.stagingLocation) patch({ policyStagingLocation: fromPolicy });
        else {
          set({
            diskPrep: {
              ...initDiskPrepState.diskPrep,
              defaultsLoaded: true,
              stagingLocation: fromPolicy,
              policyStagingLocation: fromPolicy,
            },
          });
          return get().loadStagingJobs();
        }
      }
      const last = get().settings?.lastStagingLocation;
      if (first && !fromPolicy && last && !dp().stagingLocation) {
        patch({ stagingLocation: last });
        return get().loadStagingJobs();
      }
      if (!first) return get().refreshDiskPrep();
    },
    async refreshDiskPrep() {
      // Reopened: the jobs in the staging location, the chosen job's Disk Prep state and the import job as they are now.
      const { stagingLocation, job, created } = dp();
      const jobs = stagingLocation.trim()
        ? api.invoke('diskprep:jobs', { stagingLocation: stagingLocation.trim() }).then(
            (j) => patch({ jobs: j, jobsError: null }),
            () => undefined,
          )
        : null;
      const status = job ? get().refreshDiskPrepStatus() : null;
      const imported = created
        ? api
            .invoke('jobs:get', {
              subscriptionId: created.subscriptionId,
              resourceGroup: created.resourceGroup,
              jobName: created.name,
              ...(created.backend ? { backend: created.backend } : {}),
            })
            .then(
              (j) => dp().created?.name === j.name && patch({ created: j }),
              () => undefined,
            )
        : null;
      await Promise.all([jobs, status, imported]);
    },
    setDiskPrepStaging(path) {
      patch({ stagingLocation: path, jobs: null, jobsError: null, job: null, status: null });
    },
    async loadStagingJobs() {
      const stagingLocation = dp().stagingLocation.trim();
      if (!stagingLocation) return;
      patch({ jobsLoading: true, jobsError: null });
      try {
        const jobs = await api.invoke('diskprep:jobs', { stagingLocation });
        patch({ jobs, jobsLoading: false });
        if (get().settings && get().settings?.lastStagingLocation !== stagingLocation)
          void get().updateSettings({ lastStagingLocation: stagingLocation });
        const complete = jobs.jobs.filter((j) => j.state === 'complete');
        // The one job is chosen for the user, with its Disk Prep state (resume offer, waiting for a disk, prepared).
        if (complete.length === 1 && !dp().job) await get().chooseStagedJob(complete[0].jobName);
      } catch (err) {
        patch({ jobs: null, jobsLoading: false, jobsError: err });
      }
    },
    async chooseStagedJob(name) {
      // The job type the policy recorded in seed.json (decision 1); older seeds: the new default, still changeable on Shipping.
      const recorded = dp().jobs?.jobs.find((j) => j.jobName === name)?.jobBackend;
      patch({
        job: name,
        status: null,
        selected: [],
        plan: null,
        bitLockerKeys: {},
        jobBackend: recorded ?? 'DataBox',
      });
      try {
        patch({ status: await api.invoke('diskprep:status', { stagingLocation: dp().stagingLocation, job: name }) });
      } catch {
        /* a job that never started has a status too; a failure here only hides the resume offer */
      }
    },
    async loadDisks() {
      const { stagingLocation, job } = dp();
      patch({ disksLoading: true, disksError: null });
      try {
        const disks = await api.invoke('diskprep:disks', { stagingLocation, ...(job ? { job } : {}) });
        const ids = new Set(disks.disks.filter((d) => d.refusals.length === 0).map((d) => d.id));
        const selected = dp().selected.filter((id) => ids.has(id));
        patch({ disks, disksLoading: false, selected });
        void planFor(selected);
      } catch (err) {
        patch({ disksLoading: false, disksError: err });
      }
    },
    toggleDisk(id) {
      const cur = dp().selected;
      const selected = cur.includes(id) ? cur.filter((x) => x !== id) : [...cur, id];
      // A disk taken out of the selection forgets its key.
      const { [id]: _dropped, ...kept } = dp().bitLockerKeys;
      patch({ selected, ...(selected.includes(id) ? {} : { bitLockerKeys: kept }) });
      void planFor(selected);
    },
    async addRehearsalDisk(serial, capacity, select = true) {
      let dataDir = get().appInfo?.dataDir;
      if (!dataDir) {
        await get().loadAppInfo();
        dataDir = get().appInfo?.dataDir;
      }
      if (!dataDir) throw new Error('The data directory of the console is unknown; cannot place a rehearsal disk.');
      const disk = await api.invoke('diskprep:initFolderDisk', {
        path: joinPath(dataDir, 'rehearsal-disks', serial),
        serial,
        capacity,
      });
      await get().loadDisks();
      if (select && disk.refusals.length === 0 && !dp().selected.includes(disk.id)) get().toggleDisk(disk.id);
      return disk;
    },
    setDiskPrepPassphrase(passphrase) {
      patch({ passphrase, passphraseError: null });
    },
    async checkDiskPrepPassphrase() {
      const { stagingLocation, job, passphrase } = dp();
      if (!job) return false;
      patch({ checkingPassphrase: true, passphraseError: null });
      try {
        // The backup's own check (its seed.json's key check): a wrong passphrase is said before the erase confirmation.
        await api.invoke('backup:checkPassphrase', { stagingLocation, job, passphrase });
        patch({ checkingPassphrase: false });
        return true;
      } catch (err) {
        patch({ checkingPassphrase: false, passphraseError: err });
        return false;
      }
    },
    setDiskBitLockerKey(id, key) {
      const { [id]: _old, ...rest } = dp().bitLockerKeys;
      patch({ bitLockerKeys: key ? { ...rest, [id]: key } : rest });
    },
    openErase(mode, diskIds) {
      // Disks accepted with their BitLocker key are not erased: only the others need the typed confirmation.
      const { bitLockerKeys } = dp();
      const info = (id: string) => dp().disks?.disks.find((d) => d.id === id);
      const toErase = diskIds.filter((id) => needsEraseConfirm(info(id), bitLockerKeys[id], dp().job));
      if (toErase.length) return patch({ erase: { mode, diskIds: toErase } });
      patch({ erase: { mode, diskIds } });
      void get().confirmErase();
    },
    closeErase() {
      patch({ erase: null });
    },
    async confirmErase() {
      const e = dp().erase;
      patch({ erase: null });
      if (!e) return;
      if (e.mode === 'add') {
        const { stagingLocation, job, passphrase } = dp();
        patch({ startError: null, progress: null });
        try {
          const id = e.diskIds[0];
          const disk = diskRefFor(
            id,
            dp().disks?.disks.find((d) => d.id === id),
            dp().bitLockerKeys[id],
            job,
          );
          const { taskId } = await api.invoke('diskprep:addDisk', {
            stagingLocation,
            job: job!,
            disk,
            ...(passphrase ? { passphrase } : {}),
          });
          patch({ taskId, status: null });
        } catch (err) {
          patch({ startError: err });
        }
        return;
      }
      // The console's one sign-in state: signed in already, the copy starts; else the sign-in step comes first.
      await get().loadAuth();
      if (get().auth?.signedIn) await get().startCopy();
      else go('signin');
    },
    async startCopy(resume = false) {
      const { stagingLocation, job, selected, passphrase, status, bitLockerKeys: keys } = dp();
      if (!job) return;
      const info = (id: string) => dp().disks?.disks.find((d) => d.id === id);
      // A resumed disk given with a key gets it again: the host checks it against the volume (a different key is refused).
      const disks =
        resume && status?.disks.length
          ? status.disks.map((d) => ({ id: d.id, ...(keys[d.id] ? { existingBitLockerKey: keys[d.id] } : {}) }))
          : selected.map((id) => diskRefFor(id, info(id), keys[id], job));
      patch({ startError: null, progress: null });
      go('copy');
      try {
        const { taskId } = await api.invoke('diskprep:start', {
          stagingLocation,
          job,
          disks,
          ...(passphrase ? { passphrase } : {}),
        });
        patch({ taskId });
      } catch (err) {
        patch({ startError: err });
      }
    },
    followCopy(taskId) {
      patch({ taskId, startError: null });
      go('copy');
    },
    async openWaitingDiskPrep(taskId, stagingLocation, job) {
      if (dp().stagingLocation !== stagingLocation || dp().job !== job) {
        patch({ defaultsLoaded: true, stagingLocation, job, status: null, selected: [], plan: null, progress: null });
        void get().loadStagingJobs();
      }
      get().followCopy(taskId);
      get().navigate('prepareDisks');
      await Promise.all([get().refreshDiskPrepStatus(), get().loadDisks()]);
    },
    async refreshDiskPrepStatus() {
      const { stagingLocation, job } = dp();
      if (!job) return;
      try {
        const status = await api.invoke('diskprep:status', { stagingLocation, job });
        patch({ status, ...(status.lastProgress ? { progress: status.lastProgress } : {}) });
      } catch {
        /* transient: the next poll tries again */
      }
    },
    advanceDiskPrepStep(step) {
      go(step);
    },
    goDiskPrepStep(step) {
      if (DISK_PREP_STEPS.indexOf(step) <= dp().reached) patch({ step });
    },
    ...shippingActions({ get, dp, patch, go }),
    resetDiskPrep() {
      const { stagingLocation, policyStagingLocation, jobs } = dp();
      set({
        diskPrep: { ...initDiskPrepState.diskPrep, defaultsLoaded: true, stagingLocation, policyStagingLocation, jobs },
      });
    },
  };
};
