/**
 * Prepared disks as the backup engine's PackSource, so Recover Data can restore straight from the disks Disk Prep
 * wrote (before shipping, or after they came back). Each disk's obc-bom.json says which seed files it holds
 * (`\obc-session-1\<job>\<seed path>`); a file is read from whichever given disk holds it, and every file seed.json
 * lists must be on one of the disks with its recorded size before anything is read.
 *
 * seed.json is not one of the copied files: it comes from the staging folder when reachable, else from the copy Disk
 * Prep writes at the root of every disk (`obc-seed.json`).
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import { seedSchema, type SeedDescriptor } from '../../../shared/staging.ts';
import { readJsonStrict } from '../store/atomic.ts';
import { SEED_FILE } from './job-files.ts';
import { StagingFolderSource, type PackSource } from './reader.ts';

const bomSchema = z.object({
  format: z.literal('obc-bom'),
  formatVersion: z.literal(1),
  driveId: z.string(),
  jobName: z.string(),
  entries: z.array(z.object({ filePath: z.string(), blobPath: z.string(), length: z.number().int().nonnegative(), md5: z.string() })),
});

export interface PreparedDisk {
  root: string;
  driveId: string;
  /** seed path → length recorded in the BOM. */
  files: Map<string, number>;
}

const exists = (p: string) => stat(p).then(() => true, () => false);

/** The disk root for a given folder: the root itself, or a folder below it (`obc-session-1`, `obc-session-1/<job>`). */
async function diskRoot(given: string): Promise<string> {
  let p = resolve(given);
  for (let i = 0; i < 3; i++) {
    if (await exists(join(p, DISK_LAYOUT.bomFile))) return p;
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!(await exists(given))) throw new AppError('NOT_FOUND', `Disk folder ${given} does not exist (is the disk attached?).`, { path: given });
  throw new AppError('NOT_FOUND', `${given} is not a prepared disk: ${DISK_LAYOUT.bomFile} is missing at its root. Give the folder (drive root) Disk Prep wrote to.`, { path: given });
}

/** Reads a disk's BOM and keeps the entries of `job`. */
export async function readPreparedDisk(given: string, job: string): Promise<PreparedDisk> {
  const root = await diskRoot(given);
  const bom = await readJsonStrict(join(root, DISK_LAYOUT.bomFile), bomSchema, `Bill of materials of disk ${root}`);
  if (bom.jobName !== job) throw new AppError('CONFLICT', `Disk ${bom.driveId} (${root}) holds job "${bom.jobName}", not "${job}".`, { path: root, job: bom.jobName });
  const prefix = `\\${DISK_LAYOUT.sessionDir}\\${job}\\`;
  const files = new Map<string, number>();
  for (const e of bom.entries) {
    if (!e.filePath.startsWith(prefix)) throw new AppError('CORRUPT_DATA', `${DISK_LAYOUT.bomFile} on disk ${bom.driveId} (${root}) lists ${e.filePath}, outside ${prefix}.`, { path: root });
    files.set(e.filePath.slice(prefix.length).split('\\').join('/'), e.length);
  }
  return { root, driveId: bom.driveId, files };
}

export class DiskPackSource implements PackSource {
  readonly description: string;
  readonly disks: PreparedDisk[];
  private readonly seedText: string;
  private readonly where = new Map<string, StagingFolderSource>();
  private readonly perDisk: StagingFolderSource[];

  constructor(disks: PreparedDisk[], job: string, seedText: string) {
    this.disks = disks;
    this.seedText = seedText;
    this.description = `prepared disk(s) ${disks.map((d) => `${d.driveId} (${d.root})`).join(', ')}`;
    this.perDisk = disks.map((d) => new StagingFolderSource(join(d.root, DISK_LAYOUT.sessionDir, job)));
    disks.forEach((d, i) => {
      for (const p of d.files.keys()) if (!this.where.has(p)) this.where.set(p, this.perDisk[i]);
    });
  }

