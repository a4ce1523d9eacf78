import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScanEntry } from './scan-entry.ts';
import { ScanTable, ScanTableBuilder } from './scan-table.ts';

const num = fc.double({ min: 0, max: 2 ** 53, noNaN: true });
const loneSurrogates = fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) });
const entry: fc.Arbitrary<ScanEntry> = fc
  .record({
    path: fc.oneof(fc.string({ unit: 'binary' }), loneSurrogates),
    absKind: fc.constantFrom('derived', 'text', 'bytes'),
    abs: fc.string(),
    bytes: fc.uint8Array({ maxLength: 20 }),
    type: fc.constantFrom('file' as const, 'dir' as const, 'symlink' as const),
    size: fc.nat(),
    mtimeMs: num,
    mode: fc.integer({ min: 0, max: 0o7777 }),
    ctimeMs: num,
    ino: fc.nat(),
    target: fc.option(fc.string(), { nil: undefined }),
  })
  .map(({ absKind, abs, bytes, target, ...e }) => {
    const out: ScanEntry = {
      ...e,
      abs: absKind === 'derived' ? '/' + e.path : absKind === 'text' ? abs : Buffer.from(bytes),
    };
    if (target !== undefined) out.target = target;
    return out;
  });

describe('ScanTable', () => {
  it('gives back every entry as it was, lets go of the objects, and records a second stat', () => {
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 30 }), fc.nat(), (entries, k) => {
        const copy = entries.map((e) => ({ ...e }));
        const t = ScanTable.take(entries);
        expect(entries).toHaveLength(0);
        expect(t.length).toBe(copy.length);
        expect([...t]).toEqual(copy);
        copy.forEach((e, i) => expect(t.at(i)).toEqual(e));
        expect(t.at(copy.length)).toBeUndefined();
        expect(t.at(-1)).toBeUndefined();
        if (copy.length) {
          const i = k % copy.length;
          const st = { size: 7, mtimeMs: 1.5, mode: 0o600, ctimeMs: 2.25, ino: 99 };
          t.restat(i, st);
          expect(t.at(i)).toEqual({ ...copy[i], ...st });
        }
      }),
      { numRuns: 200 },
    );
  });

  it('gives back paths that share prefixes in any order of reading (front-coded in groups of 16)', () => {
    const name = fc.constantFrom('a', 'ab', 'node_modules', 'é', '😀', 'lib', 'x'.repeat(300), 'file.js');
    const path = fc.array(name, { minLength: 1, maxLength: 6 }).map((p) => p.join('/'));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof({ weight: 9, arbitrary: path }, { weight: 1, arbitrary: loneSurrogates }), {
          maxLength: 120,
        }),
        fc.array(fc.nat(), { maxLength: 200 }),
        (paths, reads) => {
          const b = new ScanTableBuilder();
          for (const p of paths)
            b.add({ path: p, abs: '/' + p, type: 'file', size: 1, mtimeMs: 2, mode: 0o644, ctimeMs: 3, ino: 4 });
          const t = b.build();
          const sorted = [...paths].sort();
          expect(t.length).toBe(sorted.length);
          expect([...t].map((e) => e.path)).toEqual(sorted);
          for (const r of reads) {
            const i = sorted.length ? r % sorted.length : 0;
            expect(t.at(i)?.path).toBe(sorted[i]);
          }
          for (let i = sorted.length - 1; i >= 0; i--) expect(t.at(i)!.path).toBe(sorted[i]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
