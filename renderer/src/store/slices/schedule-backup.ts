/**
 * Schedule Backup wizard state (ANCHORS §11.11): typed step data, touched fields, Azure picker data and the
 * per-step results of the final page. Validation is the pure `validateStep` in shared/policy-steps.ts.
 */
import { fitRetentionToSchedule } from '../../../../shared/retention-rules.ts';
import { validateStep, type WizardData } from '../../../../shared/policy-steps.ts';
import { api, errorMessage } from '../../api/client.ts';
import { formatDateTime } from '../../components/format.ts';
import { azureActions } from './schedule-backup-azure.ts';
import {
  dataFromPolicy,
  emptyWizardData,
  jobResourceGroupMissing,
  policyInputOf,
  wizardSteps,
} from './schedule-backup-data.ts';
import type { SliceCreator } from '../types.ts';
import type {
  ItemEstimate,
  RunStepId,
  RunStep,
  ScheduleBackupState,
  ScheduleBackupSlice,
} from '../state/schedule-backup.ts';

export {
  dataFromPolicy,
  emptyWizardData,
  jobResourceGroupMissing,
  localTimeZone,
  policyInputOf,
  wizardSteps,
} from './schedule-backup-data.ts';

export const initScheduleBackupState: ScheduleBackupState = {
  scheduleBackup: {
    loaded: false,
    view: null,
    loadError: null,
    data: emptyWizardData(),
    step: 'gettingStarted',
    reached: 0,
    touched: {},
    estimates: {},
    checkingStaging: false,
    azureError: null,
    azureBusy: null,
    subscriptions: [],
    storageAccounts: [],
    containers: [],
    entraApp: null,
    jobResourceGroupCheck: null,
    run: [],
    running: false,
    actionMessage: null,
  },
};

