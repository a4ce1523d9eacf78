import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ChunkTable, type ChunkLoc } from './chunk-table.ts';

const hexId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
const u32 = fc.integer({ min: 0, max: 0xffffffff });
const loc: fc.Arbitrary<ChunkLoc> = fc.record({
  pack: u32,
  offset: u32,
  length: u32,
  rawLength: u32,
  flag: fc.integer({ min: 0, max: 1 }),
});

describe('ChunkTable', () => {
  it('behaves as a Map from id to location, slots in first-stored order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.oneof(hexId, fc.constantFrom('00'.repeat(32), 'ff'.repeat(32))), loc), {
          maxLength: 3000,
        }),
        fc.array(hexId, { maxLength: 20 }),
        (sets, probes) => {
          const t = new ChunkTable();
          const model = new Map<string, ChunkLoc>();
          for (const [id, l] of sets) {
            const slot = t.set(id, l);
            if (!model.has(id)) expect(slot).toBe(model.size);
            model.set(id, l);
          }
          expect(t.size).toBe(model.size);
          expect([...t.keys()]).toEqual([...model.keys()]);
          [...model.keys()].forEach((id, slot) => {
            expect(t.has(id)).toBe(true);
            expect(t.slot(id)).toBe(slot);
            expect(t.id(slot)).toBe(id);
            expect(t.get(id)).toEqual(model.get(id));
            expect(t.at(slot)).toEqual(model.get(id));
          });
          for (const p of probes) {
            expect(t.has(p)).toBe(model.has(p));
            expect(t.get(p)).toEqual(model.get(p));
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('finds nothing for what is not an id, and refuses to store it', () => {
    const t = new ChunkTable();
    t.set('ab'.repeat(32), { pack: 1, offset: 2, length: 3, rawLength: 4, flag: 0 });
    for (const bad of ['', 'ab', 'AB'.repeat(32), 'zz'.repeat(32), 'ab'.repeat(33)]) {
      expect(t.has(bad)).toBe(false);
      expect(t.slot(bad)).toBeUndefined();
      expect(() => t.set(bad, { pack: 1, offset: 2, length: 3, rawLength: 4, flag: 0 })).toThrow(/Not a chunk id/);
    }
  });
});
