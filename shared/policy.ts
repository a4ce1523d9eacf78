/**
 * The backup policy (SPEC §2.3–§2.5, decisions 9–12): what is backed up, when, how long it is kept and how the
 * first copy reaches Azure. Pure: zod schemas and `check*` functions returning a message for an IT admin or null.
 * The wizard's per-page rules live in policy-steps.ts; the next-run arithmetic in schedule.ts. The schedule rules
 * (schedule-rules.ts) and the retention rows (retention-rules.ts) are files of their own, re-exported here.
 */
import type { JobBackendName } from './contract/azure.ts';
import {
  checkContainerName,
  checkDataBoxJobName,
  checkJobName,
  checkResourceGroupName,
  checkStorageAccountName,
  checkSubscriptionId,
} from './validators/azure-names.ts';

/** 2: MARS's retention choices (weekly days/times, monthly and yearly by day or week of the month) and file-type rules. */
export const POLICY_FILE_VERSION = 2;

// ---------- items and exclusions ----------

export const ITEM_KINDS = ['file', 'folder', 'drive'] as const;
export type ItemKind = (typeof ITEM_KINDS)[number];

export interface PolicyItem {
  path: string;
  kind: ItemKind;
}

export interface ExclusionFolderRule {
  path: string;
  /** true (default): the folder and everything below it; false: only the files directly inside it. */
  subfolders: boolean;
}

/**
 * MARS's exclusion rule (MARS-MGR "Exclusion Settings"): a file type excluded in one folder, with or without its
 * subfolders (`New-OBFileSpec -Exclude [-NonRecursive]`).
 */
export interface FileTypeRule {
  /** Full path of the folder the rule applies in. */
  folder: string;
  /** File-name pattern with `*` and `?` (`*.mp3`), matched case-insensitively. */
  pattern: string;
  /** true (MARS's default): the folder and all its subfolders; false: only files directly inside the folder. */
  subfolders: boolean;
}

export interface Exclusions {
  folders: ExclusionFolderRule[];
  /** File-type patterns matched against file names in every item, case-insensitive (`*.mp3`). */
  patterns: string[];
  /** File types excluded in one folder (MARS's rules). Absent in policies saved before they existed. */
  fileTypes: FileTypeRule[];
}

export const MAX_ITEMS = 200;
export const MAX_EXCLUSIONS = 200;

export function checkPath(v: string, what = 'Path'): string | null {
  if (!v.trim()) return `${what} is required.`;
  if (v.length > 4096) return `${what} is too long (${v.length} characters, at most 4096).`;
  if (v.includes('\0')) return `${what} "${v}" contains a NUL character.`;
  const isWinAbs = /^[A-Za-z]:[\\/]/.test(v) || /^\\\\[^\\]+\\[^\\]+/.test(v);
  if (!v.startsWith('/') && !isWinAbs)
    return `${what} "${v}" must be a full path (e.g. C:\\Data, \\\\server\\share or /srv/data).`;
  return null;
}

