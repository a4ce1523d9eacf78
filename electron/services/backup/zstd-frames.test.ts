import { randomBytes } from 'node:crypto';
import { constants as zc, zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sizedFrameCompressor, syncFrameCompressor } from './zstd-frames.ts';

describe('syncFrameCompressor', () => {
  it('is available on the Node the engine runs on', () => {
    expect(syncFrameCompressor(1, 1 << 20)).not.toBeNull();
  });

  it('emits independent frames that Node’s own zstd decoder reads back byte for byte', () => {
    const frame = syncFrameCompressor(1, 1 << 20)!;
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.uint8Array({ maxLength: 70_000 }),
            fc.string({ maxLength: 20_000 }).map((t) => new TextEncoder().encode(t.repeat(3))),
          ),
          { minLength: 1, maxLength: 6 },
        ),
        (inputs) => {
          // Each frame must stand alone: decoded in any order, not only after the one before it.
          const frames = inputs.map((d) => Buffer.from(frame(d)));
          for (let i = inputs.length - 1; i >= 0; i--)
            expect(zstdDecompressSync(frames[i]).equals(Buffer.from(inputs[i]))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('reports input whose frame does not fit the output as not worth compressing, and goes on working', () => {
    const frame = syncFrameCompressor(1, 4096, 1024)!;
    const noise = randomBytes(4096);
    expect(frame(noise).length).toBeGreaterThan(noise.length);
    const text = Buffer.from('the context was reset and still makes whole frames. '.repeat(60));
    expect(zstdDecompressSync(Buffer.from(frame(text))).equals(text)).toBe(true);
  });

  it('compresses a 4 MiB chunk as small as Node’s one-shot zstd at the same level', () => {
    const frame = syncFrameCompressor(1, 4 << 20)!;
    const text = Buffer.from(
      Array.from({ length: 120_000 }, (_, i) => `line ${i} of a log, value ${(i * 7919) % 10007}\n`).join(''),
    ).subarray(0, 4 << 20);
    const c = Buffer.from(frame(text));
    expect(zstdDecompressSync(c).equals(text)).toBe(true);
    expect(c.length).toBeLessThanOrEqual(
      zstdCompressSync(text, { params: { [zc.ZSTD_c_compressionLevel]: 1 } }).length * 1.01,
    );
  });
});

describe('sizedFrameCompressor', () => {
  /** Text-like bytes (words from a small vocabulary, a seeded generator): level 3 packs them tighter than level 1. */
  const text = (n: number) => {
    const words = ['const', 'return', 'function', 'import', 'export', 'value', 'length', 'buffer', 'chunk', 'index'];
    let x = 12345;
    const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 8;
    let s = '';
    while (s.length < n) s += words[next() % words.length] + (next() % 7 === 0 ? ';\n' : ' ');
    return Buffer.from(s.slice(0, n));
  };
  const oneShot = (d: Buffer, level: number) =>
    zstdCompressSync(d, { params: { [zc.ZSTD_c_compressionLevel]: level } }).length;

  it('compresses chunks under the small size at the small level and the others at the base level', () => {
    const frame = sizedFrameCompressor(1, 1 << 20, 64 << 10, 3)!;
    const small = text(60_000);
    const large = text(200_000);
    // The inputs tell the levels apart: level 3 makes smaller frames of them than level 1.
    expect(oneShot(small, 3)).toBeLessThan(oneShot(small, 1));
    expect(oneShot(large, 3)).toBeLessThan(oneShot(large, 1));
    const s = Buffer.from(frame(small));
    const l = Buffer.from(frame(large));
    expect(zstdDecompressSync(s).equals(small)).toBe(true);
    expect(zstdDecompressSync(l).equals(large)).toBe(true);
    expect(s.length).toBeLessThan(oneShot(small, 1));
    expect(s.length).toBeLessThanOrEqual(oneShot(small, 3) * 1.01);
    expect(l.length).toBeGreaterThan(oneShot(large, 3));
    expect(l.length).toBeLessThanOrEqual(oneShot(large, 1) * 1.01);
  });

  it('uses one level for every size when the base level is already as high', () => {
    const frame = sizedFrameCompressor(5, 1 << 20, 64 << 10, 3)!;
    const small = text(60_000);
    expect(Math.abs(frame(small).length - oneShot(small, 5))).toBeLessThanOrEqual(oneShot(small, 5) * 0.01);
  });
});
