/**
 * Import jobs on `Microsoft.DataBox` with sku `DataBoxCustomerDisk` (SPEC decision 1, §6.9) through
 * @azure/arm-databox at api-version 2025-07-01 (clients.ts). The service sends a job's details (disks, addresses,
 * copy progress, tracking) only to a Jobs_Get with `$expand=details`: creation is a long-running operation whose
 * final GET has none, and Jobs_List never has them, so every read of a job here goes through get() with the expand. Create sends transferType ImportToAzure, the disks in
 * `importDiskDetailsCollection` keyed by serial (manifest file, Base16 MD5, BitLocker key), the contact and return
 * address, the return carrier, the storage account in `dataImportDetails` (copy logs Verbose) and
 * `enableManifestBackup: true`. Jobs come back in the same ImportJobInfo shape as Import/Export's: the Data Box stage
 * maps to the common state words (Creating … Completed/Closed/Canceled; the stage itself is in `stage`), the package
 * to the datacenter (`deliverToDcPackageDetails`, recorded with markDevicesShipped) to `deliveryPackage`, per-disk
 * `copyProgress` / `copyLogDetails` to the drives (copyStatus keeps the Data Box words).
 */
import type {
  DataBoxCustomerDiskJobDetails,
  DataBoxManagementClient,
  JobResource,
  ShippingAddress,
  ContactDetails,
  CustomerDiskJobSecrets,
  DataBoxCustomerDiskCopyLogDetails,
  DatacenterAddressLocationResponse,
  StorageAccountDetails,
} from '@azure/arm-databox';
import type {
  CreateJobInput,
  ImportJobAddress,
  ImportJobDrive,
  ImportJobInfo,
} from '../../../../shared/contract/azure.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { DeliveryPackageInput, ShippingContact } from '../../../../shared/validators/shipping.ts';
import { checkDataBoxJobName } from '../../../../shared/validators/azure-names.ts';
import type { AzureClients } from '../clients.ts';
import { collect, mapAzureError } from '../errors.ts';
import { resourceGroupOf, subscriptionOf } from '../resources.ts';
import type { DriveKey, ImportJobBackend, JobRef, ReturnUpdate } from './backend.ts';
import { TRACKING_WINDOW_MS } from './import-export.ts';
import { defined } from './defined.ts';

export const DATA_BOX_SKU = 'DataBoxCustomerDisk';
export const CANCEL_REASON = 'Cancelled from the Offline Backup Console before the disks shipped.';

/** Data Box stage → the state words the console uses for every backend (shared/import-jobs.ts timeline). */
const STATE_OF_STAGE: Record<string, string> = {
  DeviceOrdered: 'Creating',
  Created: 'Creating',
  AwaitingShipmentDetails: 'Creating',
  DevicePrepared: 'Creating',
  ReadyToReceiveAtAzureDC: 'Creating',
  Dispatched: 'Shipping',
  Delivered: 'Shipping',
  PickedUp: 'Shipping',
  ShippedToAzureDC: 'Shipping',
  AtAzureDC: 'Received',
  DataCopy: 'Transferring',
  PreparingToShipFromAzureDC: 'Packaging',
  ReadyToDispatchFromAzureDC: 'Packaging',
  ShippedToCustomer: 'Completed',
  Completed: 'Completed',
  CompletedWithWarnings: 'Completed',
  CompletedWithErrors: 'Closed',
  Failed_IssueReportedAtCustomer: 'Closed',
  Failed_IssueDetectedAtAzureDC: 'Closed',
  Aborted: 'Closed',
  Cancelled: 'Canceled',
};

export function stateOfStage(stage: string | undefined): string {
  return stage ? (STATE_OF_STAGE[stage] ?? stage) : 'Unknown';
}

/** Per-disk copy status (Data Box words) → the drive state words of Import/Export. */
function driveState(copyStatus: string | undefined): string {
  if (!copyStatus) return 'Specified';
  if (copyStatus === 'NotStarted') return 'Received';
  if (copyStatus === 'DriveNotReceived') return 'NeverReceived';
  if (copyStatus === 'InProgress') return 'Transferring';
  if (copyStatus === 'Completed') return 'Completed';
  return 'CompletedMoreInfo';
}

