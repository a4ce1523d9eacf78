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

/**
 * Where every stored chunk is (id → pack, offset, sealed length, raw length, flag), kept compactly: the ids as
 * bytes in slot order with an open-addressing index over them (Int32Array), the locations in typed arrays indexed
 * by slot. A Map keyed by hex id cost ~110 bytes of heap per chunk, and with many small files (one chunk each) it
 * grew with the file count; this is ~45 bytes per chunk outside the JS heap. Pack numbers, offsets and lengths are
 * u32 in the pack format, so Uint32Array holds them.
 */
export class ChunkTable {
  private n = 0;
  private ids = new Uint8Array(1024 * 32);
  /** Slot + 1 per bucket (0 = empty); buckets are a power of two, at most half full. */
  private index = new Int32Array(2048);
  private pack = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private length = new Uint32Array(1024);
  private rawLength = new Uint32Array(1024);
  private flag = new Uint8Array(1024);
  /** The id being looked up, as bytes (written from hex without allocating). */
  private readonly probe = Buffer.alloc(32);

  get size(): number {
    return this.n;
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
    return {
      pack: this.pack[slot],
      offset: this.offset[slot],
      length: this.length[slot],
      rawLength: this.rawLength[slot],
      flag: this.flag[slot],
    };
  }

  /** The slot of the chunk whose id is `id` (32 bytes), -1 when it is not stored. */
  slotOf(id: Uint8Array): number {
    this.toProbe(id);
    return this.findProbe();
  }

  /** Records (or replaces) a chunk's location; returns its slot. */
  set(hex: string, loc: ChunkLoc): number {
    const s = this.find(hex);
    if (s === NOT_AN_ID) throw new RangeError(`Not a chunk id: ${hex.slice(0, 70)}`);
    return this.setProbe(s, loc);
  }

  /** `set` with the id as its 32 bytes. */
  setId(id: Uint8Array, loc: ChunkLoc): number {
    this.toProbe(id);
    return this.setProbe(this.findProbe(), loc);
  }

  private toProbe(id: Uint8Array): void {
    if (id.length !== 32) throw new RangeError(`A chunk id is 32 bytes, not ${id.length}.`);
    this.probe.set(id);
  }

  /** Stores `loc` in slot `s` (the probe's, found by `findProbe`), or in a new slot for the probe when `s` < 0. */
  private setProbe(s: number, loc: ChunkLoc): number {
    if (s < 0) {
      s = this.n++;
      if (s === this.pack.length) this.grow();
      this.ids.set(this.probe, 32 * s);
      if (2 * this.n > this.index.length) this.rehash(this.index.length * 2);
      else this.insert(s);
    }
    this.pack[s] = loc.pack;
    this.offset[s] = loc.offset;
    this.length[s] = loc.length;
    this.rawLength[s] = loc.rawLength;
    this.flag[s] = loc.flag;
    return s;
  }

  /** The id (hex) in `slot`. */
  id(slot: number): string {
    return Buffer.from(this.ids.buffer, this.ids.byteOffset + 32 * slot, 32).toString('hex');
  }

  /** Ids (hex) in slot order (the order they were first stored). */
  *keys(): IterableIterator<string> {
    for (let s = 0; s < this.n; s++) yield this.id(s);
  }

  /** The slot of `hex`, -1 when it is not stored, NOT_AN_ID; leaves its bytes in `probe`. */
  private find(hex: string): number {
    if (hex.length !== 64 || !HEX_ID.test(hex)) return NOT_AN_ID;
    this.probe.write(hex, 'hex');
    return this.findProbe();
  }

  /** The slot of the id in `probe`, -1 when it is not stored. */
  private findProbe(): number {
    const mask = this.index.length - 1;
    for (let b = this.probe.readUInt32LE(0) & mask; ; b = (b + 1) & mask) {
      const v = this.index[b];
      if (v === 0) return -1;
      if (this.sameAsProbe(v - 1)) return v - 1;
    }
  }

  private sameAsProbe(slot: number): boolean {
    const ids = this.ids;
    const p = this.probe;
    for (let i = 0, o = 32 * slot; i < 32; i++, o++) if (ids[o] !== p[i]) return false;
    return true;
  }

  private insert(slot: number): void {
    const mask = this.index.length - 1;
    const o = 32 * slot;
    const ids = this.ids;
    let b = (ids[o] | (ids[o + 1] << 8) | (ids[o + 2] << 16) | (ids[o + 3] << 24)) & mask;
    while (this.index[b] !== 0) b = (b + 1) & mask;
    this.index[b] = slot + 1;
  }

  private rehash(buckets: number): void {
    this.index = new Int32Array(buckets);
    for (let s = 0; s < this.n; s++) this.insert(s);
  }

  private grow(): void {
    const n = this.pack.length * 2;
    const up32 = (a: Uint32Array) => {
      const b = new Uint32Array(n);
      b.set(a);
      return b;
    };
    this.pack = up32(this.pack);
    this.offset = up32(this.offset);
    this.length = up32(this.length);
    this.rawLength = up32(this.rawLength);
    const f = new Uint8Array(n);
    f.set(this.flag);
    this.flag = f;
    const ids = new Uint8Array(n * 32);
    ids.set(this.ids);
    this.ids = ids;
  }
}

/**
 * Each work piece's chunks, in order, as chunk-table slots: one linked list per piece in growable typed arrays
 * (an array per piece cost ~150 bytes each, and a small file is one piece). Items of one piece arrive in order.
 */
export class PieceChunks {
  private readonly head: Int32Array;
  private readonly tail: Int32Array;
  private slot = new Int32Array(1024);
  private next = new Int32Array(1024);
  private n = 0;

  constructor(pieces: number) {
    this.head = new Int32Array(pieces).fill(-1);
    this.tail = new Int32Array(pieces).fill(-1);
  }

  push(piece: number, slot: number): void {
    if (this.n === this.slot.length) {
      const s = new Int32Array(this.n * 2);
      s.set(this.slot);
      this.slot = s;
      const x = new Int32Array(this.n * 2);
      x.set(this.next);
      this.next = x;
    }
    const i = this.n++;
    this.slot[i] = slot;
    this.next[i] = -1;
    const t = this.tail[piece];
    if (t < 0) this.head[piece] = i;
    else this.next[t] = i;
    this.tail[piece] = i;
  }

  forEach(piece: number, fn: (slot: number) => void): void {
    for (let i = this.head[piece]; i >= 0; i = this.next[i]) fn(this.slot[i]);
  }
}
