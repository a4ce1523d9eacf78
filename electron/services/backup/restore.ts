import {
  chmod,
  lstat,
  mkdir,
  open,
  readlink,
  realpath,
  rename,
  symlink,
  unlink,
  utimes,
  lutimes,
} from 'node:fs/promises';
import { resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { CatalogEntry } from './catalog.ts';
import type { JobReader } from './reader.ts';
import { unsafeCatalogPath } from './safe-path.ts';
import { catalogNames, displayPath, joinFsPath, unescapeName, type FsPath } from './names.ts';
import { windowsCaseCollisions, windowsExtendedPath } from './windows-names.ts';
import { NAME_ERRORS, RestoreDirs, cannotHold } from './restore-dirs.ts';
import { beginRestore, sweepRestoreTempsIn, TEMP_PREFIX, writingTemp } from './restore-leftovers.ts';
import { isAtOrBelowItem } from './original-location.ts';
import { planOriginal } from './restore-original.ts';

export type ConflictChoice = 'overwrite' | 'skip' | 'keepBoth';
export interface RestoreOptions {
  /** The destination folder; absent with `originalLocation`. */
  to?: string | undefined;
  /** Each file back to the absolute path it was backed up from (restore-original.ts); exclusive with `to`. */
  originalLocation?: boolean;
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
  /** Files and links already in place with the backup's bytes (a rerun): left alone, not reported. */
  unchanged: number;
  skipped: Array<{ path: string; reason: string }>;
  /**
   * Original location: the `.obc-restore-*.tmp` files an earlier, killed restore left in the folders this one wrote
   * into, removed before writing there (absolute paths). A folder restore sweeps its own (beginRestore) and lists none.
   */
  leftoversRemoved: string[];
}

const ZERO = Buffer.alloc(8 << 20);
const isZero = (b: Buffer) => b.length <= ZERO.length && b.compare(ZERO, 0, b.length) === 0;

/** `name (1).ext` for keep-both, on text or bytes. */
function numbered(name: string | Buffer, i: number): string | Buffer {
  const b = typeof name === 'string' ? Buffer.from(name, 'utf8') : name;
  const dot = b.lastIndexOf(0x2e);
  const cut = dot > 0 ? dot : b.length;
  const out = Buffer.concat([b.subarray(0, cut), Buffer.from(` (${i})`), b.subarray(cut)]);
  return typeof name === 'string' ? out.toString('utf8') : out;
}

/**
 * Restores all or selected catalog paths under `to`, never outside it; or, with `originalLocation`, each to the
 * absolute path it was backed up from, creating missing folders only from an item down and leaving the folders
 * above the items as they are (same checks: name by name with lstat, no link followed, the same conflict choices).
 */
export async function restoreJob(reader: JobReader, opts: RestoreOptions): Promise<RestoreResult> {
  if ((opts.originalLocation === true) === (opts.to !== undefined)) {
    throw new AppError(
      'VALIDATION',
      'Restore to either a destination folder or the original location (one of the two).',
      { field: 'to' },
    );
  }
  if (!opts.originalLocation) return restoreInto(reader, opts, null);
  const plan = await planOriginal(reader);
  try {
    return await restoreInto(reader, opts, plan.roots);
  } finally {
    await plan.putBack();
  }
}

/** `roots` null: under `opts.to`; else the original location, with the items' catalog paths. */
async function restoreInto(reader: JobReader, opts: RestoreOptions, roots: string[] | null): Promise<RestoreResult> {
  // The naming rules of `platform` (tests apply the Windows rules here); paths are built for the real system.
  const platform = opts.platform ?? process.platform;
  const win = platform === 'win32';
  const onWindows = process.platform === 'win32';
  const sep = onWindows ? '\\' : '/';
  let realTo = '/';
  if (!roots) {
    const to = resolve(opts.to ?? '');
    await mkdir(to, { recursive: true });
    realTo = await realpath(to);
  }
  // `\\?\` lifts Windows' 260-character limit and takes names literally (the names were checked above).
  const root = onWindows ? windowsExtendedPath(realTo) : realTo;
  const inItem = (path: string) => roots === null || isAtOrBelowItem(path, roots);
  const conflict = opts.conflict ?? 'skip';
  const wanted = (opts.paths ?? []).map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean);
  for (const w of wanted) {
    if (!reader.entry(w))
      throw new AppError('NOT_FOUND', `"${w}" is not in the backup of job "${reader.seed.jobName}".`, { path: w });
  }
  const selected = reader
    .entries()
    .filter((e) => wanted.length === 0 || wanted.some((w) => e.path === w || e.path.startsWith(w + '/')));
  const result: RestoreResult = {
    files: 0,
    dirs: 0,
    symlinks: 0,
    bytes: 0,
    unchanged: 0,
    skipped: [],
    leftoversRemoved: [],
  };
  const skip = (path: string, reason: string) => void result.skipped.push({ path, reason });
  const totalBytes = selected.reduce((s, e) => s + (e.type === 'file' ? e.size : 0), 0);
  const caseTwins = win ? windowsCaseCollisions(selected.map((e) => e.path)) : new Map<string, string>();
  // The original location has no one restore folder for the unfinished-restore marker: each folder a file is written
  // into is swept of earlier temp files once, before the first file of this run goes there (sweptDirs).
  const finish = roots ? async () => undefined : await beginRestore(realTo);
  const sweptDirs = new Set<string>();
  const sweepOnce = async (parent: FsPath): Promise<void> => {
    const key = (typeof parent === 'string' ? Buffer.from(parent, 'utf8') : parent).toString('hex');
    if (sweptDirs.has(key)) return;
    sweptDirs.add(key);
    for (const p of await sweepRestoreTempsIn(parent, sep)) result.leftoversRemoved.push(displayPath(p));
  };
  const dirs = new RestoreDirs(root, sep, inItem);
  const dirEntries: Array<{ e: CatalogEntry; dest: FsPath }> = [];
  const links: Array<{ e: CatalogEntry; name: string | Buffer; parent: FsPath }> = [];
  let lastReport = 0;

  /** The entry's folder (created name by name, never through a link) and its own name; null when refused. */
  const place = async (e: CatalogEntry): Promise<{ parent: FsPath; name: string | Buffer } | null> => {
    const why = unsafeCatalogPath(e.path, platform);
    if (why) return (void skip(e.path, `refused: ${why}`), null);
    const twin = caseTwins.get(e.path);
    if (twin !== undefined)
      return (
        void skip(e.path, `not restored: Windows folders do not tell letter case apart, and "${twin}" takes this name`),
        null
      );
    if (!inItem(e.path) && e.type !== 'dir')
      return (void skip(e.path, 'refused: not inside any of the backed-up items'), null);
    const names = catalogNames(e.path);
    const made = await dirs.ensure(e.path, names.slice(0, -1));
    if (!made.ok) return (void skip(e.path, made.reason), null);
    return { parent: made.path, name: names[names.length - 1] };
  };

  /** Whether `dest` already holds exactly this file: same size and time, then the same bytes. */
  const sameFile = async (dest: FsPath, e: CatalogEntry): Promise<boolean> => {
    const st = await lstat(dest).catch(() => null);
    if (!st?.isFile() || st.size !== e.size || Math.abs(st.mtimeMs - e.mtimeMs) > 1) return false;
    const fh = await open(dest, 'r');
    try {
      let pos = 0;
      for await (const chunk of reader.readFile(e.path)) {
        const b = Buffer.allocUnsafe(chunk.length);
        const { bytesRead } = await fh.read(b, 0, chunk.length, pos);
        if (bytesRead !== chunk.length || !b.equals(chunk)) return false;
        pos += chunk.length;
      }
      return true;
    } finally {
      await fh.close();
    }
  };
  const sameLink = async (dest: FsPath, e: CatalogEntry): Promise<boolean> => {
    const st = await lstat(dest).catch(() => null);
    if (!st?.isSymbolicLink()) return false;
    const want = unescapeName(e.target ?? '');
    const have = await readlink(dest, { encoding: 'buffer' });
    return have.equals(typeof want === 'string' ? Buffer.from(want, 'utf8') : want);
  };

  /** Where to write, given what is there: null = leave it (identical, or the user chose skip). */
  const resolveConflict = async (parent: FsPath, name: string | Buffer, e: CatalogEntry): Promise<FsPath | null> => {
    const dest = joinFsPath(parent, name, sep);
    const existing = await lstat(dest).catch(() => null);
    if (!existing) return dest;
    if (e.type === 'file' ? await sameFile(dest, e) : await sameLink(dest, e)) {
      result.unchanged++;
      if (e.type === 'file') result.bytes += e.size;
      return null;
    }
    if (conflict === 'skip') return (void skip(e.path, 'already exists (skipped)'), null);
    if (conflict === 'overwrite') return dest;
    for (let i = 1; ; i++) {
      const alt = joinFsPath(parent, numbered(name, i), sep);
      if (!(await lstat(alt).catch(() => null))) return alt;
    }
  };

  const restoreFile = async (e: CatalogEntry, parent: FsPath, name: string | Buffer): Promise<void> => {
    const final = await resolveConflict(parent, name, e);
    if (!final) return;
    const tmp = joinFsPath(parent, `${TEMP_PREFIX}${randomBytes(6).toString('hex')}.tmp`, sep);
    const written = writingTemp(tmp);
    const fh = await open(tmp, 'wx', 0o600).catch((err: unknown) => {
      written();
      throw err;
    });
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
      written();
    } catch (err) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      written();
      if (err instanceof AppError && err.code === 'CORRUPT_DATA') return skip(e.path, err.message);
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (NAME_ERRORS.has(code)) return skip(e.path, cannotHold(err));
      // A folder where the file goes (the catalog lists the name twice, as a file and below it): skip, keep going.
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY')
        return skip(e.path, 'a folder with this name already exists where the file goes');
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
    const at = await place(e);
    if (!at) continue;
    if (e.type === 'dir') {
      const made = await dirs.ensure(e.path, catalogNames(e.path));
      if (!made.ok) {
        skip(e.path, made.reason);
        continue;
      }
      // A folder above the items (original location): checked, never created or changed.
      if (!inItem(e.path)) continue;
      dirEntries.push({ e, dest: made.path });
      result.dirs++;
    } else if (e.type === 'symlink') {
      links.push({ e, ...at });
    } else {
      if (roots) await sweepOnce(at.parent);
      if (inflight.size >= limit) await Promise.race(inflight);
      if (failure) break;
      const p: Promise<void> = restoreFile(e, at.parent, at.name).catch((err: unknown) => {
        failure ??= { err };
      });
      const tracked = p.finally(() => inflight.delete(tracked));
      inflight.add(tracked);
    }
  }
  await Promise.all(inflight);
  if (failure) throw (failure as { err: unknown }).err;
  // Links last, so no write above could pass through one.
  for (const { e, name, parent } of links) {
    const final = await resolveConflict(parent, name, e);
    if (!final) continue;
    try {
      // Overwrite: the link replaces what is there (keep-both picked a free name).
      if (await lstat(final).catch(() => null)) await unlink(final);
      await symlink(unescapeName(e.target ?? ''), final);
      await lutimes(final, e.mtimeMs / 1000, e.mtimeMs / 1000).catch(() => undefined);
      result.symlinks++;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      skip(e.path, NAME_ERRORS.has(code) ? cannotHold(err) : `could not create the link: ${(err as Error).message}`);
    }
  }
  // Folder times last (writing into a folder changes its mtime), deepest first.
  for (const { e, dest } of dirEntries.reverse()) {
    await chmod(dest, (e.mode & 0o7777) | 0o700).catch(() => undefined);
    await utimes(dest, e.mtimeMs / 1000, e.mtimeMs / 1000).catch(() => undefined);
  }
  await finish();
  opts.onProgress?.({ files: result.files, bytes: result.bytes, totalBytes, current: '' });
  return result;
}