const HINTS: Array<[RegExp, string]> = [
  [
    /MissingSubscriptionRegistration/i,
    'Register the Microsoft.DataBox resource provider for this subscription, then try again.',
  ],
  [
    /DuplicateTrackingNumber|tracking/i,
    'Each job needs its own tracking number: check the number on the carrier receipt.',
  ],
  [/CancelNotAllowed/i, 'A Data Box customer-disk job can be cancelled only before its disks are marked shipped.'],
  [
    /JobCannotBeDeleted/i,
    'A Data Box job can be deleted only once it is cancelled or completed: cancel it first (before the disks ship).',
  ],
  [/InvalidResourceName/i, 'Data Box job names are 3 to 24 letters, digits, hyphens, underscores or dots.'],
];

function hinted(err: unknown, what: string, ref?: { resourceGroup: string }): AppError {
  const m = mapAzureError(err, what);
  if (m.code === 'SIGNIN_REQUIRED' || m.code === 'NETWORK' || m.code === 'THROTTLED') return m;
  if (m.code === 'PERMISSION_DENIED') {
    const scope = ref ? `resource group ${ref.resourceGroup}` : 'the subscription';
    const hint = `Creating or changing Data Box jobs needs the Contributor (or Owner) role on ${scope}; the Reader role can only view jobs.`;
    return new AppError(m.code, `${m.message} ${hint}`, { ...m.details, missingRole: 'Contributor' });
  }
  const az = String(m.details?.azureCode ?? '');
  const hint = HINTS.find(([re]) => re.test(az))?.[1] ?? HINTS.find(([re]) => re.test(m.message))?.[1];
  return hint && !m.message.includes(hint) ? new AppError(m.code, `${m.message} ${hint}`, m.details) : m;
}

/** Data Box wants an Azure region name (`westus`); Import/Export locations are display names (`West US`). */
export const regionOf = (location: string) => location.replace(/\s+/g, '').toLowerCase();

function contactOf(c: ShippingContact): ContactDetails {
  return { contactName: c.contactName.trim(), phone: c.phone.trim(), emailList: [c.email.trim()] };
}

function addressOf(c: ShippingContact): ShippingAddress {
  return {
    streetAddress1: c.streetAddress1.trim(),
    ...(c.streetAddress2?.trim() ? { streetAddress2: c.streetAddress2.trim() } : {}),
    city: c.city.trim(),
    stateOrProvince: c.stateOrProvince.trim(),
    postalCode: c.postalCode.trim(),
    country: c.countryOrRegion.trim(),
    addressType: 'Commercial',
  };
}

function returnAddress(d: DataBoxCustomerDiskJobDetails): ImportJobAddress | undefined {
  const a = d.shippingAddress;
  if (!a) return undefined;
  return defined({
    recipientName: d.contactDetails?.contactName,
    streetAddress1: a.streetAddress1,
    streetAddress2: a.streetAddress2,
    city: a.city,
    stateOrProvince: a.stateOrProvince,
    postalCode: a.postalCode,
    countryOrRegion: a.country,
    phone: d.contactDetails?.phone,
    email: d.contactDetails?.emailList?.[0],
  });
}

function shipTo(d: DataBoxCustomerDiskJobDetails): ImportJobAddress | undefined {
  const a = d.datacenterAddress as DatacenterAddressLocationResponse | undefined;
  if (!a || a.datacenterAddressType !== 'DatacenterAddressLocation') return undefined;
  return defined({
    recipientName: a.contactPersonName,
    streetAddress1: a.street1,
    streetAddress2: a.street2 || undefined,
    city: a.city,
    stateOrProvince: a.state,
    postalCode: a.zip,
    countryOrRegion: a.country,
    phone: a.phone,
  });
}

