/**
 * Verify imported data for the hosts: a task around verifyImport(), the last report per job (kept in
 * `<dataDir>/import-verify/<job>.json`), the staging clean-up it unlocks, and the copy-log reader.
 */
import { copyFile, lstat, mkdir, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError, type Serializable } from '../../../shared/errors.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import type {
  CleanupResult,
  DriveLogSummary,
  ImportVerifyReport,
  VerifyTarget,
} from '../../../shared/contract/import-verify.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';
import { SEED_FILE, jobDirOf, parseSeedText, requireSeed } from '../backup/job-files.ts';
import type { TaskManager } from '../tasks/task-manager.ts';
import { blobOfUrl, containerBlobSource, openBlobService, type StorageAccess } from './container-source.ts';
import { parseDriveLog } from './drive-log.ts';
import { blobPrefixOf, verifyImport, type BlobSource } from './verify.ts';
import { ContainerPackSource } from './container-pack-source.ts';

export interface ImportVerifyServiceOptions {
  tasks: TaskManager;
  dataDir: string;
  /** The Azure layer's clients for the current cloud (AzureService.session_().clients). */
  storageAccess: () => Promise<StorageAccess>;
  /** Another way to the container than the account key (a container SAS: `sasBlobSource`; tests: any BlobSource). */
  sourceFor?: (t: ResolvedTarget) => Promise<BlobSource>;
}

export interface ResolvedTarget {
  seed: SeedDescriptor;
  jobDir: string;
  subscriptionId: string;
  resourceGroup: string;
  storageAccount: string;
  container: string;
}

const reportSchema = z.object({ jobName: z.string(), ok: z.boolean() }).passthrough();

export class ImportVerifyService {
  private readonly o: ImportVerifyServiceOptions;
  constructor(o: ImportVerifyServiceOptions) {
    this.o = o;
  }

  /** The copy of seed.json kept when the staging folder is cleaned up (needed to restore from the container). */
  seedCopyPath(jobName: string): string {
    return join(this.o.dataDir, 'import-verify', `${jobName}.seed.json`);
  }

  /**
   * The job's imported blobs as a PackSource for Recover Data ("restore from the container"). The seed comes from
   * the staging folder when it still exists, else from the copy kept at clean-up.
   */
  async containerPackSource(t: {
    jobName: string;
    stagingLocation?: string;
    subscriptionId: string;
    resourceGroup: string;
    storageAccount: string;
    container: string;
  }): Promise<ContainerPackSource> {
    const svc = await this.blobService(t);
    const localSeed = async (): Promise<string | null> => {
      for (const p of [
        ...(t.stagingLocation ? [join(jobDirOf(t.stagingLocation, t.jobName), SEED_FILE)] : []),
        this.seedCopyPath(t.jobName),
      ]) {
        const text = await readFile(p, 'utf8').catch(() => null);
        if (text !== null) return text;
      }
      return null;
    };
    const seedText = await localSeed();
    const prefix = seedText ? blobPrefixOf(parseSeedText(seedText, `seed.json of job ${t.jobName}`)) : `${t.jobName}/`;
    return new ContainerPackSource(svc.getContainerClient(t.container), prefix, localSeed);
  }

  /** The Blob service of the job's storage account, through this machine's storage access (sign-in or SAS). */
  private async blobService(t: { subscriptionId: string; resourceGroup: string; storageAccount: string }) {
    return openBlobService(await this.o.storageAccess(), {
      subscriptionId: t.subscriptionId,
      resourceGroup: t.resourceGroup,
      accountName: t.storageAccount,
    });
  }

  private reportPath(jobName: string): string {
    return join(this.o.dataDir, 'import-verify', `${jobName}.json`);
  }

  async resolve(t: VerifyTarget): Promise<ResolvedTarget> {
    const jobDir = jobDirOf(t.stagingLocation, t.jobName);
    const seed = await requireSeed(jobDir, `seed.json of job ${t.jobName}`);
    const pick = (field: 'subscriptionId' | 'resourceGroup' | 'storageAccount' | 'container'): string => {
      const v = t[field] ?? seed[field];
      if (!v)
        throw new AppError(
          'VALIDATION',
          `The ${field} of job ${t.jobName} is unknown: seed.json does not name it and none was given.`,
          { field },
        );
      return v;
    };
    return {
      seed,
      jobDir,
      subscriptionId: pick('subscriptionId'),
      resourceGroup: pick('resourceGroup'),
      storageAccount: pick('storageAccount'),
      container: pick('container'),
    };
  }

  private async source(r: ResolvedTarget): Promise<BlobSource> {
    if (this.o.sourceFor) return this.o.sourceFor(r);
    const svc = await this.blobService(r);
    return containerBlobSource(svc.getContainerClient(r.container));
  }

