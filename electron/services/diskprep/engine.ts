import { mkdir, readFile, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError, toIpcError, type Serializable } from '../../../shared/errors.ts';
import { checkContainerName } from '../../../shared/validators/azure-names.ts';
import { acquireJobLock } from '../backup/job-lock.ts';
import { unlockJob } from '../backup/crypto.ts';
import { describeBackup, requireIdentity, type BackupIdentity } from '../backup/identity.ts';
import { copyNote, prepareOneDisk, READBACK_NOTE_DIRECT } from './disk-run.ts';
import { jobKeyProtector, upsertDrive } from './drives-file.ts';
import { credentialForRun } from './manifest-credential.ts';
import { IoPool } from './io-pool.ts';
import { findJob, type StagedJob } from './jobs.ts';
import { parseJournal, replay } from './journal.ts';
import { planDisks, proposeSplit, undersizedDisks, type Plan } from './planner.ts';
import { openDisk } from './open-disk.ts';
import { retireStateFiles } from './retire.ts';
import { checkSeedAgainstCatalog } from './seed-check.ts';
import { ProgressTracker } from './progress.ts';
import { loadSession, mirrorJournalPath, saveSession, stateDirFor, type Session, type SessionDisk } from './session.ts';
import { availableParallelism } from 'node:os';
import { MAX_DISKS_PER_JOB, type DiskInfo, type DiskProvider, type PreparedVolume } from './types.ts';
import type { DiskPrepOptions, DiskPrepResult, DiskRef, PreparedDriveSummary } from './run-options.ts';

const defaultWorkers = (): number => Math.max(2, availableParallelism());

export type { DiskPrepOptions, DiskPrepResult, DiskRef, PreparedDriveSummary } from './run-options.ts';

export const isWindowsDiskId = (id: string): boolean => /^disk:\d+$/.test(id) || /^[A-Za-z]:?\\?$/.test(id);

export function providerFor(id: string, providers: DiskPrepOptions['providers']): DiskProvider {
  if (isWindowsDiskId(id)) {
    if (!providers.windows)
      throw new AppError(
        'UNSUPPORTED',
        `Disk ${id} looks like a Windows disk, but no Windows disk provider is available here.`,
      );
    return providers.windows;
  }
  return providers.folder;
}

/** Runs (or resumes) Disk Prep for one staging job over the given disks. */
export async function runDiskPrep(opts: DiskPrepOptions): Promise<DiskPrepResult> {
  const job = await findJob(opts.stagingLocation, opts.job);
  const jobName = job.jobName;
  const container = opts.container ?? job.seed.container;
  if (!container)
    throw new AppError('VALIDATION', `seed.json of job ${jobName} names no container; give one (container).`, {
      field: 'container',
    });
  const badContainer = checkContainerName(container); // decision 10, before the state folder or a disk is touched
  if (badContainer) throw new AppError('VALIDATION', badContainer, { field: 'container' });
  if (job.seed.state !== 'complete')
    throw new AppError(
      'CONFLICT',
      `The backup of job ${jobName} is not complete (seed.json state "${job.seed.state}"); finish Back Up Now before preparing disks.`,
      { job: jobName },
    );
  if (!opts.passphrase)
    throw new AppError(
      'VALIDATION',
      `The backup passphrase of job ${jobName} is needed: Disk Prep checks seed.json against the backup's catalog before copying.`,
      { field: 'passphrase' },
    );
  const stateDir = stateDirFor(opts.stagingLocation, jobName);
  const fresh = !(await stat(stateDir).catch(() => null));
  await mkdir(stateDir, { recursive: true });
  const unlock = await acquireJobLock(stateDir, jobName); // one Disk Prep run per job (console, CLI, another window)
  let failed = false;
  try {
    return await runLocked(opts, job, container, stateDir);
  } catch (err) {
    failed = true;
    throw err;
  } finally {
    await unlock();
    // A first run refused before it recorded anything (e.g. a SAS for another container) leaves no empty state folder.
    if (failed && fresh) await rmdir(stateDir).catch(() => undefined);
  }
}

