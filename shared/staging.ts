import { z } from 'zod';
import { kdfProblems } from './kdf-limits.ts';
import { JOB_BACKENDS } from './contract/azure.ts';
import { zContainerName } from './validators/azure-names.ts';

/**
 * `<staging>/<job>/seed.json`: the plain descriptor that links a staging folder to its import job.
 * Written by the backup engine (atomically), read by Disk Prep, the datacenter check and recovery.
 * `files` lists every file that must reach the container, each a multiple of 512 bytes long (page blobs);
 * paths are relative to the job folder with forward slashes. Blob name = `<jobName>/<path>`.
 */
export const SEED_FORMAT = 'obc-seed';
export const SEED_FORMAT_VERSION = 1;

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

export const seedSchema = z.object({
  format: z.literal(SEED_FORMAT),
  formatVersion: z.literal(SEED_FORMAT_VERSION),
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
  /**
   * The file's own checksum: SHA-256 (hex) of the canonical JSON (shared/canonical-json.ts) of everything else in
   * the file as written. Absent in seeds written before it existed. A flipped byte in the salt or key check then
   * reads as "seed.json is damaged", not as a wrong passphrase.
   */
  sum: z
    .string()
    .regex(/^[0-9a-f]{64}$/)
    .optional(),
});

export type SeedDescriptor = z.infer<typeof seedSchema>;
export type SeedFile = z.infer<typeof seedFileSchema>;
