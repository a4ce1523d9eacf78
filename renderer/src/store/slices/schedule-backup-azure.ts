/** The Schedule Backup wizard's Azure actions: sign-in, pickers, provider registration, Entra application. */
import { JOB_BACKEND_NAMESPACE } from '../../../../shared/contract/azure.ts';
import { jobBackendOfPolicy } from '../../../../shared/policy.ts';
import type { WizardData } from '../../../../shared/policy-steps.ts';
import type { AppStore } from '../types.ts';
import { checkResourceGroupName } from '../../../../shared/validators/azure-names.ts';
import { errorMessage } from '../../api/client.ts';
import { api } from '../../api/client.ts';
import type { ScheduleBackupActions, ScheduleBackupState } from '../state/schedule-backup.ts';

type AzureActionNames =
  | 'signInAzure'
  | 'loadSubscriptions'
  | 'selectSubscription'
  | 'loadExistingJobs'
  | 'selectStorageAccount'
  | 'checkProvider'
  | 'registerProvider'
  | 'ensureEntraApp'
  | 'checkJobResourceGroup';

export function azureActions(
  get: () => AppStore,
  patch: (p: Partial<ScheduleBackupState['scheduleBackup']>) => void,
  setData: (p: Partial<WizardData>) => void,
  azureFail: (err: unknown) => void,
  ownJobName: () => string | undefined,
): Pick<ScheduleBackupActions, AzureActionNames> {
  const data = () => get().scheduleBackup.data;
  // The resource provider of the job type chosen on the own-disk page (Microsoft.DataBox or Microsoft.ImportExport).
  const namespace = () => JOB_BACKEND_NAMESPACE[jobBackendOfPolicy(data().ownDisk)];
  return {
    async signInAzure() {
      // The console's one sign-in (its errors show in SignInPanel); the pickers fill once signed in.
      patch({ azureError: null });
      await get().signIn();
      get().syncWizardSignIn();
    },
    async loadSubscriptions() {
      try {
        const subscriptions = await api.invoke('azure:subscriptions', {});
        patch({ subscriptions });
        const current = data().ownDisk.subscriptionId;
        if (!current && subscriptions.length === 1) await get().selectSubscription(subscriptions[0].subscriptionId);
        else if (current) await get().selectSubscription(current);
      } catch (err) {
        azureFail(err);
      }
    },
    async selectSubscription(id) {
      setData({ ownDisk: { ...data().ownDisk, subscriptionId: id } });
      patch({ storageAccounts: [], containers: [] });
      void get().loadExistingJobs();
      try {
        const storageAccounts = await api.invoke('azure:storageAccounts', { subscriptionId: id });
        patch({ storageAccounts });
        const acct = data().ownDisk.storageAccount;
        if (acct && storageAccounts.some((a) => a.name === acct)) await get().selectStorageAccount(acct);
      } catch (err) {
        azureFail(err);
      }
    },
    async loadExistingJobs() {
      const subscriptionId = data().ownDisk.subscriptionId;
      if (!subscriptionId) return;
      try {
        const jobs = await api.invoke('jobs:list', { subscriptionId });
        const mine = ownJobName();
        setData({ existingJobNames: jobs.map((j) => j.name).filter((n) => n !== mine) });
      } catch (err) {
        // Before the job type's provider is registered the subscription cannot have such jobs: nothing to clash with.
        const e = err as { message?: string; details?: { azureCode?: unknown } };
        if (
          e.details?.azureCode === 'MissingSubscriptionRegistration' ||
          /MissingSubscriptionRegistration/.test(e.message ?? '')
        )
          setData({ existingJobNames: [] });
        else azureFail(err);
      }
    },
    async selectStorageAccount(name) {
      const acct = get().scheduleBackup.storageAccounts.find((a) => a.name === name);
      const od = data().ownDisk;
      setData({
        ownDisk: {
          ...od,
          storageAccount: name,
          storageAccountResourceGroup: acct?.resourceGroup ?? od.storageAccountResourceGroup,
          jobResourceGroup: od.jobResourceGroup || acct?.resourceGroup || '',
        },
      });
      void get().checkJobResourceGroup();
      if (!acct) return;
      try {
        const containers = await api.invoke('azure:containers', {
          subscriptionId: od.subscriptionId,
          resourceGroup: acct.resourceGroup,
          accountName: name,
        });
        patch({ containers });
      } catch (err) {
        azureFail(err);
      }
    },
    async checkProvider() {
      const subscriptionId = data().ownDisk.subscriptionId;
      if (!subscriptionId) return;
      try {
        const st = await api.invoke('azure:providerStatus', { subscriptionId, namespace: namespace() });
        setData({ signIn: { ...data().signIn, providerRegistered: st.registered } });
      } catch (err) {
        azureFail(err);
      }
    },
    async registerProvider() {
      patch({ azureBusy: 'provider', azureError: null });
      try {
        const st = await api.invoke('azure:registerProvider', {
          subscriptionId: data().ownDisk.subscriptionId,
          namespace: namespace(),
        });
        setData({ signIn: { ...data().signIn, providerRegistered: st.registered } });
        patch({ azureBusy: null });
        if (st.registered) void get().loadExistingJobs();
      } catch (err) {
        azureFail(err);
      }
    },
    async checkJobResourceGroup() {
      const { subscriptionId, jobResourceGroup } = data().ownDisk;
      const name = jobResourceGroup.trim();
      if (!get().auth?.signedIn || !subscriptionId || !name || checkResourceGroupName(name))
        return patch({ jobResourceGroupCheck: null });
      patch({ jobResourceGroupCheck: { name, state: 'checking' } });
      const still = () =>
        data().ownDisk.jobResourceGroup.trim() === name && data().ownDisk.subscriptionId === subscriptionId;
      try {
        const rg = await api.invoke('azure:resourceGroup', { subscriptionId, resourceGroup: name });
        if (still())
          patch({
            jobResourceGroupCheck: {
              name,
              state: 'ok',
              message: `Resource group ${rg.name} exists (region ${rg.location}).`,
            },
          });
      } catch (err) {
        if (!still()) return;
        const sub =
          get().scheduleBackup.subscriptions.find((s) => s.subscriptionId === subscriptionId)?.displayName ??
          subscriptionId;
        const acctRg = data().ownDisk.storageAccountResourceGroup;
        patch({
          jobResourceGroupCheck:
            (err as { code?: string }).code === 'NOT_FOUND'
              ? {
                  name,
                  state: 'missing',
                  message: `Resource group "${name}" does not exist in subscription ${sub}. Create it in the Azure portal, or enter an existing one${acctRg ? ` (the storage account's is "${acctRg}")` : ''}.`,
                }
              : { name, state: 'unknown', message: `The resource group could not be checked: ${errorMessage(err)}` },
        });
      }
    },
    async ensureEntraApp() {
      const od = data().ownDisk;
      patch({ azureBusy: 'app', azureError: null });
      try {
        const entraApp = await api.invoke('azure:ensureEntraApp', {
          subscriptionId: od.subscriptionId,
          resourceGroup: od.storageAccountResourceGroup,
          accountName: od.storageAccount,
          jobResourceGroup: od.jobResourceGroup,
        });
        patch({ entraApp, azureBusy: null });
      } catch (err) {
        azureFail(err);
      }
    },
  };
}
