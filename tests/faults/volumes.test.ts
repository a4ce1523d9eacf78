/**
 * Fault suite 3 (volumes): the staging volume fills up mid-backup, a target disk fills up mid-copy, the staging
 * folder goes read-only or disappears mid-run. Real file systems: tiny tmpfs mounts (this suite runs as root, where
 * chmod stops nothing; `mount -o remount,ro` does). Each fault must give a clear message, leave no half-written file
 * counted as done, and be resumable once the fault is gone. Skipped with the reason where `mount` is not allowed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, cp } from 'node:fs/promises';
import { join } from 'node:path';
import { diffTrees, openStagingJob } from '../../electron/services/backup/test-trees.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { readState } from '../../electron/services/backup/job-state.ts';
import { StagingFolderSource } from '../../electron/services/backup/reader.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { checkPackFile } from '../../electron/services/backup/pack-writer.ts';
import { unlockJob } from '../../electron/services/backup/crypto.ts';
import { readSeed } from '../../electron/services/backup/job-files.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  testCredential,
  writeSasFile,
} from '../../electron/services/diskprep/test-staging.ts';
import { PASSPHRASE, SEED, cli, makeCorpus, resultOf, tempDir, writePassFile } from './test-cli.ts';

const mounts: string[] = [];
function mountTmpfs(dir: string, size: string): void {
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  mounts.push(dir);
}
const remount = (dir: string, opts: string) => execFileSync('mount', ['-o', `remount,${opts}`, dir], { stdio: 'pipe' });
/**
 * `remount,ro` is refused (EBUSY) while the backup holds a file open for writing; packs are closed between writes,
 * so poll (5 ms steps, at most 10 s) until the kernel accepts it.
 */
function remountReadOnly(dir: string): void {
  const deadline = Date.now() + 10_000;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      remount(dir, 'ro');
      return;
    } catch (err) {
      if (!/busy/i.test(String((err as { stderr?: unknown }).stderr ?? err)) || Date.now() > deadline) throw err;
      Atomics.wait(pause, 0, 0, 5);
    }
  }
}

let canMount = false;
let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let pf: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-vol-'));
  try {
    await mkdir(join(dir, 'probe'));
    mountTmpfs(join(dir, 'probe'), '1m');
    canMount = true;
  } catch {
    canMount = false;
  }
  src = join(dir, 'src');
  await makeCorpus(src, SEED + 2, 6);
  pf = await writePassFile(dir);
});
afterAll(async () => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m]);
    } catch {
      /* already gone */
    }
  }
  await cleanup?.();
});

const backupArgs = (stagingLocation: string, job: string) => [
  'backup',
  '--items',
  src,
  '--staging',
  stagingLocation,
  '--job',
  job,
  '--passphrase-file',
  pf,
  '--pack-size',
  String(1 << 20),
  '--json',
];

/**
 * Runs Back Up Now and injects `fault` at the engine point `at` (default `pack:1`: one pack committed to resume
 * from, the most work left for the fault to hit). The CLI pauses there (OBC_TEST_PAUSE_AT, electron/cli/test-hooks.ts)
 * until the fault is in place, so the fault always lands mid-run — a watcher raced the sub-second backup and lost
 * under load.
 */
let pauses = 0;
async function backupWithFault(stagingLocation: string, job: string, fault: () => void | Promise<void>, at = 'pack:1') {
  const marker = join(dir, `pause-${++pauses}`);
  let fired = false;
  let exited = false;
  let injected: Promise<void> = Promise.resolve();
  const r = await cli(backupArgs(stagingLocation, job), {
    env: { OBC_TEST_PAUSE_AT: at, OBC_TEST_PAUSE_FILE: marker },
    onChild: (child) => {
      child.on('exit', () => (exited = true));
      injected = (async () => {
        while (!existsSync(`${marker}.paused`)) {
          if (exited) return;
          await new Promise((res) => setTimeout(res, 10));
        }
        await fault();
        fired = true;
        writeFileSync(`${marker}.go`, '');
      })();
    },
  });
  await injected;
  return { r, fired };
}

