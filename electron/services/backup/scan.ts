import { lstat, readlink, realpath, statfs } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { compileExclusions, type Exclusions } from './exclusions.ts';
import { releaseMemory } from './collect.ts';
import { ScanTableBuilder, type ScanTable } from './scan-table.ts';
import type { EntryType, ScanEntry } from './scan-entry.ts';
import { catalogPathOf, displayPath, escapeName, joinFsPath, type FsPath } from './names.ts';
import {
  asFsName,
  isDirMode,
  isFileMode,
  isLinkMode,
  STAT_FIELDS,
  type ListError,
  type ScanStat,
} from './scan-list.ts';
import { FolderLister, HereLister } from './scan-lister.ts';

export type { Exclusions, FolderRule } from './exclusions.ts';
export { catalogPathOf } from './names.ts';

/**
 * Entries between full garbage collections during the scan. Each entry leaves ~1.5 KB of garbage (stats, promises,
 * path pieces) that outlives the young generation; left to V8's heuristics the heap grew to ~380 MiB with 200 000
 * files, and the process keeps those pages for the rest of the run. A collection every 20 000 entries (a few tens
 * of ms with this live set) keeps the scan's heap near what it holds.
 */
const GC_EVERY = 20_000;

/**
 * File-system calls (folder listings) of the scan under way at once. Each folder visits its names 64 at a time and
 * folders nest, so without a bound tens of thousands of calls were in flight (their promises and results alive at
 * once); the listing workers run two at a time anyway.
 */
const IO_AT_ONCE = 64;

/** A name's lstat as a folder listing gave it, with a link's target; or why its lstat failed. */
type Found = { st: ScanStat; link?: Uint8Array | ListError | undefined } | { error: ListError };

