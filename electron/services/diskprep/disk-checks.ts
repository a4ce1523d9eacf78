import { randomInt } from 'node:crypto';
import { relative, resolve, isAbsolute } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { TEN_TB, type DiskInfo, type DiskIssue } from './types.ts';

/** Facts about a disk from which the refusals and warnings follow (pure; unit-tested). */
export type DiskFacts = Pick<
  DiskInfo,
  | 'serial'
  | 'sizeBytes'
  | 'busType'
  | 'isSystem'
  | 'isBoot'
  | 'readOnly'
  | 'holdsStaging'
  | 'usedBytes'
  | 'jobName'
  | 'rehearsal'
> & {
  /** Windows provider off Windows. */
  unsupportedHost?: boolean;
};

export function assessDisk(f: DiskFacts, jobName?: string): { refusals: DiskIssue[]; warnings: DiskIssue[] } {
  const refusals: DiskIssue[] = [];
  const warnings: DiskIssue[] = [];
  const who = `Disk ${f.serial}`;
  if (f.unsupportedHost)
    refusals.push({
      code: 'NOT_WINDOWS',
      message: `${who}: real disks are prepared only on Windows (BitLocker, NTFS); use a folder disk to rehearse on this system.`,
    });
  if (f.isSystem)
    refusals.push({
      code: 'SYSTEM_DISK',
      message: `${who} holds the system volume; it can never be erased for shipping.`,
    });
  if (f.isBoot)
    refusals.push({ code: 'BOOT_DISK', message: `${who} is the boot disk; it can never be erased for shipping.` });
  if (f.holdsStaging)
    refusals.push({
      code: 'HOLDS_STAGING',
      message: `${who} holds the staging location; the data would be erased while it is copied. Use another disk.`,
    });
  if (f.jobName && jobName && f.jobName !== jobName)
    refusals.push({
      code: 'IN_USE_BY_OTHER_JOB',
      message: `${who} is being prepared for import job "${f.jobName}"; finish or abandon that job before reusing it for "${jobName}".`,
    });
  if (f.readOnly)
    refusals.push({
      code: 'READ_ONLY',
      message: `${who} is read-only (write-protected or offline read-only); it cannot be prepared.`,
    });
  if (f.sizeBytes > TEN_TB)
    warnings.push({
      code: 'TOO_LARGE',
      message: `${who} is larger than 10 TB; the Import/Export service may refuse it.`,
    });
  if (/usb/i.test(f.busType))
    warnings.push({
      code: 'USB_BUS',
      message: `${who} is attached over USB. An adapter is fine while preparing, but only bare SATA/SSD disks may be shipped.`,
    });
  const ownResume = f.jobName !== undefined && f.jobName === jobName;
  if (f.usedBytes > 0 && !ownResume)
    warnings.push({
      code: 'NOT_EMPTY',
      message: `${who} is not empty (${f.usedBytes} bytes in use); everything on it will be erased. Type the serial ${f.serial} to confirm.`,
    });
  if (f.rehearsal)
    warnings.push({
      code: 'REHEARSAL',
      message: `${who} is a rehearsal (folder) disk: good for the sandbox and tests, not for shipping.`,
    });
  return { refusals, warnings };
}

/** Throws when the disk may not be prepared: a refusal, or a non-empty disk without confirmErase. */
export function assertPreparable(
  d: DiskInfo,
  opts: { confirmErase?: boolean; resume?: boolean; jobName: string },
): void {
  if (d.refusals.length) {
    throw new AppError('CONFLICT', d.refusals.map((r) => r.message).join(' '), {
      diskId: d.id,
      serial: d.serial,
      refusals: d.refusals.map((r) => r.code),
    });
  }
  const ownResume = opts.resume && d.jobName === opts.jobName;
  if (d.usedBytes > 0 && !ownResume && !opts.confirmErase) {
    throw new AppError(
      'CONFLICT',
      `Disk ${d.serial} (${d.id}) is not empty (${d.usedBytes} bytes). Confirm erasing it (confirmErase) after checking the serial.`,
      {
        diskId: d.id,
        serial: d.serial,
        needsConfirmErase: true,
      },
    );
  }
}

/** True when `child` is `parent` or inside it (case-insensitive on Windows). */
export function isInside(child: string, parent: string): boolean {
  const win = process.platform === 'win32';
  const c = resolve(child);
  const p = resolve(parent);
  const rel = win ? relative(p.toLowerCase(), c.toLowerCase()) : relative(p, c);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * A BitLocker-style numerical recovery password: 8 groups of 6 digits, each group a multiple of 11 below 720896
 * (the rule real BitLocker passwords follow), so checkers that validate the groups accept it.
 */
export function generateRecoveryPassword(): string {
  return Array.from({ length: 8 }, () => String(randomInt(0, 65536) * 11).padStart(6, '0')).join('-');
}
