import { join } from 'node:path';
import { readFile } from 'node:fs/promises';
import { AppError, toIpcError, type Serializable } from '../../../shared/errors.ts';
import type { DiskInfo, DiskPrepProgress, DiskPrepStatus, DisksView, DrivesView, JobsView, PlanView } from '../../../shared/contract/diskprep.ts';
import type { TaskManager } from '../tasks/task-manager.ts';
import { createJobFromDrives, driveList, loadDrives, passphraseProtector, type ImportJobCreator, type SecretProtector } from './drives-file.ts';
import { providerFor, runDiskPrep, usableCapacity, type DiskRef, type DiskPrepResult } from './engine.ts';
import { FolderDiskProvider, initFolderDisk, parseSize } from './folder-disk.ts';
import { discoverJobs, findJob, type StagedJob } from './jobs.ts';
import { parseJournal, replay } from './journal.ts';
import { planDisks, proposeSplit } from './planner.ts';
import { loadSession, mirrorJournalPath, stateDirFor } from './session.ts';
import { NOT_WINDOWS_MESSAGE, WindowsDiskProvider } from './windows-disk.ts';
import type { DiskProvider } from './types.ts';

export interface DiskPrepServiceOptions {
  tasks: TaskManager;
  /** Rehearsal folder disks are looked for in `<dataDir>/rehearsal-disks` (plus folderRoots). */
  dataDir?: string;
  folderRoots?: string[];
  windows?: DiskProvider & { available?: boolean };
  /** Host's platform protector (Electron safeStorage). Without it, the backup passphrase is required. */
  platformProtector?: SecretProtector;
}

interface Remembered {
  disks: DiskRef[];
  container?: string;
  passphrase?: string;
  taskId?: string;
  lastProgress?: DiskPrepProgress;
  needsDisk?: { neededBytes: number; remainingFiles: number; remainingBytes: number };
}

/** Disk Prep for the hosts: jobs, disks, plan, the copy task, status and the drive list. */
export class DiskPrepService {
  private readonly tasks: TaskManager;
  private readonly folder: FolderDiskProvider;
  private readonly folderRoots: string[];
  private readonly windows: DiskProvider & { available?: boolean };
  private readonly platformProtector?: SecretProtector;
  private readonly sessions = new Map<string, Remembered>();

  constructor(opts: DiskPrepServiceOptions) {
    this.tasks = opts.tasks;
    this.folderRoots = [...(opts.dataDir ? [join(opts.dataDir, 'rehearsal-disks')] : []), ...(opts.folderRoots ?? [])];
    this.folder = new FolderDiskProvider({ searchRoots: this.folderRoots });
    this.windows = opts.windows ?? new WindowsDiskProvider();
    if (opts.platformProtector) this.platformProtector = opts.platformProtector;
  }

  private providers() {
    return { folder: this.folder, windows: this.windows };
  }

