/**
 * Opening one disk of the job for a run (engine.ts): what the disk holds is checked against the backup being
 * prepared before anything is written to it. A disk of this job prepared for another backup is refused, naming both
 * backups, or — with the erase confirmed — erased and prepared again. Then the copy of seed.json goes to its root.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { describeBackup, type BackupIdentity } from '../backup/identity.ts';
import { diskBackupAt, describeDiskBackup, staleDiskError } from './disk-identity.ts';
import type { StagedJob } from './jobs.ts';
import type { DiskInfo, DiskProvider, PreparedVolume } from './types.ts';

export interface DiskToOpen {
  serial: string;
  info: DiskInfo;
  provider: DiskProvider;
  confirmErase?: boolean;
  existingBitLockerKey?: string;
  /** The disk is already one of this session's (continue it) rather than new to it. */
  resume: boolean;
}

export async function openDisk(
  x: DiskToOpen,
  o: {
    job: StagedJob;
    stagingLocation: string;
    backup: BackupIdentity;
    signal?: AbortSignal;
    notice: (m: string) => void;
  },
): Promise<PreparedVolume> {
  const jobName = o.job.jobName;
  const stale = async (root: string | undefined): Promise<boolean> => {
    if (!root) return false;
    const held = await diskBackupAt(root);
    if (!held || held.id === o.backup.id) return false;
    if (!x.confirmErase) throw staleDiskError({ serial: x.serial, id: x.info.id }, jobName, held, o.backup);
    o.notice(
      `Disk ${x.serial} held ${describeDiskBackup(held)} of job ${jobName}; as confirmed, it is erased and prepared for ${describeBackup(o.backup)}.`,
    );
    return true;
  };
  const prepare = (resume: boolean) =>
    x.provider.prepare(x.info.id, {
      jobName,
      stagingLocation: o.stagingLocation,
      resume,
      ...(x.confirmErase ? { confirmErase: true } : {}),
      ...(x.existingBitLockerKey ? { existingBitLockerKey: x.existingBitLockerKey } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    });
  // Readable before it is opened (folder disks, unlocked volumes): a disk of this job that holds another backup is
  // named now, not as "not empty".
  const ownJob = x.info.jobName === jobName && x.info.usedBytes > 0;
  let resume = x.resume;
  if (ownJob && (await stale(x.info.volumes[0]?.mount))) resume = false;
  let vol = await prepare(resume);
  // Read again once opened (a BitLocker volume is readable only now); an erased disk records nothing yet.
  if (resume && (await stale(vol.root))) vol = await prepare(false);
  // A copy of seed.json (no secret) at the disk root: Recover Data can then read the disks without staging.
  const seedText = await readFile(join(o.job.folder, 'seed.json'));
  vol.ensureRoom(DISK_LAYOUT.seedFile, seedText.length);
  await writeFileAtomic(join(vol.root, DISK_LAYOUT.seedFile), seedText);
  return vol;
}
