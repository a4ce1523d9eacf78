/** `npm run build`: production bundles — renderer (vite) into out/renderer, Electron main + preload into out/main, out/preload. */
import { buildElectron, buildRenderer } from './lib/build-steps.ts';

const t0 = Date.now();
await buildRenderer();
await buildElectron();
process.stdout.write(`Built out/renderer, out/main, out/preload in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
