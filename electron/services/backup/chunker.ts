/**
 * Content-defined chunking, FastCDC style: a gear rolling hash over 32-bit ints, hashing starts at `min`,
 * a stricter mask before the `normal` size and a looser one after it (normalised chunking), a hard cut at `max`.
 * Average ≈ 2 MiB with the defaults (max 4 MiB keeps every buffer on the way small). The loop is plain Int32
 * arithmetic on byte pairs read as Uint16s: chunking 256 MiB of random bytes takes ~130 ms of one core on Node 22
 * (~320 ms byte by byte).
 */
export interface ChunkParams {
  min: number;
  normal: number;
  max: number;
}
export const DEFAULT_CHUNK_PARAMS: ChunkParams = { min: 512 * 1024, normal: 2 * 1024 * 1024, max: 4 * 1024 * 1024 };

/** Mask bits sit in the high half: with a left-shifting gear hash the high bits see the longest window (32 bytes). */
const MASK_S = 0xfffff800 | 0; // 21 bits: stricter before `normal`
const MASK_L = 0xffffe000 | 0; // 19 bits: looser after

const MASK_S2 = (MASK_S << 1) | 0;
const MASK_L2 = (MASK_L << 1) | 0;

/** Fixed gear table from a seeded xorshift32 (format-defining: never change it within a format version). */
export const GEAR: Int32Array = (() => {
  const g = new Int32Array(256);
  let s = 0x9e3779b9 | 0;
  for (let i = 0; i < 256; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    g[i] = s;
  }
  return g;
})();
const GEAR2: Int32Array = GEAR.map((x) => x << 1);

/** True where a Uint16Array reads its first byte as the low one (x86, ARM): the pair tables below assume it. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * `GEAR2[a] + GEAR[b]` for every byte pair (a, b), indexed by `a | b << 8`, the pair as a little-endian Uint16:
 * one table load per two bytes instead of two, and the bytes read two at a time (256 KiB, built once per thread).
 */
const PAIR: Int32Array = (() => {
  const t = new Int32Array(65536);
  for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b++) t[a | (b << 8)] = (GEAR2[a] + GEAR[b]) | 0;
  return t;
})();

/**
 * Length of the next chunk of `buf[start, end)`. `end - start` must be ≥ `max` unless the data ends at `end`
 * (end of file or of a work unit), in which case the rest is one chunk at most.
 *
 * The definition (format-defining), two bytes per step (FastCDC 2020 "rolling two bytes": G2 = G << 1 folds the
 * first byte's extra shift), from `i = start + min` while `i + 1` is before `norm` (then before `stop`):
 *
 *     fp = ((fp << 2) + GEAR2[buf[i]] + GEAR[buf[i + 1]]) | 0;
 *     if ((fp & MASK_S2) === 0) return i + 1 - start;   // MASK_L2 from norm on
 *     if ((fp & MASK_S) === 0) return i + 2 - start;    // MASK_L: never true here, see below
 *
 * The second test can never cut: MASK_S2 (MASK_L2) is MASK_S (MASK_L) shifted left, so its bits are a subset,
 * and fp & MASK_S === 0 implies fp & MASK_S2 === 0, which returned already. Cuts fall after the first byte of
 * a pair. `pairCut` below computes exactly this with one table load per pair (`PAIR`) read from a Uint16Array
 * view; `byteCut` is the loop as written above, kept for big-endian hosts and as the tests' reference.
 */
export function nextCut(buf: Uint8Array, start: number, end: number, p: ChunkParams = DEFAULT_CHUNK_PARAMS): number {
  const avail = end - start;
  if (avail <= p.min) return avail;
  const stop = avail > p.max ? start + p.max : end;
  const norm = Math.min(stop, start + p.normal);
  const from = start + p.min;
  const cut = LITTLE_ENDIAN ? pairCut(buf, from, norm, stop) : byteCut(buf, from, norm, stop);
  return (cut < 0 ? stop : cut) - start;
}

/** The definition byte by byte: the index after the cut's byte, or -1 when no pair before `stop` cuts. */
export function byteCut(buf: Uint8Array, from: number, norm: number, stop: number): number {
  const g = GEAR;
  const g2 = GEAR2;
  let fp = 0;
  let i = from;
  for (; i + 1 < norm; i += 2) {
    fp = ((fp << 2) + g2[buf[i]] + g[buf[i + 1]]) | 0;
    if ((fp & MASK_S2) === 0) return i + 1;
    if ((fp & MASK_S) === 0) return i + 2;
  }
  for (; i + 1 < stop; i += 2) {
    fp = ((fp << 2) + g2[buf[i]] + g[buf[i + 1]]) | 0;
    if ((fp & MASK_L2) === 0) return i + 1;
    if ((fp & MASK_L) === 0) return i + 2;
  }
  return -1;
}

/**
 * The same cut, pairs read as Uint16s (little-endian hosts). Pair j is bytes from + 2j, from + 2j + 1: the first
 * `nN` pairs lie before `norm` (stricter mask), the rest up to `nS` before `stop`. Every byte read is in
 * [from - 1, stop): a cut found before a shorter window's end is the full window's (chunk-worker.ts relies on it).
 */
function pairCut(buf: Uint8Array, from: number, norm: number, stop: number): number {
  const t = PAIR;
  const nN = (norm - from) >>> 1;
  const nS = (stop - from) >>> 1;
  let fp = 0;
  let j = 0;
  if (((buf.byteOffset + from) & 1) === 0) {
    const u16 = new Uint16Array(buf.buffer, buf.byteOffset + from, nS);
    for (; j < nN; j++) {
      fp = ((fp << 2) + t[u16[j]]) | 0;
      if ((fp & MASK_S2) === 0) return from + 2 * j + 1;
    }
    for (; j < nS; j++) {
      fp = ((fp << 2) + t[u16[j]]) | 0;
      if ((fp & MASK_L2) === 0) return from + 2 * j + 1;
    }
    return -1;
  }
  if (nS === 0) return -1;
  // Odd address: the view starts one byte early; pair j is the high byte of u16[j] and the low byte of u16[j + 1].
  // The view ends one byte before the last pair's second byte (that byte may be the buffer's last, and a Uint16
  // there would reach past it), so that pair is read bytewise.
  const last = nS - 1;
  const u16 = new Uint16Array(buf.buffer, buf.byteOffset + from - 1, nS);
  let prev = u16[0];
  const n1 = Math.min(nN, last);
  for (; j < n1; j++) {
    const next = u16[j + 1];
    fp = ((fp << 2) + t[(prev >>> 8) | ((next & 0xff) << 8)]) | 0;
    if ((fp & MASK_S2) === 0) return from + 2 * j + 1;
    prev = next;
  }
  for (; j < last; j++) {
    const next = u16[j + 1];
    fp = ((fp << 2) + t[(prev >>> 8) | ((next & 0xff) << 8)]) | 0;
    if ((fp & MASK_L2) === 0) return from + 2 * j + 1;
    prev = next;
  }
  const at = from + 2 * last;
  fp = ((fp << 2) + t[buf[at] | (buf[at + 1] << 8)]) | 0;
  if ((fp & (last < nN ? MASK_S2 : MASK_L2)) === 0) return at + 1;
  return -1;
}

/** Splits a whole buffer (tests and small inputs). */
export function chunkAll(buf: Uint8Array, p: ChunkParams = DEFAULT_CHUNK_PARAMS): number[] {
  const out: number[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const n = nextCut(buf, pos, buf.length, p);
    out.push(n);
    pos += n;
  }
  return out;
}
