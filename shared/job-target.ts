/**
 * Where an import job goes: the staged job's storage account (seed.json names only the account), found across the
 * signed-in user's subscriptions, with its resource group, region and the Import/Export location serving it.
 * Pure logic over a small port, so the console (through IPC) and `obc diskprep` (through AzureService) share it.
 */
import {
  JOB_BACKEND_NAMESPACE,
  type ImportLocation,
  type JobBackendName,
  type ProviderNamespace,
  type ProviderStatus,
  type StorageAccountInfo,
  type SubscriptionInfo,
} from './contract/azure.ts';

export interface JobTarget {
  subscriptionId: string;
  subscriptionName: string;
  resourceGroup: string;
  storageAccount: string;
  storageAccountId: string;
  /** The account's region (e.g. westus): the job's `location`. */
  locationName: string;
  /** The Import/Export location serving that region: shipping address and carriers. */
  location: ImportLocation | null;
  /** Which service runs the job: Microsoft.ImportExport (default) or Microsoft.DataBox customer disks. */
  backend: JobBackendName;
  providerNamespace: ProviderNamespace;
  /** The job type's resource provider is registered on the subscription (jobs cannot be created before). */
  providerRegistered: boolean;
  providerState: string;
}

export interface JobTargetPort {
  subscriptions(): Promise<SubscriptionInfo[]>;
  storageAccounts(subscriptionId: string): Promise<StorageAccountInfo[]>;
  locations(): Promise<ImportLocation[]>;
  providerStatus(subscriptionId: string, namespace: ProviderNamespace): Promise<ProviderStatus>;
}

const norm = (s: string) => s.toLowerCase().replace(/[\s_-]/g, '');

/** The Import/Export location for a region: same id/name, else one listing it as an alternate. */
export function locationFor(region: string, locations: readonly ImportLocation[]): ImportLocation | null {
  const r = norm(region);
  return (
    locations.find((l) => norm(l.id.split('/').pop() ?? '') === r || norm(l.name) === r) ??
    locations.find((l) => l.alternateLocations.some((a) => norm(a.split('/').pop() ?? '') === r)) ??
    null
  );
}

/** A storage account by name across the signed-in user's subscriptions (or in the one given). */
export async function findStorageAccount(
  port: Pick<JobTargetPort, 'subscriptions' | 'storageAccounts'>,
  storageAccount: string,
  subscriptionId?: string,
): Promise<{ sub: SubscriptionInfo; acct: StorageAccountInfo }> {
  const all = await port.subscriptions();
  const subs = all.filter((s) => !subscriptionId || s.subscriptionId.toLowerCase() === subscriptionId.toLowerCase());
  if (subscriptionId && !subs.length)
    throw new Error(
      `Subscription ${subscriptionId} is not among the signed-in account's subscriptions (${all.map((s) => `${s.displayName} ${s.subscriptionId}`).join(', ') || 'none'}).`,
    );
  for (const sub of subs) {
    const acct = (await port.storageAccounts(sub.subscriptionId)).find((a) => a.name === storageAccount);
    if (acct) return { sub, acct };
  }
  throw new Error(
    `Storage account ${storageAccount} was not found in your subscriptions (${subs.map((s) => s.displayName).join(', ') || 'none'}).`,
  );
}

export async function resolveJobTarget(
  port: JobTargetPort,
  o: { storageAccount?: string | undefined; subscriptionId?: string | undefined; backend?: JobBackendName | undefined },
): Promise<JobTarget> {
  const backend = o.backend ?? 'ImportExport';
  const providerNamespace = JOB_BACKEND_NAMESPACE[backend];
  if (!o.storageAccount)
    throw new Error(
      'The staged job does not name its storage account (seed.json); run Schedule Backup with "Use your own disk" first.',
    );
  const found = await findStorageAccount(port, o.storageAccount, o.subscriptionId);
  const [locations, provider] = await Promise.all([
    port.locations(),
    port.providerStatus(found.sub.subscriptionId, providerNamespace),
  ]);
  return {
    backend,
    providerNamespace,
    providerRegistered: provider.registered,
    providerState: provider.registrationState,
    subscriptionId: found.sub.subscriptionId,
    subscriptionName: found.sub.displayName,
    resourceGroup: found.acct.resourceGroup,
    storageAccount: found.acct.name,
    storageAccountId: found.acct.id,
    locationName: found.acct.location,
    location: locationFor(found.acct.location, locations),
  };
}
