import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byteCut, chunkAll, nextCut, DEFAULT_CHUNK_PARAMS as P, type ChunkParams } from './chunker.ts';
import { prng } from './test-trees.ts';

describe('content-defined chunker', () => {
  const data = prng(7)(40 << 20);

  it('cuts within [min, max], averages 1–4 MiB and is deterministic', () => {
    const cuts = chunkAll(data);
    expect(cuts.reduce((a, b) => a + b, 0)).toBe(data.length);
    for (const c of cuts.slice(0, -1)) {
      expect(c).toBeGreaterThanOrEqual(P.min);
      expect(c).toBeLessThanOrEqual(P.max);
    }
    const avg = data.length / cuts.length;
    expect(avg).toBeGreaterThan(1 << 20);
    expect(avg).toBeLessThan(4 << 20);
    expect(chunkAll(data)).toEqual(cuts);
  });

  it('re-synchronises after an insertion: later chunks are unchanged', () => {
    const shifted = Buffer.concat([Buffer.from('inserted bytes!'), data]);
    const a = chunkAll(data);
    const b = chunkAll(shifted);
    const tail = (c: number[]) => c.slice(-5).join(',');
    expect(tail(b)).toBe(tail(a));
  });

  it('handles short input and all-zero input', () => {
    expect(chunkAll(Buffer.alloc(0))).toEqual([]);
    expect(chunkAll(Buffer.alloc(100))).toEqual([100]);
    const z = chunkAll(Buffer.alloc(20 << 20));
    expect(z.reduce((a, b) => a + b, 0)).toBe(20 << 20);
  });

  it("a cut found before the end of a shorter window is the full window's cut (the worker cuts before refilling)", () => {
    // chunk-worker.ts cuts within the bytes it has when fewer than `max` are left and the cut lies before their
    // end; it reads more only otherwise. That must give the same chunks as always passing the full window: every
    // window end is tried with small parameters, and the ends next to each cut with the default ones.
    const check = (buf: Buffer, p: typeof P, ends: (start: number, cut: number) => number[]) => {
      const full = chunkAll(buf, p);
      let start = 0;
      let early = 0;
      for (const cut of full.slice(0, -1)) {
        // (Ends past the data are outside nextCut's contract: end ≤ buf.length.)
        for (const end of ends(start, cut).filter((e) => e <= buf.length)) {
          const len = nextCut(buf, start, end, p);
          if (len < end - start) {
            expect(len).toBe(cut);
            early++;
          } else expect(len).toBe(end - start);
        }
        start += cut;
      }
      return early;
    };
    // Each cut: the ends right around it, and a few spread over [min, max] (some before the cut, some after).
    const ends = (start: number, cut: number) => [
      ...[-1, 0, 1, 2].map((d) => start + cut + d),
      ...Array.from({ length: 8 }, (_, k) => start + P.min + 1 + Math.floor(((P.max - P.min) * k) / 8) + k * 977),
    ];
    const cuts = chunkAll(data).length;
    expect(check(data, P, ends)).toBeGreaterThan(2 * (cuts - 1));
  });

  // nextCut reads the bytes as Uint16 pairs through one table; byteCut is the format's definition, byte by byte.
  const reference = (buf: Uint8Array, start: number, end: number, p: ChunkParams): number => {
    const avail = end - start;
    if (avail <= p.min) return avail;
    const stop = avail > p.max ? start + p.max : end;
    const cut = byteCut(buf, start + p.min, Math.min(stop, start + p.normal), stop);
    return (cut < 0 ? stop : cut) - start;
  };
  /** `bytes` copied into a buffer of their own that ends where they end, starting `shift` bytes into it. */
  const placed = (bytes: Uint8Array, shift: number): Uint8Array => {
    const b = new Uint8Array(shift + bytes.length);
    b.set(bytes, shift);
    return b.subarray(shift);
  };

  it('cuts the same chunks as the byte-by-byte definition at every alignment of the buffer', () => {
    const cuts = chunkAll(data);
    expect(cuts.length).toBeGreaterThan(10);
    // Chunk lengths are mostly odd, so the starts alternate between even and odd addresses in each copy.
    expect(cuts.filter((c) => c % 2 === 1).length).toBeGreaterThan(cuts.length / 4);
    for (const shift of [0, 1, 2, 3]) {
      const buf = placed(data, shift);
      let pos = 0;
      for (const c of cuts) {
        expect(reference(buf, pos, buf.length, P)).toBe(c);
        expect(nextCut(buf, pos, buf.length, P)).toBe(c);
        pos += c;
      }
    }
  });

  it('equals the definition for any window, parameters and alignment (property)', () => {
    // Windows that hold one of the data's real cuts, so that cuts fall before and after `normal`, at the window's
    // end, and not at all; each window in a buffer of its own that ends with it (no byte past `end` exists).
    const cuts = chunkAll(data);
    const at: number[] = [];
    cuts.reduce((pos, c) => (at.push(pos + c), pos + c), 0);
    at.pop();
    // Each bound either anywhere or within a few bytes of the cut: the cut's pair last before `norm`, `max` or `end`.
    const near = (span: number) => fc.oneof(fc.integer({ min: -3, max: 3 }), fc.integer({ min: -span, max: span }));
    fc.assert(
      fc.property(
        fc.nat(at.length - 1),
        fc.integer({ min: 1, max: P.max }),
        near(4096),
        fc.nat(P.max),
        near(P.normal),
        near(P.max),
        fc.nat(3),
        (k, before, after, minBack, dNormal, dMax, shift) => {
          const start = Math.max(0, at[k] - before);
          const end = Math.min(data.length, Math.max(start, at[k] + after));
          const min = Math.max(0, at[k] - start - minBack);
          const normal = Math.max(min, at[k] - start + dNormal);
          const p = { min, normal, max: Math.max(normal, at[k] - start + dMax) };
          const buf = placed(data.subarray(start, end), shift);
          expect(nextCut(buf, 0, buf.length, p)).toBe(reference(buf, 0, buf.length, p));
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });

  it('equals the definition with the cut on the last pair before `norm`, `max` or the end, at every alignment', () => {
    // The gear hash forgets a byte after 16 pairs, so hashing from 1025 bytes before a real cut (an odd count: the
    // same pairs as the chunk's own hashing) gives the same value there.
    const cuts = chunkAll(data);
    let at = 0;
    let checked = 0;
    let cutThere = 0;
    for (const c of cuts.slice(0, -1)) {
      at += c;
      const start = at - 1025;
      for (let dNormal = -3; dNormal <= 3; dNormal++)
        for (let dMax = -3; dMax <= 3; dMax++)
          for (let after = -3; after <= 3; after++)
            for (const shift of [0, 1]) {
              const p = { min: 0, normal: 1025 + dNormal, max: Math.max(1025 + dNormal, 1025 + dMax) };
              const buf = placed(data.subarray(start, at + after), shift);
              if (reference(buf, 0, buf.length, p) === 1025) cutThere++;
              expect(nextCut(buf, 0, buf.length, p)).toBe(reference(buf, 0, buf.length, p));
              checked++;
            }
    }
    expect(checked).toBeGreaterThan(5000);
    expect(cutThere).toBeGreaterThan(checked / 10);
  });
});
