import { join, resolve } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';

/**
 * `<staging>/<job>.diskprep/`: Disk Prep's state beside the staging job folder — session.json (which disk takes which
 * files), journal-<serial>.json mirrors of every disk journal, and drives.json (keys sealed).
 */
export function stateDirFor(stagingLocation: string, job: string): string {
  return join(resolve(stagingLocation), `${job}.diskprep`);
}

export function mirrorJournalPath(stateDir: string, serial: string): string {
  return join(stateDir, `journal-${serial}.json`);
}

const sessionDiskSchema = z.object({
  serial: z.string(),
  id: z.string(),
  kind: z.enum(['folder', 'windows']),
  capacityBytes: z.number().nonnegative(),
  files: z.array(z.string()),
});
export const sessionSchema = z.object({
  format: z.literal('obc-diskprep-session'),
  formatVersion: z.literal(1),
  jobName: z.string(),
  container: z.string(),
  /**
   * The backup this session prepares disks for (backup/identity.ts). A session bound to another backup — or to none,
   * written by an older build — is retired, never resumed (issue 13 §2).
   */
  backup: z
    .object({ id: z.string(), salt: z.string(), catalogSha256: z.string(), completedAt: z.string().optional() })
    .optional(),
  disks: z.array(sessionDiskSchema),
});
export type Session = z.infer<typeof sessionSchema>;
export type SessionDisk = z.infer<typeof sessionDiskSchema>;

export async function loadSession(stateDir: string): Promise<Session | null> {
  const path = join(stateDir, 'session.json');
  const r = await readJsonValidated(path, sessionSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt')
    throw new AppError('CORRUPT_DATA', `Disk Prep session file is damaged (${path}): ${r.reason}`, { path });
  return r.value;
}

export async function saveSession(stateDir: string, s: Session): Promise<void> {
  await writeJsonAtomic(join(stateDir, 'session.json'), s);
}
