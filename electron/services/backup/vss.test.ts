/**
 * VSS for Back Up Now: the PowerShell text (exact), the parsing of its answers, the path mapping, and the run logic
 * with a stand-in for powershell.exe. Nothing here has run on Windows; the scripts are checked by their text.
 */
import { describe, expect, it } from 'vitest';
import { powershellArgs } from '../powershell.ts';
import { NO_VSS_NOTE, openSnapshots } from './vss-run.ts';
import { exposedRoot, parseVssCreate, snapshotReadPath, volumeOf, vssCreateScript, vssDeleteScript } from './vss.ts';

const ID = '{6F9A2C1E-1B2C-4D5E-8F90-A1B2C3D4E5F6}';
const DEVICE = '\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy7';

describe('VSS scripts and parsing', () => {
  it('create: one client-accessible shadow copy of the volume, its id and device as JSON, or the return code', () => {
    expect(vssCreateScript('C:\\')).toBe(
      "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n" +
        "$r = Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create -Arguments @{ Volume = 'C:\\'; Context = 'ClientAccessible' }\n" +
        'if ($r.ReturnValue -ne 0) { ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ error = [int]$r.ReturnValue }); exit 0 }\n' +
        '$s = Get-CimInstance -ClassName Win32_ShadowCopy -Filter ("ID=\'" + $r.ShadowID + "\'")\n' +
        'ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ id = [string]$r.ShadowID; device = [string]$s.DeviceObject })\n',
    );
    expect(() => vssCreateScript("C:\\'; Remove-Item x")).toThrow(/Not a volume root/);
    // powershell.exe gets it base64 UTF-16LE encoded: no quoting on the command line.
    expect(powershellArgs(vssCreateScript('D:\\')).slice(-2)[0]).toBe('-EncodedCommand');
  });

  it('delete: by id only, checked', () => {
    expect(vssDeleteScript(ID)).toBe(
      "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n" +
        `$s = @(Get-CimInstance -ClassName Win32_ShadowCopy -Filter 'ID=''${ID}''')\n` +
        '$s | Remove-CimInstance\n' +
        'ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ deleted = $s.Count })\n',
    );
    expect(() => vssDeleteScript("x' or ID like '%")).toThrow(/Not a shadow copy id/);
  });

  it('parses the answers: a snapshot, a WMI return code in words, anything else as unexpected', () => {
    expect(parseVssCreate(JSON.stringify({ id: ID, device: DEVICE }))).toEqual({ id: ID, device: DEVICE });
    expect(parseVssCreate('{"error":1}')).toEqual({ error: 'access denied (run as administrator)' });
    expect(parseVssCreate('{"error":42}')).toEqual({ error: 'Win32_ShadowCopy.Create returned 42' });
    expect(parseVssCreate('oops')).toMatchObject({ error: expect.stringMatching(/unexpected answer/) });
    expect(parseVssCreate(JSON.stringify({ id: ID, device: 'C:\\' }))).toMatchObject({
      error: expect.stringMatching(/unexpected shadow copy device/),
    });
  });

  it('maps item paths into the exposed snapshot root; network paths and volumes without one stay live', () => {
    expect(volumeOf('C:\\Users\\ann')).toBe('C:\\');
    expect(volumeOf('d:/data')).toBe('D:\\');
    expect(volumeOf('\\\\?\\E:\\long')).toBe('E:\\');
    expect(volumeOf('\\\\srv\\share\\x')).toBeNull();
    const roots = new Map([['C:\\', exposedRoot(DEVICE)]]);
    expect(snapshotReadPath('C:\\Users\\ann\\doc.txt', roots)).toBe(`${DEVICE}\\Users\\ann\\doc.txt`);
    expect(snapshotReadPath('C:\\', roots)).toBe(`${DEVICE}\\`);
    expect(snapshotReadPath('D:\\x', roots)).toBe('D:\\x');
    expect(snapshotReadPath('\\\\srv\\share\\x', roots)).toBe('\\\\srv\\share\\x');
  });
});

describe('VSS for a run (stand-in for powershell.exe)', () => {
  it('elsewhere than Windows: read live, said once', async () => {
    const s = await openSnapshots(['/home/ann'], { platform: 'linux' });
    expect(s.readPath).toBeUndefined();
    expect(s.notes).toEqual([NO_VSS_NOTE]);
    expect(await s.close()).toEqual([]);
  });

  it('on Windows: a snapshot per local volume, read from it, deleted at the end; refusals and shares are said once', async () => {
    const ran: string[] = [];
    const run = async (script: string) => {
      ran.push(script);
      if (script.includes("Volume = 'C:\\'")) return JSON.stringify({ id: ID, device: DEVICE });
      if (script.includes("Volume = 'E:\\'")) return '{"error":1}';
      if (script.includes('Remove-CimInstance')) throw new Error('VSS service stopped');
      throw new Error('unexpected script');
    };
    const s = await openSnapshots(['C:\\Users\\ann', 'c:\\data', 'E:\\media', '\\\\srv\\share'], {
      platform: 'win32',
      run,
    });
    expect(ran.filter((x) => x.includes('Create')).length).toBe(2);
    expect(s.readPath?.('C:\\data\\a.txt')).toBe(`${DEVICE}\\data\\a.txt`);
    expect(s.readPath?.('E:\\media\\b.mp4')).toBe('E:\\media\\b.mp4');
    expect(s.notes).toEqual([
      'Items on network shares are read live: VSS snapshots exist only for local volumes.',
      'No snapshot of E:\\ (access denied (run as administrator)): its files are read live; a file that changes while it is read is read again, and reported if it keeps changing.',
      'Read from volume snapshots (VSS) of C:\\, deleted after the backup.',
    ]);
    expect(await s.close()).toEqual([
      `The snapshot ${ID} of C:\\ could not be deleted (VSS service stopped); delete it with "vssadmin delete shadows /shadow=${ID}".`,
    ]);
    expect(ran.at(-1)).toContain(`ID=''${ID}''`);
    expect(await s.close()).toEqual([]); // deleted (or reported) once
  });
});
