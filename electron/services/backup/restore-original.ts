import { lstat, lutimes } from 'node:fs/promises';
import { AppError } from '../../../shared/errors.ts';
import type { JobReader } from './reader.ts';
import { isAtOrBelowItem, itemRoots, originalPathOf, sourcePlatformOf } from './original-location.ts';

/**
 * What restoring to the original location needs before it writes: the items' catalog paths (folders are created
 * only from an item down), and the times of each existing folder just above an item. Creating the item there, or
 * writing a file item, changes that folder's mtime; `putBack` sets the times it had again (mode and owner are never
 * touched; the change time cannot be set by anyone and moves).
 */
export interface OriginalPlan {
  roots: string[];
  putBack: () => Promise<void>;
}

export async function planOriginal(
  reader: JobReader,
  hostPlatform: NodeJS.Platform = process.platform,
): Promise<OriginalPlan> {
  const job = reader.seed.jobName;
  if (hostPlatform === 'win32') {
    throw new AppError(
      'VALIDATION',
      `Restoring to the original location is not available on Windows yet: restore job "${job}" to another location.`,
      { field: 'originalLocation' },
    );
  }
  const from = sourcePlatformOf(reader.catalog.items);
  if (from !== 'posix') {
    const what = from === 'win32' ? 'Windows paths (drive letters or shares)' : 'paths this system cannot place';
    throw new AppError(
      'VALIDATION',
      `Job "${job}" was backed up from ${what}: it cannot go back to its original location here. Restore it to another location.`,
      { field: 'originalLocation' },
    );
  }
  const roots = itemRoots(reader.catalog.items, 'linux');
  const saved: Array<{ path: string; atimeMs: number; mtimeMs: number }> = [];
  for (const r of roots) {
    const parent = r.includes('/') ? r.slice(0, r.lastIndexOf('/')) : '';
    if (parent && isAtOrBelowItem(parent, roots)) continue;
    const abs = parent ? originalPathOf(parent, 'linux') : '/';
    if (saved.some((s) => s.path === abs)) continue;
    const st = await lstat(abs).catch(() => null);
    if (st?.isDirectory()) saved.push({ path: abs, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs });
  }
  return {
    roots,
    putBack: async () => {
      for (const s of saved) {
        const st = await lstat(s.path).catch(() => null);
        if (st?.isDirectory() && st.mtimeMs !== s.mtimeMs)
          await lutimes(s.path, s.atimeMs / 1000, s.mtimeMs / 1000).catch(() => undefined);
      }
    },
  };
}
