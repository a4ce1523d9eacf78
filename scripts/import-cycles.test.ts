import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import madge from 'madge';
import { repoRoot } from '../electron/services/paths.ts';

/**
 * No import cycles (issue 17): madge over the product's TypeScript, type-only imports included, finds none. A type
 * two modules share goes into a leaf file both import (store/state/, diskprep/run-options.ts, sandbox/dc-job.ts).
 * The same check by hand: `npx madge --circular --extensions ts,tsx --ts-config tsconfig.json electron shared renderer/src`.
 */

/** A cycle as one string whatever file madge starts it from: rotated to begin at its smallest path. */
function cycleKey(files: readonly string[]): string {
  const start = files.indexOf([...files].sort()[0]);
  return [...files.slice(start), ...files.slice(0, start)].join(' > ');
}

describe('import cycles', () => {
  it('cycleKey names a cycle the same from any start', () => {
    expect(cycleKey(['b.ts', 'c.ts', 'a.ts'])).toBe('a.ts > b.ts > c.ts');
    expect(cycleKey(['a.ts', 'b.ts', 'c.ts'])).toBe('a.ts > b.ts > c.ts');
    expect(cycleKey(['a.ts', 'c.ts', 'b.ts'])).not.toBe(cycleKey(['a.ts', 'b.ts', 'c.ts']));
  });

  it('sees a cycle made of type-only imports', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obc-cycles-'));
    try {
      writeFileSync(join(dir, 'a.ts'), "import type { B } from './b.ts';\nexport interface A { b: B }\n");
      writeFileSync(join(dir, 'b.ts'), "import type { A } from './a.ts';\nexport interface B { a: A }\n");
      writeFileSync(join(dir, 'c.ts'), "import type { A } from './a.ts';\nexport type C = A;\n");
      const res = await madge(dir, { baseDir: dir, fileExtensions: ['ts'], tsConfig: `${repoRoot}/tsconfig.json` });
      expect(res.circular().map(cycleKey)).toEqual(['a.ts > b.ts']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Parses every file of the three trees (about 480) with the TypeScript parser: some 15 s on an idle machine.
  it('finds none in electron/, shared/ and renderer/src/', { timeout: 120_000 }, async () => {
    const res = await madge(['electron', 'shared', 'renderer/src'], {
      baseDir: repoRoot,
      fileExtensions: ['ts', 'tsx'],
      tsConfig: `${repoRoot}/tsconfig.json`,
    });
    expect(res.warnings().skipped).toEqual([]);
    expect(Object.keys(res.obj()).length).toBeGreaterThan(300);
    const found = res.circular().map(cycleKey);
    expect(found).toEqual([]);
  });
});