export function toJobInfo(j: JobResource): ImportJobInfo {
  const id = j.id ?? '';
  const d = (j.details ?? {}) as DataBoxCustomerDiskJobDetails;
  const state = stateOfStage(j.status);
  const created = j.systemData?.createdAt ?? j.startTime;
  const progress = new Map((d.copyProgress ?? []).map((c) => [c.serialNumber ?? '', c]));
  const logs = new Map(
    ((d.copyLogDetails ?? []) as DataBoxCustomerDiskCopyLogDetails[]).map((c) => [c.serialNumber ?? '', c]),
  );
  const drives: ImportJobDrive[] = Object.entries(d.importDiskDetailsCollection ?? {}).map(([serial, disk]) => {
    const c = progress.get(serial);
    const l = logs.get(serial);
    const ds = driveState(c?.copyStatus);
    const finished = ds === 'Completed' || ds === 'CompletedMoreInfo';
    return defined({
      driveId: serial,
      state: ds,
      copyStatus: c?.copyStatus,
      percentComplete: finished
        ? 100
        : c?.totalBytesToProcess
          ? Math.floor((100 * (c.bytesProcessed ?? 0)) / c.totalBytesToProcess)
          : c
            ? 0
            : undefined,
      bytesSucceeded: c?.bytesProcessed,
      manifestFile: disk.manifestFile,
      manifestHash: disk.manifestHash,
      errorLogUri: l?.errorLogLink,
      verboseLogUri: l?.verboseLogLink,
      manifestUri: disk.backupManifestCloudPath,
    });
  });
  const account = d.dataImportDetails?.[0]?.accountDetails;
  return defined({
    backend: 'DataBox' as const,
    id,
    name: j.name ?? '',
    subscriptionId: subscriptionOf(id),
    resourceGroup: resourceGroupOf(id),
    location: j.location ?? '',
    state,
    stage: j.status,
    jobType: j.transferType === 'ImportToAzure' ? 'Import' : j.transferType,
    storageAccountId:
      account?.dataAccountType === 'StorageAccount' ? (account as StorageAccountDetails).storageAccountId : undefined,
    cancelRequested: j.status === 'Cancelled' || Boolean(j.cancellationReason),
    percentComplete: state === 'Completed' || state === 'Closed' ? 100 : undefined,
    createdAt: created ? new Date(created).toISOString() : undefined,
    trackingDueBy:
      created && state === 'Creating'
        ? new Date(new Date(created).getTime() + TRACKING_WINDOW_MS).toISOString()
        : undefined,
    shipTo: shipTo(d),
    returnAddress: returnAddress(d),
    returnShipping: d.returnToCustomerPackageDetails
      ? defined({
          carrierName: d.returnToCustomerPackageDetails.carrierName,
          carrierAccountNumber: d.returnToCustomerPackageDetails.carrierAccountNumber,
        })
      : undefined,
    deliveryPackage: d.deliverToDcPackageDetails
      ? defined({
          carrierName: d.deliverToDcPackageDetails.carrierName,
          trackingNumber: d.deliverToDcPackageDetails.trackingId,
        })
      : undefined,
    returnPackage: d.returnPackage?.trackingId
      ? defined({ carrierName: d.returnPackage.carrierName, trackingNumber: d.returnPackage.trackingId })
      : undefined,
    drives,
  });
}

export class DataBoxBackend implements ImportJobBackend {
  readonly name = 'DataBox' as const;
  readonly providerNamespace = 'Microsoft.DataBox';
  private readonly clients: AzureClients;

  constructor(clients: AzureClients) {
    this.clients = clients;
  }

  private sdk(subscriptionId: string): DataBoxManagementClient {
    return this.clients.dataBox(subscriptionId);
  }

  async create(input: Omit<CreateJobInput, 'backend'>): Promise<ImportJobInfo> {
    const what = `Create Data Box job ${input.jobName} in resource group ${input.resourceGroup}`;
    // The Data Box job name rule (validators/azure-names.ts: the console's rule within the API's 3–24 characters).
    const nameProblem = checkDataBoxJobName(input.jobName);
    if (nameProblem)
      throw new AppError('VALIDATION', `${what}: ${nameProblem}`, { jobName: input.jobName, maxLength: 24 });
    const details: DataBoxCustomerDiskJobDetails = {
      jobDetailsType: DATA_BOX_SKU,
      contactDetails: contactOf(input.returnAddress),
      shippingAddress: addressOf(input.returnAddress),
      dataImportDetails: [
        {
          accountDetails: { dataAccountType: 'StorageAccount', storageAccountId: input.storageAccountId },
          logCollectionLevel: 'Verbose',
        },
      ],
      importDiskDetailsCollection: Object.fromEntries(
        input.drives.map((d) => [
          d.driveId,
          { manifestFile: d.manifestFile, manifestHash: d.manifestHash, bitLockerKey: d.bitLockerKey },
        ]),
      ),
      returnToCustomerPackageDetails: {
        carrierName: input.returnShipping.carrierName,
        carrierAccountNumber: input.returnShipping.carrierAccountNumber.trim(),
      },
      enableManifestBackup: true,
    };
    try {
      await this.sdk(input.subscriptionId).jobs.beginCreateAndWait(input.resourceGroup, input.jobName, {
        location: regionOf(input.location),
        ...(input.tags ? { tags: input.tags } : {}),
        sku: { name: DATA_BOX_SKU },
        transferType: 'ImportToAzure',
        details,
      });
    } catch (err) {
      throw hinted(err, what, input);
    }
    return this.get({
      subscriptionId: input.subscriptionId,
      resourceGroup: input.resourceGroup,
      jobName: input.jobName,
    });
  }

