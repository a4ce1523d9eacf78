import { describe, expect, it } from 'vitest';
import { packsToRead, parseDataSubset } from './data-subset.ts';

describe('--read-data-subset', () => {
  it('parses a percentage or a slice, and refuses anything else by name', () => {
    expect(parseDataSubset('10%')).toEqual({ percent: 10 });
    expect(parseDataSubset('2.5%')).toEqual({ percent: 2.5 });
    expect(parseDataSubset('2/5')).toEqual({ n: 2, m: 5 });
    for (const bad of ['0%', '101%', '0/3', '4/3', '1/0', 'half', ''])
      expect(() => parseDataSubset(bad), bad).toThrow(/--read-data-subset/);
  });

  it('slices 1/M … M/M read every pack exactly once', () => {
    const seen: number[] = [];
    for (let n = 1; n <= 3; n++) seen.push(...packsToRead({ n, m: 3 }, 10));
    expect(seen.sort((a, b) => a - b)).toEqual([...Array(10).keys()]);
  });

  it('a percentage reads that share of the packs, at least one, each once', () => {
    let s = 1;
    const rnd = () => ((s = (s * 16807) % 2147483647) - 1) / 2147483646;
    const picked = packsToRead({ percent: 25 }, 10, rnd);
    expect(picked.size).toBe(3);
    expect([...picked].every((i) => i >= 0 && i < 10)).toBe(true);
    expect(packsToRead({ percent: 1 }, 10).size).toBe(1);
    expect(packsToRead({ percent: 100 }, 7).size).toBe(7);
    expect(packsToRead({ percent: 50 }, 0).size).toBe(0);
  });
});
