/**
 * Page rules of the Back Up Now and Recover Data wizards (SPEC §2.6, issue 3). Pure: each `validate*Step` returns
 * the problems of one page as { field: message } (empty = Next may leave the page). The renderer shows the
 * messages next to the controls; the engine checks the same things again at its boundary.
 */
import { checkPassphrase } from './validators/passphrase.ts';
import { checkPath } from './policy.ts';
import { checkContainerName, checkJobName, checkStorageAccountName } from './validators/azure-names.ts';
import { MAX_DISKS_PER_JOB } from './disks.ts';

export type FieldErrors = Partial<Record<string, string>>;

// ---------- Back Up Now ----------

export const BACKUP_STEPS = ['items', 'retain', 'passphrase', 'confirm', 'progress'] as const;
export type BackupStep = (typeof BACKUP_STEPS)[number];

export interface BackupItemChoice {
  path: string;
  kind: 'file' | 'folder' | 'drive';
  selected: boolean;
}

export interface BackupDraft {
  /** 'policy': items, staging and job come from the backup policy; 'manual': entered here (no policy yet). */
  source: 'policy' | 'manual';
  items: BackupItemChoice[];
  stagingLocation: string;
  jobName: string;
  /** YYYY-MM-DD, local calendar date. */
  retainUntil: string;
  passphrase: string;
  passphraseConfirm: string;
  /** Use the passphrase this machine's backup policy keeps (protected) instead of typing it. */
  usePolicyPassphrase?: boolean;
  /** Replace a completed backup of the same job (asked on the confirmation page). */
  overwrite: boolean;
}

/** What the wizard knows about the job folder in the staging location (from backup:jobs). */
export type ExistingJobState = 'none' | 'inProgress' | 'complete' | 'damaged' | 'unknown';

export interface BackupContext {
  /** Today as YYYY-MM-DD (local). */
  today: string;
  existing: ExistingJobState;
  estimate?: { fits: boolean; requiredBytes: number; freeBytes: number } | null;
  /** A backup started from this wizard is still running. */
  running?: boolean;
}

export const MAX_RETAIN_YEARS = 99;

/** A full path typed in a wizard: the policy's path rule (policy.ts checkPath), named after the field. */
export function checkFullPath(v: string, what: string): string | null {
  return checkPath(v, what);
}

/** A job name typed in a wizard: present, and the import job name rule (validators/azure-names.ts). */
export function checkJobNameValue(v: string): string | null {
  return v ? checkJobName(v) : 'Job name is required.';
}

