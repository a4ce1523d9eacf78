import { open, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';

const LOCK = '.obc-lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** One writer per job folder. A lock left by a killed process (pid gone) is taken over. */
export async function acquireJobLock(jobDir: string, jobName: string): Promise<() => Promise<void>> {
  const path = join(jobDir, LOCK);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      return async () => {
        await unlink(path).catch(() => undefined);
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const pid = Number((await readFile(path, 'utf8').catch(() => '')).trim());
      if (pid && alive(pid)) {
        throw new AppError('CONFLICT', `Job "${jobName}" is being written by another process (pid ${pid}); wait for it to finish or cancel it.`, { path: jobDir });
      }
      await unlink(path).catch(() => undefined);
    }
  }
  throw new AppError('CONFLICT', `Could not lock job folder ${jobDir}.`, { path: jobDir });
}
