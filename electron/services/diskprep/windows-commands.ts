/**
 * PowerShell scripts for real disks (Windows only). Pure functions: they build the exact text that runs, so the
 * text is unit-tested on every OS; windows-disk.ts runs them. Every script sets $ErrorActionPreference = 'Stop'
 * and prints one JSON document (ConvertTo-Json -Compress) on stdout.
 */
import { AppError } from '../../../shared/errors.ts';
import { BITLOCKER_KEY_RE } from '../../../shared/disks.ts';
import { psQuote } from '../powershell.ts';

export function assertDiskNumber(n: number): number {
  if (!Number.isInteger(n) || n < 0 || n > 9999) throw new AppError('VALIDATION', `Invalid disk number: ${n}.`);
  return n;
}

export function normalizeLetter(letter: string): string {
  const m = /^([A-Za-z]):?\\?$/.exec(letter.trim());
  if (!m)
    throw new AppError(
      'VALIDATION',
      `Invalid drive letter "${letter}": give one letter, without a trailing colon (e.g. E).`,
      { value: letter },
    );
  return m[1].toUpperCase();
}

const HEADER = "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n";

export function elevationCheckScript(): string {
  return (
    HEADER +
    '$id = [Security.Principal.WindowsIdentity]::GetCurrent()\n' +
    '$admin = ([Security.Principal.WindowsPrincipal]$id).IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)\n' +
    'ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ Elevated = [bool]$admin; User = [string]$id.Name })\n'
  );
}

/** Every disk with its physical-disk facts, partitions and volumes. */
export function listDisksScript(): string {
  return (
    HEADER +
    '$phys = @{}\n' +
    'Get-PhysicalDisk | ForEach-Object { $phys[[string]$_.DeviceId] = $_ }\n' +
    '$out = @(Get-Disk | ForEach-Object {\n' +
    '  $d = $_\n' +
    '  $p = $phys[[string]$d.Number]\n' +
    '  $vols = @(Get-Partition -DiskNumber $d.Number -ErrorAction SilentlyContinue | ForEach-Object {\n' +
    '    $v = $_ | Get-Volume -ErrorAction SilentlyContinue\n' +
    '    if ($v) { [pscustomobject]@{ DriveLetter = [string]$v.DriveLetter; FileSystem = [string]$v.FileSystem; Size = [int64]$v.Size; SizeRemaining = [int64]$v.SizeRemaining; Label = [string]$v.FileSystemLabel } }\n' +
    '  })\n' +
    '  [pscustomobject]@{ Number = [int]$d.Number; SerialNumber = ([string]$d.SerialNumber).Trim(); Model = [string]$d.FriendlyName; Size = [int64]$d.Size;\n' +
    '    BusType = [string]$d.BusType; MediaType = [string]$p.MediaType; PartitionStyle = [string]$d.PartitionStyle;\n' +
    '    IsSystem = [bool]$d.IsSystem; IsBoot = [bool]$d.IsBoot; IsReadOnly = [bool]$d.IsReadOnly; IsOffline = [bool]$d.IsOffline; Volumes = $vols }\n' +
    '})\n' +
    'ConvertTo-Json -Compress -Depth 5 -InputObject $out\n'
  );
}

/**
 * Clear → GPT → one NTFS volume over the whole disk with a drive letter. Re-checks the serial and the
 * system/boot flags right before erasing (the disk list may be stale).
 */
export function prepareDiskScript(diskNumber: number, serial: string, label: string): string {
  const n = assertDiskNumber(diskNumber);
  const lbl = label.replace(/[^A-Za-z0-9 _-]/g, '').slice(0, 32) || 'OBC';
  return (
    HEADER +
    `$d = Get-Disk -Number ${n}\n` +
    `if (([string]$d.SerialNumber).Trim() -ne ${psQuote(serial)}) { throw "Disk ${n} no longer has serial ${serial.replace(/["`$]/g, '')}; list the disks again." }\n` +
    `if ($d.IsSystem -or $d.IsBoot) { throw "Disk ${n} holds the system or boot volume; refusing to erase it." }\n` +
    `if ($d.IsReadOnly) { throw "Disk ${n} is read-only." }\n` +
    `if ($d.IsOffline) { Set-Disk -Number ${n} -IsOffline $false }\n` +
    `if ([string]$d.PartitionStyle -ne 'RAW') { Clear-Disk -Number ${n} -RemoveData -RemoveOEM -Confirm:$false }\n` +
    `Initialize-Disk -Number ${n} -PartitionStyle GPT\n` +
    `$part = New-Partition -DiskNumber ${n} -UseMaximumSize -AssignDriveLetter\n` +
    `Format-Volume -Partition $part -FileSystem NTFS -NewFileSystemLabel ${psQuote(lbl)} -Confirm:$false -Force | Out-Null\n` +
    `$letter = [string](Get-Partition -DiskNumber ${n} -PartitionNumber $part.PartitionNumber).DriveLetter\n` +
    `ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ DriveLetter = $letter; PartitionNumber = [int]$part.PartitionNumber })\n`
  );
}

