/**
 * Which backup a disk was prepared for: its journal's begin record (the authority), with the completion time from the
 * copy of seed.json at its root for messages. A disk of this job prepared for another backup is never resumed: it is
 * refused, naming both backups, until its erase is confirmed (issue 13 §2).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import { checkSeedText } from '../backup/job-files.ts';
import { describeBackup, identityOf, type BackupIdentity } from '../backup/identity.ts';
import { splitJournal } from './journal-format.ts';

export interface DiskBackup {
  /** Undefined: the disk was begun by an older build that did not record the backup. */
  id?: string;
  completedAt?: string;
}

/** What the volume at `root` holds, or null when it records no Disk Prep run (or cannot be read before unlocking). */
export async function diskBackupAt(root: string): Promise<DiskBackup | null> {
  const journal = await readFile(join(root, DISK_LAYOUT.journalFile)).catch(() => null);
  const begin = journal
    ? splitJournal(journal)
        .lines.map((l) => (l.decoded.ok ? l.decoded.rec : null))
        .find((r) => r?.t === 'begin')
    : undefined;
  const seedText = await readFile(join(root, DISK_LAYOUT.seedFile), 'utf8').catch(() => null);
  const parsed = seedText === null ? null : checkSeedText(seedText);
  const copy = parsed?.ok ? identityOf(parsed.seed) : null;
  if (begin?.t === 'begin') {
    if (!begin.backup) return {};
    return {
      id: begin.backup,
      ...(copy?.id === begin.backup && copy.completedAt ? { completedAt: copy.completedAt } : {}),
    };
  }
  return copy ? { id: copy.id, ...(copy.completedAt ? { completedAt: copy.completedAt } : {}) } : null;
}

export const describeDiskBackup = (b: DiskBackup): string =>
  b.id
    ? describeBackup({ id: b.id, ...(b.completedAt ? { completedAt: b.completedAt } : {}) })
    : 'a backup an earlier version did not identify';

/** The refusal: names the disk, both backups, and what to do. Carries needsConfirmErase so the hosts can ask. */
export function staleDiskError(
  d: { serial: string; id: string },
  job: string,
  held: DiskBackup,
  current: BackupIdentity,
): AppError {
  return new AppError(
    'CONFLICT',
    `Disk ${d.serial} (${d.id}) was prepared for ${describeDiskBackup(held)} of job "${job}", but the staging folder now holds ${describeBackup(current)} (the backup was replaced). Its files belong to the earlier backup and are never reused: erase it to prepare it for the new backup (confirm erasing it), or use another disk.`,
    {
      diskId: d.id,
      serial: d.serial,
      needsConfirmErase: true,
      heldBackup: held.id ?? 'unknown',
      currentBackup: current.id,
    },
  );
}
