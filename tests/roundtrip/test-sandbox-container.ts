/**
 * The Local sandbox as the round trip's cloud: prepared folder disks go through its datacenter (import job from
 * drives.json, ship, receive, transfer into Azurite, as tests/faults/test-sandbox-import.ts does), and the container is
 * then read through the same ImportVerifyService path Recover Data uses (blob endpoint and key through the Azure
 * layer's interface, the sandbox CA trusted for this cloud only).
 */
import { TaskManager } from '../../electron/services/tasks/task-manager.ts';
import { ImportVerifyService } from '../../electron/services/import-verify/service.ts';
import type { StorageAccess } from '../../electron/services/import-verify/container-source.ts';
import type { PackSource } from '../../electron/services/backup/reader.ts';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { createCaTrustingHttpClient } from '../../electron/services/sandbox/ca-http-client.ts';
import { ACCOUNT, accountKey, importThroughDatacenter } from '../faults/test-sandbox-import.ts';
import { sandboxCredential } from '../../electron/services/sandbox/test-sas.ts';
import type { ManifestCredentialSource } from '../../electron/services/diskprep/manifest-credential.ts';

export interface SandboxContainer {
  /** Imports the job's disks through the datacenter and opens the container as a pack source. */
  importAndOpen(stagingLocation: string, job: string, passphrase: string, disks: string[]): Promise<PackSource>;
  /** The manifests' container SAS the datacenter accepts: one stored access policy for every tree's job (a container holds five). */
  credential: ManifestCredentialSource;
  stop(): Promise<void>;
}

export async function openSandboxContainer(dataDir: string): Promise<SandboxContainer> {
  const sb: SandboxHandle = await startSandbox({ registrationDelayMs: 0 });
  const token = await mintToken(sb, sb.users[0]);
  const key = await accountKey(sb, token);
  const tasks = new TaskManager({ minIntervalMs: 50 });
  const access: StorageAccess = {
    http: createCaTrustingHttpClient(sb.caCertPem),
    storage: () => ({
      storageAccounts: {
        getProperties: async () => ({ primaryEndpoints: { blob: `${sb.blobUrl}/${ACCOUNT}/` } }),
        listKeys: async () => ({ keys: [{ value: key }] }),
      },
    }),
  };
  const importVerify = new ImportVerifyService({ tasks, dataDir, storageAccess: async () => access });
  const sas = sandboxCredential(sb, key, ACCOUNT);
  return {
    credential: (req) => sas({ ...req, jobName: 'roundtrip-trees' }),
    async importAndOpen(stagingLocation, job, passphrase, disks) {
      const imported = await importThroughDatacenter(sb, token, key, stagingLocation, job, passphrase, disks);
      if (imported.bad.length)
        throw new Error(
          `datacenter import of ${job}: blobs differ from the staged files: ${imported.bad.join(', ')} (job state ${imported.state})`,
        );
      return importVerify.containerPackSource({
        jobName: job,
        stagingLocation,
        subscriptionId: sb.subscriptionId,
        resourceGroup: 'backup-rg',
        storageAccount: ACCOUNT,
        container: 'roundtrip',
      });
    },
    async stop() {
      await tasks.shutdown();
      await sb.stop();
    },
  };
}
