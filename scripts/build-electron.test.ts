import { describe, expect, it } from 'vitest';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { repoRoot } from '../electron/services/paths.ts';
import { buildElectron } from './lib/build-steps.ts';

/**
 * The desktop bundle can't be launched here (no Electron binary), so check what can be checked: main and preload
 * bundle, every worker the services start is bundled next to main, and no worker URL still points at a .ts file.
 */
describe('Electron bundle', () => {
  it('bundles main, the single-file preload and every worker', async () => {
    await buildElectron();
    const main = await readFile(join(repoRoot, 'out', 'main', 'index.mjs'), 'utf8');
    const preload = await readFile(join(repoRoot, 'out', 'preload', 'index.cjs'), 'utf8');
    expect(main).not.toMatch(/new URL\(\s*["']\.\/[^"']+\.ts["']/);
    const referenced = [...main.matchAll(/new URL\("\.\/workers\/([^"]+\.mjs)"/g)].map((m) => m[1]);
    const built = await readdir(join(repoRoot, 'out', 'main', 'workers'));
    expect(referenced.length).toBeGreaterThan(0);
    for (const w of referenced) expect(built).toContain(w);
    // The sandboxed preload may only require 'electron'.
    const requires = [...preload.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(new Set(requires)).toEqual(new Set(['electron']));
  });
});
