import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { KDF_CAPS, base64Bytes, kdfProblems } from './kdf-limits.ts';

/** Base64 of n bytes (shared/ has no Buffer or btoa: written out by hand). */
const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const b64 = (n: number): string => {
  const bytes = Array.from({ length: n }, (_, i) => (i * 37) & 0xff);
  let out = '';
  for (let i = 0; i < n; i += 3) {
    const [a, b = 0, c = 0] = bytes.slice(i, i + 3);
    const v = (a << 16) | (b << 8) | c;
    out +=
      ALPHA[(v >> 18) & 63] +
      ALPHA[(v >> 12) & 63] +
      (i + 1 < n ? ALPHA[(v >> 6) & 63] : '=') +
      (i + 2 < n ? ALPHA[v & 63] : '=');
  }
  return out;
};
const ok = { N: 1 << 17, r: 8, p: 1, salt: b64(16), keyCheck: b64(44) };

describe('key-derivation caps (issue 13 §5)', () => {
  it("accepts today's default and the tests' fast settings", () => {
    expect(kdfProblems(ok)).toEqual([]);
    expect(kdfProblems({ ...ok, N: 1 << 10 })).toEqual([]);
    expect(kdfProblems({ ...ok, N: 1 << 12 })).toEqual([]);
    // Room: 8× the default's memory and work.
    expect(kdfProblems({ ...ok, N: 1 << 20 })).toEqual([]);
  });

  it('names the bad value: N, r, p, memory, work, salt and key check sizes', () => {
    expect(kdfProblems({ ...ok, N: 1 << 22 }).join()).toMatch(/scrypt N = 4194304 \(2\^22\) is outside 2\^10…2\^20/);
    expect(kdfProblems({ ...ok, N: 3000 }).join()).toMatch(/N = 3000 is not a power of two/);
    expect(kdfProblems({ ...ok, N: 1.5 }).join()).toMatch(/N = 1.5 is not a power of two/);
    expect(kdfProblems({ ...ok, r: 64 }).join()).toMatch(/r = 64 is outside 1…16/);
    expect(kdfProblems({ ...ok, p: 0 }).join()).toMatch(/p = 0 is outside 1…4/);
    expect(kdfProblems({ ...ok, N: 1 << 20, r: 16 }).join()).toMatch(
      /needs 2048 MiB of memory, above the cap of 1024 MiB/,
    );
    expect(kdfProblems({ ...ok, N: 1 << 20, r: 8, p: 2 }).join()).toMatch(
      /N·r·p = 1048576·8·2 is above the cap of 2\^23/,
    );
    expect(kdfProblems({ ...ok, salt: b64(4) }).join()).toMatch(/salt is 4 bytes long/);
    expect(kdfProblems({ ...ok, salt: 'not base64!' }).join()).toMatch(/salt is not base64/);
    expect(kdfProblems({ ...ok, keyCheck: b64(100_000) }).join()).toMatch(/key check is 100000 bytes long/);
  });

  it('base64 lengths', () => {
    for (const n of [0, 1, 2, 3, 16, 44, 45]) expect(base64Bytes(b64(n))).toBe(n);
    expect(base64Bytes('abc')).toBe(-1);
  });

  it('property: whatever passes costs at most the caps (memory and work)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 10 }),
        (logN, r, p) => {
          const k = { ...ok, N: 2 ** logN, r, p };
          if (kdfProblems(k).length === 0) {
            expect(128 * k.N * k.r).toBeLessThanOrEqual(KDF_CAPS.memoryMax);
            expect(k.N * k.r * k.p).toBeLessThanOrEqual(KDF_CAPS.workMax);
          }
        },
      ),
    );
  });
});
