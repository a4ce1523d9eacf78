import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { ChunkTable, IdSet, PieceChunks, type ChunkLoc } from './chunk-table.ts';

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

  it('keeps ids and locations across its pages (8192 slots each), and gives every id back in slot order', () => {
    const t = new ChunkTable();
    const ids = randomBytes(32 * 20_000);
    const locOf = (s: number): ChunkLoc => ({
      pack: s >>> 4,
      offset: 0xffffffff - s,
      length: s * 3,
      rawLength: s,
      flag: s & 1,
    });
    for (let s = 0; s < 20_000; s++) expect(t.setId(ids.subarray(32 * s, 32 * s + 32), locOf(s))).toBe(s);
    // Storing an id again replaces its location and keeps its slot.
    expect(t.setId(ids.subarray(32 * 8192, 32 * 8193), locOf(7))).toBe(8192);
    expect(t.size).toBe(20_000);
    expect(t.allIds().equals(ids)).toBe(true);
    for (const s of [0, 8191, 8192, 8193, 16_383, 16_384, 19_999]) {
      expect(t.slotOf(ids.subarray(32 * s, 32 * s + 32))).toBe(s);
      expect(Buffer.from(t.idBytes(s)).equals(ids.subarray(32 * s, 32 * s + 32))).toBe(true);
      expect(t.id(s)).toBe(ids.toString('hex', 32 * s, 32 * s + 32));
      expect(t.at(s)).toEqual(locOf(s === 8192 ? 7 : s));
    }
    expect(t.slotOf(randomBytes(32))).toBe(-1);
  });
});

describe('PieceChunks', () => {
  it("gives each piece's slots back in the order pushed, interleaved over many pages", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.nat(), { minLength: 0, maxLength: 30_000 }),
        (pieces, pushes) => {
          const c = new PieceChunks(pieces);
          const model: number[][] = Array.from({ length: pieces }, () => []);
          pushes.forEach((x, i) => {
            c.push(x % pieces, i);
            model[x % pieces].push(i);
          });
          for (let p = 0; p < pieces; p++) {
            const got: number[] = [];
            c.forEach(p, (s) => got.push(s));
            expect(got).toEqual(model[p]);
          }
        },
      ),
      { numRuns: 20 },
    );
  });
});

describe('IdSet', () => {
  it('tells ids apart that share their first bytes (one bucket), slots in first-added order', () => {
    const set = new IdSet();
    const ids = Array.from({ length: 5000 }, (_, i) => {
      const id = Buffer.alloc(32, 7);
      id.writeUInt32BE(i, 28);
      return id;
    });
    ids.forEach((id, i) => expect(set.add(id)).toBe(i));
    ids.forEach((id, i) => expect(set.add(id)).toBe(i));
    expect(set.size).toBe(5000);
    ids.forEach((id, i) => expect(set.slotOf(id)).toBe(i));
    const other = Buffer.alloc(32, 7);
    other.writeUInt32BE(5000, 28);
    expect(set.has(other)).toBe(false);
    expect(set.allIds().equals(Buffer.concat(ids))).toBe(true);
    expect(() => set.add(Buffer.alloc(31))).toThrow(/32 bytes/);
  });
});
