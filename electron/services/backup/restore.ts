import { chmod, lstat, mkdir, open, realpath, rename, symlink, unlink, utimes, lutimes } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { CatalogEntry } from './catalog.ts';
import type { JobReader } from './reader.ts';
import { unsafeCatalogPath } from './safe-path.ts';

export type ConflictChoice = 'overwrite' | 'skip' | 'keepBoth';
export interface RestoreOptions {
  to: string;
  /** Catalog paths to restore (folders include everything below); empty or absent = everything. */
  paths?: string[];
  conflict?: ConflictChoice;
  platform?: NodeJS.Platform;
  signal?: AbortSignal;
  onProgress?: (p: { files: number; bytes: number; totalBytes: number; current: string }) => void;
}
export interface RestoreResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  skipped: Array<{ path: string; reason: string }>;
}

const ZERO = Buffer.alloc(8 << 20);
const isZero = (b: Buffer) => b.length <= ZERO.length && b.compare(ZERO, 0, b.length) === 0;

/** Restores all or selected catalog paths under `to`, never outside it. */
export async function restoreJob(reader: JobReader, opts: RestoreOptions): Promise<RestoreResult> {
  const to = resolve(opts.to);
  await mkdir(to, { recursive: true });
  const realTo = await realpath(to);
  const conflict = opts.conflict ?? 'skip';
  const wanted = (opts.paths ?? []).map((p) => p.replace(/\\/g, '/').replace(/^\/+|\/+$/g, '')).filter(Boolean);
  for (const w of wanted) {
    if (!reader.entry(w)) throw new AppError('NOT_FOUND', `"${w}" is not in the backup of job "${reader.seed.jobName}".`, { path: w });
  }
  const selected = reader.entries().filter((e) => wanted.length === 0 || wanted.some((w) => e.path === w || e.path.startsWith(w + '/')));
  const result: RestoreResult = { files: 0, dirs: 0, symlinks: 0, bytes: 0, skipped: [] };
  const totalBytes = selected.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
  const inside = (p: string) => p === realTo || p.startsWith(realTo.endsWith(sep) ? realTo : realTo + sep);
  const dirs: Array<{ e: CatalogEntry; dest: string }> = [];
  const links: Array<{ e: CatalogEntry; dest: string }> = [];
  let lastReport = 0;
  // Folders already created and checked in this run (links are only created at the end).
  const checkedDirs = new Set<string>();

  const target = async (e: CatalogEntry): Promise<string | null> => {
    const why = unsafeCatalogPath(e.path, opts.platform);
    if (why) {
      result.skipped.push({ path: e.path, reason: `refused: ${why}` });
      return null;
    }
    const dest = join(to, ...e.path.split('/'));
    if (!dest.startsWith(to + sep)) {
      result.skipped.push({ path: e.path, reason: 'refused: resolves outside the restore folder' });
      return null;
    }
    const parent = dirname(dest);
    if (!checkedDirs.has(parent)) {
      try {
        await mkdir(parent, { recursive: true });
      } catch (err) {
        // A file restored (or already present) where a folder of this path belongs: skip this entry, keep going.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOTDIR' && code !== 'EEXIST') throw err;
        result.skipped.push({ path: e.path, reason: 'a file with the name of one of its folders already exists' });
        return null;
      }
      // A link planted in the destination must not lead writes elsewhere.
      if (!inside(await realpath(parent))) {
        result.skipped.push({ path: e.path, reason: 'refused: its folder leads outside the restore folder' });
        return null;
      }
      checkedDirs.add(parent);
    }
    return dest;
  };
  const resolveConflict = async (dest: string, path: string): Promise<string | null> => {
    const existing = await lstat(dest).catch(() => null);
    if (!existing) return dest;
    if (conflict === 'skip') {
      result.skipped.push({ path, reason: 'already exists (skipped)' });
      return null;
    }
    if (conflict === 'overwrite') return dest;
    const ext = extname(dest);
    for (let i = 1; ; i++) {
      const alt = `${dest.slice(0, dest.length - ext.length)} (${i})${ext}`;
      if (!(await lstat(alt).catch(() => null))) return alt;
    }
  };

  const restoreFile = async (e: CatalogEntry, dest: string): Promise<void> => {
    const final = await resolveConflict(dest, e.path);
    if (!final) return;
    const tmp = join(dirname(final), `.obc-restore-${randomBytes(6).toString('hex')}.tmp`);
    const fh = await open(tmp, 'wx', 0o600);
    try {
      let pos = 0;
      let end = 0;
      for await (const chunk of reader.readFile(e.path)) {
        opts.signal?.throwIfAborted();
        if (!isZero(chunk)) {
          await fh.write(chunk, 0, chunk.length, pos);
          end = pos + chunk.length;
        }
        pos += chunk.length;
        result.bytes += chunk.length;
        if (Date.now() - lastReport > 250) {
          lastReport = Date.now();
          opts.onProgress?.({ files: result.files, bytes: result.bytes, totalBytes, current: e.path });
        }
      }
      if (end < pos) await fh.truncate(pos);
      await fh.chmod(e.mode & 0o7777).catch(() => undefined);
      await fh.utimes(e.mtimeMs / 1000, e.mtimeMs / 1000);
      await fh.close();
      await rename(tmp, final);
    } catch (err) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      if (err instanceof AppError && err.code === 'CORRUPT_DATA') {
        result.skipped.push({ path: e.path, reason: err.message });
        return;
      }
      // A folder where the file goes (the catalog lists the name twice, as a file and below it): skip, keep going.
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY') {
        result.skipped.push({ path: e.path, reason: 'a folder with this name already exists where the file goes' });
        return;
      }
      throw err;
    }
    result.files++;
  };
  // Small files are restored several at a time (file-system latency dominates); keep-both names one by one.
  const limit = conflict === 'keepBoth' ? 1 : 8;
  const inflight = new Set<Promise<void>>();
  let failure: { err: unknown } | null = null;

  for (const e of selected) {
    if (failure) break;
    opts.signal?.throwIfAborted();
    const dest = await target(e);
    if (!dest) continue;
    if (e.type === 'dir') {
      const st = await lstat(dest).catch(() => null);
      if (st && !st.isDirectory()) {
        result.skipped.push({ path: e.path, reason: 'a file with this name already exists where the folder goes' });
        continue;
      }
      await mkdir(dest, { recursive: true });
      if (checkedDirs.has(dirname(dest)) && !st) checkedDirs.add(dest);
      dirs.push({ e, dest });
      result.dirs++;
    } else if (e.type === 'symlink') {
      links.push({ e, dest });
    } else {
      if (inflight.size >= limit) await Promise.race(inflight);
      if (failure) break;
      const p: Promise<void> = restoreFile(e, dest).catch((err: unknown) => {
        failure ??= { err };
      });
      const tracked = p.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    }
  }
  await Promise.all(inflight);
  if (failure) throw (failure as { err: unknown }).err;
  // Links last, so no write above could pass through one.
  for (const { e, dest } of links) {
    const final = await resolveConflict(dest, e.path);
    if (!final) continue;
    try {
      if (final === dest && (await lstat(dest).catch(() => null))) await unlink(dest);
      await symlink(e.target ?? '', final);
      await lutimes(final, e.mtimeMs / 1000, e.mtimeMs / 1000).catch(() => undefined);
      result.symlinks++;
    } catch (err) {
      result.skipped.push({ path: e.path, reason: `could not create the link: ${(err as Error).message}` });
    }
  }
  // Folder times last (writing into a folder changes its mtime), deepest first.
  for (const { e, dest } of dirs.reverse()) {
    await chmod(dest, (e.mode & 0o7777) | 0o700).catch(() => undefined);
    await utimes(dest, e.mtimeMs / 1000, e.mtimeMs / 1000).catch(() => undefined);
  }
  opts.onProgress?.({ files: result.files, bytes: result.bytes, totalBytes, current: '' });
  return result;
}
