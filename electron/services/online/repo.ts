/**
 * The job in the container as the online engine reads it: the seed's job descriptor (key parameters, identity), the
 * restore points (the seed while its catalog is there, and every committed `online/points/<id>.bin`), the packs and
 * their indexes. The container is the truth; this machine only caches what it read (`<workDir>/cache/`: catalogs and
 * pack indexes, encrypted as in the container and checked against what the container names).
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobClient, ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import { CATALOG_PATH, decodeCatalog, type Catalog } from '../backup/catalog.ts';
import { unlockJob, type JobKeys } from '../backup/crypto.ts';
import { DESCRIPTOR_PATH, decodeDescriptor, type JobDescriptor } from '../backup/descriptor.ts';
import { readPackIndex, type PackEntry } from '../backup/pack-format.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { blobError, onBlob, statusOf, whereOf } from './blob-errors.ts';
import { ONLINE_PACKS_DIR, POINTS_DIR, POINT_ID_RE, SEED_POINT_ID, packNumberOf, pointPath } from './layout.ts';
import type { RestorePointInfo } from '../../../shared/contract/backup.ts';
import {
  POINT_HEAD_PROBE,
  decodePointHeader,
  headerLength,
  pointCatalogBytes,
  type PointHeader,
} from './point-format.ts';

/** A pack blob as listed: committed or only staged (a killed upload), with its length. */
export interface ListedPack {
  n: number;
  path: string;
  length: number;
  committed: boolean;
  etag?: string;
}

export class OnlineRepo {
  readonly cc: ContainerClient;
  readonly job: string;
  readonly where: string;
  readonly descriptor: JobDescriptor;
  readonly keys: JobKeys;
  private readonly cacheDir: string | null;
  private readonly signal: AbortSignal | undefined;

  private constructor(
    cc: ContainerClient,
    job: string,
    descriptor: JobDescriptor,
    keys: JobKeys,
    cacheDir: string | null,
    signal?: AbortSignal,
  ) {
    this.cc = cc;
    this.job = job;
    this.where = whereOf(cc, job);
    this.descriptor = descriptor;
    this.keys = keys;
    this.cacheDir = cacheDir;
    this.signal = signal;
  }

  /** Reads the job descriptor and checks the passphrase against it (scrypt runs once, here). */
  static async open(
    cc: ContainerClient,
    job: string,
    passphrase: string,
    o: { workDir?: string; signal?: AbortSignal } = {},
  ): Promise<OnlineRepo> {
    const where = whereOf(cc, job);
    let bytes: Buffer;
    try {
      bytes = await cc
        .getBlobClient(`${job}/${DESCRIPTOR_PATH}`)
        .downloadToBuffer(0, undefined, o.signal ? { abortSignal: o.signal } : {});
    } catch (err) {
      if (
        statusOf(err) === 404 &&
        /BlobNotFound/.test(
          String((err as { code?: string }).code ?? (err as { details?: { errorCode?: string } }).details?.errorCode),
        )
      )
        throw new AppError(
          'NOT_FOUND',
          `There is no backup of job "${job}" in ${where}: its job descriptor ${DESCRIPTOR_PATH} is not there. Online restore points continue a seed that was imported into this container (or a backup made before the descriptor existed: restore it from its staging folder).`,
          { container: where },
        );
      throw blobError(err, `reading ${DESCRIPTOR_PATH}`, where);
    }
    const descriptor = decodeDescriptor(bytes, `${where}${DESCRIPTOR_PATH}`);
    if (descriptor.jobName !== job)
      throw new AppError(
        'CORRUPT_DATA',
        `${where}${DESCRIPTOR_PATH} names job "${descriptor.jobName}", not "${job}".`,
        { container: where },
      );
    const keys = await unlockJob(passphrase, descriptor.crypto, job, `${where}${DESCRIPTOR_PATH}`);
    const cacheDir = o.workDir ? join(o.workDir, 'cache') : null;
    if (cacheDir) await mkdir(join(cacheDir, 'packidx'), { recursive: true });
    return new OnlineRepo(cc, job, descriptor, keys, cacheDir, o.signal);
  }

  get backupId(): string {
    return this.descriptor.backupId;
  }

  blobName(rel: string): string {
    return `${this.job}/${rel}`;
  }

  private opts() {
    return this.signal ? { abortSignal: this.signal } : {};
  }

  async download(rel: string, offset = 0, length?: number): Promise<Buffer> {
    return onBlob(`reading ${rel}`, this.where, () =>
      this.cc.getBlobClient(this.blobName(rel)).downloadToBuffer(offset, length, this.opts()),
    );
  }

  async exists(rel: string): Promise<boolean> {
    return onBlob(`looking for ${rel}`, this.where, () =>
      this.cc.getBlobClient(this.blobName(rel)).exists(this.opts()),
    );
  }