  async get(ref: JobRef): Promise<ImportJobInfo> {
    try {
      return toJobInfo(
        await this.sdk(ref.subscriptionId).jobs.get(ref.resourceGroup, ref.jobName, { expand: 'details' }),
      );
    } catch (err) {
      throw hinted(err, `Read Data Box job ${ref.jobName} in resource group ${ref.resourceGroup}`, ref);
    }
  }

  async list(subscriptionId: string, resourceGroup?: string): Promise<ImportJobInfo[]> {
    const jobs = this.sdk(subscriptionId).jobs;
    try {
      const all = await collect(resourceGroup ? jobs.listByResourceGroup(resourceGroup) : jobs.list());
      const mine = all.filter((j) => j.sku?.name === DATA_BOX_SKU);
      // Jobs_List carries no details: read each customer-disk job with $expand=details (one GET per job).
      return await Promise.all(
        mine.map((j) =>
          this.get({ subscriptionId, resourceGroup: resourceGroupOf(j.id ?? ''), jobName: j.name ?? '' }),
        ),
      );
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw hinted(
        err,
        `List Data Box jobs in ${resourceGroup ? `resource group ${resourceGroup}` : `subscription ${subscriptionId}`}`,
        resourceGroup ? { resourceGroup } : undefined,
      );
    }
  }

  /** The disks are on their way: markDevicesShipped records the carrier and tracking id (the API has no drive count or ship date). */
  async updateTracking(ref: JobRef, pkg: DeliveryPackageInput): Promise<ImportJobInfo> {
    try {
      await this.sdk(ref.subscriptionId).jobs.markDevicesShipped(ref.jobName, ref.resourceGroup, {
        deliverToDcPackageDetails: { carrierName: pkg.carrierName, trackingId: pkg.trackingNumber },
      });
    } catch (err) {
      throw hinted(err, `Record shipment tracking (Data Box job ${ref.jobName})`, ref);
    }
    return this.get(ref);
  }

  async updateReturn(ref: JobRef, u: ReturnUpdate): Promise<ImportJobInfo> {
    if (!u.returnAddress && !u.returnShipping)
      throw new AppError('VALIDATION', 'Nothing to update: give a return address, a return carrier, or both.');
    try {
      await this.sdk(ref.subscriptionId).jobs.beginUpdateAndWait(ref.resourceGroup, ref.jobName, {
        details: {
          ...(u.returnAddress
            ? { contactDetails: contactOf(u.returnAddress), shippingAddress: addressOf(u.returnAddress) }
            : {}),
          ...(u.returnShipping
            ? {
                returnToCustomerPackageDetails: {
                  carrierName: u.returnShipping.carrierName,
                  carrierAccountNumber: u.returnShipping.carrierAccountNumber.trim(),
                },
              }
            : {}),
        },
      });
    } catch (err) {
      throw hinted(err, `Update return shipping (Data Box job ${ref.jobName})`, ref);
    }
    return this.get(ref);
  }

  async cancel(ref: JobRef): Promise<ImportJobInfo> {
    try {
      await this.sdk(ref.subscriptionId).jobs.cancel(ref.resourceGroup, ref.jobName, { reason: CANCEL_REASON });
    } catch (err) {
      throw hinted(err, `Cancel Data Box job ${ref.jobName}`, ref);
    }
    return this.get(ref);
  }

  async delete(ref: JobRef): Promise<void> {
    try {
      await this.sdk(ref.subscriptionId).jobs.beginDeleteAndWait(ref.resourceGroup, ref.jobName);
    } catch (err) {
      throw hinted(err, `Delete Data Box job ${ref.jobName}`, ref);
    }
  }

  /** listCredentials gives the customer-disk secrets: each disk's serial and BitLocker key. */
  async listBitLockerKeys(ref: JobRef): Promise<DriveKey[]> {
    try {
      const creds = await collect(this.sdk(ref.subscriptionId).jobs.listCredentials(ref.resourceGroup, ref.jobName));
      return creds.flatMap((c) => {
        const s = c.jobSecrets as CustomerDiskJobSecrets | undefined;
        return s?.jobSecretsType === DATA_BOX_SKU
          ? (s.diskSecrets ?? []).map((k) => ({
              driveId: k.diskSerialNumber ?? '',
              bitLockerKey: k.bitLockerKey ?? '',
            }))
          : [];
      });
    } catch (err) {
      throw hinted(err, `List BitLocker keys of Data Box job ${ref.jobName}`, ref);
    }
  }
}
