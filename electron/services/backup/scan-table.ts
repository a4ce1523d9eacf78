import type { FsPath } from './names.ts';
import type { EntryType, Restat, ScanEntry } from './scan-entry.ts';

const TYPES: EntryType[] = ['file', 'dir', 'symlink'];
/** A lone surrogate (a Windows name that is not Unicode) would not survive UTF-8. */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (s: string): boolean => !LONE_SURROGATE.test(s);

type Extra = { path?: string; abs?: FsPath; target?: string };

/**
 * The scan's entries as they are found, in columns (typed arrays and one string per path, no object per entry);
 * `build` sorts them by catalog path into a ScanTable.
 */
export class ScanTableBuilder {
  private paths: string[] = [];
  private type = new Uint8Array(1024);
  private mode = new Uint16Array(1024);
  private num = new Float64Array(4096);
  private readonly extra = new Map<number, Extra>();

  get length(): number {
    return this.paths.length;
  }

  add(e: ScanEntry): void {
    const i = this.paths.length;
    if (i === this.type.length) {
      const grow = <T extends Uint8Array | Uint16Array | Float64Array>(a: T, make: (n: number) => T): T => {
        const b = make(a.length * 2);
        b.set(a);
        return b;
      };
      this.type = grow(this.type, (n) => new Uint8Array(n));
      this.mode = grow(this.mode, (n) => new Uint16Array(n));
      this.num = grow(this.num, (n) => new Float64Array(n));
    }
    this.paths.push(e.path);
    this.type[i] = TYPES.indexOf(e.type);
    this.mode[i] = e.mode;
    this.num[4 * i] = e.size;
    this.num[4 * i + 1] = e.mtimeMs;
    this.num[4 * i + 2] = e.ctimeMs;
    this.num[4 * i + 3] = e.ino;
    const x: Extra = {};
    if (typeof e.abs !== 'string' || e.abs !== '/' + e.path) x.abs = e.abs;
    if (e.target !== undefined) x.target = e.target;
    if (x.abs !== undefined || x.target !== undefined) this.extra.set(i, x);
  }

  /** Entry `i` as added. */
  entry(i: number): ScanEntry {
    return entryOf(this.paths[i], this.extra.get(i), this.type[i], this.mode[i], this.num, i);
  }

  /**
   * The table, sorted by catalog path (`sorted`: already in order, kept as added). Of several entries with one path
   * the first added is kept; each other one is passed to `duplicate` with the kept one.
   */
  build(sorted = false, duplicate?: (kept: ScanEntry, other: ScanEntry) => void): ScanTable {
    const n = this.paths.length;
    const paths = this.paths;
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    if (!sorted) order.sort((a, b) => (paths[a] < paths[b] ? -1 : paths[a] > paths[b] ? 1 : a - b));
    let kept = 0;
    for (let k = 0; k < n; k++) {
      const i = order[k];
      if (!sorted && kept > 0 && paths[order[kept - 1]] === paths[i])
        duplicate?.(this.entry(order[kept - 1]), this.entry(i));
      else order[kept++] = i;
    }
    const t = new ScanTable(order.subarray(0, kept), paths, this.type, this.mode, this.num, this.extra);
    this.paths = [];
    this.extra.clear();
    return t;
  }
}

function entryOf(
  path: string,
  x: Extra | undefined,
  type: number,
  mode: number,
  num: Float64Array,
  i: number,
): ScanEntry {
  const e: ScanEntry = {
    path,
    abs: x?.abs ?? '/' + path,
    type: TYPES[type],
    size: num[4 * i],
    mtimeMs: num[4 * i + 1],
    mode,
    ctimeMs: num[4 * i + 2],
    ino: num[4 * i + 3],
  };
  if (x?.target !== undefined) e.target = x.target;
  return e;
}

/** Paths per group of the front-coded path bytes: an entry is decoded from its group's first, which is whole. */
const GROUP_BITS = 4;
const GROUP = 1 << GROUP_BITS;

/** Bytes of `n` as a varint (7 bits a byte, low first). */
const varintBytes = (n: number): number => (n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : 4);

function putVarint(b: Buffer, at: number, n: number): number {
  while (n >= 0x80) {
    b[at++] = (n & 0x7f) | 0x80;
    n >>>= 7;
  }
  b[at++] = n;
  return at;
}

