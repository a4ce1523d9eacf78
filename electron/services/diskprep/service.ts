import { join } from 'node:path';
import { AppError, type Serializable } from '../../../shared/errors.ts';
import {
  DISK_PREP_WAITS,
  diskPrepWaitReason,
  type CreateImportJobRequest,
  type CreateImportJobResult,
  type DiskInfo,
  type DiskPrepProgress,
  type DiskPrepStatus,
  type DisksView,
  type DrivesView,
  type JobsView,
  type PlanView,
  type DiskPrepWaitReason,
} from '../../../shared/contract/diskprep.ts';
import type { TaskContext, TaskManager } from '../tasks/task-manager.ts';
import type { ParsedReq } from '../../../shared/ipc.ts';
import { driveList, loadDrives, passphraseProtector, type SecretProtector } from './drives-file.ts';
import {
  extendImportSas,
  type CredentialTask,
  type ManifestCredential,
  type ManifestCredentialRequest,
} from './manifest-credential.ts';
import type { ImportSasPort } from '../azure/container-sas.ts';
import { createJobFromDisks, currentCloud, findJobTarget, type JobAzurePort } from './create-job.ts';
import { fromDefaults } from '../../../shared/shipping-draft.ts';
import {
  providerFor,
  runDiskPrep,
  usableCapacity,
  type DiskPrepOptions,
  type DiskRef,
  type DiskPrepResult,
} from './engine.ts';
import { FolderDiskProvider, initFolderDisk, parseSize } from './folder-disk.ts';
import { discoverJobs, findJob, type StagedJob } from './jobs.ts';
import { planDisks, proposeSplit } from './planner.ts';
import { loadSession, stateDirFor } from './session.ts';
import { NOT_WINDOWS_MESSAGE, WindowsDiskProvider } from './windows-disk.ts';
import type { DiskProvider } from './types.ts';
import { assertPreparable } from './disk-checks.ts';
import { needsDiskMessage, needsDiskOf, type NeedsDisk } from './needs-disk.ts';
import { statusOf } from './service-status.ts';
import { isFinished, type TaskSnapshot } from '../../../shared/task.ts';

export interface DiskPrepServiceOptions {
  tasks: TaskManager;
  /** Rehearsal folder disks are looked for in `<dataDir>/rehearsal-disks` (plus folderRoots). */
  dataDir?: string;
  folderRoots?: string[];
  windows?: DiskProvider & { available?: boolean };
  /**
   * The manifests' container SAS (decision 14), through the signed-in Azure layer; `task` lets it wait for a sign-in
   * (CredentialTask.waitForSignIn). Without it, Disk Prep cannot write a manifest the datacenter accepts and refuses
   * to start.
   */
  credential?: (req: ManifestCredentialRequest, task: CredentialTask) => Promise<ManifestCredential>;
}

/** A Disk Prep task's message while it waits for a sign-in (the words of the CLI's notice, electron/cli/commands/diskprep-job.ts). */
export const signInWaitMessage = (why: string): string =>
  `${DISK_PREP_WAITS.signIn.title}: every drive manifest carries a container SAS, signed through your Azure sign-in. Sign in and the copy continues by itself, or cancel; nothing more is written to the disks until then. (${why})`;

interface Remembered {
  disks: DiskRef[];
  container?: string;
  passphrase?: string;
  taskId?: string;
  lastProgress?: DiskPrepProgress;
  needsDisk?: NeedsDisk;
}

/**
 * What a host adds to a run besides the request: the CLI prints notices, warnings and progress itself, fails with
 * the engine's NO_SPACE on a shortfall (exit code 4) instead of waiting for another disk, and has test checkpoints.
 */
export interface DiskPrepRunHooks {
  onProgress?: (p: DiskPrepProgress) => void;
  onNotice?: (message: string) => void;
  onWarning?: (message: string) => void;
  checkpoint?: DiskPrepOptions['checkpoint'];
  checkpointsInParallel?: boolean;
  /** The disks given are too small: fail the task with the engine's NO_SPACE (its numbers in details) rather than wait. */
  failOnShortfall?: boolean;
}

/** What diskprep:addDisk hands a waiting Disk Prep task (TaskManager.resume). */
interface MoreDisks {
  disks: DiskRef[];
  passphrase?: string;
}

