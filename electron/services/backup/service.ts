import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { TaskManager, TaskContext } from '../tasks/task-manager.ts';
import type { BackupEstimate, BackupSummary, CatalogListing, RestoreSummary, StagingJob, VerifySummary } from '../../../shared/contract/backup.ts';
import { requiredBytesFor, runBackup } from './engine.ts';
import { listStagingJobs } from './job-files.ts';
import { JobReader, StagingFolderSource, openJob } from './reader.ts';
import { restoreJob, type ConflictChoice } from './restore.ts';
import { freeSpace, scanItems, type Exclusions } from './scan.ts';
import { verifyJob } from './verify.ts';
import type { BackupOptions, BackupProgress, JobIdentity } from './types.ts';

export interface BackupStartRequest {
  items: string[];
  exclusions?: Exclusions;
  staging: string;
  job: JobIdentity;
  passphrase: string;
  overwrite?: boolean;
}
export interface JobRef {
  staging: string;
  job: string;
  passphrase: string;
}

const MAX_LISTED = 200;

/** Pushes engine progress into a task: bytes as the bar, the rest as counters. */
export function reportBackupProgress(t: TaskContext, p: BackupProgress): void {
  if (p.phase === 'scanning') {
    t.message(`Scanning… ${p.filesScanned} files${p.currentFile ? ` · ${p.currentFile}` : ''}`);
    t.counter('filesScanned', p.filesScanned, 'files');
    t.counter('bytesScanned', p.bytesScanned, 'bytes');
    return;
  }
  t.progress({ done: p.bytesProcessed, ...(p.bytesTotal !== undefined ? { total: p.bytesTotal } : {}), unit: 'bytes', ...(p.rate !== undefined ? { rate: p.rate } : {}), ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}) });
  t.counter('filesScanned', p.filesScanned, 'files');
  t.counter('bytesScanned', p.bytesScanned, 'bytes');
  t.counter('filesProcessed', p.filesProcessed, 'files');
  t.counter('bytesProcessed', p.bytesProcessed, 'bytes');
  t.counter('bytesWritten', p.bytesWritten, 'bytes');
  t.counter('dedupSavedBytes', p.dedupSavedBytes, 'bytes');
  t.counter('compressionSavedBytes', p.compressionSavedBytes, 'bytes');
  if (p.phase === 'checking') t.message('Checking the staging location…');
  else if (p.phase === 'finishing') t.message('Writing the catalog…');
  else t.message(p.currentFile ? `Backing up ${p.currentFile}` : 'Backing up…');
}

/** The Back Up Now / Verify / Recover service: the engine wired to tasks. */
export class BackupService {
  private readonly tasks: TaskManager;
  private readonly tuning: Partial<BackupOptions>;
  private cached: { key: string; reader: JobReader; at: number } | null = null;
  private readonly cacheSalt = randomBytes(16);

  constructor(tasks: TaskManager, tuning: Partial<BackupOptions> = {}) {
    this.tasks = tasks;
    this.tuning = tuning;
  }

  start(req: BackupStartRequest): { taskId: string } {
    const snap = this.tasks.start('backup', `Back up now: ${req.job.name}`, async (t) => {
      const r = await runBackup({
        ...this.tuning,
        ...req,
        signal: t.signal,
        onProgress: (p) => reportBackupProgress(t, p),
        onSkip: (s) => t.warn(`Skipped ${s.path}: ${s.reason}`),
      });
      const summary: BackupSummary = { ...r, skippedCount: r.skipped.length, skipped: r.skipped.slice(0, MAX_LISTED) };
      t.message(`Backed up ${r.files} files (${r.bytes} bytes) into ${r.packs} packs${r.skipped.length ? `; ${r.skipped.length} skipped` : ''}.`);
      return { ...summary };
    });
    return { taskId: snap.id };
  }

