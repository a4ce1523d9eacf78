/**
 * Test-only: the manifests' container SAS for the sandbox's storage accounts, made by the product's own
 * ensureImportSas (stored access policy + token) with the account key, without a signed-in Azure layer.
 */
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { ensureImportSas } from '../azure/container-sas.ts';
import type { OpenedAccount } from '../azure/storage-account.ts';
import type { ManifestCredentialSource } from '../diskprep/manifest-credential.ts';
import { sasExpiry } from '../diskprep/manifest-credential.ts';
import { caTrustingPipeline } from './blob-access.ts';
import type { SandboxHandle } from './index.ts';

/** The sandbox account `name` (default obcseedv2) opened with its key, as azure/storage-account.ts would open it. */
export function sandboxAccount(sb: SandboxHandle, key: string, name = 'obcseedv2'): OpenedAccount {
  const pipeline = () => caTrustingPipeline(new StorageSharedKeyCredential(name, key), sb.caCertPem);
  const endpoint = `${sb.blobUrl}/${name}`;
  return {
    accountName: name,
    endpoint,
    keys: [{ name: 'key1', value: key }],
    pipeline,
    service: () => new BlobServiceClient(endpoint, pipeline()),
  };
}

/** A ManifestCredentialSource signing real SAS tokens for the sandbox account (what the datacenter accepts). */
export function sandboxCredential(sb: SandboxHandle, key: string, name = 'obcseedv2'): ManifestCredentialSource {
  return async (req) => {
    const sas = await ensureImportSas(sandboxAccount(sb, key, name), {
      container: req.container,
      jobName: req.jobName,
      expiresOn: sasExpiry(),
      version: req.version,
    });
    return { containerSas: sas.value, version: sas.version, policyId: sas.policyId, expiresOn: sas.expiresOn };
  };
}
