import { BITLOCKER_KEY_RE } from '../../../shared/disks.ts';
import { HttpError } from './http-util.ts';

/**
 * SPEC §6.4 rules for Microsoft.ImportExport job bodies. Error codes follow ARM's style; where the real service's
 * exact code is not documented, the sandbox uses a descriptive one (listed in README.md).
 */
export const JOB_NAME_RE = /^[A-Za-z][A-Za-z0-9-]{1,63}$/;
const HEX_RE = /^[0-9A-Fa-f]{32,128}$/;
export const MAX_DRIVES = 10;

type Obj = Record<string, unknown>;

const bad = (code: string, message: string, target?: string) => new HttpError(400, code, message, {}, target);

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function checkJobName(name: string): void {
  if (!JOB_NAME_RE.test(name)) {
    throw bad(
      'InvalidResourceName',
      `The job name '${name}' is invalid: it must be 2-64 letters, digits or hyphens and start with a letter.`,
      'jobName',
    );
  }
}

/**
 * A disk's `bitLockerKey` property (both job services take the same recovery password): required, 8 groups of 6
 * digits. `disk` names the disk in the refusal ("drive 'X'" for Import/Export, "disk 'X'" for Data Box).
 */
export function bitLockerKeyOf(d: Obj, where: string, disk: string): string {
  const key = str(d, 'bitLockerKey', where, true)!;
  if (!BITLOCKER_KEY_RE.test(key))
    throw bad(
      'InvalidBitLockerKey',
      `The BitLocker key of ${disk} is not a recovery password (8 groups of 6 digits separated by '-').`,
      `${where}.bitLockerKey`,
    );
  return key;
}

/** A string property of a request body: missing/empty → undefined (or 400 when required); wrong type → 400. */
export function str(o: Obj, key: string, where: string, required: boolean): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (required) throw bad('InvalidRequestContent', `The property '${where}.${key}' is required.`, `${where}.${key}`);
    return undefined;
  }
  if (typeof v !== 'string')
    throw bad('InvalidRequestContent', `The property '${where}.${key}' must be a string.`, `${where}.${key}`);
  return v;
}

export function checkReturnAddress(v: unknown): void {
  if (!isObj(v))
    throw bad(
      'InvalidRequestContent',
      "The property 'properties.returnAddress' must be an object.",
      'properties.returnAddress',
    );
  for (const k of ['recipientName', 'streetAddress1', 'city', 'postalCode', 'countryOrRegion', 'phone', 'email'])
    str(v, k, 'properties.returnAddress', true);
  for (const k of ['streetAddress2', 'stateOrProvince']) str(v, k, 'properties.returnAddress', false);
}

export function checkReturnShipping(v: unknown): void {
  if (!isObj(v))
    throw bad(
      'InvalidRequestContent',
      "The property 'properties.returnShipping' must be an object.",
      'properties.returnShipping',
    );
  str(v, 'carrierName', 'properties.returnShipping', true);
  str(v, 'carrierAccountNumber', 'properties.returnShipping', true);
}

export function checkDeliveryPackage(v: unknown): void {
  if (!isObj(v))
    throw bad(
      'InvalidRequestContent',
      "The property 'properties.deliveryPackage' must be an object.",
      'properties.deliveryPackage',
    );
  str(v, 'carrierName', 'properties.deliveryPackage', true);
  str(v, 'trackingNumber', 'properties.deliveryPackage', true);
  if (v.driveCount !== undefined && (!Number.isInteger(v.driveCount) || (v.driveCount as number) < 0)) {
    throw bad(
      'InvalidRequestContent',
      "The property 'properties.deliveryPackage.driveCount' must be a non-negative integer.",
      'properties.deliveryPackage.driveCount',
    );
  }
}

/** Validates a driveList and returns the stored form (state Specified, keys kept for listBitLockerKeys). */
export function checkDriveList(v: unknown): Obj[] {
  if (!Array.isArray(v) || v.length === 0) {
    throw bad(
      'DriveListRequired',
      "An import job needs 'properties.driveList' with 1 to 10 drives.",
      'properties.driveList',
    );
  }
  if (v.length > MAX_DRIVES) {
    throw bad(
      'TooManyDrives',
      `The job lists ${v.length} drives; an Import/Export job can have at most ${MAX_DRIVES} drives.`,
      'properties.driveList',
    );
  }
  const seen = new Set<string>();
  return v.map((d, i) => {
    const where = `properties.driveList[${i}]`;
    if (!isObj(d)) throw bad('InvalidRequestContent', `'${where}' must be an object.`, where);
    const driveId = str(d, 'driveId', where, true)!;
    if (/\s/.test(driveId))
      throw bad(
        'InvalidDriveId',
        `The drive id '${driveId}' in '${where}' must be the drive's serial number without spaces.`,
        `${where}.driveId`,
      );
    if (seen.has(driveId.toUpperCase()))
      throw bad('DuplicateDriveId', `The drive id '${driveId}' appears more than once in the job.`, `${where}.driveId`);
    seen.add(driveId.toUpperCase());
    const key = bitLockerKeyOf(d, where, `drive '${driveId}'`);
    const manifestFile = str(d, 'manifestFile', where, true)!;
    const manifestHash = str(d, 'manifestHash', where, true)!;
    if (!HEX_RE.test(manifestHash))
      throw bad(
        'InvalidManifestHash',
        `The manifest hash of drive '${driveId}' must be hexadecimal (Base16 MD5).`,
        `${where}.manifestHash`,
      );
    const driveHeaderHash = str(d, 'driveHeaderHash', where, false);
    return {
      driveId,
      bitLockerKey: key,
      manifestFile,
      manifestHash,
      ...(driveHeaderHash !== undefined ? { driveHeaderHash } : {}),
      state: 'Specified',
    };
  });
}

/** Tracking numbers must be unique per subscription (each job its own tracking number). */
export function checkTrackingUnique(
  jobs: Array<{ key: string; properties: Obj }>,
  selfKey: string,
  tracking: string,
): void {
  for (const j of jobs) {
    if (j.key === selfKey) continue;
    const dp = j.properties.deliveryPackage;
    if (isObj(dp) && String(dp.trackingNumber).trim().toLowerCase() === tracking.trim().toLowerCase()) {
      throw new HttpError(
        409,
        'DuplicateTrackingNumber',
        `The tracking number '${tracking}' is already used by another job in this subscription; each job needs its own tracking number.`,
        {},
        'properties.deliveryPackage.trackingNumber',
      );
    }
  }
}
