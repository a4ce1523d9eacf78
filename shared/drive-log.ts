/**
 * Plain-word explanations of the Import/Export service's drive states and copy-log (DriveLog) statuses
 * (SPEC §4.7, §6.3 DriveStatus.state, §6.5). Used by the job details and the CLI.
 */

export type Severity = 'ok' | 'info' | 'warning' | 'error';

export interface StatusExplanation {
  text: string;
  severity: Severity;
}

/** DriveStatus.state (ARM enum DriveState). */
export const DRIVE_STATES: Record<string, StatusExplanation> = {
  Specified: { text: 'Listed in the job; the datacenter has not received it yet.', severity: 'info' },
  Received: { text: 'The datacenter received the disk.', severity: 'info' },
  NeverReceived: {
    text: 'The package arrived but this disk was not in it. If it arrives later it moves to Received.',
    severity: 'error',
  },
  Transferring: { text: 'The datacenter is copying the data from this disk to the storage account.', severity: 'info' },
  Completed: { text: 'All data on this disk was imported.', severity: 'ok' },
  CompletedMoreInfo: { text: 'Copy finished with remarks; read the copy log for details.', severity: 'warning' },
  ShippedBack: { text: 'The disk was shipped back to you.', severity: 'ok' },
};

/** DriveLog root `Status` (drive status codes, SPEC §4.7). */
export const DRIVE_LOG_STATUSES: Record<string, StatusExplanation> = {
  Completed: { text: 'The disk was processed without errors.', severity: 'ok' },
  CompletedWithWarnings: {
    text: 'The disk was processed; some files raised warnings (see the blob entries).',
    severity: 'warning',
  },
  CompletedWithErrors: {
    text: 'The disk was processed, but some files could not be imported (see the blob entries).',
    severity: 'error',
  },
  DiskNotFound: { text: 'The datacenter could not find this disk in the package.', severity: 'error' },
  VolumeNotNtfs: { text: 'The first data volume on the disk is not NTFS.', severity: 'error' },
  DiskOperationFailed: {
    text: 'A disk operation failed at the datacenter (hardware or connection problem).',
    severity: 'error',
  },
  BitLockerVolumeNotFound: { text: 'No BitLocker-encrypted volume was found on the disk.', severity: 'error' },
  BitLockerNotActivated: { text: 'BitLocker is not turned on for the volume.', severity: 'error' },
  BitLockerProtectorNotFound: { text: 'The volume has no recovery-password protector.', severity: 'error' },
  BitLockerKeyInvalid: { text: 'The BitLocker key given in the job does not unlock this disk.', severity: 'error' },
  BitLockerUnlockVolumeFailed: { text: 'The volume could not be unlocked with the BitLocker key.', severity: 'error' },
  BitLockerFailed: { text: 'A BitLocker operation failed at the datacenter.', severity: 'error' },
  ManifestNameInvalid: { text: 'The drive manifest file name is not valid.', severity: 'error' },
  ManifestNameTooLong: { text: 'The drive manifest file name is too long.', severity: 'error' },
  ManifestNotFound: { text: 'The drive manifest file named in the job is not on the disk.', severity: 'error' },
  ManifestAccessDenied: { text: 'The drive manifest file could not be read (access denied).', severity: 'error' },
  ManifestCorrupted: {
    text: "The drive manifest does not match the hash given in the job: the disk's manifest changed or is damaged.",
    severity: 'error',
  },
  ManifestFormatInvalid: { text: 'The drive manifest is not in the expected format.', severity: 'error' },
  ManifestDriveIdMismatch: {
    text: "The drive id in the manifest is not this disk's serial number.",
    severity: 'error',
  },
  ReadManifestFailed: { text: 'Reading the drive manifest failed.', severity: 'error' },
  BlobListFormatInvalid: { text: "The manifest's blob list is not valid.", severity: 'error' },
  BlobRequestForbidden: { text: 'The datacenter was not allowed to write to the storage account.', severity: 'error' },
  InternalError: { text: 'An internal error at the datacenter; contact Azure support.', severity: 'error' },
};

/** DriveLog `Blob@Status`. */
export const BLOB_LOG_STATUSES: Record<string, StatusExplanation> = {
  Completed: { text: 'Imported.', severity: 'ok' },
  CompletedWithErrors: { text: 'Imported with errors in some ranges.', severity: 'error' },
  FileNameInvalid: { text: 'The file name on the disk is not valid.', severity: 'error' },
  FileNameTooLong: { text: 'The file path on the disk is too long.', severity: 'error' },
  FileNotFound: { text: 'The file listed in the manifest is missing on the disk.', severity: 'error' },
  FileAccessDenied: { text: 'The file on the disk could not be read (access denied).', severity: 'error' },
  BlobRequestFailed: { text: 'Writing the blob to storage failed.', severity: 'error' },
  BlobRequestForbidden: { text: 'Writing the blob to storage was forbidden.', severity: 'error' },
  RenameFailed: { text: 'The blob could not be renamed after a name conflict.', severity: 'error' },
  BlobUnexpectedChange: { text: 'The blob changed in storage while it was being imported.', severity: 'error' },
  LeasePresent: { text: 'The blob has a lease, so it could not be written.', severity: 'error' },
  IOFailed: { text: 'Reading the file from the disk failed.', severity: 'error' },
  Failed: { text: 'Failed for an unknown reason.', severity: 'error' },
};

