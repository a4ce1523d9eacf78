/**
 * What callers (wizard, Disk Prep, tracking screens, CLI) need from an import job service, independent of which
 * Azure resource provider runs it. `Microsoft.ImportExport` (import-export.ts) is the first implementation; a
 * `Microsoft.DataBox` DataBoxCustomerDisk backend implements the same interface and registers under 'DataBox' —
 * callers pass `backend` and never see the difference (the inputs are the same: drives with serial, BitLocker key,
 * manifest file and hash; return address; return carrier; tracking of the package sent to the datacenter).
 */
import type { CreateJobInput, ImportJobInfo, JobBackendName } from '../../../../shared/contract/azure.ts';
import type {
  DeliveryPackageInput,
  ReturnShippingInput,
  ShippingContact,
} from '../../../../shared/validators/shipping.ts';

export interface JobRef {
  subscriptionId: string;
  resourceGroup: string;
  jobName: string;
}

export interface ReturnUpdate {
  returnAddress?: ShippingContact | undefined;
  returnShipping?: ReturnShippingInput | undefined;
}

export interface DriveKey {
  driveId: string;
  bitLockerKey: string;
}

export interface ImportJobBackend {
  readonly name: JobBackendName;
  /** Resource provider namespace the subscription must have registered. */
  readonly providerNamespace: string;
  create(input: Omit<CreateJobInput, 'backend'>, o?: { clientTenantId?: string }): Promise<ImportJobInfo>;
  get(ref: JobRef): Promise<ImportJobInfo>;
  list(subscriptionId: string, resourceGroup?: string): Promise<ImportJobInfo[]>;
  /** Records the package sent to the datacenter and moves the job to Shipping. */
  updateTracking(ref: JobRef, pkg: DeliveryPackageInput): Promise<ImportJobInfo>;
  updateReturn(ref: JobRef, update: ReturnUpdate): Promise<ImportJobInfo>;
  /** Requests cancellation (only before the disks ship). */
  cancel(ref: JobRef): Promise<ImportJobInfo>;
  /** Deletes the job record (only in states the service allows). */
  delete(ref: JobRef): Promise<void>;
  listBitLockerKeys(ref: JobRef): Promise<DriveKey[]>;
}

export type JobBackends = Partial<Record<JobBackendName, ImportJobBackend>>;
