/**
 * Wires Recover Data's container source and the policy passphrase to the other services (composition root helper).
 * The container needs a signed-in account; a missing resource group is looked up from the storage account list.
 */
import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import type { AzureService } from '../azure/azure-service.ts';
import type { ImportVerifyService } from '../import-verify/service.ts';
import type { ContainerPackSource } from '../import-verify/container-pack-source.ts';
import type { PolicyService } from '../policies/index.ts';
import type { BackupServiceDeps, ContainerSourceRequest } from './service.ts';
import type { PackSource } from './reader.ts';
import { policyBoundPassphrase } from './one-passphrase.ts';
import { jobDirOf, readSeed } from './job-files.ts';

export function recoverDeps(o: {
  azure: Pick<AzureService, 'status' | 'storageAccounts'>;
  importVerify: Pick<ImportVerifyService, 'containerPackSource'>;
  policies?: Pick<PolicyService, 'passphraseForJob' | 'store'>;
}): BackupServiceDeps {
  return {
    policyPassphrase: async (job) => (o.policies ? o.policies.passphraseForJob(job) : null),
    policyBoundPassphrase: async (job) => (o.policies?.store ? policyBoundPassphrase(o.policies.store, job) : null),
    containerSource: async (s: ContainerSourceRequest, passphrase: string) => {
      const seedSource = await containerOf(o, s);
      return containerPoint(seedSource.container, s, passphrase, seedSource);
    },
    containerPoints: async (s: ContainerSourceRequest, passphrase: string) => {
      const { OnlineRepo, pointInfo } = await import('../online/repo.ts');
      const repo = await OnlineRepo.open((await containerOf(o, s)).container, s.job, passphrase);
      const { points, damaged } = await repo.points();
      return { points: points.map(pointInfo), damaged };
    },
  };
}

/**
 * The restore point of `s` in the job's container `cc` (the one asked for, else the newest: the seed while it is the
 * only one), through the online engine. A seed imported before job descriptors existed has no restore points: without
 * a point asked for, `asImported` (the seed read as the import left it) is returned.
 */
export async function containerPoint(
  cc: ContainerClient,
  s: ContainerSourceRequest,
  passphrase: string,
  asImported: PackSource,
): Promise<PackSource> {
  const [{ OnlineRepo }, { pointSourceOf }] = await Promise.all([
    import('../online/repo.ts'),
    import('../online/point-source.ts'),
  ]);
  const repo = await OnlineRepo.open(cc, s.job, passphrase).catch((err: unknown) => {
    if (!s.restorePoint && err instanceof AppError && err.code === 'NOT_FOUND') return null;
    throw err;
  });
  return repo ? pointSourceOf(repo, s.restorePoint) : asImported;
}

/** The job's container as Recover Data reads it (the signed-in account; a missing resource group looked up). */
export async function containerOf(
  o: Pick<Parameters<typeof recoverDeps>[0], 'azure' | 'importVerify'>,
  s: ContainerSourceRequest,
): Promise<ContainerPackSource> {
  const st = await o.azure.status();
  if (!st.signedIn)
    throw new AppError(
      'SIGNIN_REQUIRED',
      `Sign in to read job "${s.job}" from container ${s.container} of storage account ${s.storageAccount}.`,
    );
  let resourceGroup = s.resourceGroup;
  if (!resourceGroup && s.stagingLocation) {
    // A seed.json missing or damaged here only means the resource group is looked up below.
    const seed = await readSeed(jobDirOf(s.stagingLocation, s.job)).catch(() => null);
    if (seed?.resourceGroup) resourceGroup = seed.resourceGroup;
  }
  if (!resourceGroup) {
    const acct = (await o.azure.storageAccounts(s.subscriptionId)).find((a) => a.name === s.storageAccount);
    if (!acct)
      throw new AppError(
        'NOT_FOUND',
        `Storage account ${s.storageAccount} was not found in subscription ${s.subscriptionId}.`,
        { field: 'storageAccount' },
      );
    resourceGroup = acct.resourceGroup;
  }
  return o.importVerify.containerPackSource({
    jobName: s.job,
    ...(s.stagingLocation ? { stagingLocation: s.stagingLocation } : {}),
    subscriptionId: s.subscriptionId,
    resourceGroup,
    storageAccount: s.storageAccount,
    container: s.container,
  });
}
