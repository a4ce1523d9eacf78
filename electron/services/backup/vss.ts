/**
 * Volume Shadow Copy (VSS) for Back Up Now on Windows, as the MARS agent backs up: create a snapshot of each volume
 * the items are on, expose it (its device root, `\\?\GLOBALROOT\Device\HarddiskVolumeShadowCopyN\`, readable
 * like a drive), read the items from it, delete it. Pure functions: the exact PowerShell text and the parsing of its
 * output are unit-tested on every OS; vss-run.ts runs them, on Windows only. They have never run on Windows here.
 *
 * Win32_ShadowCopy.Create (CIM) works on client and server editions (vssadmin's "create shadow" is server-only) and
 * needs an elevated process; its ReturnValue codes are those of the WMI class documentation.
 */
import { AppError } from '../../../shared/errors.ts';
import { psQuote } from '../powershell.ts';

const HEADER = "$ErrorActionPreference = 'Stop'\n$ProgressPreference = 'SilentlyContinue'\n";
const SHADOW_ID = /^\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}$/;
const SHADOW_DEVICE = /^\\\\\?\\GLOBALROOT\\Device\\HarddiskVolumeShadowCopy\d+$/;

/** Win32_ShadowCopy.Create return values (WMI documentation). */
const CREATE_ERRORS: Record<number, string> = {
  1: 'access denied (run as administrator)',
  2: 'invalid argument',
  3: 'the volume was not found',
  4: 'the volume is not supported by VSS',
  5: 'the shadow copy context is not supported',
  6: 'not enough storage for the shadow copy',
  7: 'the volume is in use by another shadow copy operation',
  8: 'the maximum number of shadow copies was reached',
  9: 'another shadow copy operation is in progress',
  10: 'the shadow copy provider vetoed the operation',
  11: 'the shadow copy provider is not registered',
  12: 'the shadow copy provider failed',
};

/** The volume root of a local path (`C:\Users\x` → `C:\`), or null for a network path (no VSS there). */
export function volumeOf(abs: string): string | null {
  const p = abs.replace(/^\\\\\?\\(?=[A-Za-z]:)/, '');
  const m = /^([A-Za-z]):(?:[\\/]|$)/.exec(p);
  return m ? `${m[1].toUpperCase()}:\\` : null;
}

/** Creates a client-accessible shadow copy of `volume` and prints `{"id":…,"device":…}`. */
export function vssCreateScript(volume: string): string {
  if (!/^[A-Z]:\\$/.test(volume)) throw new AppError('VALIDATION', `Not a volume root: ${volume}`);
  return (
    HEADER +
    `$r = Invoke-CimMethod -ClassName Win32_ShadowCopy -MethodName Create -Arguments @{ Volume = ${psQuote(volume)}; Context = 'ClientAccessible' }\n` +
    'if ($r.ReturnValue -ne 0) { ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ error = [int]$r.ReturnValue }); exit 0 }\n' +
    '$s = Get-CimInstance -ClassName Win32_ShadowCopy -Filter ("ID=\'" + $r.ShadowID + "\'")\n' +
    'ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ id = [string]$r.ShadowID; device = [string]$s.DeviceObject })\n'
  );
}

/** The shadow copy created, or why not (a message for the user). */
export function parseVssCreate(stdout: string): { id: string; device: string } | { error: string } {
  let v: { id?: unknown; device?: unknown; error?: unknown };
  try {
    v = JSON.parse(stdout.trim()) as typeof v;
  } catch {
    return { error: `unexpected answer from Win32_ShadowCopy.Create: ${stdout.trim().slice(0, 200)}` };
  }
  if (typeof v.error === 'number')
    return { error: CREATE_ERRORS[v.error] ?? `Win32_ShadowCopy.Create returned ${v.error}` };
  if (typeof v.id !== 'string' || !SHADOW_ID.test(v.id))
    return { error: `unexpected shadow copy id ${JSON.stringify(v.id)}` };
  if (typeof v.device !== 'string' || !SHADOW_DEVICE.test(v.device))
    return { error: `unexpected shadow copy device ${JSON.stringify(v.device)}` };
  return { id: v.id, device: v.device };
}

/** Deletes the shadow copy `id` (prints `{"deleted":n}`). */
export function vssDeleteScript(id: string): string {
  if (!SHADOW_ID.test(id)) throw new AppError('VALIDATION', `Not a shadow copy id: ${id}`);
  return (
    HEADER +
    `$s = @(Get-CimInstance -ClassName Win32_ShadowCopy -Filter ${psQuote(`ID='${id}'`)})\n` +
    '$s | Remove-CimInstance\n' +
    'ConvertTo-Json -Compress -InputObject ([pscustomobject]@{ deleted = $s.Count })\n'
  );
}

/** The exposed root of a shadow copy: its device, read like a drive root. */
export const exposedRoot = (device: string): string => {
  if (!SHADOW_DEVICE.test(device)) throw new AppError('VALIDATION', `Not a shadow copy device: ${device}`);
  return `${device}\\`;
};

/** Where `abs` is read from: the same path inside its volume's shadow copy, or `abs` when that volume has none. */
export function snapshotReadPath(abs: string, roots: ReadonlyMap<string, string>): string {
  const vol = volumeOf(abs);
  const root = vol ? roots.get(vol) : undefined;
  if (!vol || !root) return abs;
  const rest = abs
    .replace(/^\\\\\?\\/, '')
    .slice(vol.length)
    .replace(/\//g, '\\')
    .replace(/^\\+/, '');
  return root + rest;
}
