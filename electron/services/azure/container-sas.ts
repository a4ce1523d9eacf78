/**
 * The drive manifest's credential (SPEC decision 14): a service SAS for the job's container, signed with the storage
 * account key against a stored access policy on that container.
 *
 * - FMT-MANIFEST: an import manifest carries exactly one of `StorageAccountKey` or `ContainerSas`.
 * - WAIE-V1-PREP (`/csas:`): the value "must begin with the container name, followed by a question mark (?) and the
 *   SAS token"; "the permissions, whether specified on the URL or in a stored access policy, must include Read,
 *   Write, and Delete for import jobs"; "all blobs to be imported … must be within the container".
 *
 * The token names only the policy (`si`), the resource type (`sr=c`) and the service version (`sv`); permissions and
 * expiry live in the policy. So the token never changes while the key that signed it is unchanged (a resumed Disk
 * Prep writes byte-identical manifests), extending the policy's expiry renews every disk already prepared, and
 * deleting the policy revokes them all (`revokeImportSas`). Nothing here keeps the token: the caller writes it into
 * the manifests and nowhere else.
 */
import { createHash } from 'node:crypto';
import {
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  type ContainerClient,
  type SignedIdentifier,
} from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import { findStorageAccount, type JobTargetPort } from '../../../shared/job-target.ts';
import { openStorageAccount, type OpenedAccount, type StorageAccess } from './storage-account.ts';

/** Read, Write, Delete: what an import needs (WAIE-V1-PREP), in Azure's canonical order. */
export const IMPORT_SAS_PERMISSIONS = 'rwd';
/** Azure allows at most five stored access policies per container (Set Container ACL). */
const MAX_POLICIES = 5;

/** The stored access policy of a job's manifests: `obc-<job>` (an id is at most 64 characters). */
export function importPolicyId(jobName: string): string {
  const id = `obc-${jobName}`;
  return id.length <= 64
    ? id
    : `obc-${jobName.slice(0, 51)}-${createHash('sha256').update(jobName).digest('hex').slice(0, 8)}`;
}

export interface ImportSas {
  /** `<container>?<token>`, the manifest's ContainerSas. A secret: into the manifests only. */
  value: string;
  container: string;
  policyId: string;
  /** The `sv` the token was signed with (kept by Disk Prep so a later run signs the same token). */
  version: string;
  /** The policy's expiry (ISO 8601) after this call. */
  expiresOn: string;
  /** The policy was created or its expiry extended by this call. */
  policyChanged: boolean;
}

export interface EnsureImportSasOptions {
  container: string;
  jobName: string;
  /** The policy lasts at least until then (an existing later expiry is kept). */
  expiresOn: Date;
  /** Sign with this service version (a token signed earlier); default: the SDK's. */
  version?: string | undefined;
  /** Only create or extend the policy; the token is not needed (job creation extends the policy). */
  policyOnly?: boolean;
}

async function readPolicies(
  cc: ContainerClient,
  account: string,
): Promise<{ access: 'container' | 'blob' | undefined; ids: SignedIdentifier[] }> {
  try {
    const r = await cc.getAccessPolicy();
    return { access: r.blobPublicAccess, ids: r.signedIdentifiers };
  } catch (err) {
    throw new AppError(
      'AZURE',
      `The stored access policies of container ${cc.containerName} in storage account ${account} could not be read: ${(err as Error).message}`,
      { container: cc.containerName },
    );
  }
}

/** Set Container ACL replaces the whole list and the public access level: both are passed back unchanged but for ours. */
async function writePolicies(
  cc: ContainerClient,
  account: string,
  access: 'container' | 'blob' | undefined,
  ids: SignedIdentifier[],
): Promise<void> {
  try {
    await cc.setAccessPolicy(access, ids);
  } catch (err) {
    throw new AppError(
      'AZURE',
      `The stored access policy on container ${cc.containerName} in storage account ${account} could not be set: ${(err as Error).message}`,
      { container: cc.containerName },
    );
  }
}

/**
 * Creates the container when missing, creates or extends the job's stored access policy (Read, Write, Delete until at
 * least `expiresOn`; other policies and the public access level are kept), and signs the container SAS with the
 * account's first key.
 */
