/**
 * Repacking after retention, crash-safe like prune.ts (issue 16). An online pack the kept restore points use less
 * than `REPACK_BELOW` of (by the sealed bytes their headers say they use, summed: never less than the bytes really
 * used), leaving at least `REPACK_MIN_UNUSED` bytes unused, has its still-used chunks copied, sealed as they are, into new packs; every kept point naming it is rewritten
 * to name the new packs; then the old pack is deleted. Under the job's lock, in this order:
 *   1. the plan (`online/repack.bin`, sealed): the old packs and the new pack numbers;
 *   2. the new packs (block blobs, each committed whole; no point names them yet);
 *   3. each point that used an old pack, rewritten in one blob commit (old and new packs both exist meanwhile);
 *   4. each old pack no point names any more; 5. the plan.
 * A kill at any step leaves every kept point readable: a point names either all old or all new packs, and a pack is
 * deleted only once no point names it. The next run (`resumeRepack`, before it reads the chunk table) deletes the
 * plan's packs no point names and the plan; the repack after its prune then starts afresh on what is left. The seed's
 * packs are never repacked (its catalog and descriptor are never rewritten), nor is anything while a point is damaged.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { encodeCatalog, type ChunkRow } from '../backup/catalog.ts';
import { seal } from '../backup/crypto.ts';
import { PACK_HEADER_LEN, packHeader, packTrailer, type PackEntry } from '../backup/pack-format.ts';
import { onBlob } from './blob-errors.ts';
import { ONLINE_PACKS_DIR, REPACK_PLAN_PATH, SEED_POINT_ID, onlinePackPath, pointPath } from './layout.ts';
import type { ContainerLock } from './lock.ts';
import { encodePoint, type PointHeader, type PointPack } from './point-format.ts';
import type { OnlineRepo } from './repo.ts';
import { readSealedPlan } from './sealed-plan.ts';

/** A pack whose bytes the kept points use less than this share of is rewritten. */
export const REPACK_BELOW = 0.5;
/**
 * …and only when that frees at least this many bytes: a small pack is mostly its fixed 512-byte-aligned header, index
 * and footer, and rewriting it would make another one just as small.
 */
export const REPACK_MIN_UNUSED = 64 * 1024;
/** New packs are filled up to this many bytes (the online runs' pack size). */
export const REPACK_PACK_SIZE = 16 << 20;

const packRef = z
  .object({ n: z.number().int().positive(), path: z.string().regex(/^online\/packs\/pack-\d{6,10}\.bin$/) })
  .strict();
const planSchema = z
  .object({
    format: z.literal('obc-repack'),
    formatVersion: z.literal(1),
    createdAt: z.string(),
    old: z.array(packRef),
    new: z.array(packRef),
  })
  .strict();
type RepackPlan = z.infer<typeof planSchema>;

export interface RepackResult {
  /** Old packs removed, new packs written, points rewritten, bytes the container holds less. */
  removedPacks: number;
  newPacks: number;
  rewrittenPoints: string[];
  freedBytes: number;
}

type Hook = ((point: string) => void | Promise<void>) | undefined;
const aad = (job: string) => Buffer.from(`obc-repack:${job}`);

/** The online packs worth rewriting among `points`' packs (never one the seed names). Pure. */
export function repackCandidates(points: PointHeader[], below = REPACK_BELOW): PointPack[] {
  const used = new Map<string, { pack: PointPack; bytes: number }>();
  const pinned = new Set(points.filter((p) => p.id === SEED_POINT_ID).flatMap((p) => p.packs.map((k) => k.path)));
  for (const h of points)
    for (const k of h.packs) {
      const u = used.get(k.path) ?? { pack: k, bytes: 0 };
      u.bytes += k.refBytes;
      used.set(k.path, u);
    }
  return [...used.values()]
    .filter(
      (u) =>
        u.pack.path.startsWith(ONLINE_PACKS_DIR) &&
        !pinned.has(u.pack.path) &&
        u.bytes < below * u.pack.length &&
        u.pack.length - u.bytes >= REPACK_MIN_UNUSED,
    )
    .map((u) => u.pack);
}