/** `*.mp3`, `~$*`, `thumbs.db`: a file-name pattern with `*` and `?` wildcards, no folder separators. */
export function checkFilePattern(v: string): string | null {
  const t = v.trim();
  if (!t) return 'File type pattern is required (for example *.mp3).';
  if (t.length > 255) return `File type pattern "${t}" is too long (at most 255 characters).`;
  if (/[\\/]/.test(t))
    return `File type pattern "${t}" may not contain "\\" or "/"; add a folder rule to exclude a folder.`;
  if (/[<>:"|\0]/.test(t))
    return `File type pattern "${t}" contains a character not allowed in file names (< > : " |).`;
  if (/^\*+$/.test(t)) return `File type pattern "${t}" would exclude every file; remove the item instead.`;
  return null;
}

/** Is `child` the same as or below `parent`? Works for Windows and POSIX spellings, case-insensitive on Windows. */
export function isUnder(child: string, parent: string): boolean {
  const win = /^[A-Za-z]:|^\\\\/.test(parent);
  const norm = (p: string) => {
    let s = win ? p.replace(/\//g, '\\').toLowerCase() : p;
    const sep = win ? '\\' : '/';
    while (s.length > 1 && s.endsWith(sep) && !/^[a-z]:\\$/.test(s)) s = s.slice(0, -1);
    return s;
  };
  const c = norm(child);
  const p = norm(parent);
  if (c === p) return true;
  const sep = win ? '\\' : '/';
  return c.startsWith(p.endsWith(sep) ? p : p + sep);
}

export function checkItems(items: readonly PolicyItem[]): string | null {
  if (items.length === 0) return 'Add at least one file, folder or drive to back up.';
  if (items.length > MAX_ITEMS)
    return `At most ${MAX_ITEMS} items can be backed up by one policy (${items.length} selected).`;
  for (const it of items) {
    const p = checkPath(it.path, 'Item path');
    if (p) return p;
  }
  for (let i = 0; i < items.length; i++)
    for (let j = i + 1; j < items.length; j++) {
      const a = items[i].path;
      const b = items[j].path;
      if (isUnder(a, b) && isUnder(b, a)) return `"${b}" is listed twice.`;
      if (isUnder(a, b)) return `"${a}" is already included in "${b}"; remove one of them.`;
      if (isUnder(b, a)) return `"${b}" is already included in "${a}"; remove one of them.`;
    }
  return null;
}

export function checkExclusions(ex: Exclusions, items: readonly PolicyItem[] = []): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  const fileTypes = ex.fileTypes ?? [];
  if (ex.folders.length + ex.patterns.length + fileTypes.length > MAX_EXCLUSIONS)
    out.exclusions = `At most ${MAX_EXCLUSIONS} exclusion rules are allowed.`;
  ex.folders.forEach((f, i) => {
    const m = checkPath(f.path, 'Excluded folder');
    if (m) out[`folders.${i}`] = m;
    else if (items.length && !items.some((it) => isUnder(f.path, it.path)))
      out[`folders.${i}`] =
        `Excluded folder "${f.path}" is not inside any selected item, so the rule would have no effect.`;
  });
  const seen = new Set<string>();
  ex.patterns.forEach((p, i) => {
    const m = checkFilePattern(p);
    if (m) out[`patterns.${i}`] = m;
    else if (seen.has(p.trim().toLowerCase()))
      out[`patterns.${i}`] = `File type pattern "${p.trim()}" is listed twice.`;
    seen.add(p.trim().toLowerCase());
  });
  const seenRules = new Set<string>();
  fileTypes.forEach((r, i) => {
    const m = checkPath(r.folder, 'Folder of a file type rule') ?? checkFilePattern(r.pattern);
    const key = `${r.folder.trim().toLowerCase()}\0${r.pattern.trim().toLowerCase()}`;
    if (m) out[`fileTypes.${i}`] = m;
    else if (items.length && !items.some((it) => isUnder(r.folder, it.path) || isUnder(it.path, r.folder)))
      out[`fileTypes.${i}`] =
        `Folder "${r.folder}" of the rule ${r.pattern.trim()} is not inside any selected item, so the rule would have no effect.`;
    else if (seenRules.has(key))
      out[`fileTypes.${i}`] = `File type ${r.pattern.trim()} in "${r.folder}" is listed twice.`;
    seenRules.add(key);
  });
  return out;
}

/** System and temporary locations offered as exclusions (the user chooses; nothing is excluded silently). */
export function suggestedExclusions(items: readonly PolicyItem[]): ExclusionFolderRule[] {
  const candidates = [
    'C:\\Windows\\Temp',
    'C:\\$Recycle.Bin',
    'C:\\System Volume Information',
    'C:\\pagefile.sys',
    'C:\\Windows\\SoftwareDistribution\\Download',
    '/tmp',
    '/var/tmp',
    '/proc',
    '/sys',
    '/dev',
    '/run',
  ];
  const out: ExclusionFolderRule[] = [];
  for (const c of candidates) if (items.some((it) => isUnder(c, it.path))) out.push({ path: c, subfolders: true });
  for (const it of items) {
    if (/^[A-Za-z]:[\\/]?$/.test(it.path) || it.kind === 'drive') {
      const root = it.path.replace(/[\\/]+$/, '');
      if (/^[A-Za-z]:$/.test(root)) {
        for (const extra of ['System Volume Information', '$Recycle.Bin'])
          if (!out.some((o) => o.path.toLowerCase() === `${root}\\${extra}`.toLowerCase()))
            out.push({ path: `${root}\\${extra}`, subfolders: true });
      }
    }
  }
  return out;
}

export * from './schedule-rules.ts';
export * from './retention-rules.ts';

// ---------- initial backup and own disks (§2.4) ----------

export const INITIAL_BACKUP_TYPES = ['online', 'ownDisks', 'dataBox'] as const;
export type InitialBackupType = (typeof INITIAL_BACKUP_TYPES)[number];

export interface OwnDiskSettings {
  stagingLocation: string;
  subscriptionId: string;
  storageAccount: string;
  /** Resource group of the storage account (filled by the picker; typed when signed out). */
  storageAccountResourceGroup: string;
  container: string;
  importJobName: string;
  /** Resource group the import job is created in (defaults to the storage account's). */
  jobResourceGroup: string;
  /**
   * Which service holds the import job (decision 1, revised): 'DataBox' (Microsoft.DataBox customer disk, the
   * wizard's default) or 'ImportExport'. Absent in policies saved before the choice existed: Import/Export.
   */
  jobBackend?: JobBackendName | undefined;
}

/** The job type of a policy's own-disk settings; policies saved before the choice existed used Import/Export. */
export const jobBackendOfPolicy = (o: Pick<OwnDiskSettings, 'jobBackend'>): JobBackendName =>
  o.jobBackend ?? 'ImportExport';

export const OWN_DISK_FIELDS = [
  'stagingLocation',
  'subscriptionId',
  'storageAccount',
  'storageAccountResourceGroup',
  'container',
  'importJobName',
  'jobResourceGroup',
] as const;
export type OwnDiskField = (typeof OWN_DISK_FIELDS)[number];

/** A staging location: a local full path or a UNC path (\\server\share\folder). */
export function checkStagingLocation(v: string): string | null {
  if (!v.trim()) return 'Staging location is required: a local folder or a network share (\\\\server\\share\\folder).';
  if (v.startsWith('\\\\') && !/^\\\\[^\\/]+[\\/][^\\/]+/.test(v))
    return `Staging location "${v}" is not a complete UNC path (\\\\server\\share\\folder).`;
  return checkPath(v, 'Staging location');
}

export function checkOwnDisk(
  o: OwnDiskSettings,
  existingJobNames: readonly string[] = [],
): Partial<Record<OwnDiskField, string>> {
  const out: Partial<Record<OwnDiskField, string>> = {};
  const req = (f: OwnDiskField, label: string, check: (v: string) => string | null) => {
    const v = o[f].trim();
    const problem = v ? check(v) : `${label} is required.`;
    if (problem) out[f] = problem;
  };
  const stagingLocation = checkStagingLocation(o.stagingLocation);
  if (stagingLocation) out.stagingLocation = stagingLocation;
  req('subscriptionId', 'Azure subscription', checkSubscriptionId);
  req('storageAccount', 'Storage account', checkStorageAccountName);
  req('storageAccountResourceGroup', 'Storage account resource group', checkResourceGroupName);
  req('container', 'Storage container', checkContainerName);
  req('importJobName', 'Import job name', o.jobBackend === 'DataBox' ? checkDataBoxJobName : checkJobName);
  req('jobResourceGroup', 'Import job resource group', checkResourceGroupName);
  if (!out.importJobName && existingJobNames.some((n) => n.toLowerCase() === o.importJobName.trim().toLowerCase()))
    out.importJobName = `An import job named "${o.importJobName.trim()}" already exists in this subscription; choose another name.`;
  return out;
}
