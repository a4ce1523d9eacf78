import { describe, expect, it } from 'vitest';
import { chunkAll, nextCut, DEFAULT_CHUNK_PARAMS as P } from './chunker.ts';
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
        for (const end of ends(start, cut)) {
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
});