/** Runs at most `n` of the calls given to it at once, the others in the order they came. */
function limiter(n: number): <T>(call: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async (call) => {
    if (active >= n) await new Promise<void>((go) => waiting.push(go));
    active++;
    try {
      return await call();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export interface SkippedItem {
  path: string;
  code: string;
  reason: string;
}
export interface ScanResult {
  entries: ScanEntry[];
  skipped: SkippedItem[];
  files: number;
  dirs: number;
  bytes: number;
  /** Folders left out because they are the staging location or the job folder (say so, once each). */
  excluded: string[];
}
export type ScanProgress = (p: { files: number; bytes: number; current: string }) => void;
export interface ScanOptions {
  /** Folders never backed up, whatever the items and exclusions say: the staging location and the job folder. */
  neverInclude?: string[];
  /** Where an item is read from (a volume snapshot); catalog paths stay those of the item. */
  readPath?: (abs: string) => string;
  platform?: NodeJS.Platform;
  /**
   * Once this many entries are found, folders are listed further only after `until` settles (the key derivation's
   * 128 MiB: the scan's entries found meanwhile add to it in the peak).
   */
  pauseAt?: { entries: number; until: Promise<unknown> };
  /** List the folders on this thread rather than in a worker (scan-lister.ts HereLister). */
  listHere?: boolean;
}

const errText = (err: unknown): { code: string; reason: string } => {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ?? 'EIO';
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'vanished during the scan'
        : code === 'EBUSY'
          ? 'locked by another program'
          : (e?.message ?? String(err));
  return { code, reason };
};

/** A folder that is never backed up, recognised by its catalog paths (as given and real) and its device + inode. */
interface NeverInclude {
  shown: string;
  paths: string[];
  dev: bigint;
  ino: bigint;
}
async function neverIncludeOf(dirs: string[], cat: (abs: string) => string): Promise<NeverInclude[]> {
  const out: NeverInclude[] = [];
  for (const d of dirs) {
    const abs = resolve(d);
    const real = await realpath(abs).catch(() => abs);
    const st = await lstat(real, { bigint: true }).catch(() => null);
    out.push({ shown: abs, paths: [...new Set([cat(abs), cat(real)])], dev: st?.dev ?? -1n, ino: st?.ino ?? -1n });
  }
  return out;
}

const sameFsPath = (a: FsPath, b: FsPath, caseless: boolean): boolean =>
  typeof a === 'string' && typeof b === 'string'
    ? caseless
      ? a.toLowerCase() === b.toLowerCase()
      : a === b
    : Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Walks the items without following symlinks. Entries come back sorted by catalog path, ancestors included. Names
 * are read as bytes where they are not valid UTF-8 (never skipped as "vanished"); two different sources that would
 * share one catalog path are an error for the second (listed in `skipped`, never dropped silently).
 */
export async function scanItems(
  items: string[],
  exclusions: Exclusions,
  signal?: AbortSignal,
  onProgress?: ScanProgress,
  more: ScanOptions = {},
): Promise<ScanResult> {
  const { table, ...rest } = await scanTable(items, exclusions, signal, onProgress, more);
  return { ...rest, entries: [...table] };
}

/** `scanItems` with the entries in a compact table (scan-table.ts) rather than one object each: Back Up Now's. */
export async function scanTable(
  items: string[],
  exclusions: Exclusions,
  signal?: AbortSignal,
  onProgress?: ScanProgress,
  more: ScanOptions = {},
): Promise<Omit<ScanResult, 'entries'> & { table: ScanTable }> {
  if (items.length === 0)
    throw new AppError('VALIDATION', 'Select at least one file, folder or drive to back up.', { field: 'items' });
  const platform = more.platform ?? process.platform;
  const caseless = platform === 'win32';
  const readPath = more.readPath ?? ((p: string) => p);
  const cat = (abs: string) => catalogPathOf(abs, platform);
  const norm = (p: string) => (caseless ? p.toLowerCase() : p);
  // Rules name folders of the items; where the items are read from a snapshot, so are the rules' folders. A path
  // with a name that is not UTF-8 is matched in its text form (such a name cannot be typed in a rule anyway).
  const excluded = compileExclusions({
    ...exclusions,
    ...(exclusions.folders
      ? { folders: exclusions.folders.map((r) => ({ ...r, path: readPath(resolve(r.path)) })) }
      : {}),
    ...(exclusions.fileTypes
      ? { fileTypes: exclusions.fileTypes.map((r) => ({ ...r, folder: readPath(resolve(r.folder)) })) }
      : {}),
  });
  const text = (p: FsPath) => (typeof p === 'string' ? p : p.toString('utf8'));
  const never = await neverIncludeOf(more.neverInclude ?? [], cat);
  const neverPaths = new Map(never.flatMap((n) => n.paths.map((p) => [norm(p), n] as const)));
  const leftOut = new Set<string>();
  const neverHit = async (
    abs: FsPath,
    path: string,
    st: { dev: number; ino: number },
  ): Promise<NeverInclude | null> => {
    const byPath = neverPaths.get(norm(path));
    if (byPath) return byPath;
    for (const n of never) {
      // Inode numbers above 2^53 lose precision as numbers: a match is confirmed with the exact (bigint) stat.
      if (st.ino !== Number(n.ino) || st.dev !== Number(n.dev)) continue;
      const exact = await lstat(abs, { bigint: true }).catch(() => null);
      if (exact && exact.ino === n.ino && exact.dev === n.dev) return n;
    }
    return null;
  };

  // Entries go into columns as they are found (no object per entry); sorted, and duplicates resolved, at the end.
  const found = new ScanTableBuilder();
  const foundSoFar = () => found.length;
  const io = limiter(IO_AT_ONCE);
  const skipped: SkippedItem[] = [];
  let files = 0;
  let bytes = 0;
  const add = (abs: FsPath, path: string, st: ScanStat, type: EntryType, target?: string) => {
    const e: ScanEntry = {
      path,
      abs,
      type,
      size: type === 'file' ? Number(st.size) : 0,
      mtimeMs: Number(st.mtimeMs),
      mode: Number(st.mode) & 0o7777,
      ctimeMs: Number(st.ctimeMs),
      ino: Number(st.ino),
    };
    if (target !== undefined) e.target = target;
    found.add(e);
    // Progress only: an entry reached twice (overlapping items) is counted twice here, once in the result.
    if (type === 'file') {
      files++;
      bytes += e.size;
    }
    if (found.length % 2000 === 0) {
      signal?.throwIfAborted();
      onProgress?.({ files, bytes, current: displayPath(abs) });
    }
    if (found.length % GC_EVERY === 0) releaseMemory?.();
  };
  // Folders are listed in worker threads (or, with `listHere`, on this thread), each name lstat-ed there
  // (scan-list.ts); only the items themselves and their ancestors are lstat-ed here.
  const lister = more.listHere ? new HereLister() : new FolderLister();
  const visit = async (abs: FsPath, path: string, isItemRoot: boolean, found?: Found): Promise<void> => {
    let st: ScanStat;
    if (found && 'error' in found) {
      skipped.push({ path: displayPath(abs), ...errText(found.error) });
      return;
    }
    if (found) st = found.st;
    else {
      try {
        st = await io(() => lstat(abs));
      } catch (err) {
        skipped.push({ path: displayPath(abs), ...errText(err) });
        return;
      }
    }
    if (isLinkMode(st.mode)) {
      if (!isItemRoot && excluded.file(text(abs))) return;
      try {
        const link = found?.link ?? (await io(() => readlink(abs, { encoding: 'buffer' })));
        if (!(link instanceof Uint8Array)) throw link;
        add(abs, path, st, 'symlink', escapeName(link));
      } catch (err) {
        skipped.push({ path: displayPath(abs), ...errText(err) });
      }
    } else if (isDirMode(st.mode)) {
      if (excluded.dir(text(abs))) return;
      const n = never.length ? await neverHit(abs, path, st) : null;
      if (n) {
        leftOut.add(n.shown);
        return;
      }
      if (more.pauseAt && foundSoFar() >= more.pauseAt.entries) {
        await more.pauseAt.until;
        signal?.throwIfAborted();
      }
      const listing = await io(() => lister.list(abs, sep));
      if ('error' in listing) {
        skipped.push({ path: displayPath(abs), ...errText(listing.error) });
        return;
      }
      add(abs, path, st, 'dir');
      const { stats, statErrors, links } = listing;
      const names = listing.names.map(asFsName);
      const prefix = path === '' ? '' : path + '/';
      const child = (i: number): Promise<void> => {
        const name = names[i];
        const error = statErrors.get(i);
        const o = i * STAT_FIELDS;
        return visit(
          joinFsPath(abs, name, sep),
          prefix + escapeName(name),
          false,
          error
            ? { error }
            : {
                st: {
                  mode: stats[o],
                  size: stats[o + 1],
                  mtimeMs: stats[o + 2],
                  ctimeMs: stats[o + 3],
                  ino: stats[o + 4],
                  dev: stats[o + 5],
                },
                link: links.get(i),
              },
        );
      };
      for (let i = 0; i < names.length; i += 64) {
        signal?.throwIfAborted();
        const group: Promise<void>[] = [];
        for (let j = i; j < Math.min(names.length, i + 64); j++) group.push(child(j));
        await Promise.all(group);
      }
    } else if (isFileMode(st.mode)) {
      if (!isItemRoot && excluded.file(text(abs))) return;
      add(abs, path, st, 'file');
    } else {
      skipped.push({
        path: displayPath(abs),
        code: 'ESPECIAL',
        reason: 'not a regular file, folder or link (device, socket or pipe)',
      });
    }
  };
  try {
    for (const item of items) {
      const abs = resolve(item);
      const path = cat(abs);
      // An item inside a folder that is never backed up (the job folder, the staging location) is left out whole.
      const inside = never.find((n) =>
        n.paths.some((p) => norm(path) === norm(p) || norm(path).startsWith(norm(p) + '/')),
      );
      if (inside) {
        leftOut.add(inside.shown);
        continue;
      }
      // Ancestors of each item become folders in the catalog so the tree can be browsed from its root.
      for (let d = dirname(abs); ; d = dirname(d)) {
        const dp = cat(d);
        if (dp !== '') {
          const st = await lstat(readPath(d)).catch(() => null);
          if (st) add(readPath(d), dp, st, 'dir');
        }
        if (dirname(d) === d) break;
      }
      await visit(readPath(abs), path, true);
    }
  } finally {
    await lister.close();
  }
  // The same source reached twice (items that overlap) is one entry; two sources on one path is an error.
  const table = found.build(false, (had, dup) => {
    if (!sameFsPath(had.abs, dup.abs, caseless))
      skipped.push({
        path: displayPath(dup.abs),
        code: 'ECOLLISION',
        reason: `not backed up: its catalog path "${dup.path}" is already the path of ${displayPath(had.abs)}`,
      });
  });
  onProgress?.({ files: table.files, bytes: table.bytes, current: '' });
  return { table, skipped, files: table.files, dirs: table.dirs, bytes: table.bytes, excluded: [...leftOut] };
}

/** Free bytes of the volume holding `dir` (or its nearest existing parent). */
export async function freeSpace(dir: string): Promise<number> {
  let d = resolve(dir);
  for (;;) {
    try {
      const s = await statfs(d);
      return Number(s.bavail) * Number(s.bsize);
    } catch (err) {
      const parent = dirname(d);
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || parent === d) throw err;
      d = parent;
    }
  }
}
