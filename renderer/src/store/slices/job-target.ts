import type { ImportLocation, StorageAccountInfo } from '../../../../shared/contract/azure.ts';
import { api } from '../../api/client.ts';

/** Where the import job goes: the staged job's storage account, its subscription/resource group and datacenter. */
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
  /** Microsoft.ImportExport is registered on the subscription (jobs cannot be created before). */
  providerRegistered: boolean;
  providerState: string;
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

/** Finds the storage account by name across the signed-in user's subscriptions (the seed names only the account). */
export async function resolveJobTarget(o: { storageAccount?: string | undefined; subscriptionId?: string | undefined }): Promise<JobTarget> {
  if (!o.storageAccount) throw new Error('The staged job does not name its storage account (seed.json); run Schedule Backup with "Use your own disk" first.');
  const subs = (await api.invoke('azure:subscriptions', {})).filter((s) => !o.subscriptionId || s.subscriptionId === o.subscriptionId);
  let found: { sub: (typeof subs)[number]; acct: StorageAccountInfo } | null = null;
  for (const sub of subs) {
    const accts = await api.invoke('azure:storageAccounts', { subscriptionId: sub.subscriptionId });
    const acct = accts.find((a) => a.name === o.storageAccount);
    if (acct) {
      found = { sub, acct };
      break;
    }
  }
  if (!found) throw new Error(`Storage account ${o.storageAccount} was not found in your subscriptions (${subs.map((s) => s.displayName).join(', ') || 'none'}).`);
  const [locations, provider] = await Promise.all([
    api.invoke('azure:locations', {}),
    api.invoke('azure:providerStatus', { subscriptionId: found.sub.subscriptionId, namespace: 'Microsoft.ImportExport' }),
  ]);
  return {
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
