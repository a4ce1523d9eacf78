import { HttpError } from './http-util.ts';
import { MAX_DRIVES, bitLockerKeyOf, isObj, str } from './ie-validate.ts';
import type { SandboxContext } from './arm.ts';

/**
 * Rules for Microsoft.DataBox `DataBoxCustomerDisk` job bodies (SPEC §6.9). There are no official Data Box REST
 * examples in the repo: the shapes follow the generated models of @azure/arm-databox (JobResource,
 * DataBoxCustomerDiskJobDetails, ImportDiskDetails, ContactDetails, ShippingAddress, StorageAccountDetails,
 * PackageCarrierDetails/Info); the codes are the sandbox's descriptive ones (README.md lists them).
 */
type Obj = Record<string, unknown>;

/** The jobName parameter of the Data Box API: 3–24 characters, letters, digits, '-', '_' and '.'. */
export const DB_JOB_NAME_RE = /^[-\w.]{3,24}$/;
export const DISK_SERIAL_RE = /^[A-Za-z0-9_.-]{1,64}$/;
const MD5_HEX_RE = /^[0-9A-Fa-f]{32}$/;

const bad = (code: string, message: string, target?: string) => new HttpError(400, code, message, {}, target);

export function checkDbJobName(name: string): void {
  if (!DB_JOB_NAME_RE.test(name)) {
    throw bad(
      'InvalidResourceName',
      `The job name '${name}' is invalid: Data Box job names are 3-24 characters of letters, digits, '-', '_' or '.'.`,
      'jobName',
    );
  }
}

/**
 * ContactDetails: the swagger requires contactName, phone and emailList (an array of strings); it gives no format
 * for either, so none is checked here.
 */
export function checkContactDetails(v: unknown, where = 'properties.details.contactDetails'): void {
  if (!isObj(v))
    throw bad('InvalidRequestContent', `The property '${where}' is required and must be an object.`, where);
  str(v, 'contactName', where, true);
  str(v, 'phone', where, true);
  const emails = v.emailList;
  if (!Array.isArray(emails))
    throw bad(
      'InvalidRequestContent',
      `The property '${where}.emailList' is required: a list of email addresses.`,
      `${where}.emailList`,
    );
  for (const e of emails)
    if (typeof e !== 'string')
      throw bad(
        'InvalidRequestContent',
        `'${String(e)}' in '${where}.emailList' must be a string.`,
        `${where}.emailList`,
      );
}

/** ShippingAddress: the swagger requires streetAddress1 and country; every other field is optional. */
export function checkShippingAddress(v: unknown, where = 'properties.details.shippingAddress'): void {
  if (!isObj(v)) throw bad('InvalidRequestContent', `The property '${where}' must be an object.`, where);
  for (const k of ['streetAddress1', 'country']) str(v, k, where, true);
  for (const k of [
    'streetAddress2',
    'streetAddress3',
    'city',
    'postalCode',
    'zipExtendedCode',
    'stateOrProvince',
    'companyName',
    'addressType',
  ])
    str(v, k, where, false);
}

/** PackageCarrierDetails (returnToCustomerPackageDetails, required by DataBoxCustomerDiskJobDetails): every field optional. */
export function checkReturnPackage(v: unknown, where = 'properties.details.returnToCustomerPackageDetails'): void {
  if (!isObj(v))
    throw bad('ReturnInformationRequired', `A customer-disk job needs '${where}' (the return carrier details).`, where);
  for (const k of ['carrierName', 'carrierAccountNumber', 'trackingId']) str(v, k, where, false);
}

