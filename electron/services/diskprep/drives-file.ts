import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { parseJournal, replay } from './journal.ts';
import { mirrorJournalPath } from './session.ts';
import { z } from 'zod';
import { AppError, type Serializable } from '../../../shared/errors.ts';
import { BITLOCKER_KEY_RE } from '../../../shared/disks.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import type { DriveListItem } from '../../../shared/contract/diskprep.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';
import { unlockJob, type JobKeys } from '../backup/crypto.ts';
import { readSeed } from '../backup/job-files.ts';
import { describeBackup, identityOf } from '../backup/identity.ts';
import { MAX_DISKS_PER_JOB } from '../../../shared/disks.ts';

/**
 * Seals BitLocker keys in drives.json. Injected: the passphrase protector below (key derived from the backup
 * passphrase and the job's scrypt parameters in seed.json), or a protector from the job's keys (jobKeyProtector).
 * Keys are never written in the clear.
 */
export interface SecretProtector {
  /** Recorded in drives.json so a reader knows what unlocks the keys. */
  readonly description: { [k: string]: Serializable };
  seal(plain: string, aad: string): Promise<string>;
  open(sealed: string, aad: string): Promise<string>;
}

/** AES-256-GCM with a raw 32-byte key: nonce ‖ ciphertext ‖ tag, base64. */
export function keyProtector(key: Buffer, description: { [k: string]: Serializable }): SecretProtector {
  if (key.length !== 32) throw new AppError('INTERNAL', 'Protector key must be 32 bytes.');
  return {
    description,
    async seal(plain, aad) {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', key, iv);
      c.setAAD(Buffer.from(aad));
      const body = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, body, c.getAuthTag()]).toString('base64');
    },
    async open(sealed, aad) {
      const b = Buffer.from(sealed, 'base64');
      try {
        const d = createDecipheriv('aes-256-gcm', key, b.subarray(0, 12));
        d.setAAD(Buffer.from(aad));
        d.setAuthTag(b.subarray(b.length - 16));
        return Buffer.concat([d.update(b.subarray(12, b.length - 16)), d.final()]).toString('utf8');
      } catch {
        throw new AppError(
          'WRONG_PASSPHRASE',
          'The BitLocker keys in drives.json cannot be opened with this passphrase (or the file was altered).',
        );
      }
    },
  };
}

const HKDF_INFO = 'obc/diskprep/drives.json/bitlocker-keys/v1';

/**
 * Key = HKDF-SHA256(backup job key, info): the backup engine's own derivation (unlockJob: scrypt with seed.json's
 * parameters, checked against its keyCheck, so a wrong passphrase is refused up front), then a separate sub-key so
 * drives.json never shares a key with the backup data.
 */
export async function passphraseProtector(
  passphrase: string,
  seed: Pick<SeedDescriptor, 'crypto' | 'jobName'>,
): Promise<SecretProtector> {
  if (!passphrase)
    throw new AppError('VALIDATION', 'The backup passphrase is needed to protect the BitLocker keys in drives.json.', {
      field: 'passphrase',
    });
  return jobKeyProtector(await unlockJob(passphrase, seed.crypto, seed.jobName));
}

/** The same protector from job keys already derived (Disk Prep derives them once to check the catalog). */
export function jobKeyProtector(keys: JobKeys): SecretProtector {
  const key = Buffer.from(hkdfSync('sha256', keys.enc, Buffer.alloc(0), HKDF_INFO, 32));
  return keyProtector(key, {
    kind: 'passphrase',
    derivation: 'backup job key (scrypt, seed.json) + HKDF-SHA256',
    info: HKDF_INFO,
  });
}

export const DRIVES_FILE = 'drives.json';