const readPlan = (repo: OnlineRepo): Promise<RepackPlan | null> =>
  readSealedPlan(repo, { path: REPACK_PLAN_PATH, aad: aad(repo.job), schema: planSchema, what: 'repacking plan' });

/** Deletes the packs of `paths` no point names (re-read now), under the lock. */
async function deleteUnnamed(
  repo: OnlineRepo,
  lock: ContainerLock,
  paths: string[],
  hook: Hook,
  tag: string,
): Promise<{ removed: number; freed: number }> {
  const { points, damaged } = await repo.points();
  if (damaged.length) return { removed: 0, freed: 0 }; // a damaged point may name them
  const named = new Set(points.flatMap((p) => p.packs.map((k) => k.path)));
  let removed = 0;
  let freed = 0;
  for (const path of paths) {
    if (named.has(path)) continue;
    await lock.assertHeld();
    const blob = repo.cc.getBlobClient(repo.blobName(path));
    const len = await blob.getProperties().then(
      (p) => p.contentLength ?? 0,
      () => 0,
    );
    const gone = await onBlob(`removing pack ${path}`, repo.where, () => blob.deleteIfExists());
    if (gone.succeeded) {
      removed++;
      freed += len;
    }
    await hook?.(`repack:${tag}:${path}`);
  }
  return { removed, freed };
}

/** Cleans up after a repack a killed run left (before the run reads the chunk table): its unnamed packs, the plan. */
export async function resumeRepack(
  repo: OnlineRepo,
  lock: ContainerLock,
  hook?: Hook,
): Promise<{ removedPacks: number } | null> {
  const plan = await readPlan(repo);
  if (!plan) return null;
  const r = await deleteUnnamed(
    repo,
    lock,
    [...plan.new, ...plan.old].map((p) => p.path),
    hook,
    'resume',
  );
  await onBlob('removing the repacking plan', repo.where, () =>
    repo.cc.getBlobClient(repo.blobName(REPACK_PLAN_PATH)).deleteIfExists(),
  );
  return { removedPacks: r.removed };
}