/** Disk Prep for the hosts: jobs, disks, plan, the copy task, status and the drive list. */
export class DiskPrepService {
  private readonly tasks: TaskManager;
  private readonly dataDir?: string;
  private readonly folder: FolderDiskProvider;
  private readonly folderRoots: string[];
  private readonly windows: DiskProvider & { available?: boolean };
  private readonly credential?: DiskPrepServiceOptions['credential'];
  private readonly sessions = new Map<string, Remembered>();

  constructor(opts: DiskPrepServiceOptions) {
    this.tasks = opts.tasks;
    if (opts.dataDir) this.dataDir = opts.dataDir;
    this.folderRoots = [...(opts.dataDir ? [join(opts.dataDir, 'rehearsal-disks')] : []), ...(opts.folderRoots ?? [])];
    this.folder = new FolderDiskProvider({ searchRoots: this.folderRoots });
    this.windows = opts.windows ?? new WindowsDiskProvider();
    if (opts.credential) this.credential = opts.credential;
  }

  private providers() {
    return { folder: this.folder, windows: this.windows };
  }

  async jobs(stagingLocation: string): Promise<JobsView> {
    const d = await discoverJobs(stagingLocation);
    return {
      stagingLocation: d.stagingLocation,
      broken: d.broken,
      jobs: d.jobs.map((j) => ({
        jobName: j.jobName,
        folder: j.folder,
        files: j.files,
        bytes: j.bytes,
        state: j.seed.state,
        sourceMachine: j.seed.sourceMachine,
        createdAt: j.seed.createdAt,
        ...(j.seed.container ? { container: j.seed.container } : {}),
        ...(j.seed.storageAccount ? { storageAccount: j.seed.storageAccount } : {}),
        ...(j.seed.jobBackend ? { jobBackend: j.seed.jobBackend } : {}),
      })),
    };
  }

  async disks(req: {
    stagingLocation?: string | undefined;
    job?: string | undefined;
    folderRoots?: string[] | undefined;
  }): Promise<DisksView> {
    const ctx = {
      ...(req.stagingLocation ? { stagingLocation: req.stagingLocation } : {}),
      ...(req.job ? { jobName: req.job } : {}),
    };
    const folder = req.folderRoots ? new FolderDiskProvider({ searchRoots: req.folderRoots }) : this.folder;
    const available = this.windows.available !== false;
    const disks = [...(available ? await this.windows.list(ctx) : []), ...(await folder.list(ctx))];
    return { disks, windowsAvailable: available, ...(available ? {} : { note: NOT_WINDOWS_MESSAGE }) };
  }

  async initFolderDisk(req: { path: string; serial: string; capacity: number | string }): Promise<DiskInfo> {
    const capacity = typeof req.capacity === 'number' ? req.capacity : parseSize(req.capacity);
    await initFolderDisk(req.path, req.serial, capacity);
    return this.folder.inspect(req.path, {});
  }

  async plan(req: { stagingLocation: string; job: string; disks: string[] }): Promise<PlanView> {
    const job = await findJob(req.stagingLocation, req.job);
    const infos = [];
    for (const id of req.disks)
      infos.push(
        await providerFor(id, this.providers()).inspect(id, { stagingLocation: req.stagingLocation, jobName: req.job }),
      );
    const files = job.seed.files.map((f) => ({ path: f.path, length: f.length }));
    const p = planDisks(
      files,
      infos.map((i) => ({ serial: i.serial, capacityBytes: usableCapacity(i) })),
    );
    return {
      fits: p.fits,
      neededBytes: p.neededBytes,
      totalBytes: p.totalBytes,
      largestFileBytes: files.reduce((m, f) => Math.max(m, f.length), 0),
      disks: p.disks.map((d) => ({
        serial: d.serial,
        capacityBytes: d.capacityBytes,
        files: d.files.length,
        dataBytes: d.dataBytes,
        plannedBytes: d.plannedBytes,
      })),
      unassignedFiles: p.unassigned.length,
      tooManyDisks: p.tooManyDisks,
      split: p.tooManyDisks && infos.length ? proposeSplit(files, Math.max(...infos.map(usableCapacity))) : [],
    };
  }

