import { describe, expect, it } from 'vitest';
import {
  elevationCheckScript,
  enableBitLockerScript,
  listDisksScript,
  normalizeLetter,
  parseBitLockerState,
  parseDiskList,
  prepareDiskScript,
  readBitLockerKeyScript,
} from './windows-commands.ts';
import { WindowsDiskProvider, driveLetterOf, toDiskInfo } from './windows-disk.ts';

const KEY = '123456-234567-345678-456789-567890-678901-789012-890123';

describe('PowerShell command texts', () => {
  it('validates letters and numbers', () => {
    expect(normalizeLetter('e')).toBe('E');
    expect(normalizeLetter('F:')).toBe('F');
    expect(() => normalizeLetter('EF')).toThrow(/without a trailing colon/);
    expect(() => prepareDiskScript(-1, 'S', 'x')).toThrow();
  });

  it('lists disks with Get-Disk/Get-PhysicalDisk/Get-Partition/Get-Volume as JSON', () => {
    const s = listDisksScript();
    for (const c of [
      'Get-PhysicalDisk',
      'Get-Disk',
      'Get-Partition -DiskNumber $d.Number',
      'Get-Volume',
      'IsSystem',
      'IsBoot',
      'IsReadOnly',
      'BusType',
      'PartitionStyle',
      'ConvertTo-Json -Compress -Depth 5',
    ])
      expect(s).toContain(c);
    expect(s.startsWith("$ErrorActionPreference = 'Stop'")).toBe(true);
  });

  it('prepares: re-checks the serial, Clear-Disk, GPT, one NTFS volume with a letter', () => {
    const s = prepareDiskScript(3, "WD-12'34", 'OBC seed$job');
    expect(s).toContain('$d = Get-Disk -Number 3');
    expect(s).toContain("-ne 'WD-12''34'");
    expect(s).toContain('if ($d.IsSystem -or $d.IsBoot) { throw');
    expect(s).toContain('Clear-Disk -Number 3 -RemoveData -RemoveOEM -Confirm:$false');
    expect(s).toContain('Initialize-Disk -Number 3 -PartitionStyle GPT');
    expect(s).toContain('New-Partition -DiskNumber 3 -UseMaximumSize -AssignDriveLetter');
    expect(s).toContain(
      "Format-Volume -Partition $part -FileSystem NTFS -NewFileSystemLabel 'OBC seedjob' -Confirm:$false -Force",
    );
    expect(s.indexOf('Clear-Disk')).toBeLessThan(s.indexOf('Initialize-Disk'));
  });

  it('enables BitLocker XTS-AES-256 with a recovery password and reads the 48-digit key', () => {
    const s = enableBitLockerScript('e:');
    expect(s).toContain("$mp = 'E:'");
    expect(s).toContain(
      'Enable-BitLocker -MountPoint $mp -EncryptionMethod XtsAes256 -RecoveryPasswordProtector -SkipHardwareTest',
    );
    expect(s).not.toContain('-UsedSpaceOnly');
    expect(enableBitLockerScript('E', { usedSpaceOnly: true })).toContain('-UsedSpaceOnly');
    expect(s).toContain("KeyProtectorType -eq 'RecoveryPassword'");
    expect(readBitLockerKeyScript('G')).toContain("$mp = 'G:'");
    expect(readBitLockerKeyScript('G')).not.toContain('Enable-BitLocker');
    expect(elevationCheckScript()).toContain('WindowsBuiltInRole]::Administrator');
  });

  it('parses ConvertTo-Json output and BitLocker state', () => {
    const one = JSON.stringify({
      Number: 1,
      SerialNumber: 'S1',
      Model: 'M',
      Size: 1,
      BusType: 'SATA',
      PartitionStyle: 'RAW',
      IsSystem: false,
      IsBoot: false,
      IsReadOnly: false,
      Volumes: null,
    });
    expect(parseDiskList('\uFEFF' + one)[0].Volumes).toEqual([]);
    expect(
      parseBitLockerState(
        JSON.stringify({
          RecoveryPassword: KEY,
          KeyProtectorId: '{x}',
          EncryptionMethod: 'XtsAes256',
          VolumeStatus: 'EncryptionInProgress',
          EncryptionPercentage: 3,
        }),
      ).RecoveryPassword,
    ).toBe(KEY);
    expect(() => parseBitLockerState(JSON.stringify({ RecoveryPassword: KEY, EncryptionMethod: 'XtsAes128' }))).toThrow(
      /AES-256/,
    );
    expect(() => parseBitLockerState(JSON.stringify({ RecoveryPassword: '', EncryptionMethod: 'XtsAes256' }))).toThrow(
      /48-digit/,
    );
  });
});