/** Rewrites the mostly-unused online packs of the kept points (call under the lock, after pruning). */
export async function repackPoints(
  repo: OnlineRepo,
  lock: ContainerLock,
  o: { nextPack: number; packSize?: number; below?: number; testHook?: Hook },
): Promise<RepackResult | null> {
  const { points, damaged } = await repo.points();
  if (damaged.length) return null;
  const old = repackCandidates(points, o.below);
  if (!old.length) return null;
  const oldByN = new Map(old.map((p) => [p.n, p]));
  const users = points.filter((h) => h.id !== SEED_POINT_ID && h.packs.some((k) => oldByN.has(k.n)));
  // The chunks of the old packs the users' catalogs still read, in pack and offset order.
  const catalogs = new Map(await Promise.all(users.map(async (h) => [h.id, await repo.catalog(h)] as const)));
  const moving = new Map<string, ChunkRow>();
  for (const cat of catalogs.values())
    for (const row of cat.chunks) if (oldByN.has(row[1]) && !moving.has(row[0])) moving.set(row[0], row);
  const rows = [...moving.values()].sort((a, b) => a[1] - b[1] || a[2] - b[2]);
  // New packs: numbered after every number handed out (points' high-water marks, every blob listed, the caller's).
  const listed = await repo.packs(true);
  let n = Math.max(o.nextPack, ...points.map((h) => h.nextPack), ...listed.map((p) => p.n + 1));
  const size = o.packSize ?? REPACK_PACK_SIZE;
  const layout: Array<{ n: number; path: string; rows: ChunkRow[] }> = [];
  let fill = Infinity;
  for (const row of rows) {
    if (fill + row[3] > size) {
      layout.push({ n, path: onlinePackPath(n), rows: [] });
      n++;
      fill = PACK_HEADER_LEN;
    }
    layout.at(-1)!.rows.push(row);
    fill += row[3];
  }
  const plan: RepackPlan = {
    format: 'obc-repack',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    old: old.map((p) => ({ n: p.n, path: p.path })),
    new: layout.map((p) => ({ n: p.n, path: p.path })),
  };
  await lock.assertHeld();
  const sealed = seal(repo.keys.enc, Buffer.from(JSON.stringify(plan)), aad(repo.job));
  await onBlob('writing the repacking plan', repo.where, () =>
    repo.cc.getBlockBlobClient(repo.blobName(REPACK_PLAN_PATH)).uploadData(sealed),
  );
  await o.testHook?.('repack:plan');

  // 2. The new packs: the sealed chunk bytes copied as they are (their AAD is the chunk id and flag, not the pack).
  const moved = new Map<string, ChunkRow>();
  const written = new Map<number, PointPack>();
  for (const p of layout) {
    const parts: Buffer[] = [packHeader(p.n)];
    const entries: PackEntry[] = [];
    let pos = PACK_HEADER_LEN;
    for (const [hex, pack, offset, length, rawLength, flag] of p.rows) {
      const bytes = await repo.download(oldByN.get(pack)!.path, offset, length);
      parts.push(bytes);
      entries.push({ id: Buffer.from(hex, 'hex'), offset: pos, length, rawLength, flag });
      moved.set(hex, [hex, p.n, pos, length, rawLength, flag]);
      pos += length;
    }
    parts.push(packTrailer(repo.keys.enc, p.n, entries, pos));
    const bytes = Buffer.concat(parts);
    await lock.assertHeld();
    await onBlob(`writing pack ${p.path}`, repo.where, () =>
      repo.cc.getBlockBlobClient(repo.blobName(p.path)).uploadData(bytes),
    );
    written.set(p.n, {
      n: p.n,
      path: p.path,
      length: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      refBytes: 0,
    });
    await o.testHook?.(`repack:pack:${p.n}`);
  }

  // 3. Each point that used an old pack, rewritten to name the new ones instead (one commit of its blob).
  const nextPack = n;
  for (const h of users) {
    const cat = catalogs.get(h.id)!;
    const chunks = cat.chunks.map((row) => (oldByN.has(row[1]) ? moved.get(row[0])! : row));
    const ref = new Map<number, number>();
    for (const r of chunks) ref.set(r[1], (ref.get(r[1]) ?? 0) + r[3]);
    const kept = h.packs.filter((k) => !oldByN.has(k.n) && ref.has(k.n));
    const added = [...written.values()].filter((k) => ref.has(k.n)).map((k) => ({ ...k, refBytes: ref.get(k.n)! }));
    const packs = [...kept, ...added].sort((a, b) => a.n - b.n);
    const catBytes = encodeCatalog(repo.keys.enc, {
      ...cat,
      chunks,
      packs: packs.map((k) => ({ n: k.n, path: k.path, length: k.length })),
    });
    const { catalog: _c, ...base } = h;
    const blob = encodePoint(repo.keys.enc, { ...base, packs, nextPack: Math.max(h.nextPack, nextPack) }, catBytes);
    await lock.assertHeld();
    await onBlob(`rewriting restore point ${h.id}`, repo.where, () =>
      repo.cc.getBlockBlobClient(repo.blobName(pointPath(h.id))).uploadData(blob),
    );
    await repo.rememberCatalog(h.id, catBytes);
    await o.testHook?.(`repack:point:${h.id}`);
  }

  // 4–5. The old packs no point names any more, then the plan.
  const gone = await deleteUnnamed(
    repo,
    lock,
    old.map((p) => p.path),
    o.testHook,
    'old',
  );
  await onBlob('removing the repacking plan', repo.where, () =>
    repo.cc.getBlobClient(repo.blobName(REPACK_PLAN_PATH)).deleteIfExists(),
  );
  const newBytes = [...written.values()].reduce((s, p) => s + p.length, 0);
  return {
    removedPacks: gone.removed,
    newPacks: written.size,
    rewrittenPoints: users.map((h) => h.id),
    freedBytes: Math.max(0, gone.freed - newBytes),
  };
}
