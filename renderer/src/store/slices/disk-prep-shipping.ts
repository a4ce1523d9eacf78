/** The Disk Prep steps after the copy: where the job goes, the shipping form, job creation, the keys on request. */
import { api } from '../../api/client.ts';
import { fromDefaults, toDefaults, validateShipping } from '../../../../shared/shipping-draft.ts';
import { resolveJobTarget } from './job-target.ts';
import type { AppStore } from '../types.ts';
import type { DiskPrepActions, DiskPrepState, DiskPrepStep } from '../state/disk-prep.ts';

type ShippingActionNames =
  | 'openShipping'
  | 'setDiskPrepJobBackend'
  | 'updateShipping'
  | 'createImportJob'
  | 'revealDiskPrepKeys'
  | 'registerDiskPrepProvider';

export function shippingActions(ctx: {
  get: () => AppStore;
  dp: () => DiskPrepState['diskPrep'];
  patch: (p: Partial<DiskPrepState['diskPrep']>) => void;
  go: (step: DiskPrepStep) => void;
}): Pick<DiskPrepActions, ShippingActionNames> {
  const { get, dp, patch, go } = ctx;
  return {
    async openShipping() {
      go('shipping');
      const { stagingLocation, job } = dp();
      patch({ targetLoading: true, targetError: null });
      const [defaults, drives] = await Promise.all([
        api.invoke('shipping:getDefaults', {}).catch(() => null),
        api.invoke('diskprep:drives', { stagingLocation, job: job! }).catch((err: unknown) => {
          patch({ targetError: err });
          return null;
        }),
      ]);
      const typed = Object.values(dp().shipping).some((v) => v.trim());
      patch({ drives, ...(typed ? {} : { shipping: fromDefaults(defaults) }) });
      try {
        const stagedJob = dp().jobs?.jobs.find((j) => j.jobName === job);
        const target = await resolveJobTarget({
          storageAccount: drives?.storageAccount ?? stagedJob?.storageAccount,
          backend: dp().jobBackend,
        });
        patch({ target, targetLoading: false });
      } catch (err) {
        patch({ target: null, targetLoading: false, targetError: err });
      }
    },
    async setDiskPrepJobBackend(backend) {
      if (dp().jobBackend === backend) return;
      // The provider to register (and its state) depends on the job type: look the target up again.
      patch({ jobBackend: backend, createError: null });
      await get().openShipping();
    },
    updateShipping(p) {
      // An error from the last attempt is about the values before this change: it goes when a field changes.
      patch({ shipping: { ...dp().shipping, ...p }, createError: null });
    },
    async createImportJob() {
      const { shipping, target, stagingLocation, job, passphrase } = dp();
      const carriers = target?.location?.supportedCarriers ?? [];
      if (Object.keys(validateShipping(shipping, carriers)).length || !target || !job) {
        patch({ shippingShowAll: true });
        return;
      }
      patch({ creating: true, createError: null });
      try {
        // The main process opens the BitLocker keys from drives.json and creates the job; the keys stay there.
        const pass = passphrase ? { passphrase } : {};
        const res = await api.invoke('diskprep:createJob', {
          stagingLocation,
          job,
          ...pass,
          shipping: toDefaults(shipping),
          subscriptionId: target.subscriptionId,
          backend: target.backend,
        });
        const drives = await api.invoke('diskprep:drives', { stagingLocation, job, ...pass });
        patch({
          creating: false,
          created: res.job,
          createdExisting: !res.created,
          target: { ...target, ...res.target },
          drives,
          keys: null,
        });
        go('result');
      } catch (err) {
        patch({ creating: false, createError: err });
      }
    },
    async revealDiskPrepKeys() {
      const { stagingLocation, job, passphrase } = dp();
      if (!job) return;
      const drives = await api.invoke('diskprep:drives', {
        stagingLocation,
        job,
        revealKeys: true,
        ...(passphrase ? { passphrase } : {}),
      });
      patch({ keys: drives.driveList ?? null });
    },
    async registerDiskPrepProvider() {
      const t = dp().target;
      if (!t) return;
      patch({ registering: true, createError: null });
      try {
        const st = await api.invoke('azure:registerProvider', {
          subscriptionId: t.subscriptionId,
          namespace: t.providerNamespace,
        });
        patch({
          registering: false,
          target: { ...t, providerRegistered: st.registered, providerState: st.registrationState },
        });
      } catch (err) {
        patch({ registering: false, createError: err });
      }
    },
  };
}