describe('Windows disk facts → refusals and warnings', () => {
  const base = {
    Number: 0,
    SerialNumber: 'SYS',
    Model: 'NVMe',
    Size: 512e9,
    BusType: 'NVMe',
    PartitionStyle: 'GPT',
    IsSystem: true,
    IsBoot: true,
    IsReadOnly: false,
    Volumes: [{ DriveLetter: 'C', FileSystem: 'NTFS', Size: 500e9, SizeRemaining: 100e9 }],
  };
  it('refuses system/boot, the staging disk, read-only; warns on USB, >10 TB, not empty', () => {
    const sys = toDiskInfo(base, { stagingLocation: 'C:\\staging' }, 'win32');
    expect(sys.refusals.map((r) => r.code)).toEqual(['SYSTEM_DISK', 'BOOT_DISK', 'HOLDS_STAGING']);
    const usb = toDiskInfo(
      {
        ...base,
        Number: 2,
        SerialNumber: 'BIG',
        Size: 12e12,
        BusType: 'USB',
        IsSystem: false,
        IsBoot: false,
        IsReadOnly: true,
        Volumes: [{ DriveLetter: 'E', FileSystem: 'NTFS', Size: 12e12, SizeRemaining: 11e12 }],
      },
      { stagingLocation: 'D:\\s' },
      'win32',
    );
    expect(usb.refusals.map((r) => r.code)).toEqual(['READ_ONLY']);
    expect(usb.warnings.map((w) => w.code)).toEqual(['TOO_LARGE', 'USB_BUS', 'NOT_EMPTY']);
    expect(usb.warnings[2].message).toContain('BIG');
    const off = toDiskInfo({ ...base, IsSystem: false, IsBoot: false }, {}, 'linux');
    expect(off.refusals.map((r) => r.code)).toEqual(['NOT_WINDOWS']);
    expect(driveLetterOf('e:\\x')).toBe('E');
    expect(driveLetterOf('\\\\server\\share')).toBeUndefined();
  });

  it('says clearly that real disks need Windows', async () => {
    const p = new WindowsDiskProvider({ platform: 'linux', run: async () => '[]' });
    expect(await p.list({})).toEqual([]);
    await expect(p.prepare('E', { jobName: 'j1', stagingLocation: '/s' })).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringContaining('only be prepared on Windows'),
    });
  });

  it('prepares through the scripts in order and accepts an already-encrypted disk with its key (fake PowerShell)', async () => {
    const disk = {
      Number: 2,
      SerialNumber: 'WD123',
      Model: 'WD',
      Size: 4e12,
      BusType: 'SATA',
      PartitionStyle: 'RAW',
      IsSystem: false,
      IsBoot: false,
      IsReadOnly: false,
      Volumes: [] as unknown[],
    };
    const ran: string[] = [];
    const run = async (s: string) => {
      if (s.includes('WindowsBuiltInRole')) return '{"Elevated":true,"User":"admin"}';
      if (s.includes('Get-PhysicalDisk')) return JSON.stringify([disk]);
      if (s.includes('Initialize-Disk')) {
        ran.push('format');
        disk.PartitionStyle = 'GPT';
        disk.Volumes = [{ DriveLetter: 'E', FileSystem: 'NTFS', Size: 3.9e12, SizeRemaining: 3.9e12 }];
        return '{"DriveLetter":"E","PartitionNumber":2}';
      }
      ran.push(s.includes('Enable-BitLocker') ? 'encrypt' : 'readKey');
      return JSON.stringify({
        RecoveryPassword: KEY,
        KeyProtectorId: '{k}',
        EncryptionMethod: 'XtsAes256',
        VolumeStatus: 'EncryptionInProgress',
        EncryptionPercentage: 1,
      });
    };
    const p = new WindowsDiskProvider({ platform: 'win32', run });
    const vol = await p.prepare('disk:2', { jobName: 'j1', stagingLocation: 'D:\\staging' });
    expect(ran).toEqual(['format', 'encrypt']);
    expect(vol).toMatchObject({ root: 'E:\\', serial: 'WD123', bitLockerKey: KEY, capacityBytes: 3.9e12 });
    ran.length = 0;
    await p.prepare('E', { jobName: 'j1', stagingLocation: 'D:\\staging', existingBitLockerKey: KEY });
    expect(ran).toEqual(['readKey']);
    await expect(
      p.prepare('E', { jobName: 'j1', stagingLocation: 'D:\\staging', existingBitLockerKey: KEY.replace('1', '9') }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
  });

  it('refuses to prepare without elevation (fake PowerShell)', async () => {
    const p = new WindowsDiskProvider({
      platform: 'win32',
      run: async (s) => (s.includes('WindowsBuiltInRole') ? '{"Elevated":false,"User":"u"}' : '[]'),
    });
    await expect(p.prepare('disk:1', { jobName: 'j1', stagingLocation: 'C:\\s' })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });
});
