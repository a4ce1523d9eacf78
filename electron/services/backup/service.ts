import { createHash, randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import type { TaskManager, TaskContext } from '../tasks/task-manager.ts';
import {
  DEFAULT_CONFLICT,
  type BackupEstimate,
  type BackupSummary,
  type CatalogListing,
  type RecoverSource,
  type RestorePointList,
  type RestoreSummary,
  type StagingJob,
  type VerifySummary,
} from '../../../shared/contract/backup.ts';
import { AppError } from '../../../shared/errors.ts';
import { checkContainerName } from '../../../shared/validators/azure-names.ts';
import { requiredBytesFor, runBackup } from './engine.ts';
import { listStagingJobs, readSeed, startJobKeys } from './job-files.ts';
import type { StartedDerivation } from './crypto.ts';
import { assertOnePassphrase } from './one-passphrase.ts';
import { StagingFolderSource, openJob, readSeedFrom, unlockSource, type JobReader, type PackSource } from './reader.ts';
import { openDiskSource } from './disk-source.ts';
import { restoreJob, type ConflictChoice } from './restore.ts';
import { freeSpace, scanItems, type Exclusions } from './scan.ts';
import { verifyJob } from './verify.ts';
import type { DataSubset } from './data-subset.ts';
import type { ParsedReq } from '../../../shared/ipc.ts';
import type { BackupOptions, BackupProgress } from './types.ts';

// Requests as the contract parses them: zod types an optional field as `T | undefined`.
/** The passphrase typed, or the one this machine's backup policy keeps (protected) for the job. */
export interface Secret {
  passphrase?: string | undefined;
  usePolicyPassphrase?: true | undefined;
}
/** Back Up Now's request as the contract parses it (the CLI builds the same shape). */
export type BackupStartRequest = ParsedReq<'backup:start'>;
export type StagingRef = ParsedReq<'backup:checkPassphrase'>;
/** recover:list / recover:start: a source, or the older staging + job. */
export interface JobRef extends Secret {
  stagingLocation?: string | undefined;
  job?: string | undefined;
  source?: RecoverSource | undefined;
}
export type ContainerSourceRequest = Extract<RecoverSource, { kind: 'container' }>;

/** What the service needs from the others (wired in services/index.ts). */
export interface BackupServiceDeps {
  /** The container as a PackSource (import-verify); throws SIGNIN_REQUIRED when nobody is signed in. */
  containerSource?: (s: ContainerSourceRequest, passphrase: string) => Promise<PackSource>;
  /** The restore points of the job in its container (online/repo.ts), readable ones oldest first, and the damaged ones. */
  containerPoints?: (s: ContainerSourceRequest, passphrase: string) => Promise<RestorePointList>;
  /** The policy's stored passphrase for a job (policies.passphraseForJob), or null when none is kept. */
  policyPassphrase?: (job: string) => Promise<string | null>;
  /** The passphrase the policy keeps for a job it governs (one-passphrase.ts), or null: a typed one must equal it. */
  policyBoundPassphrase?: (job: string) => Promise<string | null>;
  /** Where a failure nobody waits for goes (closing a cached source); the activity log in the app. */
  log?: (level: 'warn', event: string, fields: Record<string, unknown>) => void;
}

type RecoverRequest = JobRef & {
  to?: string | undefined;
  originalLocation?: true | undefined;
  paths?: string[] | undefined;
  conflict?: ConflictChoice | undefined;
};

/** An opened job kept for browsing; `users` counts the calls still reading it (a restore may run for hours). */
interface CachedReader {
  key: string;
  reader: JobReader;
  at: number;
  users: number;
  retired: boolean;
}

export function sourceOf(ref: JobRef): RecoverSource {
  if (ref.source) return ref.source;
  if (!ref.stagingLocation || !ref.job)
    throw new AppError('VALIDATION', 'Give a recover source, or a staging folder and a job.', { field: 'source' });
  return { kind: 'staging', stagingLocation: ref.stagingLocation, job: ref.job };
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
  t.progress({
    done: p.bytesProcessed,
    ...(p.bytesTotal !== undefined ? { total: p.bytesTotal } : {}),
    unit: 'bytes',
    ...(p.rate !== undefined ? { rate: p.rate } : {}),
    ...(p.etaSeconds !== undefined ? { etaSeconds: p.etaSeconds } : {}),
  });
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
  private cached: CachedReader | null = null;
  private readonly cacheSalt = randomBytes(16);

  private readonly deps: BackupServiceDeps;

  constructor(tasks: TaskManager, tuning: Partial<BackupOptions> = {}, deps: BackupServiceDeps = {}) {
    this.tasks = tasks;
    this.tuning = tuning;
    this.deps = deps;
  }

  /** The passphrase of a request: typed, or the policy's (never logged). */
  async passphraseFor(req: Secret, job: string): Promise<string> {
    if (req.passphrase) return req.passphrase;
    if (!req.usePolicyPassphrase)
      throw new AppError('VALIDATION', 'A passphrase is required.', { field: 'passphrase' });
    const stored = this.deps.policyPassphrase ? await this.deps.policyPassphrase(job) : null;
    if (!stored)
      throw new AppError(
        'NOT_FOUND',
        `No passphrase is kept on this machine for job "${job}" (no backup policy with a passphrase); type it instead.`,
        { field: 'passphrase' },
      );
    return stored;
  }

  /**
   * Before Back Up Now writes anything: a typed passphrase must be the backup's one (the policy's for a job it governs,
   * else the existing seed.json's, see one-passphrase.ts); the policy's passphrase must open an existing job's seed.
   */
  async checkPassphrase(req: StagingRef): Promise<{ ok: true; exists: boolean }> {
    const passphrase = await this.passphraseFor(req, req.job);
    if (req.passphrase) {
      await this.assertOnePassphrase(req.stagingLocation, req.job, passphrase, true);
      return {
        ok: true,
        exists: (await readSeed(join(resolve(req.stagingLocation), req.job)).catch(() => null)) !== null,
      };
    }
    const source = new StagingFolderSource(join(resolve(req.stagingLocation), req.job));
    try {
      await readSeedFrom(source);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') return { ok: true, exists: false };
      throw err;
    }
    await unlockSource(source, passphrase);
    return { ok: true, exists: true };
  }

  start(req: BackupStartRequest): { taskId: string } {
    // Decision 10 before anything is written (the CLI reaches here without the IPC contract's check).
    const badContainer = req.job.container === undefined ? null : checkContainerName(req.job.container);
    if (badContainer) throw new AppError('VALIDATION', badContainer, { field: 'container' });
    const { usePolicyPassphrase: _u, ...rest } = req;
    const snap = this.tasks.start('backup', `Back up now: ${req.job.name}`, async (t) => {
      const passphrase = await this.passphraseFor(req, req.job.name);
      // One derivation for the passphrase check and the engine (a resumed run derived the keys twice, one after the
      // other); `obc backup` started it before it loaded the engine.
      const startedKeys =
        this.tuning.startedKeys ?? (await startJobKeys(req.stagingLocation, req.job.name, passphrase, this.tuning.kdf));
      if (req.passphrase)
        await this.assertOnePassphrase(
          req.stagingLocation,
          req.job.name,
          passphrase,
          req.overwrite === true,
          startedKeys,
        );
      const r = await runBackup({
        ...this.tuning,
        ...rest,
        ...(startedKeys ? { startedKeys } : {}),
        passphrase,
        signal: t.signal,
        onProgress: (p) => reportBackupProgress(t, p),
        onSkip: (s) => t.warn(`Skipped ${s.path}: ${s.reason}`),
        onWarning: (w) => t.warn(`Changed while read: ${w.path}: ${w.reason}`),
      });
      const summary: BackupSummary = {
        ...r,
        skippedCount: r.skipped.length,
        skipped: r.skipped.slice(0, MAX_LISTED),
        changedWhileRead: r.changedWhileRead.slice(0, MAX_LISTED),
      };
      t.message(
        `Backed up ${r.files} files (${r.bytes} bytes) into ${r.packs} packs${r.skipped.length ? `; ${r.skipped.length} skipped` : ''}.`,
      );
      return { ...summary };
    });
    return { taskId: snap.id };
  }

  private async assertOnePassphrase(
    stagingLocation: string,
    job: string,
    typed: string,
    overwrite: boolean,
    started?: StartedDerivation | null,
  ): Promise<void> {
    const bound = this.deps.policyBoundPassphrase ? await this.deps.policyBoundPassphrase(job) : null;
    await assertOnePassphrase({
      stagingLocation: resolve(stagingLocation),
      job,
      typed,
      overwrite,
      bound,
      ...(started ? { started } : {}),
    });
  }

  async estimate(req: {
    items: string[];
    exclusions?: Exclusions | undefined;
    stagingLocation: string;
  }): Promise<BackupEstimate> {
    const scan = await scanItems(req.items, req.exclusions ?? {});
    const requiredBytes = requiredBytesFor(scan.bytes, scan.entries.length);
    const freeBytes = await freeSpace(req.stagingLocation);
    return {
      files: scan.files,
      dirs: scan.dirs,
      bytes: scan.bytes,
      requiredBytes,
      freeBytes,
      fits: requiredBytes <= freeBytes,
      skipped: scan.skipped.slice(0, MAX_LISTED),
    };
  }

  /** Verify a backup in the staging folder, on prepared disks or in the container (a source, or staging + job). */
  verify(req: JobRef & { subset?: DataSubset | undefined }): { taskId: string } {
    const src = sourceOf(req);
    const snap = this.tasks.start('verify', `Verify backup: ${src.job}`, async (t) => {
      const passphrase = await this.passphraseFor(req, src.job);
      const source = await this.openSource(src, passphrase);
      let report: VerifySummary;
      try {
        report = await verifyJob(
          source,
          passphrase,
          t.signal,
          (p) => {
            t.progress({ done: p.done, total: p.total, unit: 'bytes' });
            if (p.current) t.message(`Checking ${p.current}`);
          },
          req.subset ? { subset: req.subset } : {},
        );
      } finally {
        await source.close?.();
      }
      for (const p of report.damagedPacks) t.warn(`Damaged: ${p.path}: ${p.reason}`);
      for (const f of report.damagedFiles) t.warn(`Cannot be restored intact: ${f.path}: ${f.reason}`);
      t.message(
        report.ok
          ? `All ${report.packsChecked} packs${report.packsNotRead ? ` read (of ${report.packsChecked + report.packsNotRead})` : ''} and ${report.filesChecked} files are intact.`
          : `${report.damagedPacks.length} damaged pack(s), ${report.damagedFiles.length} affected file(s).`,
      );
      return { ...report, ...(source.restorePoint ? { restorePoint: source.restorePoint } : {}) };
    });
    return { taskId: snap.id };
  }

  async jobs(stagingLocation: string): Promise<StagingJob[]> {
    return (await listStagingJobs(stagingLocation)).map((j) => ({
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
            ...(j.seed.resourceGroup ? { resourceGroup: j.seed.resourceGroup } : {}),
            ...(j.seed.retainUntil ? { retainUntil: j.seed.retainUntil } : {}),
            totals: j.seed.totals,
          }
        : {}),
      ...(j.problem ? { problem: j.problem } : {}),
    }));
  }

  /** The PackSource of a recover source: staging folder, prepared disks or the blob container. */
  async openSource(src: RecoverSource, passphrase: string): Promise<PackSource> {
    if (src.kind === 'staging') return new StagingFolderSource(join(resolve(src.stagingLocation), src.job));
    if (src.kind === 'disks')
      return openDiskSource({
        disks: src.disks,
        job: src.job,
        ...(src.stagingLocation ? { stagingLocation: src.stagingLocation } : {}),
      });
    if (!this.deps.containerSource)
      throw new AppError('UNSUPPORTED', 'Restoring from the blob container is not available in this host.');
    return this.deps.containerSource(src, passphrase);
  }

  /**
   * Opened catalogs are kept for a few minutes so browsing does not re-derive the key at every click. A replaced one
   * is closed once the last call reading it (a restore) is done, never under it.
   */
  private async withReader<T>(ref: JobRef, use: (reader: JobReader) => Promise<T> | T): Promise<T> {
    const entry = await this.cachedReader(ref);
    entry.users++;
    try {
      return await use(entry.reader);
    } finally {
      entry.users--;
      if (entry.retired && entry.users === 0) await this.closeCached(entry);
    }
  }

  private async cachedReader(ref: JobRef): Promise<CachedReader> {
    const src = sourceOf(ref);
    const passphrase = await this.passphraseFor(ref, src.job);
    const where = src.kind === 'staging' ? { ...src, stagingLocation: resolve(src.stagingLocation) } : src;
    const key = createHash('sha256')
      .update(this.cacheSalt)
      .update(JSON.stringify(where))
      .update('\0')
      .update(passphrase)
      .digest('hex');
    if (this.cached && this.cached.key === key && Date.now() - this.cached.at < 10 * 60_000) return this.cached;
    const source = await this.openSource(src, passphrase);
    let reader: JobReader;
    try {
      reader = await openJob(source, passphrase);
      if (reader.seed.jobName !== src.job)
        throw new AppError('CONFLICT', `${source.description} holds job "${reader.seed.jobName}", not "${src.job}".`);
    } catch (err) {
      await source.close?.();
      throw err;
    }
    const old = this.cached;
    this.cached = { key, reader, at: Date.now(), users: 0, retired: false };
    if (old) {
      old.retired = true;
      if (old.users === 0) await this.closeCached(old);
    }
    return this.cached;
  }

  /** Closes a retired reader's source; a failure there is logged (the caller's own work succeeded). */
  private async closeCached(entry: CachedReader): Promise<void> {
    try {
      await entry.reader.source.close?.();
    } catch (err) {
      this.deps.log?.('warn', 'recover:source-close-failed', {
        source: entry.reader.source.description,
        error: err instanceof Error ? err.message : String(err),
      });
    }
  }

  /** Closes the cached reader (its open pack handles): when the host shuts down. */
  async close(): Promise<void> {
    const entry = this.cached;
    this.cached = null;
    if (!entry) return;
    entry.retired = true;
    if (entry.users === 0) await this.closeCached(entry);
  }

  /** recover:points: the restore points a container source holds (the passphrase opens its job descriptor). */
  async points(ref: JobRef): Promise<RestorePointList> {
    const src = sourceOf(ref);
    if (src.kind !== 'container')
      throw new AppError(
        'VALIDATION',
        'Restore points live in the storage account container: choose the container as the source.',
        { field: 'source' },
      );
    if (!this.deps.containerPoints)
      throw new AppError('UNSUPPORTED', 'Restoring from the blob container is not available in this host.');
    return this.deps.containerPoints(src, await this.passphraseFor(ref, src.job));
  }

  async list(ref: JobRef & { path?: string | undefined }): Promise<CatalogListing> {
    return this.withReader(ref, (reader) => reader.list(ref.path ?? ''));
  }

  recover(req: RecoverRequest): {
    taskId: string;
  } {
    const src = sourceOf(req);
    const snap = this.tasks.start('restore', `Recover data: ${src.job}`, async (t) => {
      t.message('Opening the backup…');
      return this.withReader(req, (reader) => this.restoreWith(t, reader, req));
    });
    return { taskId: snap.id };
  }

  private async restoreWith(t: TaskContext, reader: JobReader, req: RecoverRequest): Promise<RestoreSummary> {
    const r = await restoreJob(reader, {
      ...(req.originalLocation ? { originalLocation: true } : { to: req.to }),
      ...(req.paths ? { paths: req.paths } : {}),
      conflict: req.conflict ?? DEFAULT_CONFLICT,
      signal: t.signal,
      onProgress: (p) => {
        t.progress({ done: p.bytes, total: p.totalBytes, unit: 'bytes' });
        t.counter('filesRestored', p.files, 'files');
        if (p.current) t.message(`Restoring ${p.current}`);
      },
    });
    for (const s of r.skipped) t.warn(`${s.path}: ${s.reason}`);
    if (r.leftoversRemoved.length) t.counter('leftoversRemoved', r.leftoversRemoved.length, 'files');
    const swept = r.leftoversRemoved.length
      ? ` Removed ${r.leftoversRemoved.length} temp file(s) an interrupted earlier restore had left beside them.`
      : '';
    t.message(
      `Restored ${r.files} files (${r.bytes} bytes) to ${req.originalLocation ? 'their original location' : req.to}.${swept}`,
    );
    const { leftoversRemoved, ...rest } = r;
    const summary: RestoreSummary = {
      ...rest,
      ...(leftoversRemoved.length ? { leftoversRemoved: leftoversRemoved.slice(0, MAX_LISTED) } : {}),
      skipped: r.skipped.slice(0, MAX_LISTED),
      ...(reader.source.restorePoint ? { restorePoint: reader.source.restorePoint } : {}),
    };
    return summary;
  }
}
