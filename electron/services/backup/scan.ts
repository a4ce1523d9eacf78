import { lstat, readdir, readlink, statfs } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { compileExclusions, type Exclusions } from './exclusions.ts';

export type { Exclusions, FolderRule } from './exclusions.ts';

export type EntryType = 'file' | 'dir' | 'symlink';
export interface ScanEntry {
  /** Catalog path: the absolute source path without its root, '/'-separated (`home/ann/docs/a.txt`, `C/Users/…`). */
  path: string;
  abs: string;
  type: EntryType;
  size: number;
  mtimeMs: number;
  mode: number;
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
}
export type ScanProgress = (p: { files: number; bytes: number; current: string }) => void;

/** `/home/ann` → `home/ann`; `C:\Users` → `C/Users`; `\\srv\share\x` → `UNC/srv/share/x`. */
export function catalogPathOf(abs: string): string {
  const root = parse(abs).root;
  let head = '';
  if (/^[A-Za-z]:[\\/]?$/.test(root)) head = root[0].toUpperCase();
  else if (root.startsWith('\\\\') || root.startsWith('//')) head = 'UNC/' + root.replace(/^[\\/]+/, '').replace(/[\\/]+$/, '').replace(/[\\/]+/g, '/');
  const rest = abs.slice(root.length).split(/[\\/]+/).filter(Boolean).join('/');
  return [head, rest].filter(Boolean).join('/');
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

/** Walks the items without following symlinks. Entries come back sorted by catalog path, ancestors included. */
export async function scanItems(items: string[], exclusions: Exclusions, signal?: AbortSignal, onProgress?: ScanProgress): Promise<ScanResult> {
  if (items.length === 0) throw new AppError('VALIDATION', 'Select at least one file, folder or drive to back up.', { field: 'items' });
  const excluded = compileExclusions(exclusions);

  const byPath = new Map<string, ScanEntry>();
  const skipped: SkippedItem[] = [];
  let files = 0;
  let bytes = 0;
  let seen = 0;
  const add = (abs: string, st: Awaited<ReturnType<typeof lstat>>, type: EntryType, target?: string) => {
    const path = catalogPathOf(abs);
    if (byPath.has(path)) return;
    const e: ScanEntry = { path, abs, type, size: type === 'file' ? Number(st.size) : 0, mtimeMs: Number(st.mtimeMs), mode: Number(st.mode) & 0o7777 };
    if (target !== undefined) e.target = target;
    byPath.set(path, e);
    if (type === 'file') {
      files++;
      bytes += e.size;
    }
    if (++seen % 2000 === 0) {
      signal?.throwIfAborted();
      onProgress?.({ files, bytes, current: abs });
    }
  };
  const visit = async (abs: string, isItemRoot: boolean): Promise<void> => {
    let st;
    try {
      st = await lstat(abs);
    } catch (err) {
      skipped.push({ path: abs, ...errText(err) });
      return;
    }
    if (st.isSymbolicLink()) {
      if (!isItemRoot && excluded.file(abs)) return;
      try {
        add(abs, st, 'symlink', await readlink(abs));
      } catch (err) {
        skipped.push({ path: abs, ...errText(err) });
      }
    } else if (st.isDirectory()) {
      if (excluded.dir(abs)) return;
      let names: string[];
      try {
        names = (await readdir(abs)).sort();
      } catch (err) {
        skipped.push({ path: abs, ...errText(err) });
        return;
      }
      add(abs, st, 'dir');
      for (let i = 0; i < names.length; i += 64) {
        signal?.throwIfAborted();
        await Promise.all(names.slice(i, i + 64).map((n) => visit(join(abs, n), false)));
      }
    } else if (st.isFile()) {
      if (!isItemRoot && excluded.file(abs)) return;
      add(abs, st, 'file');
    } else {
      skipped.push({ path: abs, code: 'ESPECIAL', reason: 'not a regular file, folder or link (device, socket or pipe)' });
    }
  };
  for (const item of items) {
    const abs = resolve(item);
    // Ancestors of each item become folders in the catalog so the tree can be browsed from its root.
    for (let d = dirname(abs); ; d = dirname(d)) {
      if (catalogPathOf(d) !== '') {
        const st = await lstat(d).catch(() => null);
        if (st) add(d, st, 'dir');
      }
      if (dirname(d) === d) break;
    }
    await visit(abs, true);
  }
  const entries = [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  onProgress?.({ files, bytes, current: '' });
  return { entries, skipped, files, dirs: entries.filter((e) => e.type === 'dir').length, bytes };
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
