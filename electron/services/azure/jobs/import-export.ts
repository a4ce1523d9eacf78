/**
 * Import jobs on `Microsoft.ImportExport` through @azure/arm-storageimportexport at api-version 2020-08-01 (the newest
 * stable version; the SDK's default 2021-01-01 is a preview, clients.ts).
 * Create always sends jobType Import, diagnosticsPath `waimportexport`, logLevel Verbose and backupDriveManifest
 * true (the official CreateJob example's values), so the copy logs and manifests land next to the data.
 * The service enforces its rules (name, ≤ 10 drives, state transitions, unique tracking numbers); its refusals
 * come back as AppErrors carrying the service's code and message plus what to do about it.
 */
import type { JobResponse, ReturnAddress, StorageImportExport } from '@azure/arm-storageimportexport';
import type { CreateJobInput, ImportJobAddress, ImportJobInfo } from '../../../../shared/contract/azure.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { ShippingContact } from '../../../../shared/validators/shipping.ts';
import type { AzureClients } from '../clients.ts';
import { collect, mapAzureError } from '../errors.ts';
import { resourceGroupOf, subscriptionOf } from '../resources.ts';
import type { DriveKey, ImportJobBackend, JobRef, ReturnUpdate } from './backend.ts';
import { defined } from './defined.ts';

export const DIAGNOSTICS_PATH = 'waimportexport';
/** Decision 11 / IE-STATUS: a job left in Creating without tracking is deleted after two weeks. */
export const TRACKING_WINDOW_MS = 14 * 86_400_000;

/** Hints by the service's error code (never by words of the message: "Delete job …: not found" is no state rule). */
const HINTS: Array<[RegExp, string]> = [
  [
    /MissingSubscriptionRegistration/i,
    'Register the Microsoft.ImportExport resource provider for this subscription, then try again.',
  ],
  [/DuplicateTrackingNumber/i, 'Each job needs its own tracking number: check the number on the carrier receipt.'],
  [
    /CancelNotAllowed/i,
    'A job can be canceled only before it reaches Packaging (while Creating, Shipping, Received or Transferring).',
  ],
  [
    /JobCannotBeDeleted/i,
    'A job can be deleted only while it is Creating, or once it is Completed (a canceled job ends Completed).',
  ],
  [
    /ResourceNotFound|NotFound/i,
    'The job does not exist (any more): it may have been deleted already, or removed by the service after its deadline.',
  ],
];

function hinted(err: unknown, what: string): AppError {
  const m = mapAzureError(err, what);
  if (m.code === 'SIGNIN_REQUIRED' || m.code === 'NETWORK' || m.code === 'THROTTLED') return m;
  const az = String(m.details?.azureCode ?? '');
  const hint = HINTS.find(([re]) => re.test(az))?.[1];
  return hint && !m.message.includes(hint) ? new AppError(m.code, `${m.message} ${hint}`, m.details) : m;
}

export function toReturnAddress(c: ShippingContact): ReturnAddress {
  return {
    recipientName: c.contactName.trim(),
    streetAddress1: c.streetAddress1.trim(),
    ...(c.streetAddress2?.trim() ? { streetAddress2: c.streetAddress2.trim() } : {}),
    city: c.city.trim(),
    stateOrProvince: c.stateOrProvince.trim(),
    postalCode: c.postalCode.trim(),
    countryOrRegion: c.countryOrRegion.trim(),
    phone: c.phone.trim(),
    email: c.email.trim(),
  };
}

function address(a: object | undefined): ImportJobAddress | undefined {
  if (!a) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(a)) if (typeof v === 'string' && k !== 'additionalInformation') out[k] = v;
  return out as ImportJobAddress;
}

export function toJobInfo(j: JobResponse): ImportJobInfo {
  const p = j.properties ?? {};
  const id = j.id ?? '';
  return defined({
    backend: 'ImportExport' as const,
    id,
    name: j.name ?? '',
    subscriptionId: subscriptionOf(id),
    resourceGroup: resourceGroupOf(id),
    location: j.location ?? '',
    state: p.state ?? 'Unknown',
    jobType: p.jobType,
    storageAccountId: p.storageAccountId,
    cancelRequested: p.cancelRequested ?? false,
    percentComplete: p.percentComplete,
    provisioningState: p.provisioningState,
    createdAt: j.systemData?.createdAt ? new Date(j.systemData.createdAt).toISOString() : undefined,
    trackingDueBy:
      j.systemData?.createdAt && (p.state ?? 'Creating') === 'Creating'
        ? new Date(new Date(j.systemData.createdAt).getTime() + TRACKING_WINDOW_MS).toISOString()
        : undefined,
    diagnosticsPath: p.diagnosticsPath,
    shipTo: address(p.shippingInformation),
    returnAddress: address(p.returnAddress),
    returnShipping: p.returnShipping
      ? defined({
          carrierName: p.returnShipping.carrierName,
          carrierAccountNumber: p.returnShipping.carrierAccountNumber,
        })
      : undefined,
    deliveryPackage: p.deliveryPackage ? defined({ ...p.deliveryPackage }) : undefined,
    returnPackage: p.returnPackage ? defined({ ...p.returnPackage }) : undefined,
    drives: (p.driveList ?? []).map((d) =>
      defined({
        driveId: d.driveId ?? '',
        state: d.state,
        copyStatus: d.copyStatus,
        percentComplete: d.percentComplete,
        bytesSucceeded: d.bytesSucceeded,
        manifestFile: d.manifestFile,
        manifestHash: d.manifestHash,
        errorLogUri: d.errorLogUri,
        verboseLogUri: d.verboseLogUri,
        manifestUri: d.manifestUri,
      }),
    ),
  });
}

