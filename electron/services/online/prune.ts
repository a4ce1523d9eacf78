/**
 * Retention pruning of restore points, crash-safe. Under the job's lock: write the plan (`online/prune.bin`, sealed:
 * which points go and which packs only they use), delete the expired points' catalogs (point blobs; the seed's
 * `catalog.bin`), then their packs, then the plan. A kill at any step leaves every kept point whole: a pack is
 * deleted only when no remaining point names it, catalogs go before packs, and the next run (or prune) under the
 * lock finishes a plan it finds before it reads the container's chunk table — recomputing which packs are still
 * unused first, so a point committed since the plan was written never loses a pack. The seed's job descriptor
 * (`obc-backup.json`: the key parameters) is never deleted. Packs a kept point still uses are left whole here;
 * repack.ts rewrites the mostly-unused ones afterwards.
 */
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { evaluateRetention, type RetentionResult } from '../../../shared/retention.ts';
import type { Policy } from '../../../shared/policy-schema.ts';
import { CATALOG_PATH } from '../backup/catalog.ts';
import { seal } from '../backup/crypto.ts';
import { onBlob } from './blob-errors.ts';
import { ONLINE_DIR, PRUNE_PLAN_PATH, SEED_POINT_ID, pointPath } from './layout.ts';
import type { ContainerLock } from './lock.ts';
import type { PointHeader } from './point-format.ts';
import type { OnlineRepo } from './repo.ts';
import { readSealedPlan } from './sealed-plan.ts';
import type { PruneResult } from './types.ts';

const planSchema = z
  .object({
    format: z.literal('obc-prune'),
    formatVersion: z.literal(1),
    createdAt: z.string(),
    /** Restore point ids to remove (`seed` = the seed's catalog). */
    expire: z.array(z.string()),
    /** Pack paths (relative to the job folder) that only those points use, as the plan was written. */
    packs: z.array(
      z
        .object({
          path: z.string().regex(/^(online\/)?packs\/pack-\d{6,10}\.bin$/),
          length: z.number().int().nonnegative(),
        })
        .strict(),
    ),
  })
  .strict();
export type PrunePlan = z.infer<typeof planSchema>;

const aad = (job: string) => Buffer.from(`obc-prune:${job}`);

/** Which points the policy's retention keeps at `now` (the seed with its Retain Backup Till). Pure. */
export function retentionFor(
  policy: Pick<Policy, 'schedule' | 'retention'>,
  points: PointHeader[],
  now: number,
  anchor?: number,
): RetentionResult {
  return evaluateRetention({
    schedule: policy.schedule,
    retention: policy.retention,
    points: points.map((p) => ({ id: p.id, time: p.time, ...(p.retainUntil ? { retainUntil: p.retainUntil } : {}) })),
    now,
    ...(anchor !== undefined ? { anchor } : {}),
  });
}

const readPlan = (repo: OnlineRepo): Promise<PrunePlan | null> =>
  readSealedPlan(repo, { path: PRUNE_PLAN_PATH, aad: aad(repo.job), schema: planSchema, what: 'pruning plan' });

/** Packs named by the expiring points and by no other point, in `points` (all current points). */
function unusedPacks(points: PointHeader[], expire: Set<string>): Map<string, number> {
  const kept = new Set<string>();
  for (const p of points) if (!expire.has(p.id)) for (const k of p.packs) kept.add(k.path);
  const out = new Map<string, number>();
  for (const p of points)
    if (expire.has(p.id)) for (const k of p.packs) if (!kept.has(k.path)) out.set(k.path, k.length);
  return out;
}

