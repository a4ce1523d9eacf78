/**
 * A backup's identity: its key salt and the SHA-256 of its catalog, both in seed.json once the backup is complete
 * (a new backup of the same job, `backup --overwrite`, gets a new salt and a new catalog). Disk Prep binds its
 * session, journals, drives.json and every disk to it, so disks written for an earlier backup of the job never pass
 * as the current one's (issue 13 §2). `id` is a short fingerprint for files and messages.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { CATALOG_PATH } from './catalog.ts';

export interface BackupIdentity {
  /** 16 hex digits of SHA-256(salt ‖ catalog SHA-256). */
  id: string;
  salt: string;
  catalogSha256: string;
  /** When the backup finished (seed.json `completedAt`), for messages. */
  completedAt?: string;
}

export function backupIdOf(salt: string, catalogSha256: string): string {
  return createHash('sha256').update(`obc-backup-id\n${salt}\n${catalogSha256}`).digest('hex').slice(0, 16);
}

/** The identity of a complete backup; null while it is in progress (it has no catalog yet). */
export function identityOf(
  seed: Pick<SeedDescriptor, 'state' | 'crypto' | 'files' | 'completedAt' | 'jobName'>,
): BackupIdentity | null {
  if (seed.state !== 'complete') return null;
  const cat = seed.files.find((f) => f.path === CATALOG_PATH);
  if (!cat) return null;
  return {
    id: backupIdOf(seed.crypto.salt, cat.sha256),
    salt: seed.crypto.salt,
    catalogSha256: cat.sha256,
    ...(seed.completedAt ? { completedAt: seed.completedAt } : {}),
  };
}

/** Like identityOf, for callers that need a complete backup: names what is missing. */
export function requireIdentity(
  seed: Pick<SeedDescriptor, 'state' | 'crypto' | 'files' | 'completedAt' | 'jobName'>,
  where: string,
): BackupIdentity {
  const b = identityOf(seed);
  if (b) return b;
  if (seed.state !== 'complete')
    throw new AppError(
      'CONFLICT',
      `The backup of job ${seed.jobName} is not complete (${where} state "${seed.state}"); finish Back Up Now first.`,
      { job: seed.jobName },
    );
  throw new AppError(
    'CORRUPT_DATA',
    `${where} of job ${seed.jobName} lists no ${CATALOG_PATH}; without it the backup cannot be read.`,
    { job: seed.jobName, path: where },
  );
}

/** "backup 3f09c2a1b4d5e6f7 (completed 2026-12-04T10:00:00Z)" */
export function describeBackup(b: { id: string; completedAt?: string | undefined }): string {
  return `backup ${b.id}${b.completedAt ? ` (completed ${b.completedAt})` : ''}`;
}