/** Every pack the resume state counts as committed reads back intact; no temp pack is counted. */
async function committedPacksIntact(jobDir: string): Promise<number> {
  const state = await readState(jobDir);
  const seed = await readSeed(jobDir);
  if (!state || !seed) return 0;
  const keys = await unlockJob(PASSPHRASE, seed.crypto, seed.jobName);
  for (const p of state.packs) {
    expect(p.path).toMatch(/^packs\/pack-\d+\.bin$/);
    const c = await checkPackFile(keys.enc, p.n, join(jobDir, p.path));
    expect('error' in c ? c.error : c.bad.length, `${p.path} counted as committed`).toBe(0);
  }
  return state.packs.length;
}

async function finishAndCheck(stagingLocation: string, job: string): Promise<void> {
  const again = await cli(backupArgs(stagingLocation, job));
  expect(again.code, again.stdout.slice(-600) + again.stderr).toBe(0);
  expect(resultOf(again)?.result?.resumed).toBe(true);
  expect((await verifyJob(new StagingFolderSource(join(stagingLocation, job)), PASSPHRASE)).ok).toBe(true);
  const out = join(dir, `out-${job}`);
  const reader = await openStagingJob(stagingLocation, job, PASSPHRASE);
  try {
    await restoreJob(reader, { to: out });
  } finally {
    await reader.source.close?.();
  }
  expect(await diffTrees(src, join(out, catalogPathOf(src)))).toEqual([]);
}

