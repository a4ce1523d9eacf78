/** What the scan records of one entry, and the list Back Up Now keeps them in (an array or scan-table.ts). */
import type { FsPath } from './names.ts';

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

/** What a second read of a file found: its stat then (read-pass.ts). */
export type Restat = Pick<ScanEntry, 'size' | 'mtimeMs' | 'mode' | 'ctimeMs' | 'ino'>;

/** The scan's entries in path order: an array, or the compact table Back Up Now keeps them in (scan-table.ts). */
export interface EntryList {
  readonly length: number;
  at(index: number): ScanEntry | undefined;
  /** Records a file's stat as read the second time (an array's entries are simply updated in place). */
  restat?(index: number, st: Restat): void;
}
