/** The job lock (backup and Disk Prep): a lock left by a process that is gone is taken over, a live one is not. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { acquireJobLock, processAlive, processStartTime } from './job-lock.ts';
import { tempDir } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-lock-')));
afterEach(async () => cleanup());

describe('job lock', () => {
  it('a live holder keeps it; released, it can be taken again; the file holds pid, start time and host', async () => {
    const release = await acquireJobLock(dir, 'job-a');
    const [pid, start, host] = (await readFile(join(dir, '.obc-lock'), 'utf8')).trim().split(' ');
    expect([Number(pid), start, host]).toEqual([process.pid, processStartTime(process.pid) ?? '-', hostname()]);
    await expect(acquireJobLock(dir, 'job-a')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/being written by another process/),
    });
    await release();
    await (
      await acquireJobLock(dir, 'job-a')
    )();
  });

  it('taken over from a writer killed with SIGKILL and not yet reaped (a zombie still answers signal 0)', async () => {
    if (process.platform !== 'linux') return;
    // `sh` execs `sleep`, which never waits for its child: the killed node stays a zombie while the test runs.
    const script = `${process.execPath} -e "require('fs').writeFileSync(process.argv[1], String(process.pid)); setInterval(() => {}, 1000)" ${join(dir, '.obc-lock')} & echo $!; exec sleep 30`;
    const sh = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    try {
      const childPid = await new Promise<number>((resolve) =>
        sh.stdout.once('data', (d) => resolve(Number(String(d).trim()))),
      );
      for (let i = 0; i < 200 && !(await readFile(join(dir, '.obc-lock'), 'utf8').catch(() => '')); i++)
        await new Promise((r) => setTimeout(r, 25));
      process.kill(childPid, 'SIGKILL');
      for (
        let i = 0;
        i < 200 && processAlive(childPid) && !(await readFile(`/proc/${childPid}/stat`, 'utf8')).includes(') Z');
        i++
      )
        await new Promise((r) => setTimeout(r, 25));
      expect(() => process.kill(childPid, 0)).not.toThrow(); // still there, as a zombie
      expect(processAlive(childPid)).toBe(false);
      await (
        await acquireJobLock(dir, 'job-a')
      )();
    } finally {
      sh.kill('SIGKILL');
    }
  });

  it('taken over when the pid now belongs to another process (start time differs), or the lock is empty or old-style dead', async () => {
    await writeFile(join(dir, '.obc-lock'), `${process.pid} 1 ${hostname()}\n`);
    await (
      await acquireJobLock(dir, 'job-a')
    )();
    await writeFile(join(dir, '.obc-lock'), '');
    await (
      await acquireJobLock(dir, 'job-a')
    )();
    await writeFile(join(dir, '.obc-lock'), '999999999');
    await (
      await acquireJobLock(dir, 'job-a')
    )();
  });

  it('a lock from another machine is not guessed at: the message names the machine and the file to delete', async () => {
    await writeFile(join(dir, '.obc-lock'), '1234 99 other-host\n');
    await expect(acquireJobLock(dir, 'job-a')).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/machine "other-host".*delete .*\.obc-lock/),
    });
  });
});
