import { describe, expect, it } from 'vitest';
import { chunkAll, DEFAULT_CHUNK_PARAMS as P } from './chunker.ts';
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
});
