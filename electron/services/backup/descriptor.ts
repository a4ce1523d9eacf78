/**
 * The job descriptor `<job>/obc-backup.json`: what a restore needs besides the packs and the catalog — the job's
 * identity, the key parameters (salt, scrypt N/r/p, key check) and the list of the seed's files with their lengths
 * and SHA-256. Unlike seed.json it is one of the shipped files (seed.files), so every prepared disk and the container
 * hold it, and a new machine with only the container (or only the disks) and the passphrase can restore (issue 13 §9).
 *
 * Format: JSON (UTF-8), padded with spaces and a final newline to a multiple of 512 bytes — still valid JSON, and a
 * valid page blob. `sum` = SHA-256 of the canonical JSON of everything else, so damage reads as damage, never as a
 * wrong passphrase. It cannot list itself (its own hash would change it): a reader takes its length and hash from the
 * bytes it read. Layout in docs/backup-format.md.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import {
  SEED_FORMAT,
  seedCryptoSchema,
  seedFileSchema,
  seedTotalsSchema,
  type SeedDescriptor,
  type SeedFile,
  seedVersionFor,
} from '../../../shared/staging.ts';
import { CATALOG_PATH } from './catalog.ts';
import { backupIdOf } from './identity.ts';

export const DESCRIPTOR_PATH = 'obc-backup.json';
export const DESCRIPTOR_FORMAT = 'obc-backup' as const;
/** The largest descriptor a reader accepts (a million packs would be 64 TiB of backup at 64 MiB each). */
export const DESCRIPTOR_MAX_BYTES = 256 * 1024 * 1024;

export const descriptorSchema = z.object({
  format: z.literal(DESCRIPTOR_FORMAT),
  formatVersion: z.literal(1),
  jobName: z.string().min(2).max(64),
  /** 16 hex digits: SHA-256(salt ‖ catalog SHA-256), see identity.ts. */
  backupId: z.string().regex(/^[0-9a-f]{16}$/),
  sourceMachine: z.string(),
  createdAt: z.string(),
  completedAt: z.string(),
  retainUntil: z.string().optional(),
  storageAccount: z.string().optional(),
  container: z.string().optional(),
  crypto: seedCryptoSchema,
  totals: seedTotalsSchema,
  catalog: seedFileSchema,
  packs: z.array(seedFileSchema),
  sum: z.string().regex(/^[0-9a-f]{64}$/),
});
export type JobDescriptor = z.infer<typeof descriptorSchema>;

const sumOf = (raw: object): string => {
  const { sum: _s, ...rest } = raw as Record<string, unknown>;
  return createHash('sha256').update(canonicalJson(rest)).digest('hex');
};

/**
 * A seed file entry as the descriptor lists it: path, length and SHA-256. The page-range MD5s of seed format 2 are
 * Disk Prep's (staging) business and stay out of the shipped descriptor, whose format is unchanged.
 */
export const listedFile = (f: SeedFile): SeedFile => ({ path: f.path, length: f.length, sha256: f.sha256 });

/** The descriptor of a complete seed whose files are the packs and the catalog (the descriptor not yet among them). */
export function descriptorFor(seed: SeedDescriptor, seedFiles: SeedFile[]): JobDescriptor {
  const files = seedFiles.map(listedFile);
  const catalog = files.find((f) => f.path === CATALOG_PATH);
  if (!catalog)
    throw new AppError('INTERNAL', `The descriptor of job ${seed.jobName} needs ${CATALOG_PATH} among the files.`);
  const body = {
    format: DESCRIPTOR_FORMAT,
    formatVersion: 1 as const,
    jobName: seed.jobName,
    backupId: backupIdOf(seed.crypto.salt, catalog.sha256),
    sourceMachine: seed.sourceMachine,
    createdAt: seed.createdAt,
    completedAt: seed.completedAt ?? new Date().toISOString(),
    ...(seed.retainUntil ? { retainUntil: seed.retainUntil } : {}),
    ...(seed.storageAccount ? { storageAccount: seed.storageAccount } : {}),
    ...(seed.container ? { container: seed.container } : {}),
    crypto: seed.crypto,
    totals: seed.totals,
    catalog,
    packs: files.filter((f) => f !== catalog),
  };
  return { ...body, sum: sumOf(body) };
}

/** The bytes written: readable JSON, padded with spaces to a multiple of 512 (a page blob), ending in a newline. */
export function encodeDescriptor(d: JobDescriptor): Buffer {
  const text = JSON.stringify(d, null, 1);
  const len = Buffer.byteLength(text) + 1;
  const padded = Math.ceil(len / 512) * 512;
  return Buffer.from(`${text}${' '.repeat(padded - len)}\n`, 'utf8');
}

