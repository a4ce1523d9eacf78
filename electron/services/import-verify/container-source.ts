/**
 * A blob container as a BlobSource, reached through the Azure layer: the storage account's blob endpoint and key
 * come from ARM (the signed-in user needs Microsoft.Storage/storageAccounts/listKeys/action, e.g. Contributor),
 * and every request goes through the cloud's HTTP client (its CA trust for the sandbox, its retries).
 * Works the same for Azure and the Local sandbox (Azurite), which is just another cloud.
 */
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline, type ContainerClient } from '@azure/storage-blob';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { AppError } from '../../../shared/errors.ts';
import type { BlobItem, BlobSource } from './verify.ts';

/** What this module needs from the Azure layer (AzureService.session_().clients). */
export interface StorageAccess {
  http: HttpClient;
  storage(subscriptionId: string): {
    storageAccounts: {
      getProperties(rg: string, name: string): Promise<{ primaryEndpoints?: { blob?: string } }>;
      listKeys(rg: string, name: string): Promise<{ keys?: Array<{ value?: string }> }>;
    };
  };
}

export interface ContainerRef {
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
  container: string;
}

function azureMessage(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return [e.statusCode, e.code, e.message].filter(Boolean).join(' ');
}

/** Opens the account's blob service, with the account key fetched through ARM. */
export async function openBlobService(access: StorageAccess, ref: Omit<ContainerRef, 'container'>): Promise<BlobServiceClient> {
  const sa = access.storage(ref.subscriptionId).storageAccounts;
  let endpoint: string | undefined;
  let key: string | undefined;
  try {
    endpoint = (await sa.getProperties(ref.resourceGroup, ref.accountName)).primaryEndpoints?.blob;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError('AZURE', `Storage account ${ref.accountName} (resource group ${ref.resourceGroup}) could not be read: ${azureMessage(err)}`, { accountName: ref.accountName });
  }
  if (!endpoint) throw new AppError('AZURE', `Storage account ${ref.accountName} reports no blob endpoint.`, { accountName: ref.accountName });
  try {
    key = (await sa.listKeys(ref.resourceGroup, ref.accountName)).keys?.find((k) => k.value)?.value;
  } catch (err) {
    if (err instanceof AppError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 403)
      throw new AppError('PERMISSION_DENIED', `Reading the keys of storage account ${ref.accountName} was refused. Verifying imported data needs the "listKeys" permission on the account (roles Contributor or Storage Account Key Operator Service Role).`, { accountName: ref.accountName });
    throw new AppError('AZURE', `Listing the keys of storage account ${ref.accountName} failed: ${azureMessage(err)}`, { accountName: ref.accountName });
  }
  if (!key) throw new AppError('AZURE', `Storage account ${ref.accountName} returned no access key.`, { accountName: ref.accountName });
  const pipeline = newPipeline(new StorageSharedKeyCredential(ref.accountName, key), { retryOptions: { maxTries: 1 } });
  // @azure/storage-blob only takes a legacy httpClient option; the core-rest-pipeline client it caches is set here
  // so the cloud's own client (CA trust for this cloud only, retries with Retry-After) serves these requests too.
  (pipeline as unknown as { _coreHttpClient: HttpClient })._coreHttpClient = access.http;
  return new BlobServiceClient(endpoint, pipeline);
}

export async function openContainer(access: StorageAccess, ref: ContainerRef): Promise<ContainerClient> {
  return (await openBlobService(access, ref)).getContainerClient(ref.container);
}

/** Blob name of a full blob URL inside the service (path-style Azurite URLs included), or null when foreign. */
export function blobOfUrl(service: BlobServiceClient, url: string): { container: string; blob: string } | null {
  const base = service.url.replace(/\/?$/, '/');
  const clean = url.split('?')[0];
  if (!clean.startsWith(base)) return null;
  const rel = decodeURIComponent(clean.slice(base.length));
  const i = rel.indexOf('/');
  return i > 0 ? { container: rel.slice(0, i), blob: rel.slice(i + 1) } : null;
}

/** Listing and reading through a ContainerClient. */
export function containerBlobSource(cc: ContainerClient): BlobSource {
  return {
    describe: cc.url.replace(/\/$/, ''),
    async *list(prefix: string, signal?: AbortSignal): AsyncIterable<BlobItem> {
      try {
        for await (const b of cc.listBlobsFlat({ prefix, ...(signal ? { abortSignal: signal } : {}) })) yield { name: b.name, length: b.properties.contentLength ?? 0 };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404) throw new AppError('NOT_FOUND', `Container ${cc.containerName} does not exist in ${cc.accountName}.`, { container: cc.containerName });
        throw err;
      }
    },
    async *read(name: string, signal?: AbortSignal): AsyncIterable<Uint8Array> {
      const r = await cc.getBlobClient(name).download(0, undefined, signal ? { abortSignal: signal } : {});
      if (!r.readableStreamBody) throw new AppError('AZURE', `Blob ${name} returned no body.`);
      for await (const chunk of r.readableStreamBody) yield chunk as Uint8Array;
    },
  };
}