/** Page-range / block `Status`. */
export const RANGE_LOG_STATUSES: Record<string, StatusExplanation> = {
  Completed: { text: 'Copied.', severity: 'ok' },
  Committed: { text: 'Copied and committed.', severity: 'ok' },
  Uncommitted: { text: 'Copied but not committed.', severity: 'warning' },
  Corrupted: {
    text: 'The data on the disk does not match the MD5 in the manifest (a flipped or damaged byte).',
    severity: 'error',
  },
  FileUnexpectedEnd: { text: 'The file on the disk is shorter than the manifest says.', severity: 'error' },
  BlobUnexpectedEnd: { text: 'The blob ended before this range.', severity: 'error' },
  BlobRequestFailed: { text: 'Writing this range to storage failed.', severity: 'error' },
  IOFailed: { text: 'Reading this range from the disk failed.', severity: 'error' },
  Failed: { text: 'Failed for an unknown reason.', severity: 'error' },
  Cancelled: { text: 'Not copied because the job was canceled.', severity: 'warning' },
};

/** Per-disk copy status of Data Box customer-disk jobs (SPEC §6.9) where it differs from the DriveLog words. */
export const DATA_BOX_COPY_STATUSES: Record<string, StatusExplanation> = {
  NotStarted: { text: 'The datacenter has the disk; the copy has not started yet.', severity: 'info' },
  InProgress: { text: 'The datacenter is copying the data from this disk.', severity: 'info' },
  Failed: { text: 'The copy of this disk failed; read the copy log.', severity: 'error' },
  NotReturned: { text: 'The disk was not returned.', severity: 'warning' },
  HardwareError: { text: 'The disk has a hardware error at the datacenter.', severity: 'error' },
  DeviceFormatted: { text: 'The disk was found formatted (no data to import).', severity: 'error' },
  DeviceMetadataModified: { text: 'The disk metadata was modified after it was prepared.', severity: 'error' },
  StorageAccountNotAccessible: {
    text: 'The datacenter could not write to the storage account (check its firewall and access).',
    severity: 'error',
  },
  UnsupportedData: { text: 'The disk holds data the service does not import.', severity: 'error' },
  DriveNotReceived: { text: 'This disk was not in the package the datacenter received.', severity: 'error' },
  UnsupportedDrive: {
    text: 'The disk is not supported (for example no BitLocker-encrypted volume).',
    severity: 'error',
  },
  OtherServiceError: {
    text: 'The copy failed on the service side; read the copy log or contact support.',
    severity: 'error',
  },
  OtherUserError: {
    text: 'The disk could not be copied because of its preparation (for example a BitLocker key that does not unlock it); read the copy log.',
    severity: 'error',
  },
  DriveNotDetected: { text: 'The datacenter could not detect this disk.', severity: 'error' },
  DriveCorrupted: { text: 'The disk is damaged or its data is corrupted.', severity: 'error' },
  MetadataFilesModifiedOrRemoved: {
    text: 'The drive manifest was changed or removed after Disk Prep (its MD5 no longer matches the job); read the copy log.',
    severity: 'error',
  },
};

/** Own entries only: codes come from Azure/the copy log, so "constructor" or "__proto__" must not hit Object.prototype. */
const own = (table: Record<string, StatusExplanation>, code: string): StatusExplanation | undefined =>
  Object.prototype.hasOwnProperty.call(table, code) ? table[code] : undefined;

const unknown = (code: string): StatusExplanation => ({
  text: `Status "${code}" (not documented; see the copy log).`,
  severity: 'warning',
});

export function explainDriveState(state: string | undefined): StatusExplanation {
  if (!state) return { text: 'No state reported yet.', severity: 'info' };
  return own(DRIVE_STATES, state) ?? unknown(state);
}

/** Explains a blob entry's status of a copy log. */
export function explainBlobStatus(code: string | undefined): StatusExplanation {
  if (!code) return { text: 'No status.', severity: 'info' };
  return own(BLOB_LOG_STATUSES, code) ?? unknown(code);
}

/** Explains a copy status / DriveLog status code; falls back to the blob and range tables. */
export function explainLogStatus(code: string | undefined): StatusExplanation {
  if (!code) return { text: 'No copy status yet (it appears once the disk is being copied).', severity: 'info' };
  return (
    own(DRIVE_LOG_STATUSES, code) ??
    own(BLOB_LOG_STATUSES, code) ??
    own(RANGE_LOG_STATUSES, code) ??
    own(DATA_BOX_COPY_STATUSES, code) ??
    unknown(code)
  );
}
