import type { Plugin } from 'esbuild';
/**
 * From source, services start workers with `new URL('./x-worker.ts', import.meta.url)` (Node 22 runs .ts).
 * In the Electron bundle those files must exist as JavaScript next to the bundle: this plugin bundles each
 * referenced worker as its own entry (out/main/workers/<name>.mjs) and rewrites the URL to point at it.
 */
export declare function workerUrlPlugin(outdir: string): Plugin;
