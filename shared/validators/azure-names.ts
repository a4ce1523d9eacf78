/**
 * Pure validators for the Azure names the console asks for (SPEC.md decision 10, §5 naming, §6.4).
 * Each `check*` returns null when the value is fine, or a message for an IT admin naming the rule broken.
 * The wizard, Disk Prep, the IPC contract and the CLI all use these, so one rule has one wording.
 */
import { z } from 'zod';

export type Check = (value: string) => string | null;

/** Import job name: lowercase letters, digits and hyphens, starts with a letter, 2–64 characters (decision 10). */
export const checkJobName: Check = (v) => {
  if (v.length < 2 || v.length > 64) return `Job name "${v}" must be 2 to 64 characters long (it has ${v.length}).`;
  if (!/^[a-z]/.test(v)) return `Job name "${v}" must start with a lowercase letter.`;
  if (!/^[a-z0-9-]+$/.test(v)) return `Job name "${v}" may contain only lowercase letters, digits and hyphens.`;
  return null;
};

/** Storage account: 3–24 lowercase letters and digits. */
export const checkStorageAccountName: Check = (v) => {
  if (!/^[a-z0-9]{3,24}$/.test(v)) return `Storage account name "${v}" must be 3 to 24 lowercase letters and digits.`;
  return null;
};

/** Decision 10 and NAME-RULES, in the words every refusal of a container name quotes. */
export const CONTAINER_NAME_RULE =
  'a container name is 3 to 63 characters of lowercase letters, digits and single hyphens, starting and ending with a letter or digit';

/**
 * Container: 3–63, lowercase letters and digits, single hyphens only between them. The one home of the rule: the
 * wizard, the IPC contracts, seed.json, `obc backup/diskprep --container`, Disk Prep and job creation all call this,
 * and every message names the rule.
 */
export const checkContainerName: Check = (v) => {
  const bad = (why: string) => `Container name "${v}" ${why}: ${CONTAINER_NAME_RULE}.`;
  if (v.length < 3 || v.length > 63) return bad(`has ${v.length} characters`);
  if (/[A-Z]/.test(v)) return bad('has upper-case letters');
  if (!/^[a-z0-9-]+$/.test(v)) return bad('has characters other than lowercase letters, digits and hyphens');
  if (v.includes('--')) return bad('has "--"');
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(v)) return bad('does not start and end with a letter or digit');
  return null;
};

/**
 * A Microsoft.DataBox job name: the console's own rule (decision 10) plus the Data Box swagger's jobNameParameter
 * (2025-02-01 and earlier: minLength 3, maxLength 24, pattern ^[-\w\.]+$), so 3–24 characters.
 */
export const checkDataBoxJobName: Check = (v) => {
  const own = checkJobName(v);
  if (own) return own;
  if (v.length < 3 || v.length > 24)
    return `Job name "${v}" has ${v.length} characters; a Data Box job name is 3 to 24 characters (choose a shorter name, or an Import/Export job).`;
  return null;
};

const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

export const checkSubscriptionId: Check = (v) =>
  GUID.test(v) ? null : `Subscription id "${v}" is not a GUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).`;

export const checkGuid =
  (what: string): Check =>
  (v) =>
    GUID.test(v) ? null : `${what} "${v}" is not a GUID.`;

/** Resource group: 1–90 of letters, digits, '_', '-', '.', '(', ')', not ending with '.'. */
export const checkResourceGroupName: Check = (v) => {
  if (v.length < 1 || v.length > 90) return `Resource group name "${v}" must be 1 to 90 characters long.`;
  if (!/^[-\w.()]+$/u.test(v))
    return `Resource group name "${v}" may contain only letters, digits, '_', '-', '.', '(' and ')'.`;
  if (v.endsWith('.')) return `Resource group name "${v}" may not end with a period.`;
  return null;
};

/** Carrier tracking number: 5–40 letters/digits (spaces and dashes are removed first by normalizeTrackingNumber). */
export const checkTrackingNumber: Check = (v) => {
  if (!/^[A-Za-z0-9]{5,40}$/.test(v))
    return `Tracking number "${v}" must be 5 to 40 letters and digits (spaces and dashes are ignored).`;
  return null;
};
export const normalizeTrackingNumber = (v: string): string => v.replace(/[\s-]/g, '').toUpperCase();

/** Drive id = hardware serial number without spaces. */
export const checkDriveId: Check = (v) =>
  /^[A-Za-z0-9_.-]{1,64}$/.test(v)
    ? null
    : `Drive id "${v}" must be the disk's serial number: 1 to 64 letters, digits, '.', '_' or '-', no spaces.`;

/** BitLocker numerical recovery password: 8 groups of 6 digits. */
export const checkBitLockerKey: Check = (v) =>
  /^\d{6}(-\d{6}){7}$/.test(v)
    ? null
    : 'BitLocker key must be the 48-digit recovery password (8 groups of 6 digits separated by "-").';

/**
 * A recovery password typed by hand (CLI --bitlocker-key, the console's "Already BitLocker-encrypted…" dialog): the
 * format, then the per-group checksum — every group of a real recovery password is 11 × a number below 65536, so a
 * mistyped digit is caught before the disk is touched. Null when the key passes.
 */
export const checkRecoveryPasswordTypos: Check = (v) => {
  const format = checkBitLockerKey(v);
  if (format) return format;
  const bad = v.split('-').findIndex((b) => Number(b) % 11 !== 0 || Number(b) / 11 > 65535);
  return bad < 0
    ? null
    : `group ${bad + 1} is not part of a valid BitLocker recovery password (each group is a multiple of 11 below 720896); check it for a typo.`;
};

/** Decision 7: manifest hash = upper-case hex MD5, 32 characters. */
export const checkManifestHash: Check = (v) =>
  /^[0-9A-F]{32}$/.test(v) ? null : `Manifest hash "${v}" must be 32 upper-case hexadecimal characters (MD5).`;

/** Storage account resource id (ARM). */
export const checkStorageAccountId: Check = (v) =>
  /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.(Classic)?Storage\/storageAccounts\/[a-z0-9]{3,24}$/i.test(
    v,
  )
    ? null
    : `"${v}" is not a storage account resource id (/subscriptions/…/resourceGroups/…/providers/Microsoft.Storage/storageAccounts/<name>).`;

/** Turns a check into a zod string schema carrying the same message. */
export function zCheck(check: Check, transform?: (v: string) => string) {
  const base = z.string().max(2048);
  const t = transform ? base.transform(transform) : base;
  return t.superRefine((v, ctx) => {
    const msg = check(v);
    if (msg) ctx.addIssue({ code: 'custom', message: msg });
  });
}

export const zJobName = zCheck(checkJobName);
export const zStorageAccountName = zCheck(checkStorageAccountName);
export const zContainerName = zCheck(checkContainerName);
export const zSubscriptionId = zCheck(checkSubscriptionId);
export const zResourceGroupName = zCheck(checkResourceGroupName);
export const zTrackingNumber = zCheck(checkTrackingNumber, normalizeTrackingNumber);
export const zStorageAccountId = zCheck(checkStorageAccountId);
