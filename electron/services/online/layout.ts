/**
 * Where things live in the container (docs/backup-format.md, "Container layout"), relative to `<container>/<job>/`,
 * and on this machine under the job's working folder. The seed's files (`obc-backup.json`, `catalog.bin`,
 * `packs/pack-NNNNNN.bin`) are never rewritten; everything the online engine adds is under `online/`.
 */
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { packPath } from '../backup/pack-format.ts';

export const ONLINE_DIR = 'online/';
/** Packs of restore points: block blobs, numbered after the seed's and never reused, in their own folder. */
export const ONLINE_PACKS_DIR = 'online/packs/';
export const onlinePackPath = (n: number): string => `online/${packPath(n)}`;
export const POINTS_DIR = 'online/points/';
export const pointPath = (id: string): string => `${POINTS_DIR}${id}.bin`;
/** The pruning plan, present only while a prune is under way (sealed). */
export const PRUNE_PLAN_PATH = 'online/prune.bin';
/** The repacking plan, present only while a repack is under way (sealed). */
export const REPACK_PLAN_PATH = 'online/repack.bin';
/** The writer's lock: a blob leased by the run that writes, naming its machine and process. */
export const LOCK_PATH = 'online/lock';
/** The seed (the imported backup) as a restore point. */
export const SEED_POINT_ID = 'seed';

export const POINT_ID_RE = /^\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/** `20261204T210000Z-3fa9c1`: the point's time to the second (UTC), then 6 random hex digits. */
export function newPointId(time: string, random: string): string {
  const t = new Date(time);
  if (Number.isNaN(t.getTime())) throw new AppError('VALIDATION', `The restore point time "${time}" is not a date.`);
  return `${t
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}-${random}`;
}

export function assertPointId(id: string): void {
  if (id !== SEED_POINT_ID && !POINT_ID_RE.test(id)) {
    throw new AppError(
      'VALIDATION',
      `"${id}" is not a restore point id: use "seed" or an id as \`obc restore-points list\` prints it (20261204T210000Z-3fa9c1).`,
      { field: 'restorePoint' },
    );
  }
}

/** Pack number of `packs/pack-N.bin` or `online/packs/pack-N.bin`, else null. */
export function packNumberOf(path: string): number | null {
  const m = /^(?:online\/)?packs\/pack-(\d{6,10})\.bin$/.exec(path);
  return m ? Number(m[1]) : null;
}

/** This machine's working folder for one job of one container: spool and caches, never needed to restore. */
export function workDirFor(dataDir: string, account: string, container: string, job: string): string {
  for (const [what, v] of [
    ['account', account],
    ['container', container],
    ['job', job],
  ] as const) {
    if (!/^[a-z0-9][a-z0-9-]{0,62}$/.test(v))
      throw new AppError('VALIDATION', `The storage ${what} name "${v}" cannot name a folder here.`);
  }
  return join(dataDir, 'online', account, container, job);
}