  /** Blobs under `<job>/<prefix>` (relative names); with `uncommitted` also those with only staged blocks. */
  async list(prefix: string, uncommitted = false): Promise<Array<{ name: string; length: number; etag?: string }>> {
    const out: Array<{ name: string; length: number; etag?: string }> = [];
    await onBlob(`listing ${prefix}`, this.where, async () => {
      for await (const b of this.cc.listBlobsFlat({
        prefix: this.blobName(prefix),
        ...(uncommitted ? { includeUncommitedBlobs: true } : {}),
        ...this.opts(),
      })) {
        out.push({
          name: b.name.slice(this.job.length + 1),
          length: b.properties.contentLength ?? 0,
          ...(b.properties.etag ? { etag: b.properties.etag } : {}),
        });
      }
    });
    return out;
  }

  /** Every pack blob of the job (the seed's and the online ones), committed and, with `uncommitted`, staged only. */
  async packs(uncommitted = false): Promise<ListedPack[]> {
    const committed = new Map<string, ListedPack>();
    for (const dir of ['packs/', ONLINE_PACKS_DIR]) {
      for (const b of await this.list(dir)) {
        const n = packNumberOf(b.name);
        if (n !== null)
          committed.set(b.name, {
            n,
            path: b.name,
            length: b.length,
            committed: true,
            ...(b.etag ? { etag: b.etag } : {}),
          });
      }
    }
    const out = [...committed.values()];
    if (uncommitted) {
      for (const b of await this.list(ONLINE_PACKS_DIR, true)) {
        const n = packNumberOf(b.name);
        if (n !== null && !committed.has(b.name)) out.push({ n, path: b.name, length: 0, committed: false });
      }
    }
    return out.sort((a, b) => a.n - b.n);
  }

  /** The seed as a restore point header (its packs fully used), or null once its catalog was pruned. */
  async seedHeader(): Promise<PointHeader | null> {
    if (!(await this.exists(CATALOG_PATH))) return null;
    return seedHeaderOf(this.descriptor);
  }

  /** Every restore point: readable ones (oldest first) and the ones whose blob is damaged. */
  async points(): Promise<{ points: PointHeader[]; damaged: Array<{ id: string; reason: string }> }> {
    const seed = await this.seedHeader();
    const names = (await this.list(POINTS_DIR))
      .map((b) => b.name.slice(POINTS_DIR.length))
      .filter((n) => n.endsWith('.bin'));
    const points: PointHeader[] = seed ? [seed] : [];
    const damaged: Array<{ id: string; reason: string }> = [];
    const ids = names.map((n) => n.slice(0, -4));
    for (const id of ids.filter((i) => !POINT_ID_RE.test(i))) damaged.push({ id, reason: 'not a restore point name' });
    const good = ids.filter((i) => POINT_ID_RE.test(i));
    for (let i = 0; i < good.length; i += 8) {
      const batch = await Promise.all(
        good.slice(i, i + 8).map((id) =>
          this.pointHeader(id).then(
            (h) => ({ id, h }),
            (err: Error) => ({ id, err }),
          ),
        ),
      );
      for (const r of batch) {
        if ('h' in r) points.push(r.h);
        else if (r.err instanceof AppError && r.err.code === 'CORRUPT_DATA')
          damaged.push({ id: r.id, reason: r.err.message });
        else throw r.err;
      }
    }
    points.sort(byTime);
    return { points, damaged };
  }

  async pointHeader(id: string): Promise<PointHeader> {
    if (id === SEED_POINT_ID) {
      const s = await this.seedHeader();
      if (!s)
        throw new AppError(
          'NOT_FOUND',
          `The seed of job "${this.job}" is no longer a restore point in ${this.where}: retention removed its catalog.`,
          { restorePoint: id },
        );
      return s;
    }
    const rel = pointPath(id);
    let head: Buffer;
    try {
      head = await readUpTo(this.cc.getBlobClient(this.blobName(rel)), POINT_HEAD_PROBE, this.signal);
    } catch (err) {
      if (statusOf(err) === 404)
        throw new AppError('NOT_FOUND', `There is no restore point ${id} of job "${this.job}" in ${this.where}.`, {
          restorePoint: id,
        });
      throw blobError(err, `reading restore point ${id}`, this.where);
    }
    const need = headerLength(head, `${this.where}${rel}`);
    if (need > head.length) head = Buffer.concat([head, await this.download(rel, head.length, need - head.length)]);
    return decodePointHeader(this.keys.enc, this.job, id, head, `${this.where}${rel}`);
  }

  /** A point's catalog bytes (cached here by its SHA-256, which the point's header names). */
  async catalogBytes(h: PointHeader): Promise<Buffer> {
    const cached = this.cacheDir ? join(this.cacheDir, `${h.id}.cat`) : null;
    if (cached) {
      const b = await readFile(cached).catch(() => null);
      if (b && b.length === h.catalog.length && createHash('sha256').update(b).digest('hex') === h.catalog.sha256)
        return b;
    }
    let cat: Buffer;
    if (h.id === SEED_POINT_ID) {
      cat = await this.download(CATALOG_PATH);
      if (cat.length !== h.catalog.length || createHash('sha256').update(cat).digest('hex') !== h.catalog.sha256)
        throw new AppError(
          'CORRUPT_DATA',
          `${this.where}${CATALOG_PATH} differs from the one ${DESCRIPTOR_PATH} names (length or SHA-256).`,
          { path: CATALOG_PATH },
        );
    } else {
      const rel = pointPath(h.id);
      cat = pointCatalogBytes(h, await this.download(rel), `${this.where}${rel}`);
    }
    if (cached) await writeFileAtomic(cached, cat, 0o600);
    return cat;
  }