/** The common prefix's length, in bytes, of `a[0, al)` and `b[0, bl)`. */
function sharedBytes(a: Buffer, al: number, b: Buffer, bl: number): number {
  const n = Math.min(al, bl);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

/**
 * The scan's entries, in path order, kept compactly for the whole run: the numbers in typed arrays, the catalog
 * paths as UTF-8 bytes in one buffer, and the read path only where it is not `'/' + path` (Windows, snapshots,
 * escaped names), like link targets, in a side map. The paths are front-coded: each as the length of the prefix it
 * shares with the one before and the rest (both lengths as varints), every 16th whole; sorted paths share their
 * folders, so this is about a fifth of their bytes (/tmp/bench-tree, 122 408 entries: 9.0 MB of paths in 1.8 MB;
 * 200 000 generated small files: 15.4 MB in 2.2 MB). About 36 bytes plus the path's new bytes per entry (~50 in
 * all on those trees, from ~120), outside the JS heap, against ~400 bytes of heap per ScanEntry object. `at(i)`
 * makes a ScanEntry on demand (short-lived); reading entries in order decodes each path once.
 */
export class ScanTable implements Iterable<ScanEntry> {
  readonly length: number;
  readonly files: number;
  readonly dirs: number;
  /** Bytes of the files (their sizes at the scan). */
  readonly bytes: number;
  private readonly type: Uint8Array;
  private readonly mode: Uint16Array;
  private readonly num: Float64Array;
  /** Offset in `paths` of each group's first record. */
  private readonly groupAt: Float64Array;
  /** Per entry: varint(bytes shared with the previous path) ‖ varint(bytes that follow) ‖ those bytes. */
  private readonly paths: Buffer;
  private readonly other = new Map<number, Extra>();
  /** The last path decoded: its entry, bytes and where the next record starts. */
  private cur = -1;
  private curBytes = Buffer.alloc(256);
  private curLength = 0;
  private curNext = 0;

  /** Rows `order` of the builder's columns, in that order. */
  constructor(
    order: Int32Array,
    paths: string[],
    type: Uint8Array,
    mode: Uint16Array,
    num: Float64Array,
    extra: Map<number, Extra>,
  ) {
    const n = order.length;
    this.length = n;
    this.type = new Uint8Array(n);
    this.mode = new Uint16Array(n);
    this.num = new Float64Array(n * 4);
    this.groupAt = new Float64Array((n + GROUP - 1) >>> GROUP_BITS);
    // Two passes over the paths (the first sizes the buffer), each path encoded into one of two scratch buffers.
    let prev = Buffer.alloc(256);
    let next = Buffer.alloc(256);
    let prevLength = 0;
    const encode = (k: number, each: (shared: number, b: Buffer, length: number) => void) => {
      const path = paths[order[k]];
      let length = 0;
      if (wellFormed(path)) {
        const need = Buffer.byteLength(path, 'utf8');
        if (need > next.length) next = Buffer.alloc(Math.max(need, 2 * next.length));
        length = next.write(path, 0, 'utf8');
      }
      const shared = k & (GROUP - 1) ? sharedBytes(prev, prevLength, next, length) : 0;
      each(shared, next, length);
      [prev, next] = [next, prev];
      prevLength = length;
    };
    let size = 0;
    for (let k = 0; k < n; k++)
      encode(k, (shared, _, length) => {
        size += varintBytes(shared) + varintBytes(length - shared) + length - shared;
      });
    this.paths = Buffer.allocUnsafeSlow(size);
    let at = 0;
    prevLength = 0;
    for (let k = 0; k < n; k++) {
      if ((k & (GROUP - 1)) === 0) this.groupAt[k >>> GROUP_BITS] = at;
      encode(k, (shared, b, length) => {
        at = putVarint(this.paths, at, shared);
        at = putVarint(this.paths, at, length - shared);
        at += b.copy(this.paths, at, shared, length);
      });
    }
    let files = 0;
    let dirs = 0;
    let fileBytes = 0;
    order.forEach((i, k) => {
      this.type[k] = type[i];
      this.mode[k] = mode[i];
      this.num.set(num.subarray(4 * i, 4 * i + 4), 4 * k);
      const x: Extra = { ...extra.get(i) };
      if (!wellFormed(paths[i])) x.path = paths[i];
      if (x.path !== undefined || x.abs !== undefined || x.target !== undefined) this.other.set(k, x);
      if (TYPES[type[i]] === 'file') {
        files++;
        fileBytes += num[4 * i];
      } else if (TYPES[type[i]] === 'dir') dirs++;
    });
    this.files = files;
    this.dirs = dirs;
    this.bytes = fileBytes;
  }

  /** The table of `entries`, in their order; the array is emptied (the objects are let go as they are copied). */
  static take(entries: ScanEntry[]): ScanTable {
    const b = new ScanTableBuilder();
    for (const e of entries) b.add(e);
    entries.length = 0;
    return b.build(true);
  }

  /** Entry `i`'s catalog path as stored (empty for a path kept in `other`): from the last one decoded when `i` follows it in its group. */
  private pathOf(i: number): string {
    if (!(i > this.cur && i >>> GROUP_BITS === this.cur >>> GROUP_BITS)) {
      this.cur = (i & ~(GROUP - 1)) - 1;
      this.curNext = this.groupAt[i >>> GROUP_BITS];
      this.curLength = 0;
    }
    const b = this.paths;
    let at = this.curNext;
    while (this.cur < i) {
      let shared = 0;
      let rest = 0;
      for (let s = 0; ; s += 7) {
        const c = b[at++];
        shared += (c & 0x7f) * 2 ** s;
        if (c < 0x80) break;
      }
      for (let s = 0; ; s += 7) {
        const c = b[at++];
        rest += (c & 0x7f) * 2 ** s;
        if (c < 0x80) break;
      }
      if (shared + rest > this.curBytes.length) {
        const more = Buffer.alloc(Math.max(shared + rest, 2 * this.curBytes.length));
        this.curBytes.copy(more, 0, 0, shared);
        this.curBytes = more;
      }
      b.copy(this.curBytes, shared, at, at + rest);
      at += rest;
      this.curLength = shared + rest;
      this.cur++;
    }
    this.curNext = at;
    return this.curBytes.toString('utf8', 0, this.curLength);
  }

  at(i: number): ScanEntry | undefined {
    if (!(i >= 0 && i < this.length)) return undefined;
    const x = this.other.get(i);
    return entryOf(x?.path ?? this.pathOf(i), x, this.type[i], this.mode[i], this.num, i);
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
