import { lstat, readdir, readlink, realpath, statfs } from 'node:fs/promises';
import { dirname, resolve, sep } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { compileExclusions, type Exclusions } from './exclusions.ts';
import { catalogPathOf, decodeDirNames, displayPath, escapeName, joinFsPath, type FsPath } from './names.ts';

export type { Exclusions, FolderRule } from './exclusions.ts';
export { catalogPathOf } from './names.ts';

export type EntryType = 'file' | 'dir' | 'symlink';
export interface ScanEntry {
  /** Catalog path: the absolute source path without its root, '/'-separated, names escaped (names.ts). */
  path: string;
  /** Where the entry is read: text, or bytes when one of its names is not valid UTF-8. */
  abs: FsPath;
  type: EntryType;
  size: number;
  mtimeMs: number;
  mode: number;
  /** Change time and inode at the scan: a file whose stat differs when it is read has changed meanwhile. */
  ctimeMs: number;
  ino: number;
  /** Link target, escaped like a name. */
  target?: string;
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
  typeof a === 'string' && typeof b === 'string' ? (caseless ? a.toLowerCase() === b.toLowerCase() : a === b) : Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0;

/**
 * Walks the items without following symlinks. Entries come back sorted by catalog path, ancestors included. Names
 * are read as bytes where they are not valid UTF-8 (never skipped as "vanished"); two different sources that would
 * share one catalog path are an error for the second (listed in `skipped`, never dropped silently).
 */
export async function scanItems(items: string[], exclusions: Exclusions, signal?: AbortSignal, onProgress?: ScanProgress, more: ScanOptions = {}): Promise<ScanResult> {
  if (items.length === 0) throw new AppError('VALIDATION', 'Select at least one file, folder or drive to back up.', { field: 'items' });
  const platform = more.platform ?? process.platform;
  const caseless = platform === 'win32';
  const readPath = more.readPath ?? ((p: string) => p);
  const cat = (abs: string) => catalogPathOf(abs, platform);
  const norm = (p: string) => (caseless ? p.toLowerCase() : p);
  // Rules name folders of the items; where the items are read from a snapshot, so are the rules' folders. A path
  // with a name that is not UTF-8 is matched in its text form (such a name cannot be typed in a rule anyway).
  const excluded = compileExclusions({
    ...exclusions,
    ...(exclusions.folders ? { folders: exclusions.folders.map((r) => ({ ...r, path: readPath(resolve(r.path)) })) } : {}),
    ...(exclusions.fileTypes ? { fileTypes: exclusions.fileTypes.map((r) => ({ ...r, folder: readPath(resolve(r.folder)) })) } : {}),
  });
  const text = (p: FsPath) => (typeof p === 'string' ? p : p.toString('utf8'));
  const never = await neverIncludeOf(more.neverInclude ?? [], cat);
  const neverPaths = new Map(never.flatMap((n) => n.paths.map((p) => [norm(p), n] as const)));
  const leftOut = new Set<string>();
  const neverHit = async (abs: FsPath, path: string, st: { dev: number; ino: number }): Promise<NeverInclude | null> => {
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

  const byPath = new Map<string, ScanEntry>();
  const skipped: SkippedItem[] = [];
  let files = 0;
  let bytes = 0;
  let seen = 0;
  const add = (abs: FsPath, path: string, st: Awaited<ReturnType<typeof lstat>>, type: EntryType, target?: string) => {
    const had = byPath.get(path);
    if (had) {
      // The same source reached twice (items that overlap) is one entry; two sources on one path is an error.
      if (!sameFsPath(had.abs, abs, caseless)) skipped.push({ path: displayPath(abs), code: 'ECOLLISION', reason: `not backed up: its catalog path "${path}" is already the path of ${displayPath(had.abs)}` });
      return;
    }
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
    byPath.set(path, e);
    if (type === 'file') {
      files++;
      bytes += e.size;
    }
    if (++seen % 2000 === 0) {
      signal?.throwIfAborted();
      onProgress?.({ files, bytes, current: displayPath(abs) });
    }
  };
  const visit = async (abs: FsPath, path: string, isItemRoot: boolean): Promise<void> => {
    let st;
    try {
      st = await lstat(abs);
    } catch (err) {
      skipped.push({ path: displayPath(abs), ...errText(err) });
      return;
    }
    if (st.isSymbolicLink()) {
      if (!isItemRoot && excluded.file(text(abs))) return;
      try {
        add(abs, path, st, 'symlink', escapeName(await readlink(abs, { encoding: 'buffer' })));
      } catch (err) {
        skipped.push({ path: displayPath(abs), ...errText(err) });
      }
    } else if (st.isDirectory()) {
      if (excluded.dir(text(abs))) return;
      const n = never.length ? await neverHit(abs, path, st) : null;
      if (n) {
        leftOut.add(n.shown);
        return;
      }
      let names: Array<string | Buffer>;
      try {
        names = typeof abs === 'string' ? await readdir(abs) : await readdir(abs, { encoding: 'buffer' });
        // A name that is not valid UTF-8 comes back with U+FFFD in it: read this folder's names as bytes.
        if (typeof abs === 'string' && names.some((x) => (x as string).includes('\uFFFD'))) names = decodeDirNames(await readdir(abs, { encoding: 'buffer' }));
        else if (typeof abs !== 'string') names = decodeDirNames(names as Buffer[]);
      } catch (err) {
        skipped.push({ path: displayPath(abs), ...errText(err) });
        return;
      }
      add(abs, path, st, 'dir');
      const prefix = path === '' ? '' : path + '/';
      for (let i = 0; i < names.length; i += 64) {
        signal?.throwIfAborted();
        await Promise.all(
          names.slice(i, i + 64).map((n) => visit(joinFsPath(abs, n, sep), prefix + escapeName(n), false)),
        );
      }
    } else if (st.isFile()) {
      if (!isItemRoot && excluded.file(text(abs))) return;
      add(abs, path, st, 'file');
    } else {
      skipped.push({ path: displayPath(abs), code: 'ESPECIAL', reason: 'not a regular file, folder or link (device, socket or pipe)' });
    }
  };
  for (const item of items) {
    const abs = resolve(item);
    const path = cat(abs);
    // An item inside a folder that is never backed up (the job folder, the staging location) is left out whole.
    const inside = never.find((n) => n.paths.some((p) => norm(path) === norm(p) || norm(path).startsWith(norm(p) + '/')));
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
  const entries = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  onProgress?.({ files, bytes, current: '' });
  return { entries, skipped, files, dirs: entries.filter((e) => e.type === 'dir').length, bytes, excluded: [...leftOut] };
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
