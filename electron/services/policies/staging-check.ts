import { randomBytes } from 'node:crypto';
import { open, stat, statfs, unlink, utimes } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { DISK_LAYOUT, FOLDER_DISK_DESCRIPTOR } from '../../../shared/disks.ts';
import type { StagingCheckResult } from '../../../shared/policy-steps.ts';
import { checkStagingLocation, isUnder } from '../../../shared/policy.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';

export interface StagingCheckOptions {
  requiredBytes?: number;
  /** The backup items: the staging location may be none of them and lie inside none of them. */
  items?: readonly string[];
  /** Test seam: free bytes of the volume holding `dir`. */
  freeSpace?: (dir: string) => Promise<number>;
}

async function defaultFreeSpace(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/**
 * The disk the path is on, if it is one Disk Prep prepares or prepared: a rehearsal folder disk (its descriptor in
 * the path or a parent folder) or a disk root holding a drive manifest and a Disk Prep journal. Only stat() calls.
 */
async function preparedDiskAbove(path: string): Promise<string | null> {
  for (let dir = resolve(path); ; dir = dirname(dir)) {
    if (await exists(join(dir, FOLDER_DISK_DESCRIPTOR))) return `a rehearsal disk (${dir})`;
    if ((await exists(join(dir, DISK_LAYOUT.manifestFile))) && (await exists(join(dir, DISK_LAYOUT.journalFile))))
      return `a disk prepared for an import job (${dir})`;
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Writes, syncs and removes a probe file in `dir`, then puts the folder's access and modification times back: the
 * check leaves no file and no new mtime behind (a backup tool that finds the folder "changed" would copy it again).
 */
async function probeWrite(dir: string): Promise<void> {
  const before = await stat(dir);
  const probe = join(dir, `.obc-probe-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(probe, 'wx', 0o600);
    try {
      await fh.writeFile('obc');
      await fh.sync();
    } finally {
      await fh.close();
    }
  } finally {
    await unlink(probe).catch(() => undefined);
    // Best effort: a folder this account does not own may refuse new times (it was writable all the same).
    await utimes(dir, before.atime, before.mtime).catch(() => undefined);
  }
}

/**
 * Staging location check (SPEC §2.4): a full path, not on a prepared disk, not one of the backup items nor inside
 * one (issue 13 §7: the backup would copy itself), the folder exists, this account can create files in it (a probe,
 * leaving no trace) and its volume has room for `requiredBytes` (the backup estimate). A UNC path is checked the
 * same way; it must be reachable from this machine.
 */
export async function checkStaging(pathIn: string, opts: StagingCheckOptions = {}): Promise<StagingCheckResult> {
  const path = pathIn.trim();
  const base: StagingCheckResult = { path, ok: false, exists: false, writable: false, message: '' };
  const syntax = checkStagingLocation(path);
  if (syntax) return { ...base, problem: 'syntax', message: syntax };
  if (!isAbsolute(path) && !path.startsWith('\\\\'))
    return { ...base, problem: 'syntax', message: `Staging location "${path}" must be a full path on this machine.` };
  const item = (opts.items ?? []).find((i) => isUnder(path, i));
  if (item !== undefined)
    return {
      ...base,
      problem: 'insideItems',
      message: isUnder(item, path)
        ? `Staging location "${path}" is the backup item itself; the backup would copy itself. Choose a folder outside the items.`
        : `Staging location "${path}" is inside the backup item "${item}"; the backup would copy itself. Choose a folder outside the items.`,
    };
  const disk = await preparedDiskAbove(path);
  if (disk)
    return {
      ...base,
      problem: 'preparedDisk',
      message: `Staging location "${path}" is on ${disk}. Disk Prep erases and fills such disks; keep the staging location on another disk.`,
    };
  try {
    const st = await stat(path);
    if (!st.isDirectory())
      return { ...base, problem: 'notFolder', message: `Staging location "${path}" is a file, not a folder.` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ...base,
      problem: code === 'ENOENT' ? 'missing' : 'unreadable',
      message:
        code === 'ENOENT'
          ? `Staging location "${path}" does not exist. Create the folder (or connect the share) first.`
          : `Staging location "${path}" cannot be opened (${code ?? (err as Error).message}).`,
    };
  }
  try {
    await probeWrite(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ...base,
      exists: true,
      problem: 'notWritable',
      message: `This account cannot write to staging location "${path}" (${code ?? (err as Error).message}). Choose a folder you can write to.`,
    };
  }
  let freeBytes: number;
  try {
    freeBytes = await (opts.freeSpace ?? defaultFreeSpace)(path);
  } catch (err) {
    return {
      ...base,
      exists: true,
      writable: true,
      problem: 'unreadable',
      message: `Free space of "${path}" could not be read (${(err as Error).message}).`,
    };
  }
  const required = opts.requiredBytes;
  const res: StagingCheckResult = {
    ...base,
    exists: true,
    writable: true,
    freeBytes,
    ...(required !== undefined ? { requiredBytes: required } : {}),
  };
  if (required !== undefined && freeBytes < required)
    return {
      ...res,
      problem: 'noSpace',
      message: `Staging location "${path}" has ${formatBytes(freeBytes)} free but the backup needs about ${formatBytes(required)}. Free space or choose another location.`,
    };
  return {
    ...res,
    ok: true,
    message:
      required !== undefined
        ? `"${path}" is writable and has ${formatBytes(freeBytes)} free (the backup needs about ${formatBytes(required)}).`
        : `"${path}" is writable and has ${formatBytes(freeBytes)} free.`,
  };
}
