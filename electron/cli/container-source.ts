/**
 * The job's container for `obc verify|restore --from-container` and `obc restore-points list`: through the signed-in
 * account (its key), or through a container SAS URL (`--container-url-file`/`--container-url`, read and list) for a
 * machine without Entra rights. The SAS URL's signature never reaches output, logs or errors (messages use the
 * redacted URL, shared/validators/container-sas.ts).
 */
import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../shared/errors.ts';
import { parseContainerSasUrl } from '../../shared/validators/container-sas.ts';
import { containerOf, containerPoint, recoverDeps } from '../services/backup/recover-deps.ts';
import type { BackupServiceDeps, ContainerSourceRequest } from '../services/backup/service.ts';
import { ContainerPackSource } from '../services/import-verify/container-pack-source.ts';
import type { TaskManager } from '../services/tasks/task-manager.ts';
import { containerUrlOf, type ContainerUrlOptions } from './container-url.ts';
import { cliAzure } from './commands/cli-azure.ts';

/**
 * The contract's container source names a subscription; a SAS reaches the container without one (nothing is looked
 * up in it), so this stands in for it when --subscription is not given.
 */
const NO_SUBSCRIPTION = 'not-used-with-a-container-sas';

interface ContainerFlags extends ContainerUrlOptions {
  fromContainer?: boolean;
  subscription?: string;
  storageAccount?: string;
  container?: string;
}

/**
 * The SAS URL of `--container-url(-file)`, or undefined. With one, the storage account and container default to the
 * URL's (given ones must match it) and no subscription is needed; `o` is completed in place for `restoreSource`.
 */
export async function containerSasOf(o: ContainerFlags): Promise<string | undefined> {
  const url = await containerUrlOf(o);
  if (url === undefined) return undefined;
  if (!o.fromContainer)
    throw new AppError(
      'VALIDATION',
      '--container-url and --container-url-file need --from-container: the SAS opens the storage account container.',
      { field: 'containerUrl' },
    );
  let info: ReturnType<typeof parseContainerSasUrl>;
  try {
    info = parseContainerSasUrl(url, {
      purpose: 'read',
      expect: {
        ...(o.storageAccount ? { account: o.storageAccount } : {}),
        ...(o.container ? { container: o.container } : {}),
      },
    });
  } catch (err) {
    const message = (err as Error).message;
    throw new AppError(/expired/.test(message) ? 'SIGNIN_REQUIRED' : 'VALIDATION', message, {
      field: 'containerUrl',
      credential: 'sas',
    });
  }
  o.storageAccount ??= info.account;
  o.container ??= info.container;
  o.subscription ??= NO_SUBSCRIPTION;
  return url;
}

/** The Azure layer for a container source: the backup service's deps and the container itself; close() when done. */
export async function cliContainer(
  tasks: TaskManager,
  sasUrl: string | undefined,
): Promise<{ deps: BackupServiceDeps; open(s: ContainerSourceRequest): Promise<ContainerClient>; close(): void }> {
  const azure = await cliAzure();
  const viaAccount = { azure: azure.azure, importVerify: azure.importVerify(tasks) };
  const open = async (s: ContainerSourceRequest): Promise<ContainerClient> =>
    sasUrl
      ? (
          await azure.azure.openContainer(
            { subscriptionId: s.subscriptionId, storageAccount: s.storageAccount, container: s.container },
            { sasUrl, purpose: 'read' },
          )
        ).client
      : (await containerOf(viaAccount, s)).container;
  const deps: BackupServiceDeps = sasUrl
    ? {
        containerSource: async (s, passphrase) => {
          const cc = await open(s);
          return containerPoint(cc, s, passphrase, new ContainerPackSource(cc, `${s.job}/`));
        },
      }
    : recoverDeps(viaAccount);
  return { deps, open, close: () => azure.azure.close() };
}