export class ImportExportBackend implements ImportJobBackend {
  readonly name = 'ImportExport' as const;
  readonly providerNamespace = 'Microsoft.ImportExport';
  private readonly clients: AzureClients;

  constructor(clients: AzureClients) {
    this.clients = clients;
  }

  private sdk(subscriptionId: string): StorageImportExport {
    return this.clients.importExport(subscriptionId);
  }

  async create(input: Omit<CreateJobInput, 'backend'>, o: { clientTenantId?: string } = {}): Promise<ImportJobInfo> {
    const what = `Create import job ${input.jobName} in resource group ${input.resourceGroup}`;
    try {
      const res = await this.sdk(input.subscriptionId).jobs.create(
        input.jobName,
        input.resourceGroup,
        {
          location: input.location,
          ...(input.tags ? { tags: input.tags } : {}),
          properties: {
            storageAccountId: input.storageAccountId,
            jobType: 'Import',
            returnAddress: toReturnAddress(input.returnAddress),
            returnShipping: {
              carrierName: input.returnShipping.carrierName,
              carrierAccountNumber: input.returnShipping.carrierAccountNumber.trim(),
            },
            diagnosticsPath: input.diagnosticsPath ?? DIAGNOSTICS_PATH,
            logLevel: 'Verbose',
            backupDriveManifest: true,
            driveList: input.drives.map((d) => ({
              driveId: d.driveId,
              bitLockerKey: d.bitLockerKey,
              manifestFile: d.manifestFile,
              manifestHash: d.manifestHash,
              driveHeaderHash: d.driveHeaderHash ?? '',
            })),
          },
        },
        o.clientTenantId ? { clientTenantId: o.clientTenantId } : {},
      );
      return toJobInfo(res);
    } catch (err) {
      throw hinted(err, what);
    }
  }

  async get(ref: JobRef): Promise<ImportJobInfo> {
    try {
      return toJobInfo(await this.sdk(ref.subscriptionId).jobs.get(ref.jobName, ref.resourceGroup));
    } catch (err) {
      throw hinted(err, `Read import job ${ref.jobName} in resource group ${ref.resourceGroup}`);
    }
  }

  async list(subscriptionId: string, resourceGroup?: string): Promise<ImportJobInfo[]> {
    const jobs = this.sdk(subscriptionId).jobs;
    try {
      const all = await collect(
        resourceGroup ? jobs.listByResourceGroup(resourceGroup, { top: 100 }) : jobs.listBySubscription({ top: 100 }),
      );
      return all.map(toJobInfo);
    } catch (err) {
      throw hinted(
        err,
        `List import jobs in ${resourceGroup ? `resource group ${resourceGroup}` : `subscription ${subscriptionId}`}`,
      );
    }
  }

  private async update(
    ref: JobRef,
    body: Parameters<StorageImportExport['jobs']['update']>[2],
    what: string,
  ): Promise<ImportJobInfo> {
    try {
      return toJobInfo(await this.sdk(ref.subscriptionId).jobs.update(ref.jobName, ref.resourceGroup, body));
    } catch (err) {
      throw hinted(err, `${what} (job ${ref.jobName})`);
    }
  }

  updateTracking(
    ref: JobRef,
    pkg: { carrierName: string; trackingNumber: string; driveCount: number; shipDate: string },
  ): Promise<ImportJobInfo> {
    return this.update(
      ref,
      {
        deliveryPackage: {
          carrierName: pkg.carrierName,
          trackingNumber: pkg.trackingNumber,
          driveCount: pkg.driveCount,
          shipDate: pkg.shipDate,
        },
        state: 'Shipping',
      },
      'Record shipment tracking',
    );
  }

  updateReturn(ref: JobRef, u: ReturnUpdate): Promise<ImportJobInfo> {
    if (!u.returnAddress && !u.returnShipping)
      throw new AppError('VALIDATION', 'Nothing to update: give a return address, a return carrier, or both.');
    return this.update(
      ref,
      {
        ...(u.returnAddress ? { returnAddress: toReturnAddress(u.returnAddress) } : {}),
        ...(u.returnShipping
          ? {
              returnShipping: {
                carrierName: u.returnShipping.carrierName,
                carrierAccountNumber: u.returnShipping.carrierAccountNumber.trim(),
              },
            }
          : {}),
      },
      'Update return shipping',
    );
  }

  cancel(ref: JobRef): Promise<ImportJobInfo> {
    return this.update(ref, { cancelRequested: true }, 'Cancel import job');
  }

  async delete(ref: JobRef): Promise<void> {
    try {
      await this.sdk(ref.subscriptionId).jobs.delete(ref.jobName, ref.resourceGroup);
    } catch (err) {
      throw hinted(err, `Delete import job ${ref.jobName}`);
    }
  }

  async listBitLockerKeys(ref: JobRef): Promise<DriveKey[]> {
    try {
      const keys = await collect(this.sdk(ref.subscriptionId).bitLockerKeys.list(ref.jobName, ref.resourceGroup));
      return keys.map((k) => ({ driveId: k.driveId ?? '', bitLockerKey: k.bitLockerKey ?? '' }));
    } catch (err) {
      throw hinted(err, `List BitLocker keys of import job ${ref.jobName}`);
    }
  }
}
