import { z } from 'zod';

/**
 * `<staging>/<job>/seed-ranges.bin`: the page-range MD5s of seed format 3 (shared/staging.ts), one home for its
 * layout. seed.json format 2 carried them as hex strings in every file entry (~35 bytes of JSON per 4 MiB range:
 * ~9 MB per TiB staged, a ~1 GB seed.json for a 100 TB job, more than one JS string may hold); format 3 keeps them
 * here as 16-byte binary digests (~4 MB per TiB) and seed.json only points in.
 *
 * Layout (little-endian):
 * - a 32-byte header: the 8 ASCII bytes `OBCRMD5\n`, u32 layout version (1), u32 digest size (16), u64 digest count,
 *   8 zero bytes;
 * - then `count` MD5 digests of 16 bytes each, in seed.files order: file i's ranges (shared/page-ranges.ts, in
 *   offset order) start at its `firstRange` and are `rangeCount(length)` long; the backup writes the files one after
 *   the other without gaps (readers only need them in order, not overlapping, within `count`).
 *
 * seed.json's `rangeMd5s` entry names the file, the digest count and the SHA-256 of the whole file (header included),
 * and seed.json's own `sum` covers that entry: a side file damaged, truncated, missing or from another seed is
 * refused by name before anything is copied. The backup writes it (atomically) before it commits seed.json, so a
 * seed.json never names a side file that is not complete. It is staging-only, like seed.json's range MD5s were: Disk
 * Prep reads it while copying and writes the same MD5s into each disk's DriveManifest.xml, which is what the import
 * service checks; it is not a shipped file (not in seed.files) and nothing after the import needs it.
 */
export const SEED_RANGES_FILE = 'seed-ranges.bin';
export const SEED_RANGES_MAGIC = 'OBCRMD5\n';
export const SEED_RANGES_LAYOUT = 1;
export const SEED_RANGES_HEADER_BYTES = 32;
export const RANGE_DIGEST_BYTES = 16;

/** seed.json's pointer to its side file (format 3). */
export const seedRangesEntrySchema = z.object({
  path: z.literal(SEED_RANGES_FILE),
  count: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
});
export type SeedRangesEntry = z.infer<typeof seedRangesEntrySchema>;

/** The side file's size for `count` digests. */
export const seedRangesBytes = (count: number): number => SEED_RANGES_HEADER_BYTES + RANGE_DIGEST_BYTES * count;

/** Byte offset of digest `index` in the side file. */
export const rangeDigestOffset = (index: number): number => SEED_RANGES_HEADER_BYTES + RANGE_DIGEST_BYTES * index;

/** The 32-byte header for a side file of `count` digests. */
export function rangesHeader(count: number): Uint8Array {
  const b = new Uint8Array(SEED_RANGES_HEADER_BYTES);
  const v = new DataView(b.buffer);
  for (let i = 0; i < 8; i++) b[i] = SEED_RANGES_MAGIC.charCodeAt(i);
  v.setUint32(8, SEED_RANGES_LAYOUT, true);
  v.setUint32(12, RANGE_DIGEST_BYTES, true);
  v.setBigUint64(16, BigInt(count), true);
  return b;
}

/** What is wrong with a side file's header against the digest count seed.json records (null: nothing). */
export function rangesHeaderProblem(head: Uint8Array, count: number): string | null {
  if (head.length < SEED_RANGES_HEADER_BYTES) return `is ${head.length} bytes long, shorter than its header`;
  for (let i = 0; i < 8; i++)
    if (head[i] !== SEED_RANGES_MAGIC.charCodeAt(i)) return 'does not start with the range-MD5 file header';
  const v = new DataView(head.buffer, head.byteOffset, SEED_RANGES_HEADER_BYTES);
  const layout = v.getUint32(8, true);
  if (layout !== SEED_RANGES_LAYOUT || v.getUint32(12, true) !== RANGE_DIGEST_BYTES)
    return `has layout ${layout} with ${v.getUint32(12, true)}-byte digests; this build reads layout ${SEED_RANGES_LAYOUT} (16-byte MD5s)`;
  const got = v.getBigUint64(16, true);
  if (got !== BigInt(count)) return `holds ${got} range MD5(s), seed.json expects ${count}: it belongs to another seed`;
  return null;
}
