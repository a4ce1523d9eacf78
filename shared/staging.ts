import { z } from 'zod';
import { kdfProblems } from './kdf-limits.ts';
import { JOB_BACKENDS } from './job-backends.ts';
import { zContainerName } from './validators/azure-names.ts';
import { rangeCount } from './page-ranges.ts';
import { seedRangesEntrySchema } from './seed-ranges.ts';

/**
 * `<staging>/<job>/seed.json`: the plain descriptor that links a staging folder to its import job.
 * Written by the backup engine (atomically), read by Disk Prep, the datacenter check and recovery.
 * `files` lists every file that must reach the container, each a multiple of 512 bytes long (page blobs);
 * paths are relative to the job folder with forward slashes. Blob name = `<jobName>/<path>`.
 *
 * Format versions: 1 — each file has path, length, sha256. 2 (written since issue 15) — each file also has `md5`
 * (whole-file MD5) and `ranges` (the MD5 of each 4 MiB page range, shared/page-ranges.ts), hashed by the backup when
 * it read the file back after writing it, so Disk Prep copies with one MD5 pass (the range MD5s, compared with
 * these) instead of three hashes. 3 (written since issue 15's seed-size work) — the same MD5s, but the range MD5s
 * live as 16-byte binary digests in a side file of the job folder (shared/seed-ranges.ts, named by the seed's
 * `rangeMd5s` entry with its SHA-256); each file entry keeps its `md5` and gives `firstRange`, the index of its first
 * range in that file, so seed.json stays ~2 MB per TiB staged (format 2: ~11 MB per TiB, beyond one JS string's limit
 * near 50 TB). 4 (written since session 10, issue 15's 1 GiB target) — format 3 without the whole-file `md5`: each
 * file has `sha256` and `firstRange` (its range MD5s in the side file, as format 3). The backup's read-back hashes
 * each staged byte with SHA-256 and one MD5 (its page range's) instead of two MD5s; the Azure import needs only the
 * range MD5s (the drive manifest's PageRangeList), and Disk Prep's journal and BOM (formatVersion 2) record the
 * file's SHA-256 — hashed by the backup from the very bytes whose range MD5s the copy matched — instead of an MD5.
 * Readers take all four versions; a version-1 seed keeps Disk Prep's SHA-256 path; a version above 4 (a newer
 * build's) is refused by name (`seedVersionProblem`).
 */
export const SEED_FORMAT = 'obc-seed';
/** The version the backup writes. */
export const SEED_FORMAT_VERSION = 4;
/** The versions this build reads. */
export const SEED_FORMAT_VERSIONS = [1, 2, 3, 4] as const;
export type SeedFormatVersion = (typeof SEED_FORMAT_VERSIONS)[number];

/** Why this build cannot read a seed of this format version (null: it can). */
export function seedVersionProblem(v: unknown): string | null {
  if ((SEED_FORMAT_VERSIONS as readonly unknown[]).includes(v)) return null;
  if (typeof v === 'number' && Number.isInteger(v) && v > SEED_FORMAT_VERSION)
    return `seed format version ${v} is newer than this build reads (1–${SEED_FORMAT_VERSION}): a newer Offline Backup Console wrote it. Update Offline Backup Console on this machine (or use the build that made the backup), then try again.`;
  return `seed format version ${JSON.stringify(v)} is not one any build writes (1–${SEED_FORMAT_VERSION}): the file was altered or damaged. Run Back Up Now again for this job (replacing it).`;
}

const md5Hex = z.string().regex(/^[0-9a-f]{32}$/, 'lower-case hex MD5');

