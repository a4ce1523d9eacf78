/**
 * `npm run dist`: electron-builder packages (NSIS + portable for Windows, AppImage + deb for Linux, dmg for macOS).
 * electron-builder needs the Electron distribution; offline machines cannot download it, so say so plainly.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';
import { findElectronBinary } from './lib/electron-binary.ts';
import { buildElectron, buildRenderer } from './lib/build-steps.ts';

const args = process.argv.slice(2);
const electron = findElectronBinary();
const electronDist = process.env.OBC_ELECTRON_DIST;
if (electron.path === null && !(electronDist && existsSync(electronDist))) {
  process.stderr.write(
    `Cannot package: ${electron.reason}, and electron-builder would try to download Electron, which this machine cannot reach.\n` +
      'Install Electron with network access (npm ci without ELECTRON_SKIP_BINARY_DOWNLOAD), or set OBC_ELECTRON_DIST to an unpacked Electron distribution folder.\n',
  );
  process.exit(1);
}
await buildRenderer();
await buildElectron();
const cli = join(repoRoot, 'node_modules', 'electron-builder', 'cli.js');
const extra = electronDist ? [`-c.electronDist=${electronDist}`] : [];
const r = spawnSync(process.execPath, [cli, '--config', 'electron-builder.yml', ...extra, ...args], {
  stdio: 'inherit',
  cwd: repoRoot,
});
process.exit(r.status ?? 1);
