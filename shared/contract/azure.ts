import { z } from 'zod';
import { JOB_BACKENDS, type JobBackendName } from '../job-backends.ts';
import { channel } from './define.ts';
import {
  checkBitLockerKey,
  checkDriveId,
  checkManifestHash,
  zContainerName,
  zJobName,
  zResourceGroupName,
  zStorageAccountId,
  zStorageAccountName,
  zSubscriptionId,
  zCheck,
} from '../validators/azure-names.ts';
import { deliveryPackageSchema, returnShippingSchema, shippingContactSchema } from '../validators/shipping.ts';
import { MAX_DISKS_PER_JOB } from '../disks.ts';

export interface AzureAccount {
  name: string;
  /** UPN / preferred_username. */
  username: string;
  tenantId: string;
  objectId: string;
  homeAccountId: string;
}

export interface AuthStatus {
  cloud: string;
  cloudDisplayName: string;
  signedIn: boolean;
  account?: AzureAccount;
  signInInProgress: boolean;
  /** Set when the saved sign-in expired or was revoked: the UI shows "Sign in again". */
  needsSignIn?: string;
  clientIdConfigured: boolean;
  clientIdSource: 'settings' | 'environment' | 'cloud' | 'unset';
  /** How the saved sign-in is protected at rest, in plain words. */
  protection: string;
}

export interface CloudInfo {
  name: string;
  displayName: string;
  authorityHost: string;
  armEndpoint: string;
  graphEndpoint: string;
  hasClientId: boolean;
  rehearsal: boolean;
  trustsOwnCa: boolean;
}

export interface SubscriptionInfo {
  subscriptionId: string;
  displayName: string;
  state: string;
  tenantId?: string;
}

export interface StorageAccountInfo {
  id: string;
  name: string;
  resourceGroup: string;
  location: string;
  kind: string;
  sku?: string;
  blobEndpoint?: string;
  /** GPv1/GPv2 can hold page blobs; BlobStorage (and premium block/file kinds) cannot. */
  pageBlobEligible: boolean;
  ineligibleReason?: string;
}

export interface ContainerInfo {
  name: string;
  lastModified?: string;
}

export const PROVIDER_NAMESPACES = ['Microsoft.ImportExport', 'Microsoft.DataBox'] as const;
export type ProviderNamespace = (typeof PROVIDER_NAMESPACES)[number];

export interface ProviderStatus {
  namespace: string;
  registrationState: string;
  registered: boolean;
}

/** A postal address as the Azure job APIs give it (a datacenter, a job's return or ship-to address). */
export interface ImportJobAddress {
  recipientName?: string | undefined;
  streetAddress1?: string | undefined;
  streetAddress2?: string | undefined;
  city?: string | undefined;
  stateOrProvince?: string | undefined;
  postalCode?: string | undefined;
  countryOrRegion?: string | undefined;
  phone?: string | undefined;
  email?: string | undefined;
}

export interface ImportLocation extends Omit<ImportJobAddress, 'email'> {
  id: string;
  /** e.g. "West US". */
  name: string;
  additionalShippingInformation?: string;
  supportedCarriers: string[];
  alternateLocations: string[];
}

export interface RoleAssignmentResult {
  role: string;
  scope: string;
  created: boolean;
}

export interface EntraAppResult {
  displayName: string;
  appId: string;
  applicationObjectId: string;
  servicePrincipalId: string;
  tenantId: string;
  /** This machine's certificate. */
  keyId: string;
  thumbprint: string;
  createdApplication: boolean;
  addedCredential: boolean;
  otherCredentials: number;
  roleAssignments: RoleAssignmentResult[];
  notes: string[];
}

// In their own module: seed.json's schema and the backup contract need them without this module's shipping and
// address validators (zod schemas and three address packages: ~0.07 CPU-s of every `obc backup`'s start-up).
export { JOB_BACKENDS, type JobBackendName };
/** The resource provider each backend needs registered. */
export const JOB_BACKEND_NAMESPACE: Record<JobBackendName, ProviderNamespace> = {
  ImportExport: 'Microsoft.ImportExport',
  DataBox: 'Microsoft.DataBox',
};

export interface ImportJobDrive {
  driveId: string;
  state?: string;
  copyStatus?: string;
  percentComplete?: number;
  bytesSucceeded?: number;
  manifestFile?: string;
  manifestHash?: string;
  errorLogUri?: string;
  verboseLogUri?: string;
  manifestUri?: string;
}

export interface ImportJobInfo {
  backend: JobBackendName;
  id: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  /** Common words for every backend: Creating, Shipping, Received, Transferring, Packaging, Completed, Closed, Canceled. */
  state: string;
  /** Data Box jobs: the service's own stage (e.g. ShippedToAzureDC), which `state` translates. */
  stage?: string;
  jobType?: string;
  storageAccountId?: string;
  cancelRequested: boolean;
  percentComplete?: number;
  provisioningState?: string;
  createdAt?: string;
  /** Decision 11: tracking must be recorded within two weeks of creation (only while the job is Creating). */
  trackingDueBy?: string;
  diagnosticsPath?: string;
  /** Datacenter address to ship to. */
  shipTo?: ImportJobAddress;
  returnAddress?: ImportJobAddress;
  returnShipping?: { carrierName?: string; carrierAccountNumber?: string };
  deliveryPackage?: { carrierName?: string; trackingNumber?: string; driveCount?: number; shipDate?: string };
  returnPackage?: { carrierName?: string; trackingNumber?: string; driveCount?: number; shipDate?: string };
  drives: ImportJobDrive[];
}

