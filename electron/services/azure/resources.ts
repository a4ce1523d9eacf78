/**
 * Subscriptions, storage accounts, containers, resource providers and Import/Export locations.
 *
 * Subscriptions: the installed @azure/arm-resources 8 has no SubscriptionClient (that lives in
 * @azure/arm-resources-subscriptions, not installed), so the list is one ARM GET through this cloud's HttpClient
 * (`/subscriptions?api-version=2022-12-01`, following nextLink). Everything else goes through the SDK packages.
 */
import type { Location as IeLocation } from '@azure/arm-storageimportexport';
import type { StorageAccount } from '@azure/arm-storage';
import { AppError } from '../../../shared/errors.ts';
import type {
  ContainerInfo,
  ImportLocation,
  ProviderStatus,
  ResourceGroupInfo,
  StorageAccountInfo,
  SubscriptionInfo,
} from '../../../shared/contract/azure.ts';
import type { AzureClients } from './clients.ts';
import { azureCall, collect, mapAzureError } from './errors.ts';

export const SUBSCRIPTIONS_API_VERSION = '2022-12-01';

export function resourceGroupOf(id: string): string {
  const m = /\/resourceGroups\/([^/]+)/i.exec(id);
  return m ? m[1] : '';
}

export function subscriptionOf(id: string): string {
  const m = /^\/subscriptions\/([^/]+)/i.exec(id);
  return m ? m[1] : '';
}

export async function listSubscriptions(c: AzureClients, signal?: AbortSignal): Promise<SubscriptionInfo[]> {
  const what = 'List subscriptions';
  const token = (await c.auth.getToken('arm')).token;
  let url: string | undefined = `${c.http.cloud.armEndpoint}/subscriptions?api-version=${SUBSCRIPTIONS_API_VERSION}`;
  const out: SubscriptionInfo[] = [];
  for (let page = 0; url && page < 100; page++) {
    type Page = {
      value?: { subscriptionId: string; displayName?: string; state?: string; tenantId?: string }[];
      nextLink?: string;
    };
    let res;
    try {
      res = await c.http.json<Page>('GET', url, { token, ...(signal ? { signal } : {}) });
    } catch (err) {
      throw mapAzureError(err, what);
    }
    if (res.status !== 200) throw httpError(what, res.status, res.body);
    for (const s of res.body?.value ?? [])
      out.push({
        subscriptionId: s.subscriptionId,
        displayName: s.displayName ?? s.subscriptionId,
        state: s.state ?? 'Unknown',
        ...(s.tenantId ? { tenantId: s.tenantId } : {}),
      });
    const next: string | undefined = res.body?.nextLink ?? undefined;
    // Only follow links on this cloud's ARM endpoint (the official example's "http://nextlink" is a placeholder).
    url = next && next.startsWith(`${c.http.cloud.armEndpoint}/`) ? next : undefined;
  }
  return out;
}

/** An error for a raw JSON call, shaped like the SDK errors' mapping. */
export function httpError(what: string, status: number, body: unknown): AppError {
  const e = (body as { error?: { code?: string; message?: string } } | undefined)?.error ?? {};
  return mapAzureError({ statusCode: status, code: e.code, message: e.message ?? `HTTP ${status}` }, what);
}

const INELIGIBLE: Record<string, string> = {
  BlobStorage:
    'BlobStorage accounts hold only block and append blobs, and the console imports its staging data as page blobs. Choose a general-purpose v2 (StorageV2) or v1 (Storage) account.',
  BlockBlobStorage:
    'Premium block blob (BlockBlobStorage) accounts cannot hold page blobs. Choose a general-purpose v2 (StorageV2) account.',
  FileStorage: 'FileStorage accounts hold Azure Files shares only. Choose a general-purpose v2 (StorageV2) account.',
};

export function describeStorageAccount(a: StorageAccount): StorageAccountInfo {
  const kind = a.kind ?? 'Unknown';
  let reason = INELIGIBLE[kind];
  if (!reason && a.enableNfsV3)
    reason = 'Accounts with NFS 3.0 enabled are not supported by the Import/Export service.';
  if (!reason && kind !== 'StorageV2' && kind !== 'Storage')
    reason = `Storage account kind "${kind}" is not known to hold page blobs.`;
  const id = a.id ?? '';
  return {
    id,
    name: a.name ?? '',
    resourceGroup: resourceGroupOf(id),
    location: a.location ?? '',
    kind,
    ...(a.sku?.name ? { sku: a.sku.name } : {}),
    ...(a.primaryEndpoints?.blob ? { blobEndpoint: a.primaryEndpoints.blob } : {}),
    pageBlobEligible: !reason,
    ...(reason ? { ineligibleReason: reason } : {}),
  };
}

export async function listStorageAccounts(c: AzureClients, subscriptionId: string): Promise<StorageAccountInfo[]> {
  const list = await azureCall(`List storage accounts in subscription ${subscriptionId}`, () =>
    collect(c.storage(subscriptionId).storageAccounts.list()),
  );
  return list.map(describeStorageAccount).sort((a, b) => a.name.localeCompare(b.name));
}

export async function getStorageAccount(
  c: AzureClients,
  subscriptionId: string,
  resourceGroup: string,
  accountName: string,
): Promise<StorageAccountInfo> {
  const a = await azureCall(`Read storage account ${accountName} in resource group ${resourceGroup}`, () =>
    c.storage(subscriptionId).storageAccounts.getProperties(resourceGroup, accountName),
  );
  return describeStorageAccount(a);
}

