import type { FsPath } from './names.ts';
import type { EntryType, ScanEntry } from './scan.ts';

const TYPES: EntryType[] = ['file', 'dir', 'symlink'];
/** A lone surrogate (a Windows name that is not Unicode) would not survive UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

/** What a second read of a file found: its stat then (read-pass.ts). */
export type Restat = Pick<ScanEntry, 'size' | 'mtimeMs' | 'mode' | 'ctimeMs' | 'ino'>;

/**
 * The scan's entries, in path order, kept compactly for the whole run: the numbers in typed arrays, the catalog
 * paths as UTF-8 bytes in one buffer, and the read path only where it is not `'/' + path` (Windows, snapshots,
 * escaped names), like link targets, in a side map. About 45 bytes plus the path's bytes per entry, outside the JS
 * heap, against ~420 bytes of heap per ScanEntry object: with 100 000 files the objects were the largest part of
 * Back Up Now's memory. `at(i)` makes a ScanEntry on demand (short-lived).
 */
export class ScanTable implements Iterable<ScanEntry> {
  readonly length: number;
  private readonly type: Uint8Array;
  private readonly mode: Uint16Array;
  private readonly num: Float64Array;
  private readonly pathAt: Float64Array;
  private readonly paths: Buffer;
  private readonly other = new Map<number, { path?: string; abs?: FsPath; target?: string }>();

  private constructor(n: number, pathBytes: number) {
    this.length = n;
    this.type = new Uint8Array(n);
    this.mode = new Uint16Array(n);
    this.num = new Float64Array(n * 4);
    this.pathAt = new Float64Array(n + 1);
    this.paths = Buffer.allocUnsafeSlow(pathBytes);
  }

  /** The table of `entries`, which are emptied (the objects are let go as soon as they are copied). */
  static take(entries: ScanEntry[]): ScanTable {
    let bytes = 0;
    for (const e of entries) if (wellFormed(e.path)) bytes += Buffer.byteLength(e.path, 'utf8');
    const t = new ScanTable(entries.length, bytes);
    let at = 0;
    entries.forEach((e, i) => {
      t.type[i] = TYPES.indexOf(e.type);
      t.mode[i] = e.mode;
      t.setNumbers(i, e);
      const extra: { path?: string; abs?: FsPath; target?: string } = {};
      if (wellFormed(e.path)) at += t.paths.write(e.path, at, 'utf8');
      else extra.path = e.path;
      t.pathAt[i + 1] = at;
      if (typeof e.abs !== 'string' || e.abs !== '/' + e.path) extra.abs = e.abs;
      if (e.target !== undefined) extra.target = e.target;
      if (extra.path !== undefined || extra.abs !== undefined || extra.target !== undefined) t.other.set(i, extra);
    });
    entries.length = 0;
    return t;
  }

  at(i: number): ScanEntry | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const extra = this.other.get(i);
    const path = extra?.path ?? this.paths.toString('utf8', this.pathAt[i], this.pathAt[i + 1]);
    const e: ScanEntry = {
      path,
      abs: extra?.abs ?? '/' + path,
      type: TYPES[this.type[i]],
      size: this.num[4 * i],
      mtimeMs: this.num[4 * i + 1],
      mode: this.mode[i],
      ctimeMs: this.num[4 * i + 2],
      ino: this.num[4 * i + 3],
    };
    if (extra?.target !== undefined) e.target = extra.target;
    return e;
  }

  /** A file's stat as read the second time: the catalog records it. */
  restat(i: number, st: Restat): void {
    this.mode[i] = st.mode;
    this.setNumbers(i, st);
  }

  *[Symbol.iterator](): Iterator<ScanEntry> {
    for (let i = 0; i < this.length; i++) yield this.at(i)!;
  }

  private setNumbers(i: number, st: Pick<ScanEntry, 'size' | 'mtimeMs' | 'ctimeMs' | 'ino'>): void {
    this.num[4 * i] = st.size;
    this.num[4 * i + 1] = st.mtimeMs;
    this.num[4 * i + 2] = st.ctimeMs;
    this.num[4 * i + 3] = st.ino;
  }
}
