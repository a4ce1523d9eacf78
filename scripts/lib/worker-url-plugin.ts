import { readFile } from 'node:fs/promises';
import { dirname, basename, resolve } from 'node:path';
import type { BuildOptions, Plugin } from 'esbuild';

/**
 * How the Electron main process and each of its workers are bundled: one ESM file for Node 22, npm packages left
 * as imports (they ship in node_modules), electron provided at run time.
 */
export const MAIN_BUNDLE: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node22',
  packages: 'external',
  external: ['electron'],
};

/**
 * From source, services start workers with `new URL('./x-worker.ts', import.meta.url)` (Node 22 runs .ts).
 * In the Electron bundle those files must exist as JavaScript next to the bundle: this plugin bundles each
 * referenced worker as its own entry (out/main/workers/<name>.mjs) and rewrites the URL to point at it.
 */
export function workerUrlPlugin(outdir: string): Plugin {
  const PATTERN = /new URL\(\s*(['"])(\.{1,2}\/[^'"]+\.ts)\1\s*,\s*import\.meta\.url\s*\)/g;
  return {
    name: 'worker-url',
    setup(build) {
      const built = new Set<string>();
      build.onLoad({ filter: /electron[\\/].*\.ts$/ }, async (args) => {
        let source = await readFile(args.path, 'utf8');
        const jobs: Promise<unknown>[] = [];
        source = source.replace(PATTERN, (_m, _q, rel: string) => {
          const abs = resolve(dirname(args.path), rel);
          const name = basename(abs, '.ts');
          if (!built.has(abs)) {
            built.add(abs);
            jobs.push(
              build.esbuild.build({
                entryPoints: [abs],
                outfile: resolve(outdir, 'workers', `${name}.mjs`),
                ...MAIN_BUNDLE,
                plugins: [workerUrlPlugin(outdir)],
                logLevel: 'warning',
              }),
            );
          }
          return `new URL('./workers/${name}.mjs', import.meta.url)`;
        });
        await Promise.all(jobs);
        return { contents: source, loader: 'ts' };
      });
    },
  };
}
