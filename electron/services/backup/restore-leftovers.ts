import { lstat, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive, processStartTime } from './job-lock.ts';
import { joinFsPath, type FsPath } from './names.ts';

/** Temp files of a restore: `.obc-restore-<12 hex>.tmp` next to the file being written, renamed when complete. */
export const TEMP_PREFIX = '.obc-restore-';
const TEMP_RE = /^\.obc-restore-[0-9a-f]{12}\.tmp$/;
/** In the restore folder while a restore writes into it; left behind by a killed restore. */
export const RESTORE_MARKER = '.obc-restore-unfinished';

/** Removes restore temp files below `dir` (links are not followed). Returns how many. */
export async function sweepRestoreTemps(dir: FsPath): Promise<number> {
  let n = 0;
  const walk = async (d: FsPath): Promise<void> => {
    const list = await readdir(d, { withFileTypes: true, encoding: 'buffer' }).catch(() => []);
    for (const ent of list) {
      const p = joinFsPath(d, ent.name);
      if (ent.isDirectory()) await walk(p);
      else if (ent.isFile() && TEMP_RE.test(ent.name.toString('latin1'))) {
        await unlink(p).then(
          () => n++,
          () => undefined,
        );
      }
    }
  };
  await walk(dir);
  return n;
}

/**
 * Marks a restore under way in `dir`. A marker left by a restore that was killed (its process is gone) means its
 * temp files may still be there: they are swept first. Returns what ends the run (removes the marker).
 */
export async function beginRestore(dir: string): Promise<() => Promise<void>> {
  const marker = join(dir, RESTORE_MARKER);
  const left = await readFile(marker, 'utf8').catch(() => null);
  if (left !== null && (await lstat(marker)).isFile()) {
    const [pid, startedAt] = left.trim().split(/\s+/);
    if (!processAlive(Number(pid), startedAt)) await sweepRestoreTemps(dir);
  }
  await writeFile(marker, `${process.pid} ${processStartTime(process.pid) ?? ''}\n`);
  return async () => {
    await unlink(marker).catch(() => undefined);
  };
}
