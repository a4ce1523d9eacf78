import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { open as openSealed, seal } from './crypto.ts';
import { padTo512 } from './pack-format.ts';
import { escapeName } from './names.ts';

/**
 * The encrypted catalog: every entry (tree, sizes, times, modes, link targets, chunk lists) and the chunk table
 * (id → pack, offset, sealed length, raw length, flag). File: 'OBCCAT01' ‖ sealed length u32 ‖ 0 u32 ‖ sealed
 * (zstd JSON, AAD = 'obc-catalog:<job>') ‖ zero padding to 512.
 *
 * Version 2: paths and link targets are names as bytes in the escaped form of names.ts (`\\` for a backslash,
 * `\xHH` for a byte that is not valid UTF-8 or a control byte); a file that kept changing while it was read has
 * `changed: true`. Version 1 catalogs (plain text paths, written before) are still read: their paths are escaped
 * on the way in, which changes nothing for the names version 1 could hold (see docs/backup-format.md).
 */
export const CATALOG_PATH = 'catalog.bin';
export const CATALOG_MAGIC = Buffer.from('OBCCAT01');
const MAGIC = CATALOG_MAGIC;
export const CATALOG_VERSION = 2;

const entrySchema = z.object({
  path: z.string(),
  type: z.enum(['file', 'dir', 'symlink']),
  size: z.number().nonnegative(),
  mtimeMs: z.number(),
  mode: z.number().int(),
  target: z.string().optional(),
  /** Indexes into `chunks`, in file order. */
  chunks: z.array(z.number().int().nonnegative()).optional(),
  /** Version 2: the file kept changing while it was read (twice); its bytes may mix versions. */
  changed: z.literal(true).optional(),
  /**
   * Files: change time and inode number at the scan (added with online backups; absent in older catalogs). The next
   * online run reads a file again unless its size, mtime, ctime and inode are all the same (services/online).
   */
  ctimeMs: z.number().optional(),
  ino: z.number().optional(),
});
export type CatalogEntry = z.infer<typeof entrySchema>;

/** [id hex, pack number, offset, sealed length, raw length, flag] */
const chunkRowSchema = z.tuple([
  z.string().regex(/^[0-9a-f]{64}$/),
  z.number().int(),
  z.number().int(),
  z.number().int(),
  z.number().int(),
  z.number().int(),
]);
export type ChunkRow = z.infer<typeof chunkRowSchema>;

export const catalogSchema = z.object({
  version: z.union([z.literal(1), z.literal(CATALOG_VERSION)]),
  jobName: z.string(),
  createdAt: z.string(),
  sourceMachine: z.string(),
  items: z.array(z.string()),
  entries: z.array(entrySchema),
  chunks: z.array(chunkRowSchema),
  packs: z.array(z.object({ n: z.number().int(), path: z.string(), length: z.number().int() })),
  skipped: z.array(z.object({ path: z.string(), reason: z.string() })),
});
export type Catalog = z.infer<typeof catalogSchema>;

export const catalogAad = (job: string): Buffer => Buffer.from(`obc-catalog:${job}`);
const aad = catalogAad;

/** The whole catalog in memory (the online engine's restore points); Back Up Now streams it (catalog-writer.ts). */
export function encodeCatalog(enc: Buffer, cat: Catalog): Buffer {
  const sealed = seal(enc, zstdCompressSync(Buffer.from(JSON.stringify(cat))), aad(cat.jobName));
  const out = Buffer.alloc(padTo512(16 + sealed.length));
  MAGIC.copy(out, 0);
  out.writeUInt32BE(sealed.length, 8);
  sealed.copy(out, 16);
  return out;
}

export function decodeCatalog(enc: Buffer, job: string, bytes: Buffer): Catalog {
  const fail = (why: string) =>
    new AppError('CORRUPT_DATA', `The catalog of job "${job}" (${CATALOG_PATH}) is damaged: ${why}.`, {
      path: CATALOG_PATH,
    });
  if (bytes.length < 16 || !bytes.subarray(0, 8).equals(MAGIC)) throw fail('bad header');
  const len = bytes.readUInt32BE(8);
  if (16 + len > bytes.length) throw fail('truncated');
  const plain = openSealed(enc, bytes.subarray(16, 16 + len), aad(job));
  if (!plain) throw fail('it does not authenticate');
  let parsed: unknown;
  try {
    parsed = JSON.parse(zstdDecompressSync(plain).toString('utf8'));
  } catch (err) {
    throw fail(`cannot be decoded (${(err as Error).message})`);
  }
  const r = catalogSchema.safeParse(parsed);
  if (!r.success)
    throw fail(
      r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; '),
    );
  return r.data.version === 1 ? upgradeV1(r.data) : r.data;
}

/**
 * A version 1 catalog in version 2 terms. Version 1 kept paths and link targets as plain text (a name that was not
 * valid UTF-8 was never backed up; on POSIX a backslash was taken for a separator), so escaping them is exact: the
 * result names the same bytes.
 */
function upgradeV1(cat: Catalog): Catalog {
  return {
    ...cat,
    version: CATALOG_VERSION,
    entries: cat.entries.map((e) => ({
      ...e,
      path: escapeName(e.path),
      ...(e.target !== undefined ? { target: escapeName(e.target) } : {}),
    })),
  };
}