/** Reads a descriptor; `where` names the file in messages. Its own checksum and the key-parameter caps are checked. */
export function decodeDescriptor(bytes: Buffer, where: string): JobDescriptor {
  const fail = (why: string): never => {
    throw new AppError('CORRUPT_DATA', `The job descriptor ${where} ${why}.`, { path: where });
  };
  if (bytes.length > DESCRIPTOR_MAX_BYTES)
    fail(`is ${bytes.length} bytes long, above the ${DESCRIPTOR_MAX_BYTES}-byte limit`);
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    fail(`is not valid JSON (${(err as Error).message})`);
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) fail('is not a JSON object');
  const sum = (raw as { sum?: unknown }).sum;
  if (typeof sum !== 'string') fail('carries no checksum');
  const want = sumOf(raw as object);
  if (sum !== want)
    fail(
      `fails its own checksum (recorded ${String(sum).slice(0, 12)}…, content gives ${want.slice(0, 12)}…): it was altered or damaged after it was written`,
    );
  const r = descriptorSchema.safeParse(raw);
  if (!r.success)
    fail(
      `is damaged: ${r.error.issues
        .slice(0, 3)
        .map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
        .join('; ')}`,
    );
  const d = r.data!;
  if (d.backupId !== backupIdOf(d.crypto.salt, d.catalog.sha256))
    fail(`names backup ${d.backupId}, which is not the identity of its own salt and catalog`);
  return d;
}

/**
 * seed.json as the descriptor describes it, for readers that have no seed.json (a new machine with only the container
 * or the disks). `self` = the descriptor's own bytes, listed last as in a seed written by the engine.
 */
export function seedFromDescriptor(d: JobDescriptor, self: Buffer): SeedDescriptor {
  return seedOfRun(d, {
    sourceMachine: d.sourceMachine,
    createdAt: d.createdAt,
    completedAt: d.completedAt,
    ...(d.retainUntil ? { retainUntil: d.retainUntil } : {}),
    totals: d.totals,
    files: [
      ...d.packs,
      d.catalog,
      { path: DESCRIPTOR_PATH, length: self.length, sha256: createHash('sha256').update(self).digest('hex') },
    ],
  });
}

/** One run of a job (the seed, or an online restore point) as the seed.json its readers take. */
export function seedOfRun(
  d: JobDescriptor,
  run: Pick<SeedDescriptor, 'sourceMachine' | 'createdAt' | 'completedAt' | 'retainUntil' | 'totals' | 'files'>,
): SeedDescriptor {
  return {
    format: SEED_FORMAT,
    formatVersion: seedVersionFor(run.files),
    jobName: d.jobName,
    ...(d.storageAccount ? { storageAccount: d.storageAccount } : {}),
    ...(d.container ? { container: d.container } : {}),
    blobPrefix: `${d.jobName}/`,
    sourceMachine: run.sourceMachine,
    createdAt: run.createdAt,
    completedAt: run.completedAt,
    state: 'complete',
    ...(run.retainUntil ? { retainUntil: run.retainUntil } : {}),
    crypto: d.crypto,
    totals: run.totals,
    files: run.files,
  };
}

/**
 * What is wrong with a descriptor read from a source, against the seed.json that lists it (empty: it is the one the
 * backup wrote). For verify: the descriptor is the part of the backup a new machine would trust.
 */
export function descriptorProblems(bytes: Buffer, entry: SeedFile, seed: SeedDescriptor): string[] {
  if (bytes.length !== entry.length) return [`length ${bytes.length}, expected ${entry.length}`];
  if (createHash('sha256').update(bytes).digest('hex') !== entry.sha256) return ['sha256 differs from seed.json'];
  let d: JobDescriptor;
  try {
    d = decodeDescriptor(bytes, DESCRIPTOR_PATH);
  } catch (err) {
    return [(err as Error).message];
  }
  const out: string[] = [];
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  if (d.jobName !== seed.jobName) out.push(`names job "${d.jobName}", not "${seed.jobName}"`);
  if (!same(d.crypto, seed.crypto)) out.push('its key parameters differ from seed.json');
  const listed = seed.files.filter((f) => f.path !== DESCRIPTOR_PATH).map(listedFile);
  if (!same([...d.packs, d.catalog], listed)) out.push('its file list differs from seed.json');
  return out;
}