async function runLocked(
  opts: DiskPrepOptions,
  job: StagedJob,
  container: string,
  stateDir: string,
): Promise<DiskPrepResult> {
  const jobName = job.jobName;
  const notices: string[] = [];
  const notice = (m: string) => {
    notices.push(m);
    opts.onNotice?.(m);
  };
  // The backup being prepared (salt + catalog hash), and seed.json checked against its authenticated catalog before
  // anything is written (a wrong passphrase is refused here too).
  const backup = requireIdentity(job.seed, `seed.json (${join(job.folder, 'seed.json')})`);
  const keys = await unlockJob(opts.passphrase, job.seed.crypto, jobName, join(job.folder, 'seed.json'));
  const checked = await checkSeedAgainstCatalog(job, keys);
  const session = await boundSession(stateDir, job, container, backup, notice);
  const ctx = { stagingLocation: opts.stagingLocation, jobName };

  // Inspect the disks given in this run; refusals stop everything before a byte is written.
  const given = new Map<string, { ref: DiskRef; info: DiskInfo; provider: DiskProvider }>();
  for (const ref of opts.disks) {
    const provider = providerFor(ref.id, opts.providers);
    const info = await provider.inspect(ref.id, ctx);
    if (info.refusals.length)
      throw new AppError('CONFLICT', info.refusals.map((r) => r.message).join(' '), {
        diskId: info.id,
        serial: info.serial,
        refusals: info.refusals.map((r) => r.code),
      });
    if (given.has(info.serial)) throw new AppError('VALIDATION', `Disk ${info.serial} was given twice.`);
    given.set(info.serial, { ref, info, provider });
  }
  const known = new Set(session.disks.map((d) => d.serial));
  for (const [serial, g] of given) {
    const existing = session.disks.find((d) => d.serial === serial);
    if (existing) existing.id = g.info.id;
    else
      session.disks.push({
        serial,
        id: g.info.id,
        kind: g.info.kind,
        capacityBytes: usableCapacity(g.info),
        files: [],
      });
  }
  const fresh = new Set(session.disks.filter((d) => !known.has(d.serial)).map((d) => d.serial));
  const files = job.seed.files.map((f) => ({ path: f.path, length: f.length }));
  const plan: Plan = planDisks(
    files,
    session.disks.map((d) => ({
      serial: d.serial,
      capacityBytes: d.capacityBytes,
      ...(fresh.has(d.serial) ? {} : { assigned: d.files }),
    })),
  );
  if (plan.tooManyDisks) {
    const cap = Math.max(...session.disks.map((d) => d.capacityBytes));
    const parts = proposeSplit(files, cap);
    throw new AppError(
      'CONFLICT',
      `This job needs more than ${MAX_DISKS_PER_JOB} disks; an import job takes at most ${MAX_DISKS_PER_JOB}. Split the staged data into ${parts.length} import jobs (proposal in details).`,
      {
        split: parts as unknown as Serializable,
        neededBytes: plan.neededBytes,
      },
    );
  }
  // A new disk the plan would give only small files (it cannot take a pack): refused, with the size it needs.
  const small = undersizedDisks(
    files,
    session.disks.filter((d, i) => fresh.has(d.serial) && plan.disks[i].files.length > 0),
    (p) => p.startsWith('packs/'),
  );
  if (small.length) {
    const u = small[0];
    throw new AppError(
      'CONFLICT',
      `Disk ${small.map((x) => `${x.serial} (${x.capacityBytes} bytes usable)`).join(', ')} ${small.length > 1 ? 'are' : 'is'} smaller than the smallest pack of this backup (${u.smallestPath}: ${u.smallestBytes} bytes; with the room kept for the manifest and journal a disk needs ${u.neededBytes} bytes): it could hold only the catalog and would ship no data. Use a disk of at least ${u.neededBytes} bytes.`,
      { serial: u.serial, neededBytes: u.neededBytes, capacityBytes: u.capacityBytes },
    );
  }
  for (const [i, d] of session.disks.entries()) {
    if (!given.has(d.serial)) continue;
    const n = plan.disks[i].files.length;
    if (fresh.has(d.serial))
      notice(
        n
          ? `Disk ${d.serial} is new to job ${jobName}: it takes ${n} file(s), ${plan.disks[i].dataBytes} bytes.`
          : `Disk ${d.serial} is not needed: every file of job ${jobName} is already placed on its other disks. It was not touched.`,
      );
  }
  session.disks = session.disks.filter((d, i) => !fresh.has(d.serial) || plan.disks[i].files.length > 0);
  for (const d of session.disks)
    if (fresh.has(d.serial)) d.files = plan.disks.find((p) => p.serial === d.serial)!.files;
  // The manifests' credential before anything is recorded or written (it may need a sign-in, or refuse).
  const containerSas = await credentialForRun(
    opts.credential,
    stateDir,
    {
      jobName,
      container,
      storageAccount: job.seed.storageAccount,
      subscriptionId: job.seed.subscriptionId,
      folderDisks: session.disks.some((d) => d.kind === 'folder'),
    },
    {
      disks: session.disks,
      finished: (d) => diskFinished(stateDir, d as SessionDisk, backup.id),
      repairing: (d) => opts.repair === true && given.has(d.serial),
      notice,
    },
  );
  await saveSession(stateDir, session);

  const byPath = new Map(job.seed.files.map((f, i) => [f.path, { ...f, index: i }]));
  const progress = new ProgressTracker(opts.onProgress);
  progress.neededBytes = plan.neededBytes;
  for (const d of session.disks)
    progress.add({
      serial: d.serial,
      id: given.get(d.serial)?.info.id ?? d.id,
      bytes: d.files.reduce((s, p) => s + byPath.get(p)!.length, 0),
      files: d.files.length,
    });
  const protector =
    typeof opts.protector === 'function' ? await opts.protector(job, keys) : (opts.protector ?? jobKeyProtector(keys));
  const result: DiskPrepResult = {
    jobName,
    container,
    stateDir,
    drives: [],
    readBackDirect: true,
    readBackNote: READBACK_NOTE_DIRECT,
    copyDirect: { read: true, write: true },
    copyNote: copyNote(true, true),
    copiedBytes: 0,
    copyMs: 0,
    verifiedBytes: 0,
    readBackMs: 0,
    warnings: [],
    notices,
    backupId: backup.id,
  };
  if (checked.note) {
    result.warnings.push(checked.note);
    opts.onWarning?.(checked.note);
  }
  const hook = async (name: string) => opts.checkpoint?.(name);

  // Which disks this run prepares: finished ones are skipped (they may be detached); every other one must be given.
  const todo: SessionDisk[] = [];
  for (const d of session.disks) {
    const g = given.get(d.serial);
    if ((!opts.repair || !g) && (await diskFinished(stateDir, d, backup.id))) {
      if (g)
        notice(
          `Disk ${d.serial} is already prepared and verified for ${describeBackup(backup)}: skipped (it may be detached).`,
        );
      const dp = progress.disk(d.serial);
      dp.copiedBytes = dp.verifiedBytes = dp.bytes;
      dp.copiedFiles = dp.files;
      progress.set('done', d.serial);
      continue;
    }
    if (!g)
      throw new AppError(
        'CONFLICT',
        `Disk ${d.serial} (${d.id}) of this job is not finished; attach it and give it again to continue.`,
        { serial: d.serial, diskId: d.id },
      );
    todo.push(d);
  }
  // Open every disk first (erase/encrypt, identity checks, seed copy): a refusal stops the run before any copy.
  const volumes = new Map<string, PreparedVolume>();
  for (const d of todo) {
    const g = given.get(d.serial)!;
    progress.set('prepare', d.serial);
    volumes.set(
      d.serial,
      await openDisk(
        {
          serial: d.serial,
          info: g.info,
          provider: g.provider,
          resume: !fresh.has(d.serial),
          ...(g.ref.confirmErase ? { confirmErase: true } : {}),
          ...(g.ref.existingBitLockerKey ? { existingBitLockerKey: g.ref.existingBitLockerKey } : {}),
        },
        { job, stagingLocation: opts.stagingLocation, backup, notice, ...(opts.signal ? { signal: opts.signal } : {}) },
      ),
    );
  }
  // Then every disk at once: one writer (at least) per disk, all sharing one worker pool (README: memory bound).
  const io = new IoPool(Math.max(opts.workers ?? defaultWorkers(), todo.length), opts.signal);
  const lanes = Math.max(1, Math.floor(io.size / Math.max(1, todo.length)));
  // drives.json is one file for all disks: its updates go one at a time, in the session's disk order.
  const order = session.disks.map((d) => d.serial);
  let drivesWrite: Promise<unknown> = Promise.resolve();
  const done = new Map<string, PreparedDriveSummary>();
  const failures: Array<{ serial: string; id: string; err: unknown }> = [];
  try {
    const runOne = async (d: SessionDisk): Promise<void> => {
      const vol = volumes.get(d.serial)!;
      try {
        // drives.json is written before the journal says "verified", so a kill in between only repeats the read-back.
        const summary = await prepareOneDisk({
          opts,
          d,
          vol,
          job,
          container,
          containerSas,
          stateDir,
          byPath,
          progress,
          io,
          lanes,
          result,
          hook,
          backup,
          onVerified: (s) => {
            const write = drivesWrite.then(() =>
              upsertDrive(
                stateDir,
                {
                  jobName,
                  container,
                  ...pick(job.seed, ['storageAccount', 'subscriptionId', 'resourceGroup']),
                  backup: {
                    id: backup.id,
                    salt: backup.salt,
                    catalogSha256: backup.catalogSha256,
                    ...(backup.completedAt ? { completedAt: backup.completedAt } : {}),
                  },
                },
                protector,
                { ...s, bitLockerKey: vol.bitLockerKey, verified: true, preparedAt: new Date().toISOString() },
                order,
              ),
            );
            drivesWrite = write.catch(() => undefined);
            return write.then(() => undefined);
          },
        });
        done.set(d.serial, summary);
        progress.set('done', d.serial);
      } catch (err) {
        failures.push({ serial: d.serial, id: given.get(d.serial)!.info.id, err });
        if (!opts.signal?.aborted) progress.failed(d.serial, toIpcError(err).message);
      }
    };
    // Test checkpoints name kill points by file and disk: one disk after the other keeps them reproducible, unless
    // the test asks for the disks at once (checkpointsInParallel).
    if (opts.checkpoint && !opts.checkpointsInParallel) for (const d of todo) await runOne(d);
    else await Promise.all(todo.map(runOne));
  } finally {
    await io.close();
    result.busyMs = { ...io.busy };
  }
  result.drives = order.filter((s) => done.has(s)).map((s) => done.get(s)!);
  if (opts.signal?.aborted)
    throw opts.signal.reason instanceof AppError
      ? opts.signal.reason
      : new AppError('CANCELLED', 'Cancelled by the user.');
  if (failures.length) throw diskFailure(failures, todo.length, [...done.keys()]);
  if (!plan.fits) {
    progress.set('needsDisk');
    const remaining = plan.unassigned.reduce((s, f) => s + f.length, 0);
    throw new AppError(
      'NO_SPACE',
      `The disks given hold only part of job ${jobName}: ${plan.unassigned.length} files (${remaining} bytes) remain. Attach another disk of at least ${plan.neededBytes} bytes and continue.`,
      {
        neededBytes: plan.neededBytes,
        remainingFiles: plan.unassigned.length,
        remainingBytes: remaining,
        preparedDisks: session.disks.length,
      },
    );
  }
  return result;
}