const isWinPath = (p: string) => /^[A-Za-z]:|^\\\\/.test(p);
function normPath(p: string): string {
  const win = isWinPath(p);
  let s = win ? p.replace(/\//g, '\\').toLowerCase() : p;
  const sep = win ? '\\' : '/';
  while (s.length > 1 && s.endsWith(sep) && !/^[a-z]:\\$/.test(s)) s = s.slice(0, -1);
  return s;
}
/** Is `child` the same as or below `parent` (Windows spellings compared case-insensitively)? */
export function pathIsUnder(child: string, parent: string): boolean {
  const c = normPath(child);
  const p = normPath(parent);
  if (c === p) return true;
  const sep = isWinPath(parent) ? '\\' : '/';
  return c.startsWith(p.endsWith(sep) ? p : p + sep);
}

function isValidDate(v: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

export function addYears(isoDate: string, years: number): string {
  const [y, m, d] = isoDate.split('-').map(Number);
  const dt = new Date(Date.UTC(y + years, m - 1, d));
  return dt.toISOString().slice(0, 10);
}

export function validateBackupStep(step: BackupStep, d: BackupDraft, ctx: BackupContext): FieldErrors {
  const out: FieldErrors = {};
  if (step === 'items') {
    const chosen = d.items.filter((i) => i.selected);
    if (d.items.length === 0)
      out.items =
        d.source === 'policy' ? 'The backup policy has no items.' : 'Add at least one file or folder to back up.';
    else if (chosen.length === 0) out.items = 'Select at least one item to back up.';
    d.items.forEach((it, i) => {
      const m = checkFullPath(it.path, 'Item path');
      if (m) out[`items.${i}`] = m;
    });
    for (let i = 0; i < chosen.length && !out.items; i++)
      for (let j = i + 1; j < chosen.length; j++) {
        const a = chosen[i].path;
        const b = chosen[j].path;
        if (pathIsUnder(a, b) && pathIsUnder(b, a)) out.items = `"${b}" is listed twice.`;
        else if (pathIsUnder(a, b)) out.items = `"${a}" is already included in "${b}"; remove one of them.`;
        else if (pathIsUnder(b, a)) out.items = `"${b}" is already included in "${a}"; remove one of them.`;
        if (out.items) break;
      }
    const stagingLocation = checkFullPath(d.stagingLocation, 'Staging location');
    if (stagingLocation) out.stagingLocation = stagingLocation;
    else {
      const inside = chosen.find((it) => pathIsUnder(d.stagingLocation, it.path));
      if (inside)
        out.stagingLocation = `Staging location "${d.stagingLocation}" is inside the backup item "${inside.path}"; the backup would copy itself. Choose a folder outside the items.`;
    }
    const job = checkJobNameValue(d.jobName);
    if (job) out.jobName = job;
  } else if (step === 'retain') {
    if (!d.retainUntil) out.retainUntil = 'Choose the date until which this backup is kept.';
    else if (!isValidDate(d.retainUntil)) out.retainUntil = `"${d.retainUntil}" is not a calendar date (YYYY-MM-DD).`;
    else if (d.retainUntil <= ctx.today) out.retainUntil = `Retain Backup Till must be after today (${ctx.today}).`;
    else if (d.retainUntil > addYears(ctx.today, MAX_RETAIN_YEARS))
      out.retainUntil = `Retain Backup Till can be at most ${MAX_RETAIN_YEARS} years ahead (until ${addYears(ctx.today, MAX_RETAIN_YEARS)}).`;
  } else if (step === 'passphrase' && d.usePolicyPassphrase) {
    // The host uses the policy's stored passphrase; backup:checkPassphrase checks it against an unfinished job.
  } else if (step === 'passphrase') {
    const c = checkPassphrase(d.passphrase);
    if (!d.passphrase) out.passphrase = 'Enter the encryption passphrase of this backup.';
    else if (!c.ok) out.passphrase = c.reason;
    // A new passphrase is typed twice; resuming an unfinished job's passphrase is checked by the engine against its seed.
    if (ctx.existing !== 'inProgress' && !out.passphrase && d.passphraseConfirm !== d.passphrase)
      out.passphraseConfirm = d.passphraseConfirm
        ? 'The two passphrases differ.'
        : 'Type the passphrase again to confirm it.';
  } else if (step === 'confirm') {
    if (ctx.running) out.confirm = 'A backup started from this wizard is still running; see Backup Progress.';
    else if (!ctx.estimate) out.estimate = 'The size estimate is not available yet.';
    else if (!ctx.estimate.fits)
      out.estimate = `The staging location has ${ctx.estimate.freeBytes} bytes free but this backup needs up to ${ctx.estimate.requiredBytes} bytes.`;
    if (ctx.existing === 'complete' && !d.overwrite)
      out.overwrite = `Job "${d.jobName}" already has a completed backup in the staging location; confirm replacing it or choose another job name.`;
    if (ctx.existing === 'damaged')
      out.existing = `The job folder "${d.jobName}" in the staging location is damaged; choose another job name or repair it first.`;
  }
  return out;
}

// ---------- Recover Data ----------

export const RECOVER_STEPS = ['source', 'job', 'browse', 'destination', 'progress'] as const;
export type RecoverStep = (typeof RECOVER_STEPS)[number];
export const RECOVER_SOURCES = ['staging', 'disks', 'blob'] as const;
export type RecoverSource = (typeof RECOVER_SOURCES)[number];
export type ConflictChoice = 'overwrite' | 'skip' | 'keepBoth';

export interface RecoverDraft {
  source: RecoverSource;
  /** Source "staging": required; "disks"/"blob": optional (where seed.json and the job list are read from). */
  stagingLocation: string;
  /** Source "disks": the prepared disks' root folders. */
  disks?: string[];
  /** Source "blob": the container of the import job. */
  subscriptionId?: string;
  resourceGroup?: string;
  storageAccount?: string;
  container?: string;
  /** Source "blob": the restore point read (`recover:points`); absent = the newest. */
  restorePoint?: string;
  jobName: string;
  passphrase: string;
  /** Use the passphrase this machine's backup policy keeps (the host reads it) instead of typing it. */
  usePolicyPassphrase?: boolean;
  /** Catalog paths chosen (a folder includes everything below it). */
  selected: string[];
  /** MARS's recovery destination: "original" = each item back where it was backed up from; absent = "another". */
  location?: RecoverLocation;
  /** Location "another": the folder recovered into. */
  destination: string;
  conflict: ConflictChoice | '';
}
export type RecoverLocation = 'original' | 'another';

export interface RecoverContext {
  /** Sources the contract can read; others are shown disabled. */
  supportedSources: readonly RecoverSource[];
  /** State of the chosen job as listed by backup:jobs. */
  jobState?: 'inProgress' | 'complete' | 'damaged';
}

export function validateRecoverStep(step: RecoverStep, d: RecoverDraft, ctx: RecoverContext): FieldErrors {
  const out: FieldErrors = {};
  if (step === 'source') {
    if (!ctx.supportedSources.includes(d.source))
      out.source = 'This source cannot be read by this version of the console yet.';
    const m = d.source === 'staging' || d.stagingLocation ? checkFullPath(d.stagingLocation, 'Staging location') : null;
    if (m) out.stagingLocation = m;
    if (d.source === 'disks') {
      const disks = d.disks ?? [];
      if (disks.length === 0) out.disks = 'Add the folder (drive root) of every prepared disk of the job.';
      else if (disks.length > MAX_DISKS_PER_JOB) out.disks = `An import job has at most ${MAX_DISKS_PER_JOB} disks.`;
      else
        for (const x of disks) {
          const dm = checkFullPath(x, 'Disk folder');
          if (dm) {
            out.disks = dm;
            break;
          }
        }
    } else if (d.source === 'blob') {
      if (!d.subscriptionId?.trim()) out.subscriptionId = 'Enter the subscription of the storage account.';
      const a = d.storageAccount
        ? checkStorageAccountName(d.storageAccount)
        : 'Enter the storage account the job was imported into.';
      if (a) out.storageAccount = a;
      const c = d.container ? checkContainerName(d.container) : 'Enter the container the job was imported into.';
      if (c) out.container = c;
    }
  } else if (step === 'job') {
    const nameProblem = d.jobName ? checkJobName(d.jobName) : null;
    if (!d.jobName) out.jobName = 'Choose the backup job to recover from.';
    else if (nameProblem) out.jobName = nameProblem;
    else if (ctx.jobState === 'inProgress')
      out.jobName = `The backup of job "${d.jobName}" is not complete; run Back Up Now again to finish it before recovering.`;
    else if (ctx.jobState === 'damaged') out.jobName = `The job folder "${d.jobName}" is damaged and cannot be opened.`;
    if (!d.passphrase && !d.usePolicyPassphrase) out.passphrase = 'Enter the passphrase the backup was made with.';
  } else if (step === 'browse') {
    if (d.selected.length === 0) out.selected = 'Select at least one file or folder to recover.';
  } else if (step === 'destination' && d.location === 'original') {
    if (!d.conflict) out.conflict = 'Choose what happens when a file already exists at the destination.';
  } else if (step === 'destination') {
    const m = checkFullPath(d.destination, 'Destination folder');
    if (m) out.destination = m;
    else if (d.source === 'disks' && (d.disks ?? []).some((x) => pathIsUnder(d.destination, x)))
      out.destination = 'Recover into a folder outside the prepared disks.';
    else if (d.stagingLocation && pathIsUnder(d.destination, d.stagingLocation))
      out.destination = `Recover into a folder outside the staging location "${d.stagingLocation}".`;
    if (!d.conflict) out.conflict = 'Choose what happens when a file already exists at the destination.';
  }
  return out;
}