const driveEntrySchema = z.object({
  driveId: z.string(),
  bitLockerKeySealed: z.string(),
  manifestFile: z.string(),
  manifestHash: z.string().regex(/^[0-9A-F]{32}$/),
  bytes: z.number().nonnegative(),
  files: z.number().int().nonnegative(),
  rehearsal: z.boolean(),
  verified: z.boolean(),
  preparedAt: z.string(),
});
export const drivesFileSchema = z.object({
  format: z.literal('obc-drives'),
  formatVersion: z.literal(1),
  jobName: z.string(),
  container: z.string(),
  storageAccount: z.string().optional(),
  subscriptionId: z.string().optional(),
  resourceGroup: z.string().optional(),
  /** The backup the drives hold (backup/identity.ts): drives.json of another backup never creates a job. */
  backup: z
    .object({ id: z.string(), salt: z.string(), catalogSha256: z.string(), completedAt: z.string().optional() })
    .optional(),
  protection: z.record(z.string(), z.any()),
  drives: z.array(driveEntrySchema),
});
export type DrivesFile = z.infer<typeof drivesFileSchema>;
export type DriveEntry = z.infer<typeof driveEntrySchema>;

/** What the ARM job's driveList[] takes (Microsoft.ImportExport DriveStatus subset). */
export type { DriveListItem } from '../../../shared/contract/diskprep.ts';

export function drivesPath(stateDir: string): string {
  return join(stateDir, DRIVES_FILE);
}

