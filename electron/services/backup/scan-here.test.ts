/**
 * `obc backup` lists the folders on its main thread (scanTable `listHere`, scan-lister.ts HereLister) instead of in a
 * scan worker: the scan must find exactly what the worker finds — names, stats, links, names that are not UTF-8,
 * exclusions — and stop when cancelled.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exclusionsFromArgs } from './exclusions.ts';
import { scanTable } from './scan.ts';
import { tempDir } from './test-trees.ts';

describe('scanTable listHere', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('obc-scanhere-'));
    for (const d of ['a', 'a/b', 'a/b/c', 'skip']) await mkdir(join(dir, d));
    for (let f = 0; f < 30; f++) await writeFile(join(dir, 'a/b', `f${f}.txt`), 'x'.repeat(f));
    await writeFile(join(dir, 'a/b/c/deep.bin'), Buffer.alloc(4096, 7));
    await writeFile(join(dir, 'skip/not-this.txt'), 'left out');
    await writeFile(join(dir, 'a/song.mp3'), 'left out by type');
    await symlink('b/f1.txt', join(dir, 'a/link'));
    if (process.platform === 'linux') await writeFile(Buffer.from(join(dir, 'a/latin1-\xe9.txt'), 'latin1'), 'é');
  });
  afterEach(() => cleanup());

  it('finds what the scan worker finds', async () => {
    const rules = exclusionsFromArgs([join(dir, 'skip'), '*.mp3']);
    const inWorker = await scanTable([dir], rules);
    const here = await scanTable([dir], rules, undefined, undefined, { listHere: true });
    // The item's ancestors (/tmp…) are entries too; other tests change their times meanwhile.
    const inside = (t: typeof here.table) => [...t].filter((e) => typeof e.abs !== 'string' || e.abs.startsWith(dir));
    expect(inside(here.table)).toEqual(inside(inWorker.table));
    expect(here.table.length).toBe(inWorker.table.length);
    expect(here.skipped).toEqual(inWorker.skipped);
    expect({ files: here.files, dirs: here.dirs, bytes: here.bytes }).toEqual({
      files: inWorker.files,
      dirs: inWorker.dirs,
      bytes: inWorker.bytes,
    });
    const paths = [...here.table].map((e) => e.path);
    expect(paths.some((p) => p.endsWith('a/b/c/deep.bin'))).toBe(true);
    expect(paths.some((p) => p.includes('not-this') || p.endsWith('.mp3'))).toBe(false);
    expect([...here.table].find((e) => e.path.endsWith('a/link'))?.type).toBe('symlink');
  });

  it('stops when cancelled', async () => {
    const stop = new AbortController();
    stop.abort(new Error('cancelled'));
    await expect(scanTable([dir], {}, stop.signal, undefined, { listHere: true })).rejects.toThrow('cancelled');
  });
});