describe('volume faults', () => {
  it('staging volume fills up mid-backup: clear NO_SPACE/ENOSPC message naming the file, committed packs intact, resumes after space is freed', async (ctx) => {
    if (!canMount) return ctx.skip('mount -t tmpfs is not permitted here');
    const stagingLocation = join(dir, 'st-full');
    await mkdir(stagingLocation);
    mountTmpfs(stagingLocation, '14m'); // passes the up-front check (~7 MiB needed), then a filler takes the rest
    const filler = join(stagingLocation, 'filler.bin');
    const fill = () => {
      // Synchronously, so the volume is full before the backup writes its next pack; ENOSPC here is the point.
      try {
        writeFileSync(filler, Buffer.alloc(14 * MiB));
      } catch {
        /* full */
      }
    };
    const { r, fired } = await backupWithFault(stagingLocation, 'full-job', fill);
    expect(fired).toBe(true);
    const res = resultOf(r);
    expect(r.code, r.stdout.slice(-600)).toBe(1);
    expect(res?.error?.code).toBe('NO_SPACE');
    expect(res?.error?.message).toMatch(/full|no space|space/i);
    expect(res?.error?.message).toContain(stagingLocation);
    const jobDir = join(stagingLocation, 'full-job');
    expect(await committedPacksIntact(jobDir)).toBeGreaterThan(0);
    expect((await readSeed(jobDir))?.state).toBe('inProgress');
    await rm(filler);
    await finishAndCheck(stagingLocation, 'full-job');
  });

  it('staging volume turns read-only mid-backup: clear message, resumes once writable', async (ctx) => {
    if (!canMount) return ctx.skip('mount -t tmpfs is not permitted here');
    const stagingLocation = join(dir, 'st-ro');
    await mkdir(stagingLocation);
    mountTmpfs(stagingLocation, '64m');
    // The kernel refuses `remount,ro` while a file is open for writing, and at `pack:N` the next pack already is:
    // inject it once every pack is committed and the catalog written, so completing seed.json is what fails.
    const { r, fired } = await backupWithFault(
      stagingLocation,
      'ro-job',
      () => remountReadOnly(stagingLocation),
      'catalog',
    );
    expect(fired).toBe(true);
    const res = resultOf(r);
    expect(r.code, r.stdout.slice(-600)).toBe(1);
    expect(res?.error?.message, JSON.stringify(res?.error)).toMatch(/read-only/i);
    expect(res?.error?.message).toContain(stagingLocation);
    remount(stagingLocation, 'rw');
    const jobDir = join(stagingLocation, 'ro-job');
    await committedPacksIntact(jobDir);
    await finishAndCheck(stagingLocation, 'ro-job');
  });

  it('the staging job folder is removed mid-backup (replaced by a file): clear message naming it; a rerun after clean-up completes', async () => {
    const stagingLocation = join(dir, 'st-gone');
    const jobDir = join(stagingLocation, 'gone-job');
    const remove = () => {
      // Synchronous, so the folder is gone before the backup can write its next pack. The backup may add a file
      // between rm's listing and its rmdir (ENOTEMPTY): take it again, a bounded number of times.
      for (let i = 0; ; i++) {
        try {
          rmSync(jobDir, { recursive: true, force: true });
          writeFileSync(jobDir, 'not a folder');
          return;
        } catch (err) {
          if (i >= 50 || !['ENOTEMPTY', 'EISDIR', 'EEXIST'].includes((err as NodeJS.ErrnoException).code ?? ''))
            throw err;
        }
      }
    };
    const { r, fired } = await backupWithFault(stagingLocation, 'gone-job', remove);
    expect(fired).toBe(true);
    const res = resultOf(r);
    expect(r.code, r.stdout.slice(-600)).toBe(1);
    expect(res?.error?.message, JSON.stringify(res?.error)).toContain(jobDir);
    await rm(jobDir, { recursive: true, force: true });
    const again = await cli(backupArgs(stagingLocation, 'gone-job'));
    expect(again.code, again.stdout.slice(-600)).toBe(0);
    expect((await verifyJob(new StagingFolderSource(jobDir), PASSPHRASE)).ok).toBe(true);
  });

  it('a target disk fills up mid-copy: clear NO_SPACE naming the disk, the partial file is not committed, resume completes after space is added', async (ctx) => {
    if (!canMount) return ctx.skip('mount -t tmpfs is not permitted here');
    const root = join(dir, 'dp-full');
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, 'dpfull', [3 * MiB, 3 * MiB, 2 * MiB + 512], { container: 'seed' });
    await mkdir(join(root, 'mnt'), { recursive: true });
    mountTmpfs(join(root, 'mnt'), '5m'); // the folder disk claims 12 MiB; the real volume holds 5
    const [disk] = await makeDisks(join(root, 'mnt'), [12 * MiB], 'FULLD');
    const sas = await writeSasFile(root, testCredential, 'dpfull'); // the manifests' container SAS, no sign-in
    const args = [
      'diskprep',
      `s:${stagingLocation}`,
      '--job',
      'dpfull',
      '--disk',
      disk,
      '--yes',
      '--no-job',
      '--container-sas',
      sas,
      '--json',
    ];
    const env = { OBC_PASSPHRASE: TEST_PASSPHRASE };
    const r = await cli(args, { env });
    expect(r.code, r.stdout.slice(-800) + r.stderr).toBe(1);
    const err =
      JSON.parse(
        r.stdout
          .trim()
          .split('\n')
          .filter((l) => l.includes('"type":"error"'))
          .pop() ?? '{}',
      ).error ?? resultOf(r)?.error;
    expect(err?.code, JSON.stringify(err)).toBe('NO_SPACE');
    expect(err?.message).toMatch(/FULLD|disk1/);
    // The journal commits only what was copied whole.
    const journal = (await readFile(join(disk, 'obc-journal.json'), 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const committed = journal.filter((x) => x.t === 'commit').map((x) => x.path);
    const started = journal.filter((x) => x.t === 'start').map((x) => x.path);
    expect(started.length).toBeGreaterThan(committed.length);
    for (const c of journal.filter((x) => x.t === 'commit')) {
      const onDisk = await readFile(join(disk, 'obc-session-1', 'dpfull', ...c.path.split('/')));
      expect(onDisk.equals(await readFile(join(stagingLocation, 'dpfull', c.path))), `${c.path} committed whole`).toBe(
        true,
      );
    }
    remount(join(root, 'mnt'), 'size=16m');
    const again = await cli(args, { env });
    expect(again.code, again.stdout.slice(-800) + again.stderr).toBe(0);
    const last = (await readFile(join(disk, 'obc-journal.json'), 'utf8')).trim().split('\n').pop()!;
    expect(last).toMatch(/"t":"verified"/);
    await cp(stagingLocation, join(root, 'copy-check'), { recursive: true }); // staging untouched by the fault
    expect((await readdir(join(root, 'copy-check', 'dpfull', 'packs'))).length).toBe(3);
  });
});