export async function loadDrives(stateDir: string): Promise<DrivesFile | null> {
  const r = await readJsonValidated(drivesPath(stateDir), drivesFileSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt')
    throw new AppError('CORRUPT_DATA', `drives.json is damaged (${drivesPath(stateDir)}): ${r.reason}`, {
      path: drivesPath(stateDir),
    });
  return r.value;
}

export async function upsertDrive(
  stateDir: string,
  base: Omit<DrivesFile, 'drives' | 'format' | 'formatVersion' | 'protection'>,
  protector: SecretProtector,
  drive: Omit<DriveEntry, 'bitLockerKeySealed'> & { bitLockerKey: string },
  /** Serials in the session's order: drives are listed in it (disks verified at the same time finish in any order). */
  order?: string[],
): Promise<DrivesFile> {
  if (!BITLOCKER_KEY_RE.test(drive.bitLockerKey))
    throw new AppError('INTERNAL', `Disk ${drive.driveId} has no valid 48-digit BitLocker key.`);
  const loaded = await loadDrives(stateDir);
  // Drives of another backup are never listed beside this one's (Disk Prep retires them first; this is the backstop).
  const cur =
    loaded && loaded.backup?.id === base.backup?.id
      ? loaded
      : {
          format: 'obc-drives' as const,
          formatVersion: 1 as const,
          ...base,
          protection: protector.description,
          drives: [],
        };
  const { bitLockerKey, ...rest } = drive;
  const entry: DriveEntry = {
    ...rest,
    bitLockerKeySealed: await protector.seal(bitLockerKey, `obc-drive:${drive.driveId}`),
  };
  const drives = cur.drives.filter((d) => d.driveId !== drive.driveId).concat(entry);
  if (order) {
    const at = (id: string) => (order.includes(id) ? order.indexOf(id) : order.length);
    drives.sort((p, q) => at(p.driveId) - at(q.driveId)); // stable: drives the order does not name keep theirs, last
  }
  const next: DrivesFile = { ...cur, ...base, protection: protector.description, drives };
  await writeJsonAtomic(drivesPath(stateDir), next, 0o600);
  return next;
}

/** The driveList for job creation, keys opened with the protector. Only read-back-verified drives are listed. */
export async function driveList(
  stateDir: string,
  protector: SecretProtector,
): Promise<{ file: DrivesFile; driveList: DriveListItem[] }> {
  const file = await loadDrives(stateDir);
  if (!file)
    throw new AppError('NOT_FOUND', `No prepared disks yet: ${drivesPath(stateDir)} does not exist.`, {
      path: drivesPath(stateDir),
    });
  await assertSameBackup(stateDir, file);
  const list: DriveListItem[] = [];
  for (const d of file.drives.filter((x) => x.verified)) {
    // The journal mirror beside it recorded the manifest MD5 as written and read back: they must agree.
    const journal = await readFile(mirrorJournalPath(stateDir, d.driveId), 'utf8').catch(() => null);
    const st = journal === null ? undefined : replay(parseJournal(journal).records);
    if (st && st.backup !== file.backup!.id)
      throw new AppError(
        'CONFLICT',
        `Disk ${d.driveId} in ${drivesPath(stateDir)} was prepared for ${st.backup ? `backup ${st.backup}` : 'a backup this version cannot identify'}, not for ${describeBackup(file.backup!)}; run Disk Prep again for this backup.`,
        { path: drivesPath(stateDir), driveId: d.driveId },
      );
    const recorded = st?.manifestMd5;
    if (recorded !== undefined && recorded.toUpperCase() !== d.manifestHash.toUpperCase()) {
      throw new AppError(
        'CORRUPT_DATA',
        `drives.json is damaged (${drivesPath(stateDir)}): disk ${d.driveId} lists manifest hash ${d.manifestHash}, but its journal recorded ${recorded} when the manifest was written and read back.`,
        {
          path: drivesPath(stateDir),
          driveId: d.driveId,
        },
      );
    }
    list.push({
      driveId: d.driveId,
      bitLockerKey: await protector.open(d.bitLockerKeySealed, `obc-drive:${d.driveId}`),
      manifestFile: d.manifestFile,
      manifestHash: d.manifestHash,
      driveHeaderHash: '',
    });
  }
  return { file, driveList: list };
}

/**
 * drives.json must describe the backup in the staging folder beside it (`<staging>/<job>/seed.json`, when it is still
 * there): disks of an earlier backup of the job never reach an import job.
 */
async function assertSameBackup(stateDir: string, file: DrivesFile): Promise<void> {
  if (!file.backup)
    throw new AppError(
      'CONFLICT',
      `${drivesPath(stateDir)} was written by an earlier version and does not say which backup its disks hold; run Disk Prep again to bind them to the current backup.`,
      { path: drivesPath(stateDir) },
    );
  const jobDir = join(dirname(stateDir), file.jobName);
  const seed = await readSeed(jobDir).catch(() => null);
  const now = seed ? identityOf(seed) : null;
  if (seed && now?.id !== file.backup.id)
    throw new AppError(
      'CONFLICT',
      `The disks in ${drivesPath(stateDir)} hold ${describeBackup(file.backup)} of job ${file.jobName}, but the staging folder now holds ${now ? describeBackup(now) : 'an unfinished backup'}. Run Disk Prep again to prepare the disks for it before creating the import job.`,
      { path: drivesPath(stateDir), job: file.jobName },
    );
}

/**
 * Seam for job creation (the Azure layer's ImportJobBackend adapts to this): Disk Prep hands over the drive list
 * and the job facts; the backend adds the return address, shipping, diagnostics path and log level.
 */
export interface ImportJobRequestFromDisks {
  jobName: string;
  container: string;
  storageAccount?: string;
  subscriptionId?: string;
  resourceGroup?: string;
  driveList: DriveListItem[];
  /** True when any disk is a folder (rehearsal) disk: only the sandbox may accept such a job. */
  rehearsal: boolean;
}
export type ImportJobCreator = (req: ImportJobRequestFromDisks) => Promise<{ [k: string]: Serializable }>;

export async function createJobFromDrives(
  stateDir: string,
  protector: SecretProtector,
  create: ImportJobCreator,
): Promise<{ [k: string]: Serializable }> {
  const { file, driveList: list } = await driveList(stateDir, protector);
  if (!list.length)
    throw new AppError('CONFLICT', 'No disk of this job has passed its read-back yet; nothing to ship.');
  if (list.length > MAX_DISKS_PER_JOB)
    throw new AppError(
      'CONFLICT',
      `An import job takes at most ${MAX_DISKS_PER_JOB} disks; this one has ${list.length}.`,
    );
  return create({
    jobName: file.jobName,
    container: file.container,
    ...(file.storageAccount ? { storageAccount: file.storageAccount } : {}),
    ...(file.subscriptionId ? { subscriptionId: file.subscriptionId } : {}),
    ...(file.resourceGroup ? { resourceGroup: file.resourceGroup } : {}),
    driveList: list,
    rehearsal: file.drives.some((d) => d.rehearsal),
  });
}
