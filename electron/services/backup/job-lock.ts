import { readFileSync } from 'node:fs';
import { link, open, readFile, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';

const LOCK = '.obc-lock';

/** The kernel's start time of a process (Linux: clock ticks since boot, /proc/<pid>/stat field 22), or null. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (the command) may hold spaces and parentheses: the fields after it start after the last ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19] ?? null;
  } catch {
    return null;
  }
}

function zombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/**
 * Whether the process that wrote a lock still runs: a pid that answers signal 0, is not a zombie (killed, not yet
 * reaped by its parent) and, where the start time was recorded, is the same process (not a new one that reused
 * the pid after a reboot).
 */
export function processAlive(pid: number, startTime?: string): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (zombie(pid)) return false;
  if (startTime) {
    const now = processStartTime(pid);
    if (now !== null && now !== startTime) return false;
  }
  return true;
}

/**
 * Creates `path` with `text`, failing with EEXIST when it exists. The text is written to a temp file first and
 * hard-linked into place, so no reader ever sees the lock empty (one that does would take it for a dead writer's).
 * File systems without hard links get an exclusive create instead.
 */
async function createWhole(path: string, text: string): Promise<void> {
  // Named like an atomic write's temp file, so the sweep of a job folder takes it if a kill leaves it behind.
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await writeFile(tmp, text, { flag: 'wx' });
  try {
    await link(tmp, path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'ENOSYS' && code !== 'EOPNOTSUPP') throw err;
    const fh = await open(path, 'wx');
    try {
      await fh.writeFile(text);
    } finally {
      await fh.close();
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
}

/** One writer per job folder. A lock left by a process that is gone (killed, or its pid reused) is taken over. */
export async function acquireJobLock(jobDir: string, jobName: string): Promise<() => Promise<void>> {
  const path = join(jobDir, LOCK);
  const me = hostname();
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await createWhole(path, `${process.pid} ${processStartTime(process.pid) ?? '-'} ${me}\n`);
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      // ENOENT: the holder's sweep took our temp file between its write and the link; try again.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // "pid start-time host" (older locks: the pid alone). An empty lock is one whose writer died before writing it.
      const [pidText, start, host] = (await readFile(path, 'utf8').catch(() => '')).trim().split(/\s+/);
      const pid = Number(pidText);
      if (host && host !== me) {
        throw new AppError(
          'CONFLICT',
          `Job "${jobName}" is locked by process ${pid} on machine "${host}" (${path}); this machine cannot tell whether it still runs. If it does not, delete ${path} and run again.`,
          { path: jobDir },
        );
      }
      if (pid && processAlive(pid, start && start !== '-' ? start : undefined)) {
        throw new AppError(
          'CONFLICT',
          `Job "${jobName}" is being written by another process (pid ${pid}); wait for it to finish or cancel it.`,
          { path: jobDir },
        );
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new AppError('CONFLICT', `Could not lock job folder ${jobDir}.`, { path: jobDir });
}