/** A resource group by name; NOT_FOUND (with the subscription named) when there is none. */
export async function getResourceGroup(
  c: AzureClients,
  subscriptionId: string,
  name: string,
): Promise<ResourceGroupInfo> {
  const rg = await azureCall(`Read resource group ${name} in subscription ${subscriptionId}`, () =>
    c.resources(subscriptionId).resourceGroups.get(name),
  );
  return { name: rg.name ?? name, location: rg.location };
}

export async function listContainers(
  c: AzureClients,
  subscriptionId: string,
  resourceGroup: string,
  accountName: string,
): Promise<ContainerInfo[]> {
  const items = await azureCall(`List containers of storage account ${accountName}`, () =>
    collect(c.storage(subscriptionId).blobContainers.list(resourceGroup, accountName)),
  );
  return items
    .map((i) => ({
      name: i.name ?? '',
      ...(i.lastModifiedTime ? { lastModified: new Date(i.lastModifiedTime).toISOString() } : {}),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** Creates the container when missing (the UI asks first); an existing one is returned with created=false. */
export async function ensureContainer(
  c: AzureClients,
  subscriptionId: string,
  resourceGroup: string,
  accountName: string,
  containerName: string,
): Promise<ContainerInfo & { created: boolean }> {
  const client = c.storage(subscriptionId);
  try {
    const existing = await client.blobContainers.get(resourceGroup, accountName, containerName);
    return { name: existing.name ?? containerName, created: false };
  } catch (err) {
    const mapped = mapAzureError(err, `Read container ${containerName} in ${accountName}`);
    if (mapped.code !== 'NOT_FOUND') throw mapped;
  }
  const made = await azureCall(`Create container ${containerName} in storage account ${accountName}`, () =>
    client.blobContainers.create(resourceGroup, accountName, containerName, {}),
  );
  return { name: made.name ?? containerName, created: true };
}

export async function providerStatus(
  c: AzureClients,
  subscriptionId: string,
  namespace: string,
): Promise<ProviderStatus> {
  const p = await azureCall(`Read resource provider ${namespace} in subscription ${subscriptionId}`, () =>
    c.resources(subscriptionId).providers.get(namespace),
  );
  const state = p.registrationState ?? 'Unknown';
  return { namespace: p.namespace ?? namespace, registrationState: state, registered: state === 'Registered' };
}

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
  signal?: AbortSignal;
  onState?: (state: string) => void;
}

/** Registers the provider and waits until Registered (Azure takes seconds to minutes). */
export async function registerProvider(
  c: AzureClients,
  subscriptionId: string,
  namespace: string,
  o: WaitOptions = {},
): Promise<ProviderStatus> {
  const timeoutMs = o.timeoutMs ?? 5 * 60_000;
  const pollMs = o.pollMs ?? 3000;
  const first = await providerStatus(c, subscriptionId, namespace);
  if (first.registered) return first;
  const answer = await azureCall(
    `Register resource provider ${namespace} in subscription ${subscriptionId} (needs Owner or Contributor)`,
    () => c.resources(subscriptionId).providers.register(namespace),
  );
  // The register answer already says "Registering"; report it, since the first poll may come after it finished.
  if (answer.registrationState) o.onState?.(answer.registrationState);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const s = await providerStatus(c, subscriptionId, namespace);
    o.onState?.(s.registrationState);
    if (s.registered) return s;
    if (Date.now() + pollMs > deadline)
      throw new AppError(
        'AZURE',
        `Resource provider ${namespace} is still "${s.registrationState}" after ${Math.round(timeoutMs / 1000)} s; Azure sometimes takes several minutes. Check again later.`,
        {
          namespace,
          registrationState: s.registrationState,
        },
      );
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(resolve, pollMs);
      o.signal?.addEventListener(
        'abort',
        () => {
          clearTimeout(t);
          reject(new AppError('CANCELLED', `Stopped waiting for ${namespace} registration.`));
        },
        { once: true },
      );
    });
  }
}

export function toImportLocation(l: IeLocation): ImportLocation {
  const pick = <K extends keyof IeLocation>(k: K) => (l[k] !== undefined && l[k] !== null ? { [k]: l[k] } : {});
  return {
    id: l.id ?? '',
    name: l.name ?? '',
    ...pick('recipientName'),
    ...pick('streetAddress1'),
    ...pick('streetAddress2'),
    ...pick('city'),
    ...pick('stateOrProvince'),
    ...pick('postalCode'),
    ...pick('countryOrRegion'),
    ...pick('phone'),
    ...pick('additionalShippingInformation'),
    supportedCarriers: l.supportedCarriers ?? [],
    alternateLocations: l.alternateLocations ?? [],
  } as ImportLocation;
}

export async function listLocations(c: AzureClients): Promise<ImportLocation[]> {
  const list = await azureCall('List Import/Export locations', () => collect(c.importExport().locations.list()));
  return list.map(toImportLocation);
}

export async function getLocation(c: AzureClients, name: string): Promise<ImportLocation> {
  return toImportLocation(
    await azureCall(`Read Import/Export location ${name}`, () => c.importExport().locations.get(name)),
  );
}
