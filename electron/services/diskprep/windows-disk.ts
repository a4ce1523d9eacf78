import { execFile } from 'node:child_process';
import { AppError } from '../../../shared/errors.ts';
import { powershellArgs } from '../powershell.ts';
import { assertPreparable, assessDisk } from './disk-checks.ts';
import {
  elevationCheckScript,
  enableBitLockerScript,
  listDisksScript,
  normalizeLetter,
  parseBitLockerState,
  parseDiskList,
  prepareDiskScript,
  readBitLockerKeyScript,
  type RawDisk,
} from './windows-commands.ts';
import type { DiskContext, DiskInfo, DiskProvider, PreparedVolume, PrepareOptions } from './types.ts';

export const NOT_WINDOWS_MESSAGE =
  'Real disks (NTFS, BitLocker AES-256) can only be prepared on Windows. On this system, use folder disks to rehearse with the sandbox; shipping needs a Windows copy computer.';

export type PowerShellRunner = (script: string, signal?: AbortSignal) => Promise<string>;

export const runPowerShell: PowerShellRunner = (script, signal) =>
  new Promise((resolve, reject) => {
    execFile(
      'powershell.exe',
      powershellArgs(script),
      { maxBuffer: 16 * 1024 * 1024, windowsHide: true, signal },
      (err, stdout, stderr) => {
        if (err)
          reject(
            new AppError(
              'IO',
              `PowerShell failed: ${(stderr || err.message).trim().split('\n').slice(0, 3).join(' ')}`,
            ),
          );
        else resolve(stdout);
      },
    );
  });

/** Drive letter of a path (`E:\staging` → `E`), or undefined for UNC/relative paths. */
export function driveLetterOf(path: string): string | undefined {
  const m = /^([A-Za-z]):/.exec(path);
  return m ? m[1].toUpperCase() : undefined;
}

export function toDiskInfo(d: RawDisk, ctx: DiskContext, host: NodeJS.Platform = process.platform): DiskInfo {
  const vols = Array.isArray(d.Volumes) ? d.Volumes : d.Volumes ? [d.Volumes] : [];
  const stagingLetter = ctx.stagingLocation ? driveLetterOf(ctx.stagingLocation) : undefined;
  const holdsStaging = stagingLetter !== undefined && vols.some((v) => v.DriveLetter.toUpperCase() === stagingLetter);
  const usedBytes =
    vols.reduce((s, v) => s + Math.max(0, v.Size - v.SizeRemaining), 0) +
    (d.PartitionStyle !== 'RAW' && vols.length === 0 ? 1 : 0);
  const serial = d.SerialNumber || `disk${d.Number}`;
  const facts = {
    serial,
    sizeBytes: d.Size,
    busType: d.BusType,
    isSystem: d.IsSystem,
    isBoot: d.IsBoot,
    readOnly: d.IsReadOnly,
    holdsStaging,
    usedBytes,
    rehearsal: false,
    unsupportedHost: host !== 'win32',
  };
  const { refusals, warnings } = assessDisk(facts, ctx.jobName);
  return {
    id: `disk:${d.Number}`,
    kind: 'windows',
    rehearsal: false,
    serial,
    model: d.Model,
    sizeBytes: d.Size,
    busType: d.BusType,
    partitionStyle: d.PartitionStyle,
    volumes: vols.map((v) => ({
      mount: v.DriveLetter,
      fileSystem: v.FileSystem,
      sizeBytes: v.Size,
      freeBytes: v.SizeRemaining,
      ...(v.Label ? { label: v.Label } : {}),
    })),
    isSystem: d.IsSystem,
    isBoot: d.IsBoot,
    readOnly: d.IsReadOnly,
    holdsStaging,
    usedBytes,
    refusals,
    warnings,
  };
}

export class WindowsDiskProvider implements DiskProvider {
  readonly kind = 'windows' as const;
  private readonly run: PowerShellRunner;
  private readonly host: NodeJS.Platform;
  constructor(opts: { run?: PowerShellRunner; platform?: NodeJS.Platform } = {}) {
    this.run = opts.run ?? runPowerShell;
    this.host = opts.platform ?? process.platform;
  }

