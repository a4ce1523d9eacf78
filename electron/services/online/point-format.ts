/**
 * One restore point made online, as one block blob `online/points/<id>.bin` (format 1):
 *
 *   'OBCPOINT' ‖ sealed header length u32 BE ‖ 0 u32 ‖ sealed header ‖ catalog
 *
 * The header is JSON sealed with the job key (AES-256-GCM, AAD `obc-point:<job>:<id>`, so a point cannot be passed
 * off under another name or job); the catalog is the engine's catalog file (`encodeCatalog`, format 2), bound to the
 * header by its length and SHA-256. The header lists every pack the catalog reads, with its length, SHA-256 and the
 * sealed bytes of it the catalog uses (`refBytes`), so listing, pruning and verify need no catalog to know which
 * packs a point needs. The blob is written after all its packs are committed and is committed in one Put Block List:
 * a restore point exists exactly when this blob does.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { open as openSealed, seal } from '../backup/crypto.ts';

export const POINT_MAGIC = Buffer.from('OBCPOINT');
export const POINT_FORMAT = 'obc-point' as const;
export const POINT_FORMAT_VERSION = 1;
/** Bytes read first when only the header is wanted (a header with thousands of packs takes a second read). */
export const POINT_HEAD_PROBE = 64 * 1024;
const PREFIX_LEN = 16;

const sha = z.string().regex(/^[0-9a-f]{64}$/);
export const pointPackSchema = z
  .object({
    n: z.number().int().positive(),
    path: z.string().regex(/^(online\/)?packs\/pack-\d{6,10}\.bin$/),
    length: z.number().int().positive(),
    sha256: sha,
    /** Sealed bytes of this pack the point's catalog uses (≤ length). */
    refBytes: z.number().int().nonnegative(),
  })
  .strict();
export type PointPack = z.infer<typeof pointPackSchema>;

export const pointHeaderSchema = z
  .object({
    format: z.literal(POINT_FORMAT),
    formatVersion: z.literal(POINT_FORMAT_VERSION),
    id: z.string(),
    jobName: z.string(),
    /** The seed's identity (obc-backup.json): a point belongs to exactly one backup. */
    backupId: z.string().regex(/^[0-9a-f]{16}$/),
    /** When its data was read: the schedule's due instant, or Back Up Now's start. */
    time: z.string(),
    createdAt: z.string(),
    completedAt: z.string(),
    sourceMachine: z.string(),
    retainUntil: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    /** The point this one was compared with (unchanged files reuse its chunk lists); null: none. */
    parent: z.string().nullable(),
    totals: z
      .object({
        files: z.number().int().nonnegative(),
        bytes: z.number().nonnegative(),
        chunks: z.number().int().nonnegative(),
        skipped: z.number().int().nonnegative(),
      })
      .strict(),
    /** Bytes this point added to the container: its new packs and this blob. */
    newBytes: z.number().nonnegative(),
    /** Packs made by this point's run (repacks made later are listed in `packs` only). */
    addedPacks: z.array(z.number().int().positive()),
    packs: z.array(pointPackSchema),
    /** Every pack number up to this one has been handed out in this container (numbers are never reused). */
    nextPack: z.number().int().positive(),
    catalog: z.object({ length: z.number().int().positive(), sha256: sha }).strict(),
  })
  .strict();
export type PointHeader = z.infer<typeof pointHeaderSchema>;

const aad = (job: string, id: string) => Buffer.from(`obc-point:${job}:${id}`);

export function encodePoint(enc: Buffer, header: Omit<PointHeader, 'catalog'>, catalog: Buffer): Buffer {
  const full: PointHeader = {
    ...header,
    catalog: { length: catalog.length, sha256: createHash('sha256').update(catalog).digest('hex') },
  };
  const sealed = seal(enc, Buffer.from(JSON.stringify(full)), aad(header.jobName, header.id));
  const prefix = Buffer.alloc(PREFIX_LEN);
  POINT_MAGIC.copy(prefix, 0);
  prefix.writeUInt32BE(sealed.length, 8);
  return Buffer.concat([prefix, sealed, catalog]);
}

/** Bytes of the blob the header needs (prefix + sealed header), from the first bytes of the blob. */
export function headerLength(first: Buffer, where: string): number {
  if (first.length < PREFIX_LEN || !first.subarray(0, 8).equals(POINT_MAGIC))
    throw damaged(where, 'it does not start like a restore point');
  return PREFIX_LEN + first.readUInt32BE(8);
}

/** Opens the header (from at least `headerLength` bytes of the blob); checks it names this job and id. */
export function decodePointHeader(enc: Buffer, job: string, id: string, bytes: Buffer, where: string): PointHeader {
  const need = headerLength(bytes, where);
  if (bytes.length < need) throw damaged(where, 'it is shorter than its header says');
  const plain = openSealed(enc, bytes.subarray(PREFIX_LEN, need), aad(job, id));
  if (!plain) throw damaged(where, `its header does not authenticate as restore point ${id} of job "${job}"`);
  let raw: unknown;
  try {
    raw = JSON.parse(plain.toString('utf8'));
  } catch (err) {
    throw damaged(where, `its header is not JSON (${(err as Error).message})`);
  }
  const r = pointHeaderSchema.safeParse(raw);
  if (!r.success)
    throw damaged(
      where,
      `its header is not a format ${POINT_FORMAT_VERSION} header: ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  if (r.data.id !== id || r.data.jobName !== job)
    throw damaged(where, `its header names point ${r.data.id} of job "${r.data.jobName}"`);
  return r.data;
}

/** The catalog bytes of a whole point blob, checked against its header. */
export function pointCatalogBytes(header: PointHeader, blob: Buffer, where: string): Buffer {
  const start = headerLength(blob, where);
  const cat = blob.subarray(start);
  if (cat.length !== header.catalog.length)
    throw damaged(where, `its catalog is ${cat.length} bytes, the header says ${header.catalog.length}`);
  if (createHash('sha256').update(cat).digest('hex') !== header.catalog.sha256)
    throw damaged(where, 'its catalog differs from the one its header names');
  return cat;
}

function damaged(where: string, why: string): AppError {
  return new AppError('CORRUPT_DATA', `The restore point ${where} is damaged: ${why}.`, { path: where });
}