  private on(path: string): StagingFolderSource {
    const s = this.where.get(path);
    if (!s) throw new AppError('NOT_FOUND', `${path} is on none of the ${this.description}.`, { path });
    return s;
  }
  read(path: string, offset: number, length: number): Promise<Buffer> {
    return this.on(path).read(path, offset, length);
  }
  async readAll(path: string): Promise<Buffer> {
    if (path === SEED_FILE) return Buffer.from(this.seedText, 'utf8');
    return this.on(path).readAll(path);
  }
  size(path: string): Promise<number> {
    return this.on(path).size(path);
  }
  async close(): Promise<void> {
    await Promise.all(this.perDisk.map((s) => s.close()));
  }
}

/** seed.json text: the staging folder's when reachable, else the first disk copy that parses and names the job. */
async function findSeed(disks: PreparedDisk[], job: string, staging?: string): Promise<{ text: string; seed: SeedDescriptor; from: string }> {
  const candidates = [...(staging ? [join(resolve(staging), job, SEED_FILE)] : []), ...disks.map((d) => join(d.root, DISK_LAYOUT.seedFile))];
  const problems: string[] = [];
  for (const p of candidates) {
    const text = await readFile(p, 'utf8').catch(() => null);
    if (text === null) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      problems.push(`${p} is not valid JSON`);
      continue;
    }
    const r = seedSchema.safeParse(parsed);
    if (!r.success) problems.push(`${p} is damaged`);
    else if (r.data.jobName !== job) problems.push(`${p} belongs to job "${r.data.jobName}"`);
    else return { text, seed: r.data, from: p };
  }
  throw new AppError(
    'NOT_FOUND',
    `seed.json of job "${job}" was found neither in the staging folder nor on the disks (${DISK_LAYOUT.seedFile}); it holds the key parameters needed to decrypt the backup.${problems.length ? ` ${problems.join('; ')}.` : ''} Give the staging folder, or prepare the disks again with this version.`,
    { job },
  );
}

/**
 * Opens the given disks for `job`: every file seed.json lists must be on one of them, with its size. Missing files
 * are named (first 20), so the admin knows which disk is still to attach.
 */
export async function openDiskSource(o: { disks: string[]; job: string; staging?: string }): Promise<DiskPackSource> {
  const disks: PreparedDisk[] = [];
  for (const g of o.disks) {
    const d = await readPreparedDisk(g, o.job);
    if (disks.some((x) => x.root === d.root || x.driveId === d.driveId)) continue;
    disks.push(d);
  }
  const { text, seed } = await findSeed(disks, o.job, o.staging);
  const src = new DiskPackSource(disks, o.job, text);
  const missing: string[] = [];
  const wrongSize: string[] = [];
  for (const f of seed.files) {
    const holder = disks.find((d) => d.files.has(f.path));
    if (!holder) {
      missing.push(f.path);
      continue;
    }
    const size = await stat(join(holder.root, DISK_LAYOUT.sessionDir, o.job, ...f.path.split('/'))).then((s) => s.size, () => -1);
    if (size < 0) missing.push(`${f.path} (listed on disk ${holder.driveId}, but absent)`);
    else if (size !== f.length || holder.files.get(f.path) !== f.length) wrongSize.push(`${f.path} on disk ${holder.driveId}: ${size} bytes, expected ${f.length}`);
  }
  if (missing.length)
    throw new AppError('NOT_FOUND', `${missing.length} file(s) of job "${o.job}" are on none of the given disks: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}. Attach and give every disk of the job.`, {
      missing: missing.slice(0, 100),
    });
  if (wrongSize.length) throw new AppError('CORRUPT_DATA', `${wrongSize.length} file(s) of job "${o.job}" have the wrong size: ${wrongSize.slice(0, 20).join('; ')}.`, { wrongSize: wrongSize.slice(0, 100) });
  return src;
}
