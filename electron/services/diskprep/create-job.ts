/**
 * The import job for prepared disks, used by both the console (`diskprep:createJob`) and `obc diskprep`: where the
 * job goes (shared/job-target.ts), the shipping details checked against the datacenter's carriers, and the job
 * created from drives.json — the BitLocker keys are opened here and never leave this process. A job that already
 * exists with exactly these drives is reported (a repeated run), one with other drives is a CONFLICT.
 */
import { AppError, toIpcError } from '../../../shared/errors.ts';
import {
  createJobSchema,
  type CloudInfo,
  type CreateJobInput,
  type ImportJobInfo,
  type JobBackendName,
  type ProviderStatus,
} from '../../../shared/contract/azure.ts';
import { resolveJobTarget, type JobTarget, type JobTargetPort } from '../../../shared/job-target.ts';
import {
  toDefaults,
  toReturnAddress,
  toReturnShipping,
  validateShipping,
  type ShippingDraft,
} from '../../../shared/shipping-draft.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { jobTypeLabel } from '../../../shared/import-jobs.ts';
import { checkContainerName, checkDataBoxJobName } from '../../../shared/validators/azure-names.ts';
import { saveShippingDefaults } from '../shipping/defaults.ts';
import { createJobFromDrives, loadDrives, type SecretProtector } from './drives-file.ts';

/** What job creation needs from the Azure layer (AzureService satisfies it). */
export interface JobAzurePort extends JobTargetPort {
  cloudInfos(): Promise<{ current: string; clouds: CloudInfo[] }>;
  registerProvider(subscriptionId: string, namespace: string): Promise<ProviderStatus>;
  getJob(ref: {
    subscriptionId: string;
    resourceGroup: string;
    jobName: string;
    backend?: JobBackendName | undefined;
  }): Promise<ImportJobInfo>;
  createJob(input: CreateJobInput): Promise<ImportJobInfo>;
}

export interface CloudFacts {
  name: string;
  displayName: string;
  rehearsal: boolean;
}

export interface CreatedJob {
  job: ImportJobInfo;
  /** False when the job already existed with exactly these drives (a repeated run). */
  created: boolean;
  /** Something to tell the user after all (e.g. the SAS policy could not be extended). */
  note?: string;
}

export async function currentCloud(azure: Pick<JobAzurePort, 'cloudInfos'>): Promise<CloudFacts> {
  const infos = await azure.cloudInfos();
  const c = infos.clouds.find((x) => x.name === infos.current);
  return { name: infos.current, displayName: c?.displayName ?? infos.current, rehearsal: c?.rehearsal === true };
}

export function rehearsalRefusal(cloud: CloudFacts): AppError {
  return new AppError(
    'VALIDATION',
    `Folder disks are rehearsal disks: an import job in ${cloud.displayName} needs real disks prepared on Windows. Rehearse against the Local sandbox (obc sandbox, then sign in to it), or prepare the folder disks without creating a job.`,
  );
}

/** Data Box job names are 3–24 characters (the console allows 64): known before any disk is touched. */
export function checkJobNameFor(backend: JobBackendName, jobName: string): void {
  const problem = backend === 'DataBox' ? checkDataBoxJobName(jobName) : null;
  if (problem)
    throw new AppError(
      'VALIDATION',
      `Job ${jobName} cannot be a Data Box job: ${problem} Use an Import/Export job, or stage the backup under a shorter job name.`,
      { jobName },
    );
}

