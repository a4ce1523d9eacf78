import { createHash } from 'node:crypto';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { zstdDecompressSync } from 'node:zlib';
import { AppError } from '../../../shared/errors.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { CATALOG_PATH, decodeCatalog, type Catalog, type CatalogEntry } from './catalog.ts';
import { open as openSealed, unlockJob, type JobKeys } from './crypto.ts';
import { FLAG_ZSTD, chunkAad, packPath } from './pack-format.ts';
import { SEED_FILE, checkSeedText } from './job-files.ts';
import { readFull } from '../read-full.ts';

/**
 * Where a job's files come from: the staging folder now; later a prepared disk or the blob container.
 * Paths are relative to the job folder with forward slashes (the same as seed.files).
 */
export interface PackSource {
  readonly description: string;
  /** The restore point this source serves, when it is one of a container's (online/point-source.ts). */
  readonly restorePoint?: string;
  read(path: string, offset: number, length: number): Promise<Buffer>;
  readAll(path: string): Promise<Buffer>;
  size(path: string): Promise<number>;
  /** Releases cached handles. */
  close?(): Promise<void>;
}

export class StagingFolderSource implements PackSource {
  readonly description: string;
  private readonly dir: string;
  constructor(jobDir: string) {
    this.dir = resolve(jobDir);
    this.description = this.dir;
  }
  private full(path: string): string {
    if (path.split('/').some((c) => c === '..' || c === '') || path.includes('\\'))
      throw new AppError('VALIDATION', `Bad relative path ${path}`);
    return join(this.dir, ...path.split('/'));
  }
  private handles = new Map<string, Promise<FileHandle>>();
  /** Pack handles stay open (a few at a time): restoring many small files reads many small ranges. */
  private handle(path: string): Promise<FileHandle> {
    let h = this.handles.get(path);
    if (!h) {
      if (this.handles.size >= 8) {
        const [oldest, fh] = this.handles.entries().next().value!;
        this.handles.delete(oldest);
        void fh.then((f) => f.close()).catch(() => undefined);
      }
      h = open(this.full(path), 'r');
      h.catch(() => this.handles.delete(path));
      this.handles.set(path, h);
    }
    return h;
  }
  async read(path: string, offset: number, length: number): Promise<Buffer> {
    const fh = await this.handle(path);
    const b = Buffer.allocUnsafe(length);
    const got = await readFull(fh, b, 0, length, offset);
    return got === length ? b : b.subarray(0, got);
  }
  async close(): Promise<void> {
    const all = [...this.handles.values()];
    this.handles.clear();
    await Promise.all(all.map((h) => h.then((f) => f.close()).catch(() => undefined)));
  }
  readAll(path: string): Promise<Buffer> {
    return readFile(this.full(path));
  }
  async size(path: string): Promise<number> {
    return (await stat(this.full(path))).size;
  }
}

export interface CatalogListing {
  path: string;
  children: Array<{
    name: string;
    path: string;
    type: CatalogEntry['type'];
    size: number;
    mtimeMs: number;
    target?: string;
  }>;
}

/** An opened backup job: seed, catalog and the keys to read chunks. */
export class JobReader {
  readonly seed: SeedDescriptor;
  readonly catalog: Catalog;
  readonly source: PackSource;
  private readonly keys: JobKeys;
  private readonly byPath: Map<string, CatalogEntry>;
  private children: Map<string, CatalogEntry[]> | null = null;
  private last: { index: number; data: Buffer } | null = null;

  constructor(seed: SeedDescriptor, catalog: Catalog, source: PackSource, keys: JobKeys) {
    this.seed = seed;
    this.catalog = catalog;
    this.source = source;
    this.keys = keys;
    this.byPath = new Map(catalog.entries.map((e) => [e.path, e]));
  }

  entries(): CatalogEntry[] {
    return this.catalog.entries;
  }

  entry(path: string): CatalogEntry | undefined {
    return this.byPath.get(path.replace(/^\/+|\/+$/g, ''));
  }

  /** Browse: the direct children of `path` ('' = the top). */
  list(path = ''): CatalogListing {
    if (!this.children) {
      this.children = new Map();
      for (const e of this.catalog.entries) {
        const cut = e.path.lastIndexOf('/');
        const parent = cut < 0 ? '' : e.path.slice(0, cut);
        const arr = this.children.get(parent) ?? [];
        arr.push(e);
        this.children.set(parent, arr);
      }
    }
    const p = path.replace(/^\/+|\/+$/g, '');
    if (p !== '' && this.byPath.get(p)?.type !== 'dir')
      throw new AppError('NOT_FOUND', `No folder "${p}" in the backup of job "${this.seed.jobName}".`);
    return {
      path: p,
      children: (this.children.get(p) ?? []).map((e) => ({
        name: e.path.slice(e.path.lastIndexOf('/') + 1),
        path: e.path,
        type: e.type,
        size: e.size,
        mtimeMs: e.mtimeMs,
        ...(e.target !== undefined ? { target: e.target } : {}),
      })),
    };
  }

