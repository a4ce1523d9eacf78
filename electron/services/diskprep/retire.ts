/**
 * Retiring Disk Prep's state of a job (`<staging>/<job>.diskprep/`: session.json, journal mirrors, drives.json) when
 * the backup it was made for is gone: `backup --overwrite` (and the console's replace) call it before the old backup
 * is removed, and Disk Prep itself when it finds state bound to another backup (issue 13 §2). Nothing is deleted:
 * the files move to `retired/<backup id>-<time>/` beside them, so an admin can still see what was prepared. Kept
 * small: the backup engine loads it.
 */
import { mkdir, readdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { acquireJobLock } from '../backup/job-lock.ts';
import { stateDirFor } from './session.ts';

/** The files that describe prepared disks; the order they move in (drives.json first: it is what ships). */
const STATE_FILES = (names: string[]): string[] => [
  ...names.filter((n) => n === 'drives.json'),
  ...names.filter((n) => /^journal-.+\.json$/.test(n)),
  ...names.filter((n) => n === 'session.json'),
  // The manifests' SAS record (fingerprint, policy; no secret): the next backup's disks start a record of their own.
  ...names.filter((n) => n === 'container-sas.json'),
];

/** Moves the state files of `stateDir` aside (the caller holds its lock). Returns where, or null when there were none. */
export async function retireStateFiles(stateDir: string, label: string): Promise<string | null> {
  const names = STATE_FILES(await readdir(stateDir).catch(() => [] as string[]));
  if (!names.length) return null;
  const to = join(stateDir, 'retired', `${label.replace(/[^A-Za-z0-9_-]/g, '_')}-${Date.now()}`);
  await mkdir(to, { recursive: true });
  for (const n of names) await rename(join(stateDir, n), join(to, n));
  return to;
}

/**
 * Retires the Disk Prep state of `job` for a backup that is being replaced. Refused while a Disk Prep run holds the
 * job (its lock): the backup must not change under a copy in progress.
 */
export async function retireDiskPrepState(stagingLocation: string, job: string, label: string): Promise<string | null> {
  const stateDir = stateDirFor(stagingLocation, job);
  const present = await readdir(stateDir).then(
    (n) => STATE_FILES(n).length > 0,
    () => false,
  );
  if (!present) return null;
  let unlock: () => Promise<void>;
  try {
    unlock = await acquireJobLock(stateDir, job);
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT')
      throw new AppError(
        'CONFLICT',
        `Disk Prep is running for job "${job}" (${stateDir}); let it finish or cancel it before replacing the backup.`,
        { path: stateDir, job },
      );
    throw err;
  }
  try {
    return await retireStateFiles(stateDir, label);
  } finally {
    await unlock();
  }
}
