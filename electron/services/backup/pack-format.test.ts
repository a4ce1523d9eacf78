import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  ENTRY_LEN,
  PACK_HEADER_LEN,
  PackIndexBuilder,
  packHeader,
  packTrailer,
  readPackIndex,
  type PackEntry,
} from './pack-format.ts';

const enc = randomBytes(32);

/** A pack of `entries` over a body of zeros (the index does not look at the chunks), read back through its index. */
async function roundTrip(n: number, entries: PackEntry[] | PackIndexBuilder, bodyEnd: number) {
  const file = Buffer.concat([
    packHeader(n),
    Buffer.alloc(bodyEnd - PACK_HEADER_LEN),
    packTrailer(enc, n, entries, bodyEnd),
  ]);
  return readPackIndex(enc, n, file.length, async (o, l) => file.subarray(o, o + l));
}

describe('PackIndexBuilder', () => {
  it('writes the same index as a list of entries, across its 64 KiB pages', async () => {
    // 3 000 entries: two full pages of 1 456 and part of a third; each field distinct per entry.
    const entries: PackEntry[] = Array.from({ length: 3000 }, (_, i) => ({
      id: randomBytes(32),
      offset: PACK_HEADER_LEN + 7 * i,
      length: 7,
      rawLength: 100_000 + i,
      flag: i % 2,
    }));
    const bodyEnd = PACK_HEADER_LEN + 7 * entries.length;
    const built = new PackIndexBuilder();
    for (const e of entries) built.add(e.id, e.offset, e.length, e.rawLength, e.flag);
    expect(built.count).toBe(3000);
    expect(built.bytes().length).toBe(3000 * ENTRY_LEN);
    for (const from of [entries, built]) {
      const got = await roundTrip(4, from, bodyEnd);
      expect(got.ok).toBe(true);
      if (got.ok) expect(got.entries).toEqual(entries);
    }
  });

  it('makes an empty index, and one entry exactly at a page edge', async () => {
    const empty = await roundTrip(1, new PackIndexBuilder(), PACK_HEADER_LEN);
    expect(empty).toEqual({ ok: true, entries: [] });
    const perPage = Math.floor(65536 / ENTRY_LEN);
    for (const count of [perPage, perPage + 1]) {
      const b = new PackIndexBuilder();
      const ids = Array.from({ length: count }, () => randomBytes(32));
      ids.forEach((id, i) => b.add(id, PACK_HEADER_LEN + i, 1, 1, 0));
      const got = await roundTrip(2, b, PACK_HEADER_LEN + count);
      expect(got.ok && got.entries.map((e) => e.id.toString('hex'))).toEqual(ids.map((id) => id.toString('hex')));
    }
  });
});
