/** Where a chunk is stored: its pack, offset and stored length, its raw length and flag (docs/backup-format.md). */
export interface ChunkLoc {
  pack: number;
  offset: number;
  length: number;
  rawLength: number;
  flag: number;
}

/**
 * Where every stored chunk is (id → pack, offset, sealed length, raw length, flag), kept compactly: one slot number
 * per id in a Map, the locations in typed arrays indexed by slot. An object per chunk cost ~100 bytes of heap more
 * per chunk, which with many small files (one chunk each) made the engine's memory grow with the file count.
 * Pack numbers, offsets and lengths are u32 in the pack format, so Uint32Array holds them.
 */
export class ChunkTable {
  private readonly slots = new Map<string, number>();
  private pack = new Uint32Array(1024);
  private offset = new Uint32Array(1024);
  private length = new Uint32Array(1024);
  private rawLength = new Uint32Array(1024);
  private flag = new Uint8Array(1024);

  get size(): number {
    return this.slots.size;
  }

  has(hex: string): boolean {
    return this.slots.has(hex);
  }

  slot(hex: string): number | undefined {
    return this.slots.get(hex);
  }

  get(hex: string): ChunkLoc | undefined {
    const s = this.slots.get(hex);
    return s === undefined ? undefined : this.at(s);
  }

  at(slot: number): ChunkLoc {
    return { pack: this.pack[slot], offset: this.offset[slot], length: this.length[slot], rawLength: this.rawLength[slot], flag: this.flag[slot] };
  }

  /** Records (or replaces) a chunk's location; returns its slot. */
  set(hex: string, loc: ChunkLoc): number {
    let s = this.slots.get(hex);
    if (s === undefined) {
      s = this.slots.size;
      if (s === this.pack.length) this.grow();
      this.slots.set(hex, s);
    }
    this.pack[s] = loc.pack;
    this.offset[s] = loc.offset;
    this.length[s] = loc.length;
    this.rawLength[s] = loc.rawLength;
    this.flag[s] = loc.flag;
    return s;
  }

  /** Ids in slot order (the order they were first stored). */
  keys(): IterableIterator<string> {
    return this.slots.keys();
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
