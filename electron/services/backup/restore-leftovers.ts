import { lstat, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { processAlive, processStartTime } from './job-lock.ts';
import { joinFsPath, type FsPath } from './names.ts';

/** Temp files of a restore: `.obc-restore-<12 hex>.tmp` next to the file being written, renamed when complete. */
export const TEMP_PREFIX = '.obc-restore-';
const TEMP_RE = /^\.obc-restore-[0-9a-f]{12}\.tmp$/;
/** In the restore folder while a restore writes into it; left behind by a killed restore. */
export const RESTORE_MARKER = '.obc-restore-unfinished';

/** Temp files this process is writing now (hex of the path's bytes): a sweep leaves them to their restore. */
const live = new Set<string>();
const liveKey = (p: FsPath) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : p).toString('hex');

/** Records a temp file this process is writing; the returned function forgets it (renamed or removed). */
export function writingTemp(p: FsPath): () => void {
  const k = liveKey(p);
  live.add(k);
  return () => void live.delete(k);
}

/**
 * Removes the restore temp files directly in `dir` — regular files named exactly `.obc-restore-<12 hex>.tmp`, as
 * restore.ts names them; nothing below `dir`, no link, nothing a restore of this process is writing. The original
 * location has no restore folder for a marker: each folder a restore there writes into is swept before it writes
 * there, so what a killed run left beside the files goes. Returns the removed files' paths.
 */
export async function sweepRestoreTempsIn(dir: FsPath, sep = '/'): Promise<FsPath[]> {
  const removed: FsPath[] = [];
  const list = await readdir(dir, { withFileTypes: true, encoding: 'buffer' }).catch(() => []);
  for (const ent of list) {
    if (!ent.isFile() || !TEMP_RE.test(ent.name.toString('latin1'))) continue;
    const p = joinFsPath(dir, ent.name, sep);
    if (live.has(liveKey(p))) continue;
    await unlink(p).then(
      () => void removed.push(p),
      () => undefined,
    );
  }
  return removed;
}

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
