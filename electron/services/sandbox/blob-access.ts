import {
  AnonymousCredential,
  BlobServiceClient,
  ContainerClient,
  StorageSharedKeyCredential,
  newPipeline,
  type Pipeline,
} from '@azure/storage-blob';
import { HttpError } from './http-util.ts';
import { createCaTrustingHttpClient } from './ca-http-client.ts';
import type { StateStore } from './state.ts';
import { DEVSTORE_ACCOUNT, DEVSTORE_KEY } from './azurite.ts';

/**
 * The sandbox's own access to Azurite (container create/list for the ARM emulator, page blob writes and logs for
 * the datacenter). Every sandbox storage account is an Azurite account of the same name at `<blobUrl>/<account>`.
 */
export interface BlobAccess {
  accountUrl(account: string): string;
  service(account: string): BlobServiceClient;
  createContainer(account: string, container: string): Promise<boolean>;
  listContainers(account: string): Promise<Array<{ name: string; lastModified: Date; etag: string }>>;
  /** A container reached with nothing but a SAS token (a manifest's ContainerSas): Azurite checks it. */
  containerWithSas(account: string, container: string, token: string): ContainerClient;
  /** The account reached with a given key (a manifest's StorageAccountKey): Azurite checks it. */
  serviceWithKey(account: string, key: string): BlobServiceClient;
}

/**
 * A storage-blob pipeline whose requests trust `caCertPem`. @azure/storage-blob takes only a legacy
 * (core-http-compat) httpClient option, so the core-rest-pipeline client is set on the pipeline it caches.
 */
export function caTrustingPipeline(
  credential: StorageSharedKeyCredential | AnonymousCredential,
  caCertPem: string,
): Pipeline {
  const pipeline = newPipeline(credential, { retryOptions: { maxTries: 2 } });
  (pipeline as unknown as { _coreHttpClient: unknown })._coreHttpClient = createCaTrustingHttpClient(caCertPem);
  return pipeline;
}

export function createBlobAccess(opts: { baseUrl: string; caCertPem: string; store: StateStore }): BlobAccess {
  const clients = new Map<string, BlobServiceClient>();
  const keyOf = (account: string) => {
    if (account === DEVSTORE_ACCOUNT) return DEVSTORE_KEY;
    const rec = opts.store.state.storageAccounts[account.toLowerCase()];
    if (!rec) throw new HttpError(404, 'StorageAccountNotFound', `The storage account '${account}' was not found.`);
    return rec.keys[0];
  };
  const accountUrl = (account: string) => `${opts.baseUrl}/${account.toLowerCase()}`;
  const service = (account: string) => {
    if (!opts.baseUrl)
      throw new HttpError(
        503,
        'ServiceUnavailable',
        'The sandbox was started without Azurite: blob storage is unavailable.',
      );
    const a = account.toLowerCase();
    let c = clients.get(a);
    if (!c) {
      c = new BlobServiceClient(
        accountUrl(a),
        caTrustingPipeline(new StorageSharedKeyCredential(a, keyOf(a)), opts.caCertPem),
      );
      clients.set(a, c);
    }
    return c;
  };
  return {
    accountUrl,
    service,
    async createContainer(account, container) {
      const res = await service(account).getContainerClient(container).createIfNotExists();
      return res.succeeded;
    },
    containerWithSas(account, container, token) {
      if (!opts.baseUrl)
        throw new HttpError(
          503,
          'ServiceUnavailable',
          'The sandbox was started without Azurite: blob storage is unavailable.',
        );
      return new ContainerClient(
        `${accountUrl(account)}/${encodeURIComponent(container)}?${token}`,
        caTrustingPipeline(new AnonymousCredential(), opts.caCertPem),
      );
    },
    serviceWithKey(account, key) {
      if (!opts.baseUrl)
        throw new HttpError(
          503,
          'ServiceUnavailable',
          'The sandbox was started without Azurite: blob storage is unavailable.',
        );
      return new BlobServiceClient(
        accountUrl(account),
        caTrustingPipeline(new StorageSharedKeyCredential(account.toLowerCase(), key), opts.caCertPem),
      );
    },
    async listContainers(account) {
      const out: Array<{ name: string; lastModified: Date; etag: string }> = [];
      for await (const c of service(account).listContainers())
        out.push({ name: c.name, lastModified: c.properties.lastModified, etag: c.properties.etag });
      return out;
    },
  };
}