  async estimate(req: { items: string[]; exclusions?: Exclusions; staging: string }): Promise<BackupEstimate> {
    const scan = await scanItems(req.items, req.exclusions ?? {});
    const requiredBytes = requiredBytesFor(scan.bytes, scan.entries.length);
    const freeBytes = await freeSpace(req.staging);
    return { files: scan.files, dirs: scan.dirs, bytes: scan.bytes, requiredBytes, freeBytes, fits: requiredBytes <= freeBytes, skipped: scan.skipped.slice(0, MAX_LISTED) };
  }

  verify(req: JobRef): { taskId: string } {
    const snap = this.tasks.start('verify', `Verify backup: ${req.job}`, async (t) => {
      const report: VerifySummary = await verifyJob(new StagingFolderSource(join(resolve(req.staging), req.job)), req.passphrase, t.signal, (p) => {
        t.progress({ done: p.done, total: p.total, unit: 'bytes' });
        if (p.current) t.message(`Checking ${p.current}`);
      });
      for (const p of report.damagedPacks) t.warn(`Damaged: ${p.path}: ${p.reason}`);
      for (const f of report.damagedFiles) t.warn(`Cannot be restored intact: ${f.path}: ${f.reason}`);
      t.message(report.ok ? `All ${report.packsChecked} packs and ${report.filesChecked} files are intact.` : `${report.damagedPacks.length} damaged pack(s), ${report.damagedFiles.length} affected file(s).`);
      return { ...report };
    });
    return { taskId: snap.id };
  }

  async jobs(staging: string): Promise<StagingJob[]> {
    return (await listStagingJobs(staging)).map((j) => ({
      jobName: j.jobName,
      dir: j.dir,
      state: j.state,
      ...(j.seed
        ? {
            createdAt: j.seed.createdAt,
            ...(j.seed.completedAt ? { completedAt: j.seed.completedAt } : {}),
            ...(j.seed.storageAccount ? { storageAccount: j.seed.storageAccount } : {}),
            ...(j.seed.container ? { container: j.seed.container } : {}),
            ...(j.seed.subscriptionId ? { subscriptionId: j.seed.subscriptionId } : {}),
            totals: j.seed.totals,
          }
        : {}),
      ...(j.problem ? { problem: j.problem } : {}),
    }));
  }

  /** Opened catalogs are kept for a few minutes so browsing does not re-derive the key at every click. */
  private async reader(ref: JobRef): Promise<JobReader> {
    const dir = join(resolve(ref.staging), ref.job);
    const key = createHash('sha256').update(this.cacheSalt).update(dir).update('\0').update(ref.passphrase).digest('hex');
    if (this.cached && this.cached.key === key && Date.now() - this.cached.at < 10 * 60_000) return this.cached.reader;
    const reader = await openJob(new StagingFolderSource(dir), ref.passphrase);
    this.cached = { key, reader, at: Date.now() };
    return reader;
  }

  async list(ref: JobRef & { path?: string }): Promise<CatalogListing> {
    return (await this.reader(ref)).list(ref.path ?? '');
  }

  recover(req: JobRef & { to: string; paths?: string[]; conflict?: ConflictChoice }): { taskId: string } {
    const snap = this.tasks.start('restore', `Recover data: ${req.job}`, async (t) => {
      t.message('Opening the backup…');
      const reader = await this.reader(req);
      const r: RestoreSummary = await restoreJob(reader, {
        to: req.to,
        ...(req.paths ? { paths: req.paths } : {}),
        conflict: req.conflict ?? 'skip',
        signal: t.signal,
        onProgress: (p) => {
          t.progress({ done: p.bytes, total: p.totalBytes, unit: 'bytes' });
          t.counter('filesRestored', p.files, 'files');
          if (p.current) t.message(`Restoring ${p.current}`);
        },
      });
      for (const s of r.skipped) t.warn(`${s.path}: ${s.reason}`);
      t.message(`Restored ${r.files} files (${r.bytes} bytes) to ${req.to}.`);
      return { ...r, skipped: r.skipped.slice(0, MAX_LISTED) };
    });
    return { taskId: snap.id };
  }
}
