/**
 * `npm start`: the desktop app; where no Electron binary is installed (offline machines install with
 * ELECTRON_SKIP_BINARY_DOWNLOAD=1), one line says so and browser mode starts instead.
 */
import { spawn } from 'node:child_process';
import { findElectronBinary } from './lib/electron-binary.ts';
import { buildElectron, buildRenderer, rendererIsStale } from './lib/build-steps.ts';
import { repoRoot } from '../electron/services/paths.ts';
import { serve } from './serve.ts';

const electron = findElectronBinary();
if (electron.path === null) {
  process.stdout.write(`Electron cannot start here: ${electron.reason}; starting browser mode instead.\n`);
  await serve(process.argv.slice(2));
} else {
  if (await rendererIsStale()) await buildRenderer();
  await buildElectron();
  const child = spawn(electron.path, [repoRoot, ...process.argv.slice(2)], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
}
