import { randomBytes } from 'node:crypto';
import { open, stat, statfs, unlink } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { StagingCheckResult } from '../../../shared/policy-steps.ts';
import { checkStagingLocation } from '../../../shared/policy.ts';

const gib = (n: number): string => {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v >= 10 ? 0 : 1)} ${units[i]}`;
};

export interface StagingCheckOptions {
  requiredBytes?: number;
  /** Test seam: free bytes of the volume holding `dir`. */
  freeSpace?: (dir: string) => Promise<number>;
}

async function defaultFreeSpace(dir: string): Promise<number> {
  const s = await statfs(dir);
  return Number(s.bavail) * Number(s.bsize);
}

/**
 * Staging location check (SPEC §2.4): the folder exists, this account can create files in it (a probe file is
 * written, synced and removed), and its volume has room for `requiredBytes` (the backup estimate). A UNC path is
 * checked the same way; it must be reachable from this machine.
 */
export async function checkStaging(pathIn: string, opts: StagingCheckOptions = {}): Promise<StagingCheckResult> {
  const path = pathIn.trim();
  const base: StagingCheckResult = { path, ok: false, exists: false, writable: false, message: '' };
  const syntax = checkStagingLocation(path);
  if (syntax) return { ...base, message: syntax };
  if (!isAbsolute(path) && !path.startsWith('\\\\')) return { ...base, message: `Staging location "${path}" must be a full path on this machine.` };
  try {
    const st = await stat(path);
    if (!st.isDirectory()) return { ...base, message: `Staging location "${path}" is a file, not a folder.` };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ...base,
      message:
        code === 'ENOENT'
          ? `Staging location "${path}" does not exist. Create the folder (or connect the share) first.`
          : `Staging location "${path}" cannot be opened (${code ?? (err as Error).message}).`,
    };
  }
  const probe = join(path, `.obc-probe-${randomBytes(6).toString('hex')}`);
  try {
    const fh = await open(probe, 'wx', 0o600);
    try {
      await fh.writeFile('obc');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await unlink(probe);
  } catch (err) {
    await unlink(probe).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    return { ...base, exists: true, message: `This account cannot write to staging location "${path}" (${code ?? (err as Error).message}). Choose a folder you can write to.` };
  }
  let freeBytes: number;
  try {
    freeBytes = await (opts.freeSpace ?? defaultFreeSpace)(path);
  } catch (err) {
    return { ...base, exists: true, writable: true, message: `Free space of "${path}" could not be read (${(err as Error).message}).` };
  }
  const required = opts.requiredBytes;
  const res: StagingCheckResult = { ...base, exists: true, writable: true, freeBytes, ...(required !== undefined ? { requiredBytes: required } : {}) };
  if (required !== undefined && freeBytes < required)
    return { ...res, message: `Staging location "${path}" has ${gib(freeBytes)} free but the backup needs about ${gib(required)}. Free space or choose another location.` };
  return {
    ...res,
    ok: true,
    message:
      required !== undefined
        ? `"${path}" is writable and has ${gib(freeBytes)} free (the backup needs about ${gib(required)}).`
        : `"${path}" is writable and has ${gib(freeBytes)} free.`,
  };
}