/** The staged job's storage account, region and datacenter; registers the job type's resource provider when it is missing. */
export async function findJobTarget(
  azure: JobAzurePort,
  seed: SeedDescriptor,
  o: {
    subscriptionId?: string | undefined;
    backend?: JobBackendName | undefined;
    say?: (message: string) => void;
  } = {},
): Promise<JobTarget> {
  checkJobNameFor(o.backend ?? 'ImportExport', seed.jobName);
  const target = await resolveJobTarget(azure, {
    storageAccount: seed.storageAccount,
    subscriptionId: o.subscriptionId ?? seed.subscriptionId,
    backend: o.backend,
  }).catch((err: unknown) => {
    throw err instanceof AppError ? err : new AppError('NOT_FOUND', (err as Error).message);
  });
  if (!target.location)
    throw new AppError(
      'NOT_FOUND',
      `No Import/Export datacenter serves region ${target.locationName} of storage account ${target.storageAccount}; disks cannot be imported into it.`,
    );
  if (!target.providerRegistered) {
    o.say?.(
      `Registering the ${target.providerNamespace} resource provider on subscription ${target.subscriptionName} (${target.subscriptionId}); ${target.backend === 'DataBox' ? 'Data Box' : 'import'} jobs need it once per subscription.`,
    );
    const st = await azure.registerProvider(target.subscriptionId, target.providerNamespace);
    return { ...target, providerRegistered: st.registered, providerState: st.registrationState };
  }
  return target;
}

/** Field problems of the shipping details against the datacenter's carriers, as "field: message" strings. */
export function shippingProblems(draft: ShippingDraft, target: JobTarget): string[] {
  return Object.entries(validateShipping(draft, target.location?.supportedCarriers ?? [])).map(
    ([k, m]) => `${k}: ${m}`,
  );
}

export async function existingJob(
  azure: JobAzurePort,
  target: JobTarget,
  jobName: string,
): Promise<ImportJobInfo | null> {
  try {
    return await azure.getJob({
      subscriptionId: target.subscriptionId,
      resourceGroup: target.resourceGroup,
      jobName,
      backend: target.backend,
    });
  } catch (err) {
    if (toIpcError(err).code === 'NOT_FOUND') return null;
    throw err;
  }
}

export interface CreateFromDisksOptions {
  stateDir: string;
  protector: SecretProtector;
  target: JobTarget;
  cloud: CloudFacts;
  shipping: ShippingDraft;
  /** Remember the shipping details for the next job (the console's and the CLI's defaults). */
  dataDir?: string;
  /** Runs an Azure call again after a new sign-in when the sign-in expired (hosts decide how to sign in). */
  retry?: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * After the job is created: extends the stored access policy of the manifests' container SAS to sasExpiry() from
   * now (the tracking deadline counts from creation). Hosts pass the Azure layer's; absent in tests without storage.
   */
  extendSas?: (t: {
    jobName: string;
    container: string;
    storageAccount: string;
    subscriptionId: string;
  }) => Promise<unknown>;
  /** Called once it is known that a new job will be created (the CLI asks its questions here). */
  beforeCreate?: (info: { jobName: string; driveIds: string[] }) => Promise<ShippingDraft | void>;
}

