import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../../electron/services/paths.ts';

/**
 * Path of the installed Electron binary, or null with the reason. Reads what the electron package's installer
 * leaves behind (path.txt + dist/) instead of require('electron'), which would try to download the binary.
 */
export function findElectronBinary(): { path: string } | { path: null; reason: string } {
  const pkg = join(repoRoot, 'node_modules', 'electron');
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, process.platform === 'win32' ? 'electron.exe' : 'electron');
    return existsSync(p)
      ? { path: p }
      : { path: null, reason: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${p})` };
  }
  if (!existsSync(pkg)) return { path: null, reason: 'the electron package is not installed' };
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile))
    return {
      path: null,
      reason: 'the Electron binary was not downloaded (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1 or offline)',
    };
  const full = join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(full) ? { path: full } : { path: null, reason: `the Electron binary is missing (${full})` };
}
