/** Where a chunk is stored: its pack, offset and stored length, its raw length and flag (docs/backup-format.md). */
export interface ChunkLoc {
  pack: number;
  offset: number;
  length: number;
  rawLength: number;
  flag: number;
}

const HEX_ID = /^[0-9a-f]{64}$/;
const NOT_AN_ID = -2;

/** Slots per page of the tables' columns (a power of two). */
const PAGE_BITS = 13;
const PAGE = 1 << PAGE_BITS;
const PAGE_MASK = PAGE - 1;

/**
 * A set of 32-byte chunk ids, each with a slot (0, 1, … in the order first added): the ids in pages of 8192 (256
 * KiB each, added as needed, never copied) with an open-addressing index over them. 32 bytes per id plus 8-16 for
 * the index, outside the JS heap. A chunk worker's Set of 32-character strings (its known ids) cost ~100 bytes of
 * heap per chunk; growing whole arrays by doubling held the old and the new ones at once and left up to half unused.
 */
export class IdSet {
  private n = 0;
  private readonly pages: Uint8Array[] = [];
  /** Slot + 1 per bucket (0 = empty); buckets are a power of two, at most half full. */
  private index = new Int32Array(2048);

  get size(): number {
    return this.n;
  }

  has(id: Uint8Array): boolean {
    return this.slotOf(id) >= 0;
  }

  /** The slot of `id` (its first 32 bytes), -1 when it is not in the set. */
  slotOf(id: Uint8Array): number {
    const mask = this.index.length - 1;
    for (let b = (id[0] | (id[1] << 8) | (id[2] << 16) | (id[3] << 24)) & mask; ; b = (b + 1) & mask) {
      const v = this.index[b];
      if (v === 0) return -1;
      if (this.same(v - 1, id)) return v - 1;
    }
  }

  /** Adds `id` (32 bytes) unless it is in the set; returns its slot. */
  add(id: Uint8Array): number {
    if (id.length !== 32) throw new RangeError(`A chunk id is 32 bytes, not ${id.length}.`);
    const had = this.slotOf(id);
    if (had >= 0) return had;
    const s = this.n++;
    if (s >>> PAGE_BITS === this.pages.length) this.pages.push(new Uint8Array(32 * PAGE));
    this.pages[s >>> PAGE_BITS].set(id, 32 * (s & PAGE_MASK));
    if (2 * this.n > this.index.length) this.rehash(this.index.length * 2);
    else this.insert(s);
    return s;
  }

  /** The id in `slot`, as a view of the set's bytes (valid while the set is). */
  idBytes(slot: number): Uint8Array {
    const o = 32 * (slot & PAGE_MASK);
    return this.pages[slot >>> PAGE_BITS].subarray(o, o + 32);
  }

  /** Every id in slot order, 32 bytes each, in one new buffer. */
  allIds(): Buffer {
    const out = Buffer.alloc(32 * this.n);
    for (let s = 0; s < this.n; s += PAGE)
      out.set(this.pages[s >>> PAGE_BITS].subarray(0, 32 * Math.min(PAGE, this.n - s)), 32 * s);
    return out;
  }

  private same(slot: number, id: Uint8Array): boolean {
    const ids = this.pages[slot >>> PAGE_BITS];
    for (let i = 0, o = 32 * (slot & PAGE_MASK); i < 32; i++, o++) if (ids[o] !== id[i]) return false;
    return true;
  }

  private insert(slot: number): void {
    const mask = this.index.length - 1;
    const ids = this.pages[slot >>> PAGE_BITS];
    const o = 32 * (slot & PAGE_MASK);
    let b = (ids[o] | (ids[o + 1] << 8) | (ids[o + 2] << 16) | (ids[o + 3] << 24)) & mask;
    while (this.index[b] !== 0) b = (b + 1) & mask;
    this.index[b] = slot + 1;
  }

  private rehash(buckets: number): void {
    this.index = new Int32Array(buckets);
    for (let s = 0; s < this.n; s++) this.insert(s);
  }
}

/** One page of locations: the columns of 8192 slots in one allocation of 136 KiB. */
class LocPage {
  readonly pack: Uint32Array;
  readonly offset: Uint32Array;
  readonly length: Uint32Array;
  readonly rawLength: Uint32Array;
  readonly flag: Uint8Array;
  constructor() {
    const b = new ArrayBuffer(PAGE * 17);
    this.pack = new Uint32Array(b, 0, PAGE);
    this.offset = new Uint32Array(b, 4 * PAGE, PAGE);
    this.length = new Uint32Array(b, 8 * PAGE, PAGE);
    this.rawLength = new Uint32Array(b, 12 * PAGE, PAGE);
    this.flag = new Uint8Array(b, 16 * PAGE, PAGE);
  }
}

/**
 * Where every stored chunk is (id → pack, offset, sealed length, raw length, flag), kept compactly: the ids in an
 * IdSet (its slots are the table's), the locations in pages of typed arrays indexed by slot. A Map keyed by hex id
 * cost ~110 bytes of heap per chunk, and with many small files (one chunk each) it grew with the file count; this is
 * 49 bytes per chunk plus 8-16 for the index, outside the JS heap, in pages added as needed (doubling whole arrays
 * held ~13 MiB twice for a moment on a 114 000-file tree). Pack numbers, offsets and lengths are u32 in the pack
 * format, so Uint32Array holds them.
 */
