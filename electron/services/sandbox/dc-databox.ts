import type { SandboxContext } from './arm.ts';
import type { DcJob } from './dc-job.ts';
import { dbJobBody, dbJobs, dbKey, details, setStage } from './rp-databox.ts';

/**
 * The datacenter's view of a Data Box customer-disk job (datacenter.ts works in Import/Export's vocabulary): stages
 * ↔ job states, `importDiskDetailsCollection` + `copyProgress` + `copyLogDetails` ↔ drive objects, copy outcomes ↔
 * the Data Box CopyStatus values (SPEC §6.9). Logs go to the `databoxcopylog` container of the storage account.
 */
type Obj = Record<string, unknown>;

const STAGE_OF: Record<string, string> = {
  Creating: 'DeviceOrdered',
  Shipping: 'ShippedToAzureDC',
  Received: 'AtAzureDC',
  Transferring: 'DataCopy',
  Packaging: 'PreparingToShipFromAzureDC',
  Completed: 'Completed',
  Closed: 'CompletedWithErrors',
  Canceled: 'Cancelled',
};
const STATE_OF: Record<string, string> = Object.fromEntries(Object.entries(STAGE_OF).map(([k, v]) => [v, k]));

/** Data Box CopyStatus values (SPEC §6.9, the SDK's KnownCopyStatus). */
export const DB_COPY_STATUSES = [
  'NotStarted',
  'InProgress',
  'Completed',
  'CompletedWithErrors',
  'Failed',
  'NotReturned',
  'HardwareError',
  'DeviceFormatted',
  'DeviceMetadataModified',
  'StorageAccountNotAccessible',
  'UnsupportedData',
  'DriveNotReceived',
  'UnsupportedDrive',
  'OtherServiceError',
  'OtherUserError',
  'DriveNotDetected',
  'DriveCorrupted',
  'MetadataFilesModifiedOrRemoved',
];

/** A finished drive's outcome (the DriveLog status) in Data Box's CopyStatus words. */
export function dataBoxCopyStatus(driveStatus: string): string {
  if (DB_COPY_STATUSES.includes(driveStatus)) return driveStatus;
  if (driveStatus === 'DiskNotFound') return 'DriveNotDetected';
  if (driveStatus === 'DiskOperationFailed') return 'HardwareError';
  if (driveStatus === 'BitLockerVolumeNotFound') return 'UnsupportedDrive';
  if (driveStatus === 'BitLockerKeyInvalid') return 'OtherUserError';
  // The manifest's credential does not reach the storage account (FMT-LOG BlobRequestForbidden).
  if (driveStatus === 'BlobRequestForbidden') return 'StorageAccountNotAccessible';
  if (/Manifest|BlobList/.test(driveStatus)) return 'MetadataFilesModifiedOrRemoved';
  return 'OtherServiceError';
}

const COPY_OF_DRIVE_STATE: Record<string, string> = {
  Received: 'NotStarted',
  NeverReceived: 'DriveNotReceived',
  Transferring: 'InProgress',
};

export function dataBoxDcJob(sb: SandboxContext, rg: string, name: string): DcJob | undefined {
  const j = dbJobs(sb)[dbKey(rg, name)];
  if (!j) return undefined;
  const det = details(j);
  const disks = (det.importDiskDetailsCollection ?? {}) as Record<string, Obj>;
  const progress = new Map(((det.copyProgress ?? []) as Obj[]).map((c) => [String(c.serialNumber), c]));
  const logs = new Map(((det.copyLogDetails ?? []) as Obj[]).map((c) => [String(c.serialNumber), c]));
  const storageAccountId = String(
    (((det.dataImportDetails as Obj[] | undefined)?.[0]?.accountDetails ?? {}) as Obj).storageAccountId ?? '',
  );
  const drives: Obj[] = Object.entries(disks).map(([serial, d]) => {
    const c = progress.get(serial);
    const cs = c ? String(c.copyStatus) : undefined;
    const state = !cs
      ? 'Specified'
      : cs === 'NotStarted'
        ? 'Received'
        : cs === 'DriveNotReceived'
          ? 'NeverReceived'
          : cs === 'InProgress'
            ? 'Transferring'
            : cs === 'Completed'
              ? 'Completed'
              : 'CompletedMoreInfo';
    const l = logs.get(serial);
    return {
      driveId: serial,
      bitLockerKey: d.bitLockerKey,
      manifestFile: d.manifestFile,
      manifestHash: d.manifestHash,
      state,
      ...(cs ? { copyStatus: cs, bytesSucceeded: c?.bytesProcessed ?? 0 } : {}),
      ...(l?.errorLogLink ? { errorLogUri: l.errorLogLink } : {}),
      ...(l?.verboseLogLink ? { verboseLogUri: l.verboseLogLink } : {}),
      ...(d.backupManifestCloudPath ? { manifestUri: d.backupManifestCloudPath } : {}),
    };
  });
  let state = STATE_OF[String(j.properties.status)] ?? String(j.properties.status);
  const account = /\/storageAccounts\/([^/]+)$/i.exec(storageAccountId)?.[1] ?? '';
  return {
    name: j.name,
    mapKey: `databox:${dbKey(rg, name)}`,
    get state() {
      return state;
    },
    set state(v: string) {
      state = v;
    },
    drives,
    storageAccountId,
    diagnosticsPath: 'databoxcopylog',
    verbose: ((det.dataImportDetails as Obj[] | undefined)?.[0]?.logCollectionLevel ?? 'Error') === 'Verbose',
    backupManifest: det.enableManifestBackup === true,
    returnCarrier: String((det.returnToCustomerPackageDetails as Obj | undefined)?.carrierName ?? 'FedEx'),
    finish(errors) {
      state = errors ? 'Closed' : 'Completed';
      det.returnPackage = { carrierName: this.returnCarrier, trackingId: `RET${Date.now()}`, trackingUrl: '' };
    },
    commit() {
      const stage = STAGE_OF[state] ?? state;
      if (stage !== j.properties.status) setStage(j, stage);
      det.copyProgress = drives
        .filter((d) => d.state !== 'Specified')
        .map((d) => {
          const copyStatus = COPY_OF_DRIVE_STATE[String(d.state)] ?? dataBoxCopyStatus(String(d.copyStatus ?? ''));
          const bytes = Number(d.bytesSucceeded ?? 0);
          return {
            serialNumber: d.driveId,
            copyStatus,
            storageAccountName: account,
            transferType: 'ImportToAzure',
            dataAccountType: 'StorageAccount',
            accountId: storageAccountId,
            bytesProcessed: bytes,
            totalBytesToProcess: d.state === 'Completed' || d.state === 'CompletedMoreInfo' ? bytes : 0,
            isEnumerationInProgress: false,
          };
        });
      det.copyLogDetails = drives
        .filter((d) => d.errorLogUri || d.verboseLogUri)
        .map((d) => ({
          copyLogDetailsType: 'DataBoxCustomerDisk',
          serialNumber: d.driveId,
          ...(d.errorLogUri ? { errorLogLink: d.errorLogUri } : {}),
          ...(d.verboseLogUri ? { verboseLogLink: d.verboseLogUri } : {}),
        }));
      for (const d of drives)
        if (d.manifestUri && disks[String(d.driveId)]) disks[String(d.driveId)].backupManifestCloudPath = d.manifestUri;
      j.systemData.lastModifiedAt = new Date().toISOString();
    },
    body: () => dbJobBody(sb, j),
  };
}