  async jobs(staging: string): Promise<JobsView> {
    const d = await discoverJobs(staging);
    return {
      staging: d.staging,
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
      })),
    };
  }

  async disks(req: { staging?: string; job?: string; folderRoots?: string[] }): Promise<DisksView> {
    const ctx = { ...(req.staging ? { stagingPath: req.staging } : {}), ...(req.job ? { jobName: req.job } : {}) };
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

  async plan(req: { staging: string; job: string; disks: string[] }): Promise<PlanView> {
    const job = await findJob(req.staging, req.job);
    const infos = [];
    for (const id of req.disks) infos.push(await providerFor(id, this.providers()).inspect(id, { stagingPath: req.staging, jobName: req.job }));
    const files = job.seed.files.map((f) => ({ path: f.path, length: f.length }));
    const p = planDisks(files, infos.map((i) => ({ serial: i.serial, capacityBytes: usableCapacity(i) })));
    return {
      fits: p.fits,
      neededBytes: p.neededBytes,
      totalBytes: p.totalBytes,
      disks: p.disks.map((d) => ({ serial: d.serial, capacityBytes: d.capacityBytes, files: d.files.length, dataBytes: d.dataBytes, plannedBytes: d.plannedBytes })),
      unassignedFiles: p.unassigned.length,
      tooManyDisks: p.tooManyDisks,
      split: p.tooManyDisks && infos.length ? proposeSplit(files, Math.max(...infos.map(usableCapacity))) : [],
    };
  }

  private protectorFor(passphrase: string | undefined): (job: StagedJob) => Promise<SecretProtector> {
    return async (job) => {
      if (passphrase) return passphraseProtector(passphrase, job.seed);
      if (this.platformProtector) return this.platformProtector;
      throw new AppError('VALIDATION', 'The backup passphrase is needed to seal the BitLocker keys in drives.json.', { field: 'passphrase' });
    };
  }

  /** Starts the copy task; the result (or a NO_SPACE pause) is remembered for addDisk/status. */
  start(req: { staging: string; job: string; container?: string; disks: DiskRef[]; passphrase?: string; repair?: boolean }): { taskId: string } {
    const key = stateDirFor(req.staging, req.job);
    const running = this.sessions.get(key)?.taskId;
    if (running && this.tasks.get(running).status === 'running') throw new AppError('CONFLICT', `Disk Prep for job ${req.job} is already running (task ${running}).`);
    if (!req.passphrase && !this.platformProtector) throw new AppError('VALIDATION', 'The backup passphrase is needed to seal the BitLocker keys in drives.json.', { field: 'passphrase' });
    const mem: Remembered = { disks: req.disks, ...(req.container ? { container: req.container } : {}), ...(req.passphrase ? { passphrase: req.passphrase } : {}) };
    this.sessions.set(key, mem);
    const snap = this.tasks.start('diskprep', `Prepare disks for ${req.job}`, async (t) => {
      t.progress({ done: 0, unit: 'bytes' });
      try {
        const res: DiskPrepResult = await runDiskPrep({
          staging: req.staging,
          job: req.job,
          ...(req.container ? { container: req.container } : {}),
          disks: req.disks,
          providers: this.providers(),
          protector: this.protectorFor(req.passphrase),
          signal: t.signal,
          ...(req.repair ? { repair: true } : {}),
          onProgress: (p) => {
            mem.lastProgress = p;
            t.progress({ done: p.doneBytes, total: p.totalBytes, unit: 'bytes' });
            t.message([p.phase, p.serial && `disk ${p.serial}`, p.currentFile].filter(Boolean).join(' · '));
            for (const d of p.disks) t.counter(`disk ${d.serial}`, d.bytes ? Math.round((50 * (d.copiedBytes + d.verifiedBytes)) / d.bytes) : 100, 'percent');
          },
        });
        delete mem.needsDisk;
        delete mem.passphrase;
        if (!res.readBackDirect) t.warn(res.readBackNote);
        return { ...res, drives: res.drives as unknown as Serializable } as Record<string, unknown>;
      } catch (err) {
        const e = toIpcError(err);
        if (e.code === 'NO_SPACE' && e.details?.neededBytes !== undefined) {
          mem.needsDisk = { neededBytes: Number(e.details.neededBytes), remainingFiles: Number(e.details.remainingFiles ?? 0), remainingBytes: Number(e.details.remainingBytes ?? 0) };
        }
        throw err;
      }
    });
    mem.taskId = snap.id;
    return { taskId: snap.id };
  }

  /** Continues a paused job with one more disk (plus the disks given before, which may now be detached). */
  async addDisk(req: { staging: string; job: string; disk: DiskRef; passphrase?: string }): Promise<{ taskId: string }> {
    const key = stateDirFor(req.staging, req.job);
    const mem = this.sessions.get(key);
    const session = await loadSession(key);
    if (!mem && !session) throw new AppError('CONFLICT', `Disk Prep has not started for job ${req.job}; start it first.`);
    const previous = (mem?.disks ?? []).filter((d) => d.id !== req.disk.id);
    // Finished disks are skipped even when detached; unfinished ones must stay attached.
    const attached: DiskRef[] = [];
    for (const d of previous) if (await providerFor(d.id, this.providers()).inspect(d.id, {}).then(() => true, () => false)) attached.push({ id: d.id });
    const passphrase = req.passphrase ?? mem?.passphrase;
    return this.start({ staging: req.staging, job: req.job, ...(mem?.container ? { container: mem.container } : {}), disks: [...attached, req.disk], ...(passphrase ? { passphrase } : {}) });
  }

  async status(req: { staging: string; job: string }): Promise<DiskPrepStatus> {
    const job = await findJob(req.staging, req.job);
    const stateDir = stateDirFor(req.staging, req.job);
    const session = await loadSession(stateDir);
    const mem = this.sessions.get(stateDir);
    const lengths = new Map(job.seed.files.map((f) => [f.path, f.length]));
    const disks = [];
    for (const d of session?.disks ?? []) {
      const st = replay(parseJournal(await readFile(mirrorJournalPath(stateDir, d.serial), 'utf8').catch(() => '')).records);
      disks.push({
        serial: d.serial,
        id: d.id,
        kind: d.kind,
        files: d.files.length,
        bytes: d.files.reduce((s, p) => s + (lengths.get(p) ?? 0), 0),
        committedFiles: st.committed.size,
        committedBytes: [...st.committed.values()].reduce((s, c) => s + c.length, 0),
        ...(st.manifestMd5 ? { manifestHash: st.manifestMd5 } : {}),
        verified: st.verified,
      });
    }
    const placed = new Set((session?.disks ?? []).flatMap((d) => d.files));
    const complete = job.seed.files.every((f) => placed.has(f.path)) && disks.every((d) => d.verified) && disks.length > 0;
    const running = mem?.taskId && this.tasks.list().some((t) => t.id === mem.taskId && t.status === 'running') ? mem.taskId : undefined;
    return {
      jobName: req.job,
      stateDir,
      started: session !== null,
      disks,
      complete,
      ...(mem?.needsDisk && !complete ? { needsDisk: mem.needsDisk } : {}),
      ...(running ? { runningTaskId: running } : {}),
      ...(mem?.lastProgress ? { lastProgress: mem.lastProgress } : {}),
    };
  }

  async drives(req: { staging: string; job: string; passphrase?: string; revealKeys?: boolean }): Promise<DrivesView> {
    const stateDir = stateDirFor(req.staging, req.job);
    const file = await loadDrives(stateDir);
    if (!file) throw new AppError('NOT_FOUND', `No disk has been prepared for job ${req.job} yet (${join(stateDir, 'drives.json')}).`);
    const view: DrivesView = {
      jobName: file.jobName,
      container: file.container,
      ...(file.storageAccount ? { storageAccount: file.storageAccount } : {}),
      drives: file.drives.map(({ bitLockerKeySealed: _sealed, preparedAt: _at, ...rest }) => rest),
    };
    if (req.revealKeys) {
      const job = await findJob(req.staging, req.job);
      view.driveList = (await driveList(stateDir, await this.protectorFor(req.passphrase)(job))).driveList;
    }
    return view;
  }

  /**
   * Job creation seam: the Azure layer passes its ImportJobBackend adapted to ImportJobCreator (it adds return
   * address, shipping, diagnostics path and log level). Not on IPC yet — see the report.
   */
  async createJob(req: { staging: string; job: string; passphrase?: string }, create: ImportJobCreator): Promise<{ [k: string]: Serializable }> {
    const job = await findJob(req.staging, req.job);
    return createJobFromDrives(stateDirFor(req.staging, req.job), await this.protectorFor(req.passphrase)(job), create);
  }
}
