/**
 * The one function that gives online runs the job's container (SPEC decisions 2 and 15): for a policy (and its seed,
 * once imported) it opens `<account>/<container>` through the container SAS URL stored in Change Properties when
 * there is one, else as the Entra application with this machine's certificate — never the signed-in user, never the
 * account key. Before it returns, it lists the job's folder once, so a missing role, a removed certificate, an
 * expired or revoked SAS or a missing container is an AppError that says what to do before the run reads or sends
 * anything. Its shape is the online engine's `ContainerOpener` (electron/services/online/types.ts on `online`).
 */
import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import type { Policy } from '../../../shared/policy-schema.ts';
import type { AzureService } from '../azure/azure-service.ts';
import type { ContainerTarget, ContainerVia } from '../azure/container-access.ts';
import type { SeedRef } from './online-run.ts';

export interface ContainerOpenerDeps {
  /** The Azure layer (created on first use by `obc agent`). */
  azure: () => Promise<Pick<AzureService, 'openContainer'>>;
  /** The container SAS URL stored for scheduled runs (Change Properties → Container access), or null. */
  storedSasUrl: () => Promise<string | null>;
}

export interface OpenedJobContainer {
  container: ContainerClient;
  /** The job's folder in the container (`<container>/<job>/`): the seed's import job name. */
  job: string;
  via: ContainerVia;
  /** "the Entra application … (certificate …)" / "a container SAS …", for the run's notes. */
  describe: string;
}

export type PolicyContainerOpener = (req: {
  policy: Policy;
  seed: SeedRef | null;
  signal: AbortSignal;
  sasUrl?: string | null;
}) => Promise<OpenedJobContainer>;

/** Where the policy's backups live: the seed's account and container, else those the policy names. */
export function jobContainerOf(policy: Policy, seed: SeedRef | null): ContainerTarget & { job: string } {
  if (seed)
    return {
      subscriptionId: seed.subscriptionId,
      storageAccount: seed.storageAccount,
      container: seed.container,
      job: seed.jobName,
    };
  const od = policy.initialBackup.ownDisk;
  if (!od)
    throw new AppError(
      'CONFLICT',
      'This backup policy names no storage account container (its first backup does not use your own disks), so there is no container to open.',
      {},
    );
  return {
    subscriptionId: od.subscriptionId,
    storageAccount: od.storageAccount,
    container: od.container,
    job: od.importJobName,
  };
}

export function policyContainerOpener(deps: ContainerOpenerDeps): PolicyContainerOpener {
  return async ({ policy, seed, signal, sasUrl }) => {
    signal.throwIfAborted();
    const t = jobContainerOf(policy, seed);
    const url =
      sasUrl ??
      (await deps.storedSasUrl().catch((err: unknown) => {
        throw new AppError(
          'SIGNIN_REQUIRED',
          `The container SAS URL stored in Change Properties cannot be opened here (${(err as Error).message}). ` +
            "It was sealed by another program: the desktop app keeps secrets in the system's key store, which obc agent cannot read. " +
            'Enter it again from the program that runs the schedules (obc policy container-access --container-url-file <file>), or go back to the Entra application.',
          { credential: 'sas' },
        );
      }));
    const opened = await (await deps.azure()).openContainer(t, { sasUrl: url, purpose: 'backup' });
    // One listing of the job's folder: the credential, the role or SAS permission (list) and the container are proven
    // before anything is read or sent. The container client's pipeline turns 401/403 into the explained AppError.
    try {
      await opened.client
        .listBlobsFlat({ prefix: `${t.job}/` })
        .byPage({ maxPageSize: 1 })
        .next();
    } catch (err) {
      const e = err as { statusCode?: number; code?: string; details?: { errorCode?: string } };
      if (e.statusCode === 404 && (e.details?.errorCode ?? e.code) === 'ContainerNotFound')
        throw new AppError(
          'NOT_FOUND',
          `Container "${t.container}" does not exist in storage account ${t.storageAccount} (reached through ${opened.describe}). ` +
            'Online backups go to the container the seed was imported into: check the import job completed and the container was not deleted or renamed.',
          { storageAccount: t.storageAccount, container: t.container },
        );
      throw err;
    }
    signal.throwIfAborted();
    return { container: opened.client, job: t.job, via: opened.via, describe: opened.describe };
  };
}