  /** One chunk's plaintext, authenticated. Throws CORRUPT_DATA naming the pack when it does not check out. */
  async readChunk(index: number): Promise<Buffer> {
    // Runs of one chunk (zeros of a sparse file, repeated blocks) are decoded once.
    if (this.last && this.last.index === index) return this.last.data;
    const row = this.catalog.chunks[index];
    if (!row) throw new AppError('CORRUPT_DATA', `The catalog refers to chunk #${index}, which it does not list.`);
    const [hex, pack, offset, length, rawLength, flag] = row;
    const sealed = await this.source.read(packPath(pack), offset, length);
    const plain =
      sealed.length === length ? openSealed(this.keys.enc, sealed, chunkAad(Buffer.from(hex, 'hex'), flag)) : null;
    if (!plain)
      throw new AppError(
        'CORRUPT_DATA',
        `Chunk ${hex.slice(0, 12)}… in ${packPath(pack)} at offset ${offset} is damaged (it does not authenticate).`,
        { path: packPath(pack) },
      );
    const data = flag === FLAG_ZSTD ? zstdDecompressSync(plain) : plain;
    if (data.length !== rawLength)
      throw new AppError(
        'CORRUPT_DATA',
        `Chunk ${hex.slice(0, 12)}… in ${packPath(pack)} has the wrong length after decompression.`,
        { path: packPath(pack) },
      );
    this.last = { index, data };
    return data;
  }

  /** A file's bytes, chunk by chunk. */
  async *readFile(path: string): AsyncGenerator<Buffer> {
    const e = this.entry(path);
    if (!e || e.type !== 'file')
      throw new AppError('NOT_FOUND', `No file "${path}" in the backup of job "${this.seed.jobName}".`);
    for (const c of e.chunks ?? []) yield await this.readChunk(c);
  }

  async readFileBytes(path: string): Promise<Buffer> {
    const parts: Buffer[] = [];
    for await (const b of this.readFile(path)) parts.push(b);
    return Buffer.concat(parts);
  }
}

export async function readSeedFrom(source: PackSource): Promise<SeedDescriptor> {
  let text: string;
  try {
    text = (await source.readAll(SEED_FILE)).toString('utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      throw new AppError('NOT_FOUND', `No backup job found at ${source.description} (seed.json is missing).`, {
        path: source.description,
      });
    throw err;
  }
  const c = checkSeedText(text);
  if (!c.ok)
    throw new AppError('CORRUPT_DATA', `seed.json at ${source.description} ${c.reason}`, { path: source.description });
  return c.seed;
}

/**
 * unlockJob, naming where the key parameters come from. seed.json's own checksum was checked when it was read, so a
 * failing key check means a wrong passphrase, and is said so without hinting at tampering (issue 13 §8).
 */
async function unlockSeed(passphrase: string, seed: SeedDescriptor, source: PackSource): Promise<JobKeys> {
  return unlockJob(passphrase, seed.crypto, seed.jobName, `${SEED_FILE} at ${source.description}`);
}

/** Opens a job: checks the passphrase against seed.json first, then decrypts the catalog. */
export async function openJob(source: PackSource, passphrase: string): Promise<JobReader> {
  const seed = await readSeedFrom(source);
  const keys = await unlockSeed(passphrase, seed, source);
  if (seed.state !== 'complete') {
    throw new AppError(
      'CONFLICT',
      `The backup of job "${seed.jobName}" at ${source.description} is not complete; run Back Up Now again to finish it.`,
      { path: source.description },
    );
  }
  let bytes: Buffer;
  try {
    bytes = await source.readAll(CATALOG_PATH);
  } catch (err) {
    throw new AppError(
      'CORRUPT_DATA',
      `The catalog ${CATALOG_PATH} of job "${seed.jobName}" cannot be read: ${(err as Error).message}`,
      { path: CATALOG_PATH },
    );
  }
  let catalog: Catalog;
  try {
    catalog = decodeCatalog(keys.enc, seed.jobName, bytes);
  } catch (err) {
    const rec = seed.files.find((f) => f.path === CATALOG_PATH);
    if (rec && rec.length === bytes.length && createHash('sha256').update(bytes).digest('hex') === rec.sha256) {
      throw new AppError(
        'CORRUPT_DATA',
        `${SEED_FILE} at ${source.description} has been altered: ${CATALOG_PATH} is exactly as recorded there but does not open for job "${seed.jobName}".`,
        { path: source.description },
      );
    }
    throw err;
  }
  return new JobReader(seed, catalog, source, keys);
}

/** For verify: unlock only (the catalog may be the damaged part). */
export async function unlockSource(
  source: PackSource,
  passphrase: string,
): Promise<{ seed: SeedDescriptor; keys: JobKeys }> {
  const seed = await readSeedFrom(source);
  return { seed, keys: await unlockSeed(passphrase, seed, source) };
}
