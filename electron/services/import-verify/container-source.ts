/**
 * A blob container as a BlobSource, reached through the Azure layer: the storage account's blob endpoint and key
 * come from ARM (azure/storage-account.ts), and every request goes through the cloud's HTTP client (its CA trust for
 * the sandbox, its retries). Works the same for Azure and the Local sandbox (Azurite), which is just another cloud.
 */
import type { BlobServiceClient, ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import { openStorageAccount, type StorageAccess } from '../azure/storage-account.ts';
import type { BlobItem, BlobSource } from './verify.ts';
import { openWithSas } from '../azure/container-access.ts';

export type { StorageAccess } from '../azure/storage-account.ts';

export interface ContainerRef {
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
  container: string;
}

/** Opens the account's blob service, with the account key fetched through ARM. */
export async function openBlobService(
  access: StorageAccess,
  ref: Omit<ContainerRef, 'container'>,
): Promise<BlobServiceClient> {
  return (await openStorageAccount(access, ref, 'Verifying imported data')).service();
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
    // Without the query: a container opened with a SAS URL carries its signature there.
    describe: cc.url.split('?')[0].replace(/\/$/, ''),
    async *list(prefix: string, signal?: AbortSignal): AsyncIterable<BlobItem> {
      try {
        for await (const b of cc.listBlobsFlat({ prefix, ...(signal ? { abortSignal: signal } : {}) }))
          yield { name: b.name, length: b.properties.contentLength ?? 0 };
      } catch (err) {
        const status = (err as { statusCode?: number }).statusCode;
        if (status === 404)
          throw new AppError('NOT_FOUND', `Container ${cc.containerName} does not exist in ${cc.accountName}.`, {
            container: cc.containerName,
          });
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

/**
 * The container to verify through a container SAS URL (read and list) instead of the account key, for a machine or
 * user without rights on the account (`obc verify-import --container-url-file`). Judged before any request.
 */
export function sasBlobSource(
  sasUrl: string,
  http: Parameters<typeof openWithSas>[1],
  t: { storageAccount: string; container: string },
): BlobSource {
  return containerBlobSource(
    openWithSas(sasUrl, http, { purpose: 'read', expect: { storageAccount: t.storageAccount, container: t.container } })
      .client,
  );
}