  /** Keeps the catalog of a point this machine just committed, so the next run need not download it. */
  async rememberCatalog(id: string, catalog: Buffer): Promise<void> {
    if (this.cacheDir) await writeFileAtomic(join(this.cacheDir, `${id}.cat`), catalog, 0o600);
  }

  async catalog(h: PointHeader): Promise<Catalog> {
    return decodeCatalog(this.keys.enc, this.job, await this.catalogBytes(h));
  }

  /** A pack's index (authenticated), from the cache or three small range reads. */
  async packIndex(p: { n: number; path: string; length: number; etag?: string }): Promise<PackEntry[]> {
    const key = this.cacheDir
      ? join(
          this.cacheDir,
          'packidx',
          `${p.path.replace(/\//g, '_')}-${p.length}-${createHash('sha256')
            .update(p.etag ?? '')
            .digest('hex')
            .slice(0, 8)}`,
        )
      : null;
    const parts = new Map<string, Buffer>();
    const cachedBytes = key ? await readFile(key).catch(() => null) : null;
    if (cachedBytes) {
      for (let o = 0; o + 12 <= cachedBytes.length;) {
        const at = cachedBytes.readUInt32BE(o);
        const len = cachedBytes.readUInt32BE(o + 4);
        parts.set(`${at}:${len}`, cachedBytes.subarray(o + 8, o + 8 + len));
        o += 8 + len;
      }
    }
    const fetched: Buffer[] = [];
    const idx = await readPackIndex(this.keys.enc, p.n, p.length, async (o, l) => {
      const hit = parts.get(`${o}:${l}`);
      if (hit) return hit;
      const b = await this.download(p.path, o, l);
      const head = Buffer.alloc(8);
      head.writeUInt32BE(o, 0);
      head.writeUInt32BE(l, 4);
      fetched.push(head, b);
      return b;
    });
    if (!idx.ok) {
      if (cachedBytes && key) await writeFileAtomic(key, Buffer.alloc(0));
      throw new AppError('CORRUPT_DATA', `The pack ${this.where}${p.path} is damaged: ${idx.reason}.`, {
        path: p.path,
      });
    }
    if (key && fetched.length)
      await writeFileAtomic(key, Buffer.concat(cachedBytes?.length ? [cachedBytes, ...fetched] : fetched), 0o600);
    return idx.entries;
  }
}

/** The first `count` bytes of a blob, or all of it when shorter (downloadToBuffer insists on the whole range). */
async function readUpTo(blob: BlobClient, count: number, signal?: AbortSignal): Promise<Buffer> {
  const r = await blob.download(0, count, signal ? { abortSignal: signal } : {});
  const parts: Buffer[] = [];
  for await (const c of r.readableStreamBody ?? []) parts.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(parts);
}

export const byTime = (a: PointHeader, b: PointHeader): number =>
  Date.parse(a.time) - Date.parse(b.time) ||
  (a.completedAt < b.completedAt ? -1 : a.completedAt > b.completedAt ? 1 : 0);

/** The seed in the restore points' terms: its packs are fully its own, its catalog is `catalog.bin`. */
export function seedHeaderOf(d: JobDescriptor): PointHeader {
  const packs = d.packs.map((f) => ({
    n: packNumberOf(f.path) ?? 0,
    path: f.path,
    length: f.length,
    sha256: f.sha256,
    refBytes: f.length,
  }));
  return {
    format: 'obc-point',
    formatVersion: 1,
    id: SEED_POINT_ID,
    jobName: d.jobName,
    backupId: d.backupId,
    time: d.createdAt,
    createdAt: d.createdAt,
    completedAt: d.completedAt,
    sourceMachine: d.sourceMachine,
    ...(d.retainUntil ? { retainUntil: d.retainUntil } : {}),
    parent: null,
    totals: { files: d.totals.files, bytes: d.totals.bytes, chunks: d.totals.chunks, skipped: d.totals.skipped },
    newBytes: d.totals.storedBytes,
    addedPacks: packs.map((p) => p.n),
    packs,
    nextPack: packs.reduce((m, p) => Math.max(m, p.n), 0) + 1,
    catalog: { length: d.catalog.length, sha256: d.catalog.sha256 },
  };
}

/** A point as `restore-points list` and the console show it. */
export function pointInfo(h: PointHeader): RestorePointInfo {
  return {
    id: h.id,
    kind: h.id === SEED_POINT_ID ? 'seed' : 'online',
    time: h.time,
    completedAt: h.completedAt,
    files: h.totals.files,
    bytes: h.totals.bytes,
    newBytes: h.newBytes,
    ...(h.retainUntil ? { retainUntil: h.retainUntil } : {}),
    sourceMachine: h.sourceMachine,
  };
}