  private protectorFor(passphrase: string | undefined): (job: StagedJob) => Promise<SecretProtector> {
    return async (job) => {
      if (passphrase) return passphraseProtector(passphrase, job.seed);
      throw new AppError('VALIDATION', 'The backup passphrase is needed to seal the BitLocker keys in drives.json.', {
        field: 'passphrase',
      });
    };
  }

  /** The job's task while it is not finished (running, waiting for a disk, cancelling). */
  private activeTask(mem: Remembered | undefined): TaskSnapshot | undefined {
    if (!mem?.taskId) return undefined;
    const t = this.tasks.list().find((x) => x.id === mem.taskId);
    return t && !isFinished(t.status) ? t : undefined;
  }

  /**
   * The task's side of the manifests' credential: its signal, its message, and a wait for a sign-in that names the
   * staging location and job (as the wait for another disk does: the Jobs view opens Prepare Disks from them).
   */
  private credentialTask(t: TaskContext, job: { stagingLocation: string; job: string }): CredentialTask {
    return {
      signal: t.signal,
      message: (text) => t.message(text),
      waitForSignIn: async (why, signedIn) => {
        const byUser = t.waitForUser(signInWaitMessage(why), {
          reason: 'signIn' satisfies DiskPrepWaitReason,
          details: job,
        });
        byUser.catch(() => undefined); // awaited below; cancelling rejects it
        const again = await Promise.race([signedIn, byUser.then(() => true)]);
        // Signed in (or the sign-in wait ended): the task runs again by itself, as if the user had continued it.
        if (this.tasks.get(t.id).status === 'waiting') this.tasks.resume(t.id, null);
        await byUser;
        return again;
      },
    };
  }