export async function ensureImportSas(acct: OpenedAccount, o: EnsureImportSasOptions): Promise<ImportSas> {
  const cc = acct.service().getContainerClient(o.container);
  try {
    await cc.createIfNotExists();
  } catch (err) {
    throw new AppError(
      'AZURE',
      `Container ${o.container} could not be created in storage account ${acct.accountName}: ${(err as Error).message}`,
      { container: o.container },
    );
  }
  const policyId = importPolicyId(o.jobName);
  const { access, ids } = await readPolicies(cc, acct.accountName);
  const mine = ids.find((i) => i.id === policyId);
  if (!mine && ids.length >= MAX_POLICIES)
    throw new AppError(
      'CONFLICT',
      `Container ${o.container} already has ${ids.length} stored access policies (${ids.map((i) => i.id).join(', ')}), the most Azure allows; the import's policy ${policyId} cannot be added. Remove one that is no longer used (Set Container ACL), then run Disk Prep again.`,
      { container: o.container },
    );
  const had = mine?.accessPolicy.expiresOn?.getTime() ?? 0;
  const expiresOn = new Date(Math.max(had, Math.ceil(o.expiresOn.getTime() / 1000) * 1000));
  const samePermissions =
    [...(mine?.accessPolicy.permissions ?? '')].sort().join('') === [...IMPORT_SAS_PERMISSIONS].sort().join('');
  const policyChanged =
    !mine || !samePermissions || expiresOn.getTime() !== had || mine.accessPolicy.startsOn !== undefined;
  if (policyChanged) {
    const entry: SignedIdentifier = { id: policyId, accessPolicy: { permissions: IMPORT_SAS_PERMISSIONS, expiresOn } };
    await writePolicies(cc, acct.accountName, access, [...ids.filter((i) => i.id !== policyId), entry]);
  }
  const base = { container: o.container, policyId, expiresOn: expiresOn.toISOString(), policyChanged };
  if (o.policyOnly) return { ...base, value: '', version: o.version ?? '' };
  const credential = new StorageSharedKeyCredential(acct.accountName, acct.keys[0].value);
  const token = generateBlobSASQueryParameters(
    { containerName: o.container, identifier: policyId, ...(o.version ? { version: o.version } : {}) },
    credential,
  );
  return { ...base, value: `${o.container}?${token.toString()}`, version: token.version };
}

/**
 * Revokes every manifest's SAS of a job at once: deletes its stored access policy (other policies and the public
 * access level stay). `revoked: false` when there was none.
 */
export async function revokeImportSas(
  acct: OpenedAccount,
  o: { container: string; jobName: string },
): Promise<{ revoked: boolean; policyId: string }> {
  const cc = acct.service().getContainerClient(o.container);
  const policyId = importPolicyId(o.jobName);
  const { access, ids } = await readPolicies(cc, acct.accountName);
  if (!ids.some((i) => i.id === policyId)) return { revoked: false, policyId };
  await writePolicies(
    cc,
    acct.accountName,
    access,
    ids.filter((i) => i.id !== policyId),
  );
  return { revoked: true, policyId };
}

/** The Azure layer as these calls need it (AzureService satisfies it). */
export interface ImportSasPort extends Pick<JobTargetPort, 'subscriptions' | 'storageAccounts'> {
  session_(): Promise<{ clients: StorageAccess }>;
}

export interface ImportSasTarget {
  /** seed.json's storage account, found across the signed-in user's subscriptions (or in `subscriptionId`). */
  storageAccount: string;
  subscriptionId?: string | undefined;
  container: string;
  jobName: string;
}

async function openTarget(
  port: ImportSasPort,
  t: ImportSasTarget,
  why: string,
): Promise<{ acct: OpenedAccount; subscriptionId: string; resourceGroup: string }> {
  const found = await findStorageAccount(port, t.storageAccount, t.subscriptionId).catch((err: unknown) => {
    throw err instanceof AppError
      ? err
      : new AppError('NOT_FOUND', (err as Error).message, { storageAccount: t.storageAccount });
  });
  const ref = {
    subscriptionId: found.sub.subscriptionId,
    resourceGroup: found.acct.resourceGroup,
    accountName: found.acct.name,
  };
  return {
    acct: await openStorageAccount((await port.session_()).clients, ref, why),
    subscriptionId: ref.subscriptionId,
    resourceGroup: ref.resourceGroup,
  };
}

/** ensureImportSas on the storage account named by seed.json, reached through the signed-in Azure layer. */
export async function importSasThrough(
  port: ImportSasPort,
  t: ImportSasTarget & Omit<EnsureImportSasOptions, 'container' | 'jobName'>,
): Promise<ImportSas & { subscriptionId: string; resourceGroup: string }> {
  const { acct, subscriptionId, resourceGroup } = await openTarget(
    port,
    t,
    'Signing the container SAS of the drive manifests',
  );
  return { ...(await ensureImportSas(acct, t)), subscriptionId, resourceGroup };
}

/** revokeImportSas on the storage account named by seed.json or the policy. */
export async function revokeImportSasThrough(
  port: ImportSasPort,
  t: ImportSasTarget,
): Promise<{ revoked: boolean; policyId: string; subscriptionId: string; resourceGroup: string }> {
  const { acct, subscriptionId, resourceGroup } = await openTarget(
    port,
    t,
    'Revoking the container SAS of the drive manifests',
  );
  return { ...(await revokeImportSas(acct, t)), subscriptionId, resourceGroup };
}