async function carryOut(
  repo: OnlineRepo,
  lock: ContainerLock,
  plan: PrunePlan,
  testHook?: (point: string) => void | Promise<void>,
): Promise<Omit<PruneResult, 'resumed'>> {
  const expire = new Set(plan.expire);
  await lock.assertHeld();
  const removedPoints: string[] = [];
  for (const id of plan.expire) {
    const rel = id === SEED_POINT_ID ? CATALOG_PATH : pointPath(id);
    const gone = await onBlob(`removing restore point ${id}`, repo.where, () =>
      repo.cc.getBlobClient(repo.blobName(rel)).deleteIfExists(),
    );
    if (gone.succeeded) removedPoints.push(id);
    await testHook?.(`prune:point:${id}`);
  }
  // Only packs no remaining point names (one committed since the plan was written may use some).
  const { points } = await repo.points();
  let removedPacks = 0;
  let freedBytes = 0;
  for (const { path, length } of plan.packs) {
    if (points.some((p) => !expire.has(p.id) && p.packs.some((k) => k.path === path))) continue;
    await lock.assertHeld();
    const gone = await onBlob(`removing pack ${path}`, repo.where, () =>
      repo.cc.getBlobClient(repo.blobName(path)).deleteIfExists(),
    );
    if (gone.succeeded) {
      removedPacks++;
      freedBytes += length;
    }
    await testHook?.(`prune:pack:${path}`);
  }
  await onBlob('removing the pruning plan', repo.where, () =>
    repo.cc.getBlobClient(repo.blobName(PRUNE_PLAN_PATH)).deleteIfExists(),
  );
  return { removedPoints, removedPacks, freedBytes };
}

/** Finishes a plan an interrupted prune left (call under the lock before reading the chunk table). */
export async function resumePrune(
  repo: OnlineRepo,
  lock: ContainerLock,
  testHook?: (point: string) => void | Promise<void>,
): Promise<PruneResult | null> {
  const plan = await readPlan(repo);
  return plan ? { ...(await carryOut(repo, lock, plan, testHook)), resumed: true } : null;
}

/** Removes the points `expire` names (never the newest) and the packs only they use. */
export async function prunePoints(
  repo: OnlineRepo,
  lock: ContainerLock,
  expire: string[],
  testHook?: (point: string) => void | Promise<void>,
): Promise<PruneResult> {
  const earlier = await resumePrune(repo, lock, testHook);
  const { points, damaged } = await repo.points();
  const wanted = new Set(expire);
  const go = points.filter((p) => wanted.has(p.id)).map((p) => p.id); // oldest first
  if (points.length && go.includes(points[points.length - 1].id))
    throw new AppError(
      'INTERNAL',
      `Pruning would remove the newest restore point ${points[points.length - 1].id}; nothing was deleted.`,
    );
  const packs = unusedPacks(points, new Set(go));
  // Packs of runs that were killed and never continued here (no point names them). Under the lock no run is under
  // way, and a spool that still lists one sends it again. Not while a point is unreadable: it may name them.
  if (!damaged.length) {
    const named = new Set(points.flatMap((p) => p.packs.map((k) => k.path)));
    for (const b of await repo.packs())
      if (b.path.startsWith(ONLINE_DIR) && !named.has(b.path)) packs.set(b.path, b.length);
  }
  if (!go.length && !packs.size)
    return earlier ?? { removedPoints: [], removedPacks: 0, freedBytes: 0, resumed: false };
  const plan: PrunePlan = {
    format: 'obc-prune',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    expire: go,
    packs: [...packs].map(([path, length]) => ({ path, length })),
  };
  await lock.assertHeld();
  const sealed = seal(repo.keys.enc, Buffer.from(JSON.stringify(plan)), aad(repo.job));
  await onBlob('writing the pruning plan', repo.where, () =>
    repo.cc.getBlockBlobClient(repo.blobName(PRUNE_PLAN_PATH)).uploadData(sealed),
  );
  await testHook?.('prune:plan');
  const r = await carryOut(repo, lock, plan, testHook);
  return { ...r, removedPoints: [...(earlier?.removedPoints ?? []), ...r.removedPoints], resumed: !!earlier };
}