export const preparedDriveSchema = z
  .object({
    driveId: zCheck(checkDriveId),
    bitLockerKey: zCheck(checkBitLockerKey),
    manifestFile: z.string().min(1).max(260),
    manifestHash: zCheck(checkManifestHash),
    driveHeaderHash: z.string().max(4096).optional(),
  })
  .strict();

const jobRef = {
  subscriptionId: zSubscriptionId,
  resourceGroup: zResourceGroupName,
  jobName: zJobName,
  backend: z.enum(JOB_BACKENDS).optional(),
};

export const createJobSchema = z
  .object({
    ...jobRef,
    location: z.string().min(1).max(100),
    storageAccountId: zStorageAccountId,
    drives: z
      .array(preparedDriveSchema)
      .min(1, 'An import job needs at least one drive.')
      .max(
        MAX_DISKS_PER_JOB,
        `One import job holds at most ${MAX_DISKS_PER_JOB} drives; split the disks into several jobs.`,
      ),
    returnAddress: shippingContactSchema,
    returnShipping: returnShippingSchema,
    diagnosticsPath: z.string().min(1).max(1024).optional(),
    tags: z.record(z.string(), z.string().max(256)).optional(),
  })
  .strict();
export type CreateJobInput = z.output<typeof createJobSchema>;

/** A resource group as the wizard needs it: its exact name and region. */
export interface ResourceGroupInfo {
  name: string;
  location: string;
}

const empty = z.object({}).strict();
const sub = z.object({ subscriptionId: zSubscriptionId }).strict();
const account = z
  .object({ subscriptionId: zSubscriptionId, resourceGroup: zResourceGroupName, accountName: zStorageAccountName })
  .strict();
const provider = z.object({ subscriptionId: zSubscriptionId, namespace: z.enum(PROVIDER_NAMESPACES) }).strict();
const jobRefSchema = z.object(jobRef).strict();

export const azureInvoke = {
  'auth:status': channel<AuthStatus>()(empty),
  /** Resolves when sign-in completes, or rejects SIGNIN_CANCELLED on cancel/timeout. */
  'auth:signIn': channel<AuthStatus>()(
    z
      .object({
        timeoutSeconds: z.number().int().min(10).max(1800).optional(),
        loginHint: z.string().max(320).optional(),
      })
      .strict(),
  ),
  'auth:cancelSignIn': channel<{ cancelled: boolean }>()(empty),
  'auth:signOut': channel<AuthStatus>()(empty),
  'azure:clouds': channel<{ current: string; clouds: CloudInfo[] }>()(empty),
  'azure:subscriptions': channel<SubscriptionInfo[]>()(empty),
  'azure:storageAccounts': channel<StorageAccountInfo[]>()(sub),
  'azure:containers': channel<ContainerInfo[]>()(account),
  /** One resource group (NOT_FOUND when the subscription has none of that name): the wizard checks the job's on its page. */
  'azure:resourceGroup': channel<ResourceGroupInfo>()(
    z.object({ subscriptionId: zSubscriptionId, resourceGroup: zResourceGroupName }).strict(),
  ),
  'azure:createContainer': channel<ContainerInfo & { created: boolean }>()(
    account.extend({ containerName: zContainerName }).strict(),
  ),
  'azure:providerStatus': channel<ProviderStatus>()(provider),
  /** Registers and waits (bounded) until Registered. */
  'azure:registerProvider': channel<ProviderStatus>()(
    provider.extend({ timeoutSeconds: z.number().int().min(5).max(900).optional() }).strict(),
  ),
  'azure:locations': channel<ImportLocation[]>()(empty),
  'azure:ensureEntraApp': channel<EntraAppResult>()(
    account.extend({ jobResourceGroup: zResourceGroupName.optional() }).strict(),
  ),
  /** Without `backend`: the jobs of every backend (a backend whose provider is not registered has none). */
  'jobs:list': channel<ImportJobInfo[]>()(
    z
      .object({
        subscriptionId: zSubscriptionId,
        resourceGroup: zResourceGroupName.optional(),
        backend: z.enum(JOB_BACKENDS).optional(),
      })
      .strict(),
  ),
  'jobs:get': channel<ImportJobInfo>()(jobRefSchema),
  'jobs:create': channel<ImportJobInfo>()(createJobSchema),
  'jobs:updateShipping': channel<ImportJobInfo>()(
    z.object({ ...jobRef, deliveryPackage: deliveryPackageSchema }).strict(),
  ),
  'jobs:updateReturn': channel<ImportJobInfo>()(
    z
      .object({
        ...jobRef,
        returnAddress: shippingContactSchema.optional(),
        returnShipping: returnShippingSchema.optional(),
      })
      .strict(),
  ),
  'jobs:cancel': channel<ImportJobInfo>()(jobRefSchema),
  'jobs:delete': channel<{ deleted: boolean }>()(jobRefSchema),
};

export interface AzureEvents {
  'auth:changed': AuthStatus;
  /** The sign-in page to open (browser mode opens it in a new window; the desktop shows it as a fallback link). */
  'auth:signInUrl': { url: string };
}