export class ChunkTable {
  private readonly ids = new IdSet();
  private readonly locs: LocPage[] = [];
  /** The id being looked up, as bytes (written from hex without allocating). */
  private readonly probe = Buffer.alloc(32);

  get size(): number {
    return this.ids.size;
  }

  has(hex: string): boolean {
    return this.find(hex) >= 0;
  }

  slot(hex: string): number | undefined {
    const s = this.find(hex);
    return s < 0 ? undefined : s;
  }

  get(hex: string): ChunkLoc | undefined {
    const s = this.find(hex);
    return s < 0 ? undefined : this.at(s);
  }

  at(slot: number): ChunkLoc {
    const p = this.locs[slot >>> PAGE_BITS];
    const o = slot & PAGE_MASK;
    return { pack: p.pack[o], offset: p.offset[o], length: p.length[o], rawLength: p.rawLength[o], flag: p.flag[o] };
  }

  /** The slot of the chunk whose id is `id` (32 bytes), -1 when it is not stored. */
  slotOf(id: Uint8Array): number {
    if (id.length !== 32) throw new RangeError(`A chunk id is 32 bytes, not ${id.length}.`);
    return this.ids.slotOf(id);
  }

  /** Records (or replaces) a chunk's location; returns its slot. */
  set(hex: string, loc: ChunkLoc): number {
    if (this.find(hex) === NOT_AN_ID) throw new RangeError(`Not a chunk id: ${hex.slice(0, 70)}`);
    return this.setId(this.probe, loc);
  }

  /** `set` with the id as its 32 bytes. */
  setId(id: Uint8Array, loc: ChunkLoc): number {
    const s = this.ids.add(id);
    if (s >>> PAGE_BITS === this.locs.length) this.locs.push(new LocPage());
    const p = this.locs[s >>> PAGE_BITS];
    const o = s & PAGE_MASK;
    p.pack[o] = loc.pack;
    p.offset[o] = loc.offset;
    p.length[o] = loc.length;
    p.rawLength[o] = loc.rawLength;
    p.flag[o] = loc.flag;
    return s;
  }

  /** The id (hex) in `slot`. */
  id(slot: number): string {
    return Buffer.from(this.ids.idBytes(slot)).toString('hex');
  }

  /** The id in `slot`, as a view of the table's bytes (valid while the table is). */
  idBytes(slot: number): Uint8Array {
    return this.ids.idBytes(slot);
  }

  /** Ids (hex) in slot order (the order they were first stored). */
  *keys(): IterableIterator<string> {
    for (let s = 0; s < this.size; s++) yield this.id(s);
  }

  /** Every id in slot order, 32 bytes each, in one new buffer. */
  allIds(): Buffer {
    return this.ids.allIds();
  }

  /** The slot of `hex`, -1 when it is not stored, NOT_AN_ID; leaves its bytes in `probe`. */
  private find(hex: string): number {
    if (hex.length !== 64 || !HEX_ID.test(hex)) return NOT_AN_ID;
    this.probe.write(hex, 'hex');
    return this.ids.slotOf(this.probe);
  }
}

/**
 * Each work piece's chunks, in order, as chunk-table slots. A small file is one piece of one chunk: its slot is kept
 * in one Int32 per piece (4 bytes), and only the further chunks of a piece go into a linked list of cells in pages of
 * 8192 (never copied), its first and last cell in a small map of the pieces that have more than one. A head, a tail
 * and a cell for every piece cost 16 bytes per small file, and an array per piece ~150. Items of one piece arrive in
 * order.
 */
export class PieceChunks {
  /** Per piece: the slot of its first chunk, -1 while it has none. */
  private readonly first: Int32Array;
  /** Pieces with more than one chunk: [first, last] cell of the rest. */
  private readonly rest = new Map<number, [number, number]>();
  /** Per page: each cell's slot, then each cell's next cell (-1: the last of its piece). */
  private readonly cells: Int32Array[] = [];
  private n = 0;

  constructor(pieces: number) {
    this.first = new Int32Array(pieces).fill(-1);
  }

  push(piece: number, slot: number): void {
    if (slot < 0) throw new RangeError(`Not a chunk-table slot: ${slot}`);
    if (this.first[piece] < 0) {
      this.first[piece] = slot;
      return;
    }
    const i = this.n++;
    if (i >>> PAGE_BITS === this.cells.length) this.cells.push(new Int32Array(2 * PAGE));
    const c = this.cells[i >>> PAGE_BITS];
    c[i & PAGE_MASK] = slot;
    c[PAGE + (i & PAGE_MASK)] = -1;
    const r = this.rest.get(piece);
    if (!r) this.rest.set(piece, [i, i]);
    else {
      this.cells[r[1] >>> PAGE_BITS][PAGE + (r[1] & PAGE_MASK)] = i;
      r[1] = i;
    }
  }

  forEach(piece: number, fn: (slot: number) => void): void {
    if (this.first[piece] < 0) return;
    fn(this.first[piece]);
    for (let i = this.rest.get(piece)?.[0] ?? -1; i >= 0;) {
      const c = this.cells[i >>> PAGE_BITS];
      fn(c[i & PAGE_MASK]);
      i = c[PAGE + (i & PAGE_MASK)];
    }
  }
}