export const createScheduleBackupSlice: SliceCreator<ScheduleBackupSlice> = (set, get) => {
  const patch = (p: Partial<ScheduleBackupState['scheduleBackup']>) =>
    set((s) => ({ scheduleBackup: { ...s.scheduleBackup, ...p } }));
  const data = () => get().scheduleBackup.data;
  const setData = (p: Partial<WizardData>) => patch({ data: { ...data(), ...p } });
  const azureFail = (err: unknown) => patch({ azureError: errorMessage(err), azureBusy: null });
  const ownJobName = () => get().scheduleBackup.view?.policy?.initialBackup.ownDisk?.importJobName;
  let viewSeq = 0;
  // Leaving a valid schedule page: retention rows keep only its backup times and days (they follow the schedule).
  const fitRetention = () => {
    const d = data();
    if (get().scheduleBackup.step === 'schedule' && Object.keys(validateStep('schedule', d)).length === 0)
      setData({ retention: fitRetentionToSchedule(d.retention, d.schedule) });
  };

  return {
    ...initScheduleBackupState,
    async openScheduleBackup() {
      try {
        const view = await api.invoke('policy:get', {});
        const base = { ...emptyWizardData(), passphraseRequired: !view.passphraseSet };
        patch({ loaded: true, view, loadError: null, data: view.policy ? dataFromPolicy(view.policy, base) : base });
      } catch (err) {
        patch({ loaded: true, loadError: errorMessage(err) });
      }
      // The console's one sign-in state; the wizard follows it (syncWizardSignIn) when it changes later.
      await get().loadAuth();
      get().syncWizardSignIn();
    },
    syncWizardSignIn() {
      const signedIn = !!get().auth?.signedIn;
      if (data().signIn.signedIn === signedIn) return;
      setData({ signIn: { ...data().signIn, signedIn, ...(signedIn ? {} : { providerRegistered: false }) } });
      if (signedIn)
        void get()
          .loadSubscriptions()
          .then(() => get().checkProvider());
      else patch({ subscriptions: [], storageAccounts: [], containers: [], jobResourceGroupCheck: null });
    },
    updateWizardData(p) {
      const next = { ...data(), ...p };
      if (p.passphrase !== undefined && p.passphrase !== data().passphrase) next.passphraseSaved = false;
      // An Azure error about a field the user has just changed is stale: it goes with the old value.
      const ownChanged = p.ownDisk !== undefined && JSON.stringify(p.ownDisk) !== JSON.stringify(data().ownDisk);
      patch({ data: next, ...(ownChanged ? { azureError: null } : {}) });
    },
    touchField(...names) {
      patch({ touched: { ...get().scheduleBackup.touched, ...Object.fromEntries(names.map((n) => [n, true])) } });
    },
    goWizardStep(step) {
      const steps = wizardSteps(get().scheduleBackup);
      const i = steps.indexOf(step);
      if (i < 0 || i > get().scheduleBackup.reached) return;
      fitRetention();
      patch({ step });
    },
    nextWizardStep() {
      fitRetention();
      const d = data();
      const steps = wizardSteps(get().scheduleBackup);
      const i = steps.indexOf(get().scheduleBackup.step);
      if (Object.keys(validateStep(get().scheduleBackup.step, d)).length) return;
      if (get().scheduleBackup.step === 'ownDisk' && jobResourceGroupMissing(get().scheduleBackup)) return;
      const next = steps[i + 1];
      if (!next) return;
      if (next === 'progress') return void get().finishScheduleBackup();
      patch({ step: next, reached: Math.max(get().scheduleBackup.reached, i + 1) });
    },
    backWizardStep() {
      const steps = wizardSteps(get().scheduleBackup);
      const i = steps.indexOf(get().scheduleBackup.step);
      if (i > 0 && get().scheduleBackup.step !== 'progress') patch({ step: steps[i - 1] });
    },
    async estimateItem(path) {
      patch({ estimates: { ...get().scheduleBackup.estimates, [path]: { state: 'loading' } } });
      let e: ItemEstimate;
      try {
        const r = await api.invoke('backup:estimate', { items: [path], stagingLocation: path });
        e = { state: 'done', bytes: r.bytes, files: r.files };
      } catch (err) {
        e = { state: 'error', message: errorMessage(err) };
      }
      patch({ estimates: { ...get().scheduleBackup.estimates, [path]: e } });
    },
    async checkStagingLocation() {
      const d = data();
      const path = d.ownDisk.stagingLocation.trim();
      if (!path) return;
      patch({ checkingStaging: true });
      let requiredBytes: number | undefined;
      try {
        if (d.items.length) {
          const est = await api.invoke('backup:estimate', {
            items: d.items.map((i) => i.path),
            stagingLocation: path,
            exclusions: d.exclusions,
          });
          requiredBytes = est.requiredBytes;
        }
      } catch {
        /* the staging check below names the problem (missing folder, no access) */
      }
      try {
        const r = await api.invoke('policy:checkStaging', {
          path,
          items: d.items.map((i) => i.path),
          ...(requiredBytes !== undefined ? { requiredBytes } : {}),
        });
        setData({ stagingCheck: r });
      } catch (err) {
        setData({ stagingCheck: { path, ok: false, exists: false, writable: false, message: errorMessage(err) } });
      }
      patch({ checkingStaging: false });
    },
    ...azureActions(get, patch, setData, azureFail, ownJobName),
    async finishScheduleBackup() {
      const d = data();
      const own = d.initialType === 'ownDisks';
      const prev = get().scheduleBackup.run;
      const keep = (id: RunStepId) =>
        prev.find((s) => s.id === id && (s.status === 'succeeded' || s.status === 'skipped'));
      const run: RunStep[] = [
        keep('container') ?? {
          id: 'container',
          title: 'Create the storage container',
          status: own ? 'pending' : 'skipped',
          ...(own ? {} : { message: 'Not needed: the initial backup does not use your own disks.' }),
        },
        keep('app') ?? {
          id: 'app',
          title: 'Create the Microsoft Entra application',
          status: own ? 'pending' : 'skipped',
          ...(own ? {} : { message: 'Not needed.' }),
        },
        { id: 'policy', title: 'Save the backup policy', status: 'pending' },
      ];
      patch({ step: 'progress', reached: wizardSteps(get().scheduleBackup).length - 1, run, running: true });
      const update = (id: RunStepId, p: Partial<RunStep>) =>
        patch({ run: get().scheduleBackup.run.map((s) => (s.id === id ? { ...s, ...p } : s)) });
      const od = d.ownDisk;
      const steps: [RunStepId, () => Promise<string>][] = [
        [
          'container',
          async () => {
            const c = await api.invoke('azure:createContainer', {
              subscriptionId: od.subscriptionId,
              resourceGroup: od.storageAccountResourceGroup,
              accountName: od.storageAccount,
              containerName: od.container,
            });
            return c.created
              ? `Container "${c.name}" created in ${od.storageAccount}.`
              : `Container "${c.name}" already exists in ${od.storageAccount}; it will be used.`;
          },
        ],
        [
          'app',
          async () => {
            const existing = get().scheduleBackup.entraApp;
            const app =
              existing ??
              (await api.invoke('azure:ensureEntraApp', {
                subscriptionId: od.subscriptionId,
                resourceGroup: od.storageAccountResourceGroup,
                accountName: od.storageAccount,
                jobResourceGroup: od.jobResourceGroup,
              }));
            patch({ entraApp: app });
            return `${app.displayName} (app id ${app.appId}) ${app.createdApplication ? 'created' : 'already existed'}; ${app.addedCredential ? 'this machine’s certificate was added' : 'this machine’s certificate was already registered'}.`;
          },
        ],
        [
          'policy',
          async () => {
            const view = await api.invoke('policy:save', {
              policy: policyInputOf(d),
              ...(d.passphraseRequired ? { passphrase: d.passphrase } : {}),
            });
            patch({ view });
            setData({ passphraseRequired: false, passphrase: '', passphraseConfirm: '' });
            return view.nextRuns.length
              ? `Policy saved. Next backup: ${formatDateTime(view.nextRuns[0], view.policy?.schedule.timeZone)}.`
              : 'Policy saved.';
          },
        ],
      ];
      for (const [id, fn] of steps) {
        const s = get().scheduleBackup.run.find((x) => x.id === id)!;
        if (s.status === 'succeeded' || s.status === 'skipped') continue;
        update(id, { status: 'running', message: undefined });
        try {
          update(id, { status: 'succeeded', message: await fn() });
        } catch (err) {
          update(id, { status: 'failed', message: errorMessage(err) });
          break;
        }
      }
      patch({ running: false });
    },
    async setPolicyState(state) {
      try {
        const view = await api.invoke('policy:setState', { state });
        const words = {
          active: 'The backup schedule is active again.',
          paused: 'Scheduled backups are paused.',
          stopped: 'The backup schedule is stopped; stored backups are kept.',
        };
        patch({ view, actionMessage: words[state] });
      } catch (err) {
        patch({ actionMessage: errorMessage(err) });
      }
    },
    async deletePolicy(deleteStagingData) {
      try {
        const r = await api.invoke('policy:delete', { confirm: 'DELETE', deleteStagingData });
        const view = await api.invoke('policy:get', {});
        patch({
          view,
          actionMessage: r.notes.join(' '),
          data: { ...emptyWizardData(), passphraseRequired: !view.passphraseSet },
        });
      } catch (err) {
        patch({ actionMessage: errorMessage(err) });
      }
    },
    resetScheduleBackup() {
      // The saved policy stays known (the console shows its next run); everything typed is forgotten.
      set({
        scheduleBackup: {
          ...initScheduleBackupState.scheduleBackup,
          data: emptyWizardData(),
          view: get().scheduleBackup.view,
        },
      });
    },
    async loadPolicyView() {
      const seq = ++viewSeq;
      try {
        const view = await api.invoke('policy:get', {});
        // A policy:changed that arrived meanwhile is newer than this answer.
        if (seq === viewSeq) patch({ view });
      } catch {
        /* older hosts without policies: the console simply shows no schedule */
      }
    },
    applyPolicyView(view) {
      viewSeq++;
      patch({ view });
    },
    async hideScheduledRun(id) {
      const view = await api.invoke('policy:hideRun', { id });
      get().applyPolicyView(view);
    },
  };
};
