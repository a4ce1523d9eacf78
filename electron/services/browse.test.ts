import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { browse } from './browse.ts';
import { tempDir } from './test-temp.ts';

let dir: string;
beforeEach(async () => {
  dir = await tempDir('obc-browse-');
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('browse', () => {
  it('lists folders first, then links; files only when asked, with their size', async () => {
    await mkdir(join(dir, 'b-folder'));
    await mkdir(join(dir, 'a-folder'));
    await writeFile(join(dir, 'file.txt'), 'hello');
    await symlink('a-folder', join(dir, 'link'));
    const folders = await browse(dir, false);
    expect(folders.entries.map((e) => [e.name, e.kind])).toEqual([
      ['a-folder', 'dir'],
      ['b-folder', 'dir'],
      ['link', 'link'],
    ]);
    expect(folders.parent).toBe(join(dir, '..').replace(/\/$/, ''));
    const all = await browse(dir, true);
    expect(all.entries.find((e) => e.name === 'file.txt')).toMatchObject({ kind: 'file', size: 5 });
    expect(all.roots.length).toBeGreaterThan(0);
  });
  it('names a folder that is missing, and a file given as a folder', async () => {
    await expect(browse(join(dir, 'gone'), false)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: `Folder not found: ${join(dir, 'gone')}`,
    });
    await writeFile(join(dir, 'f'), '');
    await expect(browse(join(dir, 'f'), false)).rejects.toMatchObject({
      code: 'VALIDATION',
      message: `Not a folder: ${join(dir, 'f')}`,
    });
  });
  it('gives the root no parent', async () => {
    expect((await browse('/', false)).parent).toBeNull();
  });
});