  /**
   * Starts the copy task. When the disks run out of room the task does not fail: it completes the disks it has,
   * then waits (status 'waiting', "Waiting for another disk: …") until addDisk continues it with one more disk.
   */
  start(req: ParsedReq<'diskprep:start'>, hooks: DiskPrepRunHooks = {}): { taskId: string } {
    const key = stateDirFor(req.stagingLocation, req.job);
    const active = this.activeTask(this.sessions.get(key));
    if (active?.status === 'waiting')
      throw new AppError(
        'CONFLICT',
        diskPrepWaitReason(active.waiting) === 'signIn'
          ? `Disk Prep for job ${req.job} is waiting for sign-in (task ${active.id}); sign in to continue it, or cancel it first.`
          : `Disk Prep for job ${req.job} is waiting for another disk (task ${active.id}); add a disk to continue it, or cancel it first.`,
        { taskId: active.id },
      );
    if (active)
      throw new AppError('CONFLICT', `Disk Prep for job ${req.job} is already running (task ${active.id}).`, {
        taskId: active.id,
      });
    if (!req.passphrase)
      throw new AppError(
        'VALIDATION',
        "The backup passphrase is needed: Disk Prep checks seed.json against the backup's catalog before copying, and seals the BitLocker keys with it.",
        { field: 'passphrase' },
      );
    const credential = this.credential;
    if (!credential)
      throw new AppError(
        'UNSUPPORTED',
        'Disk Prep in this host has no Azure layer to sign the container SAS every drive manifest carries.',
      );
    const mem: Remembered = {
      disks: req.disks,
      ...(req.container ? { container: req.container } : {}),
      ...(req.passphrase ? { passphrase: req.passphrase } : {}),
    };
    this.sessions.set(key, mem);
    const snap = this.tasks.start('diskprep', `Prepare disks for ${req.job}`, async (t) => {
      t.progress({ done: 0, unit: 'bytes' });
      let disks = req.disks;
      let passphrase = req.passphrase;
      for (;;) {
        let res: DiskPrepResult;
        try {
          res = await runDiskPrep({
            stagingLocation: req.stagingLocation,
            job: req.job,
            ...(req.container ? { container: req.container } : {}),
            disks,
            providers: this.providers(),
            passphrase: passphrase ?? '',
            credential: (r) =>
              credential(r, this.credentialTask(t, { stagingLocation: req.stagingLocation, job: req.job })),
            signal: t.signal,
            ...(req.repair ? { repair: true } : {}),
            ...(hooks.checkpoint ? { checkpoint: hooks.checkpoint } : {}),
            ...(hooks.checkpointsInParallel ? { checkpointsInParallel: true } : {}),
            onWarning: (msg) => {
              t.warn(msg); // e.g. a damaged journal line: disk, path, line, what is redone
              hooks.onWarning?.(msg);
            },
            onNotice: (msg) => {
              t.message(msg);
              hooks.onNotice?.(msg);
            },
            onProgress: (p) => {
              mem.lastProgress = p;
              // Every disk's phase, bytes, rate and ETA, pushed with the task (task:updated): the copy page polls nothing.
              t.detail({ kind: 'diskprep', progress: p });
              t.progress({ done: p.doneBytes, total: p.totalBytes, unit: 'bytes' });
              t.message([p.phase, p.serial && `disk ${p.serial}`, p.currentFile].filter(Boolean).join(' · '));
              for (const d of p.disks)
                t.counter(
                  `disk ${d.serial}`,
                  d.bytes ? Math.round((50 * (d.copiedBytes + d.verifiedBytes)) / d.bytes) : 100,
                  'percent',
                );
              hooks.onProgress?.(p);
            },
          });
        } catch (err) {
          const need = hooks.failOnShortfall ? null : needsDiskOf(err);
          if (!need) throw err;
          // The disks given are complete (journal, manifest, read-back); the same task waits for the next disk.
          // Progress counts the files still to place (copy + read-back), so a paused job never reads as 100 %.
          mem.needsDisk = need;
          const lp = mem.lastProgress;
          const done = lp?.doneBytes ?? 0;
          if (lp) {
            const { rate: _rate, etaSeconds: _eta, ...rest } = lp;
            mem.lastProgress = { ...rest, phase: 'needsDisk', totalBytes: done + 2 * need.remainingBytes };
          }
          t.progress({ done, total: done + 2 * need.remainingBytes, unit: 'bytes' });
          if (mem.lastProgress) t.detail({ kind: 'diskprep', progress: mem.lastProgress });
          const more = await t.waitForUser<MoreDisks>(needsDiskMessage(need), {
            reason: 'anotherDisk' satisfies DiskPrepWaitReason,
            details: { ...need, stagingLocation: req.stagingLocation, job: req.job },
          });
          delete mem.needsDisk;
          disks = mem.disks = more.disks;
          if (more.passphrase) passphrase = mem.passphrase = more.passphrase;
          continue;
        }
        delete mem.needsDisk;
        delete mem.passphrase;
        if (!res.readBackDirect) t.warn(res.readBackNote);
        if (mem.lastProgress) t.detail({ kind: 'diskprep', progress: mem.lastProgress, result: res });
        return { ...res, drives: res.drives as unknown as Serializable } as Record<string, unknown>;
      }
    });
    mem.taskId = snap.id;
    return { taskId: snap.id };
  }