  get available(): boolean {
    return this.host === 'win32';
  }

  private requireWindows(): void {
    if (!this.available) throw new AppError('UNSUPPORTED', NOT_WINDOWS_MESSAGE);
  }

  async elevated(): Promise<boolean> {
    this.requireWindows();
    return (JSON.parse(await this.run(elevationCheckScript())) as { Elevated: boolean }).Elevated;
  }

  async list(ctx: DiskContext): Promise<DiskInfo[]> {
    if (!this.available) return [];
    return parseDiskList(await this.run(listDisksScript())).map((d) => toDiskInfo(d, ctx, this.host));
  }

  /** `disk:<n>`, or a drive letter (`E`, `E:`) of a volume on the disk. */
  async inspect(id: string, ctx: DiskContext): Promise<DiskInfo> {
    this.requireWindows();
    const all = await this.list(ctx);
    const m = /^disk:(\d+)$/.exec(id);
    const found = m
      ? all.find((d) => d.id === id)
      : all.find((d) => d.volumes.some((v) => v.mount.toUpperCase() === normalizeLetter(id)));
    if (!found)
      throw new AppError('NOT_FOUND', `No disk ${id} on this computer (list the disks again; was it unplugged?).`, {
        diskId: id,
      });
    return found;
  }

  async prepare(id: string, opts: PrepareOptions): Promise<PreparedVolume> {
    this.requireWindows();
    if (!(await this.elevated()))
      throw new AppError(
        'PERMISSION_DENIED',
        'Preparing a disk needs an elevated (Run as administrator) console: clearing, formatting and BitLocker require it.',
      );
    const info = await this.inspect(id, { stagingLocation: opts.stagingLocation, jobName: opts.jobName });
    const n = Number(info.id.slice('disk:'.length));
    let letter: string;
    const keepVolume =
      (opts.resume || opts.existingBitLockerKey !== undefined) &&
      info.volumes.length === 1 &&
      /ntfs/i.test(info.volumes[0].fileSystem);
    if (keepVolume) {
      // Resume, or an already-encrypted disk accepted with its key (no format): refusals still apply.
      assertPreparable(info, { ...opts, confirmErase: true });
      letter = normalizeLetter(info.volumes[0].mount);
    } else {
      assertPreparable(info, opts);
      letter = (
        JSON.parse(await this.run(prepareDiskScript(n, info.serial, `OBC ${opts.jobName}`), opts.signal)) as {
          DriveLetter: string;
        }
      ).DriveLetter;
    }
    const state = parseBitLockerState(
      await this.run(keepVolume ? readBitLockerKeyScript(letter) : enableBitLockerScript(letter), opts.signal),
    );
    if (opts.existingBitLockerKey && opts.existingBitLockerKey !== state.RecoveryPassword)
      throw new AppError(
        'VALIDATION',
        `The BitLocker key given for disk ${info.serial} does not match the volume's recovery password.`,
      );
    const fresh = await this.inspect(letter, { stagingLocation: opts.stagingLocation });
    const vol = fresh.volumes.find((v) => v.mount.toUpperCase() === letter);
    return {
      root: `${letter}:\\`,
      serial: info.serial,
      bitLockerKey: state.RecoveryPassword,
      capacityBytes: vol ? vol.sizeBytes : info.sizeBytes,
      ensureRoom: () => undefined, // NTFS enforces; ENOSPC surfaces as NO_SPACE
      released: () => undefined,
      finalize: async (signal, onStatus) => {
        for (;;) {
          const s = parseBitLockerState(await this.run(readBitLockerKeyScript(letter), signal));
          if (s.VolumeStatus === 'FullyEncrypted') return;
          onStatus?.(`BitLocker on ${letter}: ${s.VolumeStatus} ${s.EncryptionPercentage.toFixed(0)}%`);
          await new Promise<void>((resolve, reject) => {
            const t = setTimeout(resolve, 5000);
            signal?.addEventListener(
              'abort',
              () => (clearTimeout(t), reject(new AppError('CANCELLED', 'Cancelled by the user.'))),
              { once: true },
            );
          });
        }
      },
    };
  }
}
