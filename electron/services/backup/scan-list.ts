import { lstatSync, readdirSync, readlinkSync } from 'node:fs';
import { sep as pathSep } from 'node:path';
import { decodeDirNames, joinFsPath, type FsPath } from './names.ts';

/** What the scan keeps of an lstat (fs.Stats or one row of a listing's `stats`). */
export interface ScanStat {
  mode: number;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

/** Fields per name in `FolderListing.stats`, in `ScanStat` order. */
export const STAT_FIELDS = 6;

/** A failed call, as the scan reports it (`code` and the system's message). */
export interface ListError {
  code: string;
  message: string;
}

/** One folder's names, each with its lstat (and a link's target), made by `listFolder`. */
export interface FolderListing {
  /** The names in the order the system gave them; a name that is not valid UTF-8 as its bytes. */
  names: Array<string | Uint8Array>;
  /** Per name `STAT_FIELDS` numbers (mode, size, mtimeMs, ctimeMs, ino, dev); mode NaN where lstat failed. */
  stats: Float64Array;
  /** Name index → why its lstat failed. */
  statErrors: Map<number, ListError>;
  /** Name index → a symbolic link's target (its bytes), or why it could not be read. */
  links: Map<number, Uint8Array | ListError>;
}

const errOf = (err: unknown): ListError => {
  const e = err as NodeJS.ErrnoException;
  return { code: e?.code ?? 'EIO', message: e?.message ?? String(err) };
};

const S_IFMT = 0o170000;
export const isDirMode = (mode: number): boolean => (mode & S_IFMT) === 0o040000;
export const isFileMode = (mode: number): boolean => (mode & S_IFMT) === 0o100000;
export const isLinkMode = (mode: number): boolean => (mode & S_IFMT) === 0o120000;

/**
 * Lists a folder and lstats each name in it (and reads each link's target), synchronously: what the scan did with
 * one promise per call, here in one go so that a worker thread can do a whole folder per message. A name that is
 * not valid UTF-8 is read as bytes (the folder's names are then read again with the bytes encoding).
 */
export function listFolder(dir: FsPath, sep = pathSep): FolderListing | { error: ListError } {
  let names: Array<string | Buffer>;
  try {
    if (typeof dir === 'string') {
      names = readdirSync(dir);
      if (names.some((x) => (x as string).includes('\uFFFD')))
        names = decodeDirNames(readdirSync(dir, { encoding: 'buffer' }));
    } else names = decodeDirNames(readdirSync(dir, { encoding: 'buffer' }));
  } catch (err) {
    return { error: errOf(err) };
  }
  const stats = new Float64Array(names.length * STAT_FIELDS);
  const statErrors = new Map<number, ListError>();
  const links = new Map<number, Uint8Array | ListError>();
  for (let i = 0; i < names.length; i++) {
    const path = joinFsPath(dir, names[i], sep);
    const o = i * STAT_FIELDS;
    try {
      const st = lstatSync(path);
      stats[o] = st.mode;
      stats[o + 1] = st.size;
      stats[o + 2] = st.mtimeMs;
      stats[o + 3] = st.ctimeMs;
      stats[o + 4] = st.ino;
      stats[o + 5] = st.dev;
      if (st.isSymbolicLink()) {
        try {
          links.set(i, readlinkSync(path, { encoding: 'buffer' }));
        } catch (err) {
          links.set(i, errOf(err));
        }
      }
    } catch (err) {
      stats[o] = NaN;
      statErrors.set(i, errOf(err));
    }
  }
  return { names, stats, statErrors, links };
}

export type ListRequest = { id: number; dir: string | Uint8Array; sep: '/' | '\\' };
export type ListReply = { id: number; listing: FolderListing | { error: ListError } };

/** Names that crossed threads as Uint8Array become Buffers again (FsPath). */
export function asFsName(n: string | Uint8Array): string | Buffer {
  return typeof n === 'string' ? n : Buffer.from(n.buffer, n.byteOffset, n.byteLength);
}