  /**
   * Continues a job paused for capacity with one more disk (plus the disks given before, which may now be
   * detached). A task still waiting for the disk continues (same task id); after a restart or a cancel, a new
   * task resumes the job from its journals. The new disk is checked first: a refused disk is named at once and
   * the task keeps waiting.
   */
  async addDisk(req: {
    stagingLocation: string;
    job: string;
    disk: DiskRef;
    passphrase?: string | undefined;
  }): Promise<{ taskId: string }> {
    const key = stateDirFor(req.stagingLocation, req.job);
    const mem = this.sessions.get(key);
    const session = await loadSession(key);
    if (!mem && !session)
      throw new AppError('CONFLICT', `Disk Prep has not started for job ${req.job}; start it first.`);
    const active = this.activeTask(mem);
    if (active?.status === 'waiting' && diskPrepWaitReason(active.waiting) === 'signIn')
      throw new AppError(
        'CONFLICT',
        `Disk Prep for job ${req.job} is waiting for sign-in (task ${active.id}), not for a disk; sign in to continue it.`,
        { taskId: active.id },
      );
    if (active && active.status !== 'waiting')
      throw new AppError(
        'CONFLICT',
        `Disk Prep for job ${req.job} is ${active.status === 'running' ? 'still copying' : active.status} (task ${active.id}); add a disk when it asks for one.`,
        { taskId: active.id },
      );
    const info = await providerFor(req.disk.id, this.providers()).inspect(req.disk.id, {
      stagingLocation: req.stagingLocation,
      jobName: req.job,
    });
    const own = session?.disks.find((d) => d.serial === info.serial);
    if (own)
      throw new AppError(
        'CONFLICT',
        `Disk ${info.serial} (${req.disk.id}) already belongs to job ${req.job}; attach a different disk with at least the capacity asked for.`,
        { serial: info.serial, diskId: req.disk.id },
      );
    assertPreparable(info, { jobName: req.job, ...(req.disk.confirmErase ? { confirmErase: true } : {}) });
    const previous = (mem?.disks ?? session?.disks.map((d) => ({ id: d.id })) ?? []).filter(
      (d) => d.id !== req.disk.id,
    );
    // Finished disks are skipped even when detached; unfinished ones must stay attached.
    const attached: DiskRef[] = [];
    for (const d of previous)
      if (
        await providerFor(d.id, this.providers())
          .inspect(d.id, {})
          .then(
            () => true,
            () => false,
          )
      )
        attached.push({ id: d.id });
    const disks = [...attached, req.disk];
    if (active && mem) {
      this.tasks.resume(active.id, {
        disks,
        ...(req.passphrase ? { passphrase: req.passphrase } : {}),
      } satisfies MoreDisks);
      return { taskId: active.id };
    }
    const passphrase = req.passphrase ?? mem?.passphrase;
    return this.start({
      stagingLocation: req.stagingLocation,
      job: req.job,
      ...(mem?.container ? { container: mem.container } : {}),
      disks,
      ...(passphrase ? { passphrase } : {}),
    });
  }

  async status(req: { stagingLocation: string; job: string }): Promise<DiskPrepStatus> {
    const mem = this.sessions.get(stateDirFor(req.stagingLocation, req.job));
    return statusOf(req, mem, this.activeTask(mem));
  }

  async drives(req: {
    stagingLocation: string;
    job: string;
    passphrase?: string | undefined;
    revealKeys?: boolean | undefined;
  }): Promise<DrivesView> {
    const stateDir = stateDirFor(req.stagingLocation, req.job);
    const file = await loadDrives(stateDir);
    if (!file)
      throw new AppError(
        'NOT_FOUND',
        `No disk has been prepared for job ${req.job} yet (${join(stateDir, 'drives.json')}).`,
      );
    const view: DrivesView = {
      jobName: file.jobName,
      container: file.container,
      ...(file.storageAccount ? { storageAccount: file.storageAccount } : {}),
      drives: file.drives.map(({ bitLockerKeySealed: _sealed, preparedAt: _at, ...rest }) => rest),
    };
    if (req.revealKeys) {
      const job = await findJob(req.stagingLocation, req.job);
      view.driveList = (await driveList(stateDir, await this.protectorFor(req.passphrase)(job))).driveList;
    }
    return view;
  }

  /**
   * `diskprep:createJob`: the import job for the prepared disks of a staged job (create-job.ts): storage account,
   * region, datacenter and carriers looked up through the Azure layer, the shipping details checked, the job
   * created from drives.json. The BitLocker keys are opened here and never sent to the renderer.
   */
  async createImportJob(
    req: CreateImportJobRequest,
    azure: JobAzurePort & ImportSasPort,
  ): Promise<CreateImportJobResult> {
    const job = await findJob(req.stagingLocation, req.job);
    // Decision 1: the job type asked for, else the one the policy recorded in seed.json, else Data Box.
    const target = await findJobTarget(azure, job.seed, {
      subscriptionId: req.subscriptionId,
      backend: req.backend ?? job.seed.jobBackend ?? 'DataBox',
    });
    const made = await createJobFromDisks(azure, {
      stateDir: stateDirFor(req.stagingLocation, req.job),
      protector: await this.protectorFor(req.passphrase)(job),
      target,
      cloud: await currentCloud(azure),
      shipping: fromDefaults(req.shipping),
      ...(this.dataDir ? { dataDir: this.dataDir } : {}),
      extendSas: extendImportSas(azure),
    });
    return { ...made, target };
  }
}
