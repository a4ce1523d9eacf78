/**
 * A storage account's blob endpoint and keys, read through ARM (`getProperties`, `listKeys`: the signed-in user
 * needs Microsoft.Storage/storageAccounts/listKeys/action, e.g. Contributor or Storage Account Key Operator), and
 * blob pipelines that send every request through the cloud's own HTTP client (its CA trust for the sandbox, its
 * retries). One home for this: import-verify reads containers with it, Disk Prep signs the manifest's container SAS.
 */
import { BlobServiceClient, StorageSharedKeyCredential, newPipeline, type Pipeline } from '@azure/storage-blob';
import type { HttpClient } from '@azure/core-rest-pipeline';
import { AppError } from '../../../shared/errors.ts';

/** What this module needs from the Azure layer (AzureService.session_().clients). */
export interface StorageAccess {
  http: HttpClient;
  storage(subscriptionId: string): {
    storageAccounts: {
      getProperties(rg: string, name: string): Promise<{ primaryEndpoints?: { blob?: string } }>;
      listKeys(rg: string, name: string): Promise<{ keys?: Array<{ keyName?: string; value?: string }> }>;
    };
  };
}

export interface StorageAccountRef {
  subscriptionId: string;
  resourceGroup: string;
  accountName: string;
}

export interface OpenedAccount {
  accountName: string;
  /** The blob endpoint, e.g. https://acct.blob.core.windows.net/ (path-style in the sandbox). */
  endpoint: string;
  /** The account keys in ARM's order (key1, key2); the first signs. Secrets: never logged or stored. */
  keys: Array<{ name: string; value: string }>;
  /** A pipeline authorised with the first key. */
  pipeline(): Pipeline;
  service(): BlobServiceClient;
}

function azureMessage(err: unknown): string {
  const e = err as { statusCode?: number; code?: string; message?: string };
  return [e.statusCode, e.code, e.message].filter(Boolean).join(' ');
}

/** A storage-blob pipeline on `http`: @azure/storage-blob only takes a legacy httpClient option, so the core client it caches is set. */
export function pipelineOn(http: HttpClient, credential: StorageSharedKeyCredential): Pipeline {
  const pipeline = newPipeline(credential, { retryOptions: { maxTries: 1 } });
  (pipeline as unknown as { _coreHttpClient: HttpClient })._coreHttpClient = http;
  return pipeline;
}

/** Reads the account's blob endpoint and keys; `why` ends the permission message ("Verifying imported data", …). */
export async function openStorageAccount(
  access: StorageAccess,
  ref: StorageAccountRef,
  why: string,
): Promise<OpenedAccount> {
  const sa = access.storage(ref.subscriptionId).storageAccounts;
  let endpoint: string | undefined;
  try {
    endpoint = (await sa.getProperties(ref.resourceGroup, ref.accountName)).primaryEndpoints?.blob;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      'AZURE',
      `Storage account ${ref.accountName} (resource group ${ref.resourceGroup}) could not be read: ${azureMessage(err)}`,
      { accountName: ref.accountName },
    );
  }
  if (!endpoint)
    throw new AppError('AZURE', `Storage account ${ref.accountName} reports no blob endpoint.`, {
      accountName: ref.accountName,
    });
  let keys: Array<{ name: string; value: string }>;
  try {
    keys = ((await sa.listKeys(ref.resourceGroup, ref.accountName)).keys ?? []).flatMap((k, i) =>
      k.value ? [{ name: k.keyName ?? `key${i + 1}`, value: k.value }] : [],
    );
  } catch (err) {
    if (err instanceof AppError) throw err;
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 403)
      throw new AppError(
        'PERMISSION_DENIED',
        `Reading the keys of storage account ${ref.accountName} was refused. ${why} needs the "listKeys" permission on the account (roles Contributor or Storage Account Key Operator Service Role).`,
        { accountName: ref.accountName },
      );
    throw new AppError('AZURE', `Listing the keys of storage account ${ref.accountName} failed: ${azureMessage(err)}`, {
      accountName: ref.accountName,
    });
  }
  if (!keys.length)
    throw new AppError('AZURE', `Storage account ${ref.accountName} returned no access key.`, {
      accountName: ref.accountName,
    });
  const url = endpoint;
  const pipeline = () => pipelineOn(access.http, new StorageSharedKeyCredential(ref.accountName, keys[0].value));
  return {
    accountName: ref.accountName,
    endpoint: url,
    keys,
    pipeline,
    service: () => new BlobServiceClient(url, pipeline()),
  };
}
