/**
 * Prepared disks as the backup engine's PackSource, so Recover Data can restore straight from the disks Disk Prep
 * wrote (before shipping, or after they came back). Each disk's obc-bom.json says which seed files it holds
 * (`\obc-session-1\<job>\<seed path>`); a file is read from whichever given disk holds it, and every file seed.json
 * lists must be on one of the disks with its recorded size before anything is read.
 *
 * seed.json is not one of the copied files. The key parameters and file list come from the job descriptor
 * (`obc-backup.json`, one of the copied files), else from the copy of seed.json Disk Prep writes at the root of every
 * disk (`obc-seed.json`), else from the staging folder — whichever describes the backup the disks hold (their BOMs
 * name it): disks from different backups of the job are refused by name.
 *
 * Every file is checked against the hash its disk's BOM records before the first byte of it is used (read whole
 * once, on first use): the SHA-256 (BOM formatVersion 2, written since seed format 4), else the MD5 (version 1, and
 * version-2 entries without a SHA-256). A mismatch, or an entry with neither, fails loudly naming the file and the
 * disk: chunk authentication would also catch a flipped pack byte, but not say which copy on which disk is damaged.
 */
import { createHash } from 'node:crypto';
import { open, readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { readJsonStrict } from '../store/atomic.ts';
import { SEED_FILE, checkSeedText } from './job-files.ts';
import { DESCRIPTOR_PATH, decodeDescriptor, seedFromDescriptor } from './descriptor.ts';
import { describeBackup, identityOf } from './identity.ts';
import { StagingFolderSource, type PackSource } from './reader.ts';

const bomSchema = z.object({
  format: z.literal('obc-bom'),
  /** 1: entries with `md5`; 2 (since seed format 4): `sha256`, and `md5` when the seed gave one. */
  formatVersion: z.union([z.literal(1), z.literal(2)]),
  driveId: z.string(),
  jobName: z.string(),
  /** The backup the disk's files belong to (absent on disks prepared before it was recorded). */
  backup: z.object({ id: z.string(), completedAt: z.string().optional() }).optional(),
  entries: z.array(
    z.object({
      filePath: z.string(),
      blobPath: z.string(),
      length: z.number().int().nonnegative(),
      /** Checked when used (an entry with neither hash is refused then, by name). */
      sha256: z.string().optional(),
      md5: z.string().optional(),
    }),
  ),
});

/** The hash a BOM records for a file: the SHA-256 when it has one, else the MD5. */
export interface BomHash {
  kind: 'SHA-256' | 'MD5';
  /** Lower-case hex. */
  hex: string;
}

export interface PreparedDisk {
  root: string;
  driveId: string;
  /** seed path → length recorded in the BOM. */
  files: Map<string, number>;
  /** seed path → the hash recorded in the BOM (null: it records neither SHA-256 nor MD5). */
  hashes: Map<string, BomHash | null>;
  backup?: { id: string; completedAt?: string | undefined };
}

const exists = (p: string) =>
  stat(p).then(
    () => true,
    () => false,
  );

/** The disk root for a given folder: the root itself, or a folder below it (`obc-session-1`, `obc-session-1/<job>`). */
async function diskRoot(given: string): Promise<string> {
  let p = resolve(given);
  for (let i = 0; i < 3; i++) {
    if (await exists(join(p, DISK_LAYOUT.bomFile))) return p;
    const up = dirname(p);
    if (up === p) break;
    p = up;
  }
  if (!(await exists(given)))
    throw new AppError('NOT_FOUND', `Disk folder ${given} does not exist (is the disk attached?).`, { path: given });
  throw new AppError(
    'NOT_FOUND',
    `${given} is not a prepared disk: ${DISK_LAYOUT.bomFile} is missing at its root. Give the folder (drive root) Disk Prep wrote to.`,
    { path: given },
  );
}

/** Reads a disk's BOM and keeps the entries of `job`. */
export async function readPreparedDisk(given: string, job: string): Promise<PreparedDisk> {
  const root = await diskRoot(given);
  const bom = await readJsonStrict(join(root, DISK_LAYOUT.bomFile), bomSchema, `Bill of materials of disk ${root}`);
  if (bom.jobName !== job)
    throw new AppError('CONFLICT', `Disk ${bom.driveId} (${root}) holds job "${bom.jobName}", not "${job}".`, {
      path: root,
      job: bom.jobName,
    });
  const prefix = `\\${DISK_LAYOUT.sessionDir}\\${job}\\`;
  const files = new Map<string, number>();
  const hashes = new Map<string, BomHash | null>();
  for (const e of bom.entries) {
    if (!e.filePath.startsWith(prefix))
      throw new AppError(
        'CORRUPT_DATA',
        `${DISK_LAYOUT.bomFile} on disk ${bom.driveId} (${root}) lists ${e.filePath}, outside ${prefix}.`,
        { path: root },
      );
    const path = e.filePath.slice(prefix.length).split('\\').join('/');
    files.set(path, e.length);
    hashes.set(
      path,
      e.sha256
        ? { kind: 'SHA-256', hex: e.sha256.toLowerCase() }
        : e.md5
          ? { kind: 'MD5', hex: e.md5.toLowerCase() }
          : null,
    );
  }
  return { root, driveId: bom.driveId, files, hashes, ...(bom.backup ? { backup: bom.backup } : {}) };
}

export class DiskPackSource implements PackSource {
  readonly description: string;
  readonly disks: PreparedDisk[];
  private readonly seedText: string;
  private readonly where = new Map<string, StagingFolderSource>();
  private readonly holder = new Map<string, PreparedDisk>();
  private readonly perDisk: StagingFolderSource[];
  private readonly job: string;
  /** Files checked against their BOM hash (or being checked): each once. */
  private readonly checked = new Map<string, Promise<void>>();

  constructor(disks: PreparedDisk[], job: string, seedText: string) {
    this.disks = disks;
    this.seedText = seedText;
    this.job = job;
    this.description = `prepared disk(s) ${disks.map((d) => `${d.driveId} (${d.root})`).join(', ')}`;
    this.perDisk = disks.map((d) => new StagingFolderSource(join(d.root, DISK_LAYOUT.sessionDir, job)));
    disks.forEach((d, i) => {
      for (const p of d.files.keys())
        if (!this.where.has(p)) {
          this.where.set(p, this.perDisk[i]);
          this.holder.set(p, d);
        }
    });
  }

  /** Resolves once the disk's copy of `path` hashes to what its BOM records; else throws CORRUPT_DATA naming it. */
  private verified(path: string): Promise<void> {
    let c = this.checked.get(path);
    if (!c) {
      const d = this.holder.get(path);
      c = d ? verifyOnDisk(d, this.job, path) : Promise.resolve(); // not on a disk: on() names it
      this.checked.set(path, c);
    }
    return c;
  }

  private on(path: string): StagingFolderSource {
    const s = this.where.get(path);
    if (!s) throw new AppError('NOT_FOUND', `${path} is on none of the ${this.description}.`, { path });
    return s;
  }
  async read(path: string, offset: number, length: number): Promise<Buffer> {
    await this.verified(path);
    return this.on(path).read(path, offset, length);
  }
  async readAll(path: string): Promise<Buffer> {
    if (path === SEED_FILE) return Buffer.from(this.seedText, 'utf8');
    await this.verified(path);
    return this.on(path).readAll(path);
  }
  size(path: string): Promise<number> {
    return this.on(path).size(path);
  }
  async close(): Promise<void> {
    await Promise.all(this.perDisk.map((s) => s.close()));
  }
}

/** Hashes a file on a disk (1 MiB reads) and compares it with the BOM's hash; throws CORRUPT_DATA naming it. */
export async function verifyOnDisk(d: PreparedDisk, job: string, path: string): Promise<void> {
  const want = d.hashes.get(path);
  const full = join(d.root, DISK_LAYOUT.sessionDir, job, ...path.split('/'));
  const where = `${path} on disk ${d.driveId} (${full})`;
  if (!want)
    throw new AppError(
      'CORRUPT_DATA',
      `${where}: the disk's ${DISK_LAYOUT.bomFile} records neither a SHA-256 nor an MD5 for it, so its bytes cannot be checked. The BOM was altered or damaged; recover from the staging folder or the container instead.`,
      { path: full },
    );
  const h = createHash(want.kind === 'SHA-256' ? 'sha256' : 'md5');
  const fh = await open(full, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (let pos = 0; ;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      h.update(buf.subarray(0, bytesRead));
      pos += bytesRead;
    }
  } finally {
    await fh.close();
  }
  const got = h.digest('hex');
  if (got !== want.hex)
    throw new AppError(
      'CORRUPT_DATA',
      `${where} is damaged: its ${want.kind} is ${got.slice(0, 16)}…, the disk's ${DISK_LAYOUT.bomFile} records ${want.hex.slice(0, 16)}…. Recover from another copy (the staging folder, the container, or Disk Prep's repair from staging).`,
      { path: full, expected: want.hex, actual: got },
    );
}

/**
 * seed.json for the reader: the job descriptor the disks carry (one of the shipped files, so it is what the disks
 * hold), else a disk's copy of seed.json (`obc-seed.json`), else the staging folder's — each only if it is the backup
 * the disks were prepared for.
 */
async function findSeed(
  disks: PreparedDisk[],
  job: string,
  stagingLocation?: string,
): Promise<{ text: string; seed: SeedDescriptor; from: string }> {
  const want = disks.find((d) => d.backup)?.backup;
  const problems: string[] = [];
  const candidates: Array<() => Promise<{ seed: SeedDescriptor; from: string } | null>> = [];
  const holder = disks.find((d) => d.files.has(DESCRIPTOR_PATH));
  if (holder) {
    const p = join(holder.root, DISK_LAYOUT.sessionDir, job, DESCRIPTOR_PATH);
    candidates.push(async () => {
      const b = await readFile(p).catch(() => null);
      return b && { seed: seedFromDescriptor(decodeDescriptor(b, p), b), from: p };
    });
  }
  for (const p of [
    ...disks.map((d) => join(d.root, DISK_LAYOUT.seedFile)),
    ...(stagingLocation ? [join(resolve(stagingLocation), job, SEED_FILE)] : []),
  ]) {
    candidates.push(async () => {
      const text = await readFile(p, 'utf8').catch(() => null);
      if (text === null) return null;
      const r = checkSeedText(text);
      if (!r.ok) throw new AppError('CORRUPT_DATA', `${p} ${r.reason}`);
      return { seed: r.seed, from: p };
    });
  }
  for (const c of candidates) {
    let found: { seed: SeedDescriptor; from: string } | null;
    try {
      found = await c();
    } catch (err) {
      problems.push((err as Error).message);
      continue;
    }
    if (!found) continue;
    const id = identityOf(found.seed);
    if (found.seed.jobName !== job) problems.push(`${found.from} belongs to job "${found.seed.jobName}"`);
    else if (want && id?.id !== want.id)
      problems.push(
        `${found.from} describes ${id ? describeBackup(id) : 'an unfinished backup'}, but the disks hold ${describeBackup(want)}`,
      );
    else return { text: JSON.stringify(found.seed), seed: found.seed, from: found.from };
  }
  throw new AppError(
    'NOT_FOUND',
    `The key parameters of job "${job}" were found neither on the disks (${DESCRIPTOR_PATH}, ${DISK_LAYOUT.seedFile}) nor in the staging folder; they are needed to decrypt the backup.${problems.length ? ` ${problems.join('; ')}.` : ''} Give every disk of the job, or the staging folder.`,
    { job },
  );
}

/** All given disks must hold the same backup of the job (each disk's BOM names it). */
function assertOneBackup(disks: PreparedDisk[], job: string): void {
  const by = new Map<string, PreparedDisk[]>();
  for (const d of disks) if (d.backup) by.set(d.backup.id, [...(by.get(d.backup.id) ?? []), d]);
  if (by.size < 2) return;
  const parts = [...by.values()].map(
    (ds) => `${ds.map((d) => d.driveId).join(', ')} hold${ds.length === 1 ? 's' : ''} ${describeBackup(ds[0].backup!)}`,
  );
  throw new AppError(
    'CONFLICT',
    `The disks given hold different backups of job "${job}": ${parts.join('; ')}. Give only the disks prepared for one backup (the latest Disk Prep run).`,
    { job },
  );
}

/**
 * Opens the given disks for `job`: every file seed.json lists must be on one of them, with its size. Missing files
 * are named (first 20), so the admin knows which disk is still to attach.
 */
export async function openDiskSource(o: {
  disks: string[];
  job: string;
  stagingLocation?: string;
}): Promise<DiskPackSource> {
  const disks: PreparedDisk[] = [];
  for (const g of o.disks) {
    const d = await readPreparedDisk(g, o.job);
    if (disks.some((x) => x.root === d.root || x.driveId === d.driveId)) continue;
    disks.push(d);
  }
  assertOneBackup(disks, o.job);
  const { text, seed } = await findSeed(disks, o.job, o.stagingLocation);
  const src = new DiskPackSource(disks, o.job, text);
  const missing: string[] = [];
  const wrongSize: string[] = [];
  const noHash: string[] = [];
  for (const f of seed.files) {
    const holder = disks.find((d) => d.files.has(f.path));
    if (!holder) {
      missing.push(f.path);
      continue;
    }
    const size = await stat(join(holder.root, DISK_LAYOUT.sessionDir, o.job, ...f.path.split('/'))).then(
      (s) => s.size,
      () => -1,
    );
    if (!holder.hashes.get(f.path)) noHash.push(`${f.path} on disk ${holder.driveId}`);
    if (size < 0) missing.push(`${f.path} (listed on disk ${holder.driveId}, but absent)`);
    else if (size !== f.length || holder.files.get(f.path) !== f.length)
      wrongSize.push(`${f.path} on disk ${holder.driveId}: ${size} bytes, expected ${f.length}`);
  }
  if (missing.length)
    throw new AppError(
      'NOT_FOUND',
      `${missing.length} file(s) of job "${o.job}" are on none of the given disks: ${missing.slice(0, 20).join(', ')}${missing.length > 20 ? ', …' : ''}. Attach and give every disk of the job.`,
      {
        missing: missing.slice(0, 100),
      },
    );
  if (wrongSize.length)
    throw new AppError(
      'CORRUPT_DATA',
      `${wrongSize.length} file(s) of job "${o.job}" have the wrong size: ${wrongSize.slice(0, 20).join('; ')}.`,
      { wrongSize: wrongSize.slice(0, 100) },
    );
  if (noHash.length)
    throw new AppError(
      'CORRUPT_DATA',
      `${noHash.length} file(s) of job "${o.job}" have neither a SHA-256 nor an MD5 in their disk's ${DISK_LAYOUT.bomFile}, so their bytes cannot be checked: ${noHash.slice(0, 20).join('; ')}. The BOM was altered or damaged; recover from the staging folder or the container instead.`,
      { noHash: noHash.slice(0, 100) },
    );
  return src;
}
