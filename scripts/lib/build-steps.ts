import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../../electron/services/paths.ts';

/** Newest modification time below `dir` (ignores node_modules/out). */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    if (e.name === 'node_modules' || e.name === 'out' || e.name.startsWith('.')) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, await newestMtime(p));
    else if (e.isFile()) newest = Math.max(newest, (await stat(p)).mtimeMs);
  }
  return newest;
}

/** True when out/renderer is missing or older than renderer/ or shared/ sources. */
export async function rendererIsStale(): Promise<boolean> {
  const built = await stat(join(repoRoot, 'out', 'renderer', 'index.html')).catch(() => null);
  if (!built) return true;
  const src = Math.max(
    await newestMtime(join(repoRoot, 'renderer')),
    await newestMtime(join(repoRoot, 'shared')),
    (await stat(join(repoRoot, 'vite.config.ts')).catch(() => ({ mtimeMs: 0 }))).mtimeMs,
  );
  return src > built.mtimeMs;
}

export async function buildRenderer(): Promise<void> {
  const { build } = await import('vite');
  await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn' });
}

/** Electron main (ESM) and the sandboxed preload (one CJS file) bundled with esbuild. */
export async function buildElectron(): Promise<void> {
  const esbuild = await import('esbuild');
  const { MAIN_BUNDLE, workerUrlPlugin } = await import('./worker-url-plugin.ts');
  await esbuild.build({
    entryPoints: { index: join(repoRoot, 'electron', 'main', 'index.ts') },
    outdir: join(repoRoot, 'out', 'main'),
    outExtension: { '.js': '.mjs' },
    ...MAIN_BUNDLE,
    sourcemap: true,
    plugins: [workerUrlPlugin(join(repoRoot, 'out', 'main'))],
    logLevel: 'warning',
  });
  await esbuild.build({
    entryPoints: [join(repoRoot, 'electron', 'preload', 'index.ts')],
    outfile: join(repoRoot, 'out', 'preload', 'index.cjs'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
}