/** dataImportDetails: one storage account of this subscription that can hold page blobs. Returns its id. */
export function checkDataImport(sb: SandboxContext, v: unknown): string {
  const where = 'properties.details.dataImportDetails';
  if (!Array.isArray(v) || v.length === 0)
    throw bad('InvalidRequestContent', `The property '${where}' needs the destination storage account.`, where);
  if (v.length > 1)
    throw bad(
      'InvalidRequestContent',
      `A customer-disk import job copies into one storage account; '${where}' lists ${v.length}.`,
      where,
    );
  const acc = isObj(v[0]) ? v[0].accountDetails : undefined;
  if (!isObj(acc) || acc.dataAccountType !== 'StorageAccount') {
    throw bad(
      'InvalidRequestContent',
      `'${where}[0].accountDetails.dataAccountType' must be 'StorageAccount'.`,
      `${where}[0].accountDetails`,
    );
  }
  const id = str(acc, 'storageAccountId', `${where}[0].accountDetails`, true)!;
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Storage\/storageAccounts\/([^/]+)$/i.exec(
      id,
    );
  const a = m ? sb.store.state.storageAccounts[m[3].toLowerCase()] : undefined;
  if (
    !m ||
    !a ||
    m[1].toLowerCase() !== sb.store.state.subscriptionId.toLowerCase() ||
    a.resourceGroup.toLowerCase() !== m[2].toLowerCase()
  ) {
    throw bad(
      'InvalidStorageAccount',
      `The storage account '${id}' does not exist in this subscription.`,
      `${where}[0].accountDetails.storageAccountId`,
    );
  }
  if (a.kind === 'BlobStorage') {
    throw bad(
      'StorageAccountNotSupported',
      `The storage account '${a.name}' is a BlobStorage account, which cannot hold page blobs; use a general-purpose (StorageV2 or Storage) account.`,
      `${where}[0].accountDetails.storageAccountId`,
    );
  }
  return id;
}

/** importDiskDetailsCollection: 1–10 disks keyed by serial; returns the stored form (keys kept for listCredentials). */
export function checkImportDisks(v: unknown): Record<string, Obj> {
  const where = 'properties.details.importDiskDetailsCollection';
  if (!isObj(v) || Object.keys(v).length === 0)
    throw bad(
      'ImportDiskDetailsRequired',
      `A customer-disk import job needs '${where}' with 1 to ${MAX_DRIVES} disks keyed by serial number.`,
      where,
    );
  const serials = Object.keys(v);
  if (serials.length > MAX_DRIVES)
    throw bad(
      'TooManyDisks',
      `The job lists ${serials.length} disks; a customer-disk job can have at most ${MAX_DRIVES} disks.`,
      where,
    );
  const seen = new Set<string>();
  const out: Record<string, Obj> = {};
  for (const serial of serials) {
    const w = `${where}['${serial}']`;
    if (!DISK_SERIAL_RE.test(serial))
      throw bad(
        'InvalidDiskSerialNumber',
        `The disk serial number '${serial}' must be 1-64 letters, digits, '.', '_' or '-' (the disk's serial, no spaces).`,
        w,
      );
    if (seen.has(serial.toUpperCase()))
      throw bad(
        'DuplicateDiskSerialNumber',
        `The disk serial number '${serial}' appears more than once (serial numbers are compared without case).`,
        w,
      );
    seen.add(serial.toUpperCase());
    const d = v[serial];
    if (!isObj(d)) throw bad('InvalidRequestContent', `'${w}' must be an object.`, w);
    const manifestFile = str(d, 'manifestFile', w, true)!;
    const manifestHash = str(d, 'manifestHash', w, true)!;
    if (!MD5_HEX_RE.test(manifestHash))
      throw bad(
        'InvalidManifestHash',
        `The manifest hash of disk '${serial}' must be the Base16 (hexadecimal) MD5 of the manifest file: 32 hex digits, got '${manifestHash}'.`,
        `${w}.manifestHash`,
      );
    const bitLockerKey = bitLockerKeyOf(d, w, `disk '${serial}'`);
    out[serial] = { manifestFile, manifestHash, bitLockerKey };
  }
  return out;
}

/** MarkDevicesShippedRequest.deliverToDcPackageDetails (PackageCarrierInfo): carrierName and trackingId both optional. */
export function checkCarrierInfo(v: unknown, where: string): { carrierName?: string; trackingId?: string } {
  if (v === undefined) return {};
  if (!isObj(v)) throw bad('InvalidRequestContent', `The property '${where}' must be an object.`, where);
  const carrierName = str(v, 'carrierName', where, false);
  const trackingId = str(v, 'trackingId', where, false);
  return { ...(carrierName !== undefined ? { carrierName } : {}), ...(trackingId !== undefined ? { trackingId } : {}) };
}
