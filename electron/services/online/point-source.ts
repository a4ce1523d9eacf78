/**
 * Any restore point as the backup engine's `PackSource`, so `openJob`, `verifyJob`, `restoreJob` and Recover Data's
 * browsing work on it unchanged: the source serves a `seed.json` made from the container's job descriptor (the key
 * parameters) and the point's header (its packs, with their lengths and SHA-256, and its catalog), `catalog.bin` as
 * the point's catalog, and `packs/pack-NNNNNN.bin` from wherever that pack lives (`packs/` for the seed's,
 * `online/packs/` for later ones). Nothing is read from this machine: the container and the passphrase suffice.
 */
import { AppError } from '../../../shared/errors.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { seedOfRun } from '../backup/descriptor.ts';
import { CATALOG_PATH } from '../backup/catalog.ts';
import { SEED_FILE } from '../backup/job-files.ts';
import { packPath } from '../backup/pack-format.ts';
import { JobReader, type PackSource } from '../backup/reader.ts';
import { packNumberOf } from './layout.ts';
import type { PointHeader } from './point-format.ts';
import type { OnlineRepo } from './repo.ts';

export class PointPackSource implements PackSource {
  readonly description: string;
  readonly header: PointHeader;
  readonly restorePoint: string;
  private readonly repo: OnlineRepo;
  private readonly where = new Map<number, string>();
  private catalog: Buffer | null = null;

  constructor(repo: OnlineRepo, header: PointHeader) {
    this.repo = repo;
    this.header = header;
    this.restorePoint = header.id;
    this.description = `${repo.where} (restore point ${header.id})`;
    for (const p of header.packs) this.where.set(p.n, p.path);
  }

  /** seed.json as a reader of this point needs it: the job's key parameters, the point's files. */
  seed(): SeedDescriptor {
    const h = this.header;
    return seedOfRun(this.repo.descriptor, {
      sourceMachine: h.sourceMachine,
      createdAt: h.time,
      completedAt: h.completedAt,
      ...(h.retainUntil ? { retainUntil: h.retainUntil } : {}),
      totals: {
        files: h.totals.files,
        bytes: h.totals.bytes,
        storedBytes: h.packs.reduce((s, p) => s + p.length, 0) + h.catalog.length,
        chunks: h.totals.chunks,
        skipped: h.totals.skipped,
      },
      files: [
        ...h.packs.map((p) => ({ path: packPath(p.n), length: p.length, sha256: p.sha256 })),
        { path: CATALOG_PATH, length: h.catalog.length, sha256: h.catalog.sha256 },
      ],
    });
  }

  private real(path: string): string {
    const n = packNumberOf(path);
    const real = n === null ? null : this.where.get(n);
    if (!real) throw new AppError('NOT_FOUND', `Restore point ${this.header.id} has no file ${path}.`, { path });
    return real;
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    return this.repo.download(this.real(path), offset, length);
  }

  async readAll(path: string): Promise<Buffer> {
    if (path === SEED_FILE) return Buffer.from(JSON.stringify(this.seed()), 'utf8');
    if (path === CATALOG_PATH) return (this.catalog ??= await this.repo.catalogBytes(this.header));
    return this.repo.download(this.real(path));
  }

  async size(path: string): Promise<number> {
    if (path === CATALOG_PATH) return this.header.catalog.length;
    const n = packNumberOf(path);
    const p = this.header.packs.find((q) => q.n === n);
    if (!p) throw new AppError('NOT_FOUND', `Restore point ${this.header.id} has no file ${path}.`, { path });
    return p.length;
  }
}

/** A restore point opened for browsing and restoring (the passphrase was checked when the repo was opened). */
export async function openRestorePoint(repo: OnlineRepo, id: string): Promise<JobReader> {
  const header = await repo.pointHeader(id);
  const source = new PointPackSource(repo, header);
  return new JobReader(source.seed(), await repo.catalog(header), source, repo.keys);
}

/**
 * The restore point `id` of the job in `repo`, or without one the newest readable point (the seed while it is the
 * only one). When none is readable the error lists what the container holds, so the user can pick or repair one.
 */
export async function pointSourceOf(repo: OnlineRepo, id?: string): Promise<PointPackSource> {
  if (id) return new PointPackSource(repo, await repo.pointHeader(id));
  const { points, damaged } = await repo.points();
  const newest = points.at(-1);
  if (newest) return new PointPackSource(repo, newest);
  const held = damaged.length
    ? ` It holds only damaged restore points: ${damaged.map((d) => `${d.id} (${d.reason})`).join('; ')}.`
    : ' It holds no restore point at all.';
  throw new AppError(
    'NOT_FOUND',
    `Job "${repo.job}" has no readable restore point in ${repo.where}: the seed's catalog is not there (retention removed it, or the import is incomplete).${held}`,
    {
      damaged: damaged.map((d) => d.id),
    },
  );
}