export async function createJobFromDisks(azure: JobAzurePort, o: CreateFromDisksOptions): Promise<CreatedJob> {
  const retry = o.retry ?? (<T>(fn: () => Promise<T>) => fn());
  let out: CreatedJob | null = null;
  // drives.json names the container the manifests point at: decision 10 before anything else is looked at.
  const file = await loadDrives(o.stateDir);
  const badContainer = file ? checkContainerName(file.container) : null;
  if (file && badContainer)
    throw new AppError('VALIDATION', `drives.json of job ${file.jobName}: ${badContainer}`, { field: 'container' });
  await createJobFromDrives(o.stateDir, o.protector, async (req) => {
    if (req.rehearsal && !o.cloud.rehearsal) throw rehearsalRefusal(o.cloud);
    const ids = req.driveList.map((d) => d.driveId).sort();
    const existing = await retry(() => existingJob(azure, o.target, req.jobName));
    if (existing) {
      const theirs = existing.drives.map((d) => d.driveId).sort();
      if (theirs.join() !== ids.join())
        throw new AppError(
          'CONFLICT',
          `Import job ${req.jobName} already exists in resource group ${o.target.resourceGroup} (state ${existing.state}) with drives ${theirs.join(', ') || 'none'}, but the disks prepared now are ${ids.join(', ')}. If it is still Creating, delete it (Import Jobs, or obc jobs delete ${req.jobName} --subscription ${o.target.subscriptionId} --resource-group ${o.target.resourceGroup}) and try again.`,
          { jobName: req.jobName, state: existing.state },
        );
      // The job must name the manifests as they are now on the disks (a manifest rewritten later — a new container
      // SAS — has another hash, and the datacenter would refuse the disk as ManifestCorrupted).
      const stale = req.driveList.filter((d) => {
        const theirs = existing.drives.find((x) => x.driveId === d.driveId)?.manifestHash;
        return theirs !== undefined && theirs.toUpperCase() !== d.manifestHash.toUpperCase();
      });
      if (stale.length)
        throw new AppError(
          'CONFLICT',
          `Import job ${req.jobName} lists other manifest hashes for disk(s) ${stale.map((d) => d.driveId).join(', ')} than their manifests have now (rewritten after the job was created). If it is still Creating, delete it (Import Jobs, or obc jobs delete ${req.jobName} --subscription ${o.target.subscriptionId} --resource-group ${o.target.resourceGroup}) and create it again.`,
          { jobName: req.jobName, state: existing.state },
        );
      out = { job: existing, created: false };
      return { created: false };
    }
    // A job of that name in the other service (a seed.json from before the job type was recorded): never a second job.
    const other: JobBackendName = o.target.backend === 'DataBox' ? 'ImportExport' : 'DataBox';
    const elsewhere = await retry(() => existingJob(azure, { ...o.target, backend: other }, req.jobName)).catch(
      () => null,
    );
    if (elsewhere)
      throw new AppError(
        'CONFLICT',
        `${other === 'ImportExport' ? 'An' : 'A'} ${jobTypeLabel(other)} job named ${req.jobName} already exists in resource group ${o.target.resourceGroup} (state ${elsewhere.state}); these disks belong to it. Choose the ${jobTypeLabel(other)} job type${other === 'DataBox' ? ' (obc diskprep --job-type data-box)' : ' (obc diskprep --job-type import-export)'} instead of creating a second job.`,
        { jobName: req.jobName, backend: other },
      );
    const shipping = (await o.beforeCreate?.({ jobName: req.jobName, driveIds: ids })) ?? o.shipping;
    const problems = shippingProblems(shipping, o.target);
    if (problems.length)
      throw new AppError('VALIDATION', `The shipping details are not complete: ${problems.join(' ')}`, {
        fields: problems.map((p) => p.split(':')[0]),
      });
    const input = createJobSchema.safeParse({
      subscriptionId: o.target.subscriptionId,
      resourceGroup: o.target.resourceGroup,
      jobName: req.jobName,
      location: o.target.locationName,
      storageAccountId: o.target.storageAccountId,
      drives: req.driveList,
      returnAddress: toReturnAddress(shipping),
      returnShipping: toReturnShipping(shipping),
      diagnosticsPath: 'waimportexport',
      backend: o.target.backend,
    });
    if (!input.success)
      throw new AppError(
        'VALIDATION',
        `The import job cannot be created: ${input.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    const job = await retry(() => azure.createJob(input.data));
    // The tracking deadline starts now: the manifests' SAS must outlast it, transit and the datacenter (policy extended, token unchanged).
    let note: string | undefined;
    if (o.extendSas)
      await retry(() =>
        o.extendSas!({
          jobName: req.jobName,
          container: req.container,
          storageAccount: o.target.storageAccount,
          subscriptionId: o.target.subscriptionId,
        }),
      ).catch((err: unknown) => {
        note = `The job was created, but the stored access policy of the manifests' container SAS could not be extended (${toIpcError(err).message}); extend it with obc jobs extend-sas ${req.jobName} before the disks reach the datacenter.`;
      });
    if (o.dataDir) await saveShippingDefaults(o.dataDir, toDefaults(shipping)).catch(() => undefined);
    out = { job, created: true, ...(note ? { note } : {}) };
    return { created: true };
  });
  if (!out) throw new AppError('INTERNAL', 'The import job was neither created nor found.');
  return out;
}