  /** Starts the comparison as a task; resolves the target first so a bad request fails at once. */
  async start(t: VerifyTarget): Promise<{ taskId: string }> {
    const r = await this.resolve(t);
    const snap = this.o.tasks.start('importVerify', `Verify imported data of ${t.jobName}`, async (ctx) => {
      ctx.message(`Listing ${r.storageAccount}/${r.container}/${r.seed.jobName}/`);
      const report = await verifyImport({
        seed: r.seed,
        source: await this.source(r),
        container: r.container,
        signal: ctx.signal,
        onProgress: (p) => {
          ctx.progress({ done: p.doneBytes, total: p.totalBytes, unit: 'bytes' });
          if (p.currentFile) ctx.message(`Checking ${p.currentFile} (${p.doneFiles} of ${p.totalFiles})`);
        },
      });
      ctx.counter('matched', report.matched, 'files');
      ctx.counter('missing', report.missingCount, 'files', report.missingCount ? 'error' : 'info');
      ctx.counter('different', report.differentCount, 'files', report.differentCount ? 'error' : 'info');
      ctx.counter('extra', report.extraCount, 'files', report.extraCount ? 'warning' : 'info');
      await writeJsonAtomic(this.reportPath(t.jobName), report, 0o600);
      if (!report.ok)
        throw new AppError(
          'CORRUPT_DATA',
          `Imported data of ${t.jobName} does not match the staged backup: ${report.missingCount} missing, ${report.differentCount} different.`,
          {
            report: report as unknown as Serializable,
          },
        );
      if (report.extraCount)
        ctx.warn(`${report.extraCount} blob(s) under ${r.seed.jobName}/ are not part of the staged backup.`);
      return report as unknown as Record<string, unknown>;
    });
    return { taskId: snap.id };
  }

  async lastReport(jobName: string): Promise<ImportVerifyReport | null> {
    const r = await readJsonValidated(this.reportPath(jobName), reportSchema);
    return r.status === 'ok' ? (r.value as unknown as ImportVerifyReport) : null;
  }

  /** Removes `<staging>/<job>/` after a passed verification and a typed confirmation. */
  async cleanupStaging(req: {
    stagingLocation: string;
    jobName: string;
    confirmJobName: string;
  }): Promise<CleanupResult> {
    if (req.confirmJobName.trim() !== req.jobName)
      throw new AppError('VALIDATION', `Type the job name "${req.jobName}" to confirm deleting its staging folder.`, {
        field: 'confirmJobName',
      });
    const last = await this.lastReport(req.jobName);
    if (!last)
      throw new AppError(
        'CONFLICT',
        `Job ${req.jobName} has not been verified on this machine; verify the imported data first.`,
      );
    if (!last.ok)
      throw new AppError(
        'CONFLICT',
        `The last verification of ${req.jobName} found problems (${last.missingCount} missing, ${last.differentCount} different); the staging folder is kept.`,
      );
    const folder = jobDirOf(req.stagingLocation, req.jobName);
    const seed = await requireSeed(folder, `seed.json of job ${req.jobName}`);
    if (seed.jobName !== req.jobName)
      throw new AppError('CONFLICT', `${folder} holds job ${seed.jobName}, not ${req.jobName}.`);
    let removedFiles = 0;
    let removedBytes = 0;
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true })) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else {
          removedFiles++;
          removedBytes += (await lstat(p)).size;
        }
      }
    };
    await walk(folder);
    // Keep seed.json (key parameters, file list; no secret): without it the container cannot be restored from.
    await mkdir(join(this.o.dataDir, 'import-verify'), { recursive: true });
    await copyFile(join(folder, 'seed.json'), this.seedCopyPath(req.jobName));
    await rm(folder, { recursive: true, force: false });
    return { folder, removedFiles, removedBytes, seedKeptAt: this.seedCopyPath(req.jobName) };
  }

  /** Downloads a drive's error or verbose log from the job's storage account and explains it. */
  async driveLog(req: {
    subscriptionId: string;
    resourceGroup: string;
    storageAccount: string;
    uri: string;
  }): Promise<DriveLogSummary> {
    const svc = await this.blobService(req);
    const loc = blobOfUrl(svc, req.uri);
    if (!loc)
      throw new AppError(
        'VALIDATION',
        `The log ${req.uri} is not in storage account ${req.storageAccount} (${svc.url}).`,
        { uri: req.uri },
      );
    let body: Buffer;
    try {
      body = await svc.getContainerClient(loc.container).getBlobClient(loc.blob).downloadToBuffer();
    } catch (err) {
      const status = (err as { statusCode?: number }).statusCode;
      if (status === 404)
        throw new AppError('NOT_FOUND', `The copy log ${loc.container}/${loc.blob} does not exist (yet).`, {
          uri: req.uri,
        });
      throw new AppError(
        'AZURE',
        `Downloading the copy log ${loc.container}/${loc.blob} failed: ${(err as Error).message}`,
        { uri: req.uri },
      );
    }
    return parseDriveLog(body.toString('utf8'), req.uri);
  }
}