/**
 * The run's error when disks failed. The other disks were not stopped: each finished (verified, listed in
 * drives.json) or failed on its own. With one disk running, its error as it is; with several, one error naming every
 * failed disk and what became of the others (its code and details are the first failure's).
 */
function diskFailure(
  failures: Array<{ serial: string; id: string; err: unknown }>,
  running: number,
  finished: string[],
): unknown {
  if (running === 1) return failures[0].err;
  const first = toIpcError(failures[0].err);
  const named = failures.map((f) => `disk ${f.serial} (${f.id}) failed: ${toIpcError(f.err).message}`).join(' ');
  const others = finished.length
    ? ` ${finished.length === 1 ? 'Disk' : 'Disks'} ${finished.join(', ')} finished and verified (they may be detached).`
    : ' No other disk of this run finished.';
  // A full disk carries the bytes it lacked (details.neededBytes): kept as overBytes, so no host reads it as the plan's shortfall.
  const { neededBytes, ...details } = first.details ?? {};
  return new AppError(
    first.code,
    `Disk Prep stopped on ${failures.length} of ${running} disks: ${named}${others} Run Disk Prep again to resume the failed ${failures.length === 1 ? 'disk' : 'disks'}; committed files are kept.`,
    {
      ...details,
      ...(neededBytes !== undefined ? { overBytes: neededBytes } : {}),
      serial: failures[0].serial,
      failedDisks: failures.map((f) => f.serial),
      finishedDisks: finished,
    },
  );
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Folder disks: exactly the declared capacity. Real disks: the volume after GPT+NTFS is a little smaller. */
export function usableCapacity(info: DiskInfo): number {
  if (info.kind === 'folder') return info.sizeBytes;
  return Math.max(0, Math.floor(info.sizeBytes * 0.99) - 256 * 1024 * 1024);
}

/** Verified for this backup: the journal mirror ends verified and its begin record names the backup. */
async function diskFinished(stateDir: string, d: SessionDisk, backupId: string): Promise<boolean> {
  const text = await readFile(mirrorJournalPath(stateDir, d.serial), 'utf8').catch(() => '');
  const st = replay(parseJournal(text).records);
  return st.verified && st.backup === backupId;
}

/**
 * The session for this backup. One bound to another backup (a replaced backup), or to none (an older build), is
 * retired — moved aside with its journal mirrors and drives.json — never resumed; its disks are then refused by name
 * until their erase is confirmed (open-disk.ts).
 */
async function boundSession(
  stateDir: string,
  job: StagedJob,
  container: string,
  backup: BackupIdentity,
  notice: (m: string) => void,
): Promise<Session> {
  const jobName = job.jobName;
  const bound = {
    id: backup.id,
    salt: backup.salt,
    catalogSha256: backup.catalogSha256,
    ...(backup.completedAt ? { completedAt: backup.completedAt } : {}),
  };
  let session = await loadSession(stateDir);
  if (session && session.backup?.id !== backup.id) {
    const to = await retireStateFiles(stateDir, session.backup?.id ?? 'unidentified');
    notice(
      `The Disk Prep state of job ${jobName} was made for ${session.backup ? describeBackup(session.backup) : 'a backup an earlier version did not identify'}, but the staging folder now holds ${describeBackup(backup)}. That state (session, journal mirrors, drives.json) was moved to ${to}; the disks are prepared for the current backup.`,
    );
    session = null;
  }
  if (!session)
    return { format: 'obc-diskprep-session', formatVersion: 1, jobName, container, backup: bound, disks: [] };
  if (session.container !== container)
    throw new AppError('CONFLICT', `This job was started for container "${session.container}", not "${container}".`);
  const listed = new Set(job.seed.files.map((f) => f.path));
  const unknown = session.disks.flatMap((d) => d.files).filter((p) => !listed.has(p));
  if (unknown.length)
    throw new AppError(
      'CORRUPT_DATA',
      `The Disk Prep session ${join(stateDir, 'session.json')} places ${unknown.length} file(s) seed.json does not list (${unknown.slice(0, 5).join(', ')}); it is damaged. Move it aside and run Disk Prep again.`,
      { path: stateDir },
    );
  return session;
}
