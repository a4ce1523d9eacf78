/**
 * What the container already holds, as the chunk table a run dedups against: every chunk of every pack a restore
 * point (or this machine's spool of an interrupted run) names and the container has, located by the pack's own
 * authenticated index. Also the next pack number (after every number handed out: listed blobs, staged-only blobs,
 * every point's high-water mark, the spool), and which spooled packs still wait for their upload.
 */
import { AppError } from '../../../shared/errors.ts';
import { readPackFileIndex } from '../backup/pack-format.ts';
import type { PackWriter } from '../backup/pack-writer.ts';
import { onlinePackPath } from './layout.ts';
import type { OnlineRepo, ListedPack } from './repo.ts';
import type { PointHeader } from './point-format.ts';
import type { Spool, SpoolPack } from './spool.ts';

export interface PackInfo {
  path: string;
  length: number;
  sha256: string;
}

export interface Known {
  /** Pack number → where it is and its length and SHA-256 (from the points' headers and the spool). */
  packs: Map<number, PackInfo>;
  nextPack: number;
  /** Spooled packs committed here but not yet in the container: upload them first. */
  pending: SpoolPack[];
  notes: string[];
}

/** Fills `writer.stored` with the container's chunks and returns what the run needs to know about packs. */
export async function loadKnown(
  repo: OnlineRepo,
  points: PointHeader[],
  spool: Spool,
  writerFor: (nextPack: number) => PackWriter,
): Promise<{ known: Known; writer: PackWriter }> {
  // A run killed after its point was committed, before it removed its spool, left the packs that point added: they
  // are not this run's to add again (the point would name them twice and count their bytes as new once more).
  const inPoints = new Set(points.flatMap((h) => h.addedPacks));
  for (const sp of [...spool.state.packs]) if (inPoints.has(sp.n)) await spool.drop(sp.n);
  const listed: ListedPack[] = await repo.packs(true);
  const committed = new Map(listed.filter((p) => p.committed).map((p) => [p.n, p]));
  const packs = new Map<number, PackInfo>();
  for (const h of points) for (const p of h.packs) packs.set(p.n, { path: p.path, length: p.length, sha256: p.sha256 });
  for (const p of repo.descriptor.packs) {
    const n = Number(/pack-(\d+)\.bin$/.exec(p.path)?.[1]);
    if (n) packs.set(n, { path: p.path, length: p.length, sha256: p.sha256 });
  }
  for (const sp of spool.state.packs)
    packs.set(sp.n, { path: onlinePackPath(sp.n), length: sp.length, sha256: sp.sha256 });
  const highest = Math.max(0, ...listed.map((p) => p.n), ...points.map((h) => h.nextPack - 1), ...packs.keys());
  const writer = writerFor(highest + 1);
  const notes: string[] = [];
  const damaged: string[] = [];
  const pending: SpoolPack[] = [];
  const spooled = new Map(spool.state.packs.map((p) => [p.n, p]));
  for (const [n, info] of [...packs].sort((a, b) => a[0] - b[0])) {
    const sp = spooled.get(n);
    if (sp && !sp.uploaded) continue;
    const there = committed.get(n);
    if (!there || there.length !== info.length) {
      if (sp) await spool.drop(n);
      continue;
    }
    try {
      for (const e of await repo.packIndex({
        n,
        path: info.path,
        length: info.length,
        ...(there.etag ? { etag: there.etag } : {}),
      })) {
        const hex = e.id.toString('hex');
        if (!writer.stored.has(hex))
          writer.stored.set(hex, { pack: n, offset: e.offset, length: e.length, rawLength: e.rawLength, flag: e.flag });
      }
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'CORRUPT_DATA') throw err;
      damaged.push(info.path);
    }
  }
  if (damaged.length)
    notes.push(
      `${damaged.length} pack(s) in the container could not be read and were not used to avoid sending data again (${damaged.slice(0, 5).join(', ')}${damaged.length > 5 ? ', …' : ''}); run \`obc verify --from-container\`.`,
    );
  // Packs committed in the spool by a killed run and not yet uploaded: kept when they read back intact.
  for (const sp of spool.state.packs.filter((p) => !p.uploaded)) {
    const idx = await readPackFileIndex(repo.keys.enc, sp.n, spool.packFile(sp.n), sp.length);
    if (!idx.ok) {
      await spool.drop(sp.n);
      continue;
    }
    for (const e of idx.entries) {
      const hex = e.id.toString('hex');
      if (!writer.stored.has(hex))
        writer.stored.set(hex, {
          pack: sp.n,
          offset: e.offset,
          length: e.length,
          rawLength: e.rawLength,
          flag: e.flag,
        });
    }
    pending.push(sp);
  }
  await spool.sweep();
  return { known: { packs, nextPack: highest + 1, pending, notes }, writer };
}