/**
 * BitLocker AES-256 (XTS) with a numerical recovery-password protector, then reads the 48-digit password back.
 * `usedSpaceOnly` is faster on a freshly cleared disk but leaves earlier free-space contents unencrypted.
 */
export function enableBitLockerScript(letter: string, opts: { usedSpaceOnly?: boolean } = {}): string {
  const mp = `${normalizeLetter(letter)}:`;
  return (
    HEADER +
    `$mp = ${psQuote(mp)}\n` +
    `$bv = Get-BitLockerVolume -MountPoint $mp\n` +
    `if ([string]$bv.VolumeStatus -eq 'FullyDecrypted') {\n` +
    `  Enable-BitLocker -MountPoint $mp -EncryptionMethod XtsAes256 -RecoveryPasswordProtector${opts.usedSpaceOnly ? ' -UsedSpaceOnly' : ''} -SkipHardwareTest | Out-Null\n` +
    `}\n` +
    readKeyBody()
  );
}

/** Reads the recovery password and encryption state of an already-encrypted volume. */
export function readBitLockerKeyScript(letter: string): string {
  return HEADER + `$mp = ${psQuote(`${normalizeLetter(letter)}:`)}\n` + readKeyBody();
}

function readKeyBody(): string {
  return (
    `$bv = Get-BitLockerVolume -MountPoint $mp\n` +
    `$kp = @($bv.KeyProtector | Where-Object { [string]$_.KeyProtectorType -eq 'RecoveryPassword' }) | Select-Object -First 1\n` +
    `ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ RecoveryPassword = [string]$kp.RecoveryPassword; KeyProtectorId = [string]$kp.KeyProtectorId;\n` +
    `  EncryptionMethod = [string]$bv.EncryptionMethod; VolumeStatus = [string]$bv.VolumeStatus; EncryptionPercentage = [double]$bv.EncryptionPercentage })\n`
  );
}

export interface RawVolume {
  DriveLetter: string;
  FileSystem: string;
  Size: number;
  SizeRemaining: number;
  Label?: string;
}
export interface RawDisk {
  Number: number;
  SerialNumber: string;
  Model: string;
  Size: number;
  BusType: string;
  MediaType?: string;
  PartitionStyle: string;
  IsSystem: boolean;
  IsBoot: boolean;
  IsReadOnly: boolean;
  IsOffline?: boolean;
  Volumes: RawVolume[] | RawVolume | null;
}

/** ConvertTo-Json output → records (a single object or array; `Volumes` may be one object or null). */
export function parseDiskList(json: string): RawDisk[] {
  let v: unknown;
  try {
    v = JSON.parse(json.replace(/^\uFEFF/, '').trim() || '[]');
  } catch (err) {
    throw new AppError('INTERNAL', `Could not parse the disk list from PowerShell: ${(err as Error).message}`);
  }
  const arr = (Array.isArray(v) ? v : [v]) as RawDisk[];
  return arr.map((d) => ({
    ...d,
    Volumes: d.Volumes == null ? [] : Array.isArray(d.Volumes) ? d.Volumes : [d.Volumes],
  }));
}

export interface BitLockerState {
  RecoveryPassword: string;
  KeyProtectorId: string;
  EncryptionMethod: string;
  VolumeStatus: string;
  EncryptionPercentage: number;
}

export function parseBitLockerState(json: string): BitLockerState {
  const s = JSON.parse(json.replace(/^\uFEFF/, '').trim()) as BitLockerState;
  if (!BITLOCKER_KEY_RE.test(s.RecoveryPassword ?? ''))
    throw new AppError('INTERNAL', 'BitLocker did not report a 48-digit recovery password for the volume.');
  if (!/aes256/i.test(s.EncryptionMethod ?? ''))
    throw new AppError(
      'CONFLICT',
      `The volume is encrypted with ${s.EncryptionMethod}; the Import/Export service needs AES-256. Decrypt it and prepare again.`,
    );
  return s;
}