export const seedFileSchema = z.object({
  path: z
    .string()
    .max(1024)
    .regex(/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, 'relative path of safe characters')
    // "." and ".." segments would let an edited seed.json reach outside the job folder or the disk's data folder.
    .refine((p) => !p.split('/').some((s) => s === '.' || s === '..'), 'path may not contain "." or ".." segments'),
  length: z
    .number()
    .int()
    .nonnegative()
    .refine((n) => n % 512 === 0, 'length must be a multiple of 512'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** Formats 2 and 3: whole-file MD5 (lower-case hex), for the BOM and the journal; format 4 has none. */
  md5: md5Hex.optional(),
  /** Format 2: MD5 of each 4 MiB page range in order (lower-case hex), for the manifest's PageRangeList. */
  ranges: z.array(md5Hex).optional(),
  /**
   * Formats 3 and 4: index of the file's first page-range MD5 in the seed's side file (shared/seed-ranges.ts); it has
   * `rangeCount(length)` of them from there; the backup writes each file's right after the one before it.
   */
  firstRange: z.number().int().nonnegative().optional(),
});

/**
 * The key parameters, within the caps of shared/kdf-limits.ts (checked before scrypt runs: an altered N, r or p
 * never costs gigabytes of memory). The message names the field and its value.
 */
export const seedCryptoSchema = z
  .object({
    kdf: z.literal('scrypt'),
    salt: z.string().max(200),
    N: z.number(),
    r: z.number(),
    p: z.number(),
    /** AES-GCM sealed known value; lets a wrong passphrase be detected before anything is read. */
    keyCheck: z.string().max(400),
  })
  .superRefine((c, ctx) => {
    for (const m of kdfProblems(c)) ctx.addIssue({ code: 'custom', message: `${m} (caps in shared/kdf-limits.ts)` });
  });

/** A finished backup's counts, as seed.json and the job descriptor (obc-backup.json) both record them. */
export const seedTotalsSchema = z.object({
  files: z.number().int().nonnegative(),
  bytes: z.number().nonnegative(),
  storedBytes: z.number().nonnegative(),
  chunks: z.number().int().nonnegative(),
  skipped: z.number().int().nonnegative(),
});

export const seedSchema = z
  .object({
    format: z.literal(SEED_FORMAT),
    formatVersion: z.custom<SeedFormatVersion>((v) => seedVersionProblem(v) === null, {
      error: (iss) => seedVersionProblem(iss.input) ?? 'invalid seed format version',
    }),
    jobName: z.string().min(2).max(64),
    subscriptionId: z.string().optional(),
    resourceGroup: z.string().optional(),
    storageAccount: z.string().optional(),
    container: zContainerName.optional(),
    /**
     * Which service holds the import job (SPEC decision 1): Microsoft.DataBox customer-disk jobs or Microsoft.ImportExport.
     * Written from the policy by Back Up Now; absent in seeds written before it was recorded (readers then look the
     * job up in both services).
     */
    jobBackend: z.enum(JOB_BACKENDS).optional(),
    blobPrefix: z.string(),
    sourceMachine: z.string(),
    createdAt: z.string(),
    completedAt: z.string().optional(),
    state: z.enum(['inProgress', 'complete']),
    /** Retain-till date chosen in Back Up Now (YYYY-MM-DD); absent in older seeds. */
    retainUntil: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    crypto: seedCryptoSchema,
    totals: seedTotalsSchema,
    files: z.array(seedFileSchema),
    /** Formats 3 and 4: the side file holding every page-range MD5 (shared/seed-ranges.ts), covered by `sum`. */
    rangeMd5s: seedRangesEntrySchema.optional(),
    /**
     * The file's own checksum: SHA-256 (hex) of the canonical JSON (shared/canonical-json.ts) of everything else in
     * the file as written. Absent in seeds written before it existed. A flipped byte in the salt or key check then
     * reads as "seed.json is damaged", not as a wrong passphrase.
     */
    sum: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
  })
  .superRefine((seed, ctx) => {
    const side = seed.formatVersion >= 3; // range MD5s in the side file
    let next = 0; // format 3 and 4: where the next file's ranges start in the side file
    for (let i = 0; i < seed.files.length; i++) {
      const f = seed.files[i];
      const why = seedFileMd5Problem(f, seed.formatVersion, next);
      if (why) {
        ctx.addIssue({ code: 'custom', path: ['files', i], message: `${f.path}: ${why}` });
        return;
      }
      next = (side ? f.firstRange! : next) + rangeCount(f.length);
    }
    // A format-3 or 4 seed still in progress lists no files yet, and needs no side file.
    if (side && !seed.rangeMd5s) {
      if (next > 0)
        ctx.addIssue({
          code: 'custom',
          path: ['rangeMd5s'],
          message: `seed format ${seed.formatVersion} needs its rangeMd5s entry`,
        });
    } else if (side && seed.rangeMd5s!.count < next)
      ctx.addIssue({
        code: 'custom',
        path: ['rangeMd5s', 'count'],
        message: `${seed.rangeMd5s!.count} range MD5(s) recorded, the files need ${next}`,
      });
    else if (seed.formatVersion < 3 && seed.rangeMd5s)
      ctx.addIssue({
        code: 'custom',
        path: ['rangeMd5s'],
        message: `rangeMd5s belongs to seed format 3, this seed is ${seed.formatVersion}`,
      });
  });

/**
 * What is wrong with a file entry's MD5s for the seed's format version (null: nothing). Version 2 needs both, with
 * one range MD5 per page range of its length; version 3 the whole-file MD5 and `firstRange` ≥ `next` (where the
 * previous file's ranges end in the side file: the backup writes them without gaps, but an entry removed from `files`
 * is left to Disk Prep's check against the catalog, which names it); version 4 `firstRange` the same way and no
 * whole-file MD5; version 1 carries none.
 */
export function seedFileMd5Problem(f: SeedFile, formatVersion: number, next = 0): string | null {
  const has = f.md5 !== undefined || f.ranges !== undefined;
  if (formatVersion < 2) {
    if (has) return `md5 and ranges belong to seed format 2, this seed is ${formatVersion}`;
    return f.firstRange !== undefined ? `firstRange belongs to seed format 3, this seed is ${formatVersion}` : null;
  }
  if (formatVersion >= 3) {
    const v = formatVersion;
    if (f.ranges !== undefined) return `seed format ${v} keeps the range MD5s in its side file, not in the entry`;
    if (v === 4 && f.md5 !== undefined)
      return 'seed format 4 records no whole-file MD5 (the file has its SHA-256 and range MD5s)';
    if (v === 3 && (f.md5 === undefined || f.firstRange === undefined))
      return 'seed format 3 needs md5 and firstRange for every file';
    if (f.firstRange === undefined) return `seed format ${v} needs firstRange for every file`;
    if (f.firstRange < next)
      return `firstRange ${f.firstRange} overlaps the file before it (which ends at range ${next})`;
    return null;
  }
  if (f.firstRange !== undefined) return 'firstRange belongs to seed format 3, this seed is 2';
  if (f.md5 === undefined || f.ranges === undefined) return 'seed format 2 needs md5 and ranges for every file';
  const want = rangeCount(f.length);
  if (f.ranges.length !== want)
    return `${f.ranges.length} range MD5(s) for ${f.length} bytes, which is ${want} page range(s)`;
  return null;
}

/** True when a file entry carries the format-2 MD5s (whole file and every page range). */
export const hasPageMd5s = (f: SeedFile): f is SeedFile & { md5: string; ranges: string[] } =>
  f.md5 !== undefined && f.ranges !== undefined && f.ranges.length === rangeCount(f.length);

/** True when a file entry points at its range MD5s in a format-3 or 4 seed's side file. */
export const hasRangeIndex = (f: SeedFile): f is SeedFile & { firstRange: number } => f.firstRange !== undefined;

/**
 * The format version a seed listing these files (with their range MD5s in the entries) has: 2 when every file
 * carries its MD5s, else 1 (without them). A format-3 seed is written by the backup from such a list.
 */
export const seedVersionFor = (files: SeedFile[]): 1 | 2 => (files.length > 0 && files.every(hasPageMd5s) ? 2 : 1);

export type SeedDescriptor = z.infer<typeof seedSchema>;
export type SeedFile = z.infer<typeof seedFileSchema>;
