import { lstatSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinFsPath } from './names.ts';
import {
  asFsName,
  isDirMode,
  isFileMode,
  isLinkMode,
  listFolder,
  STAT_FIELDS,
  type FolderListing,
} from './scan-list.ts';
import { FolderLister } from './scan-lister.ts';
import { tempDir } from './test-trees.ts';

const LATIN1_NAME = Buffer.from([0x63, 0x61, 0x66, 0xe9]); // "café" in Latin-1: not valid UTF-8

describe('listFolder', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('obc-scanlist-'));
    writeFileSync(join(dir, 'file.txt'), 'hello');
    mkdirSync(join(dir, 'sub'));
    symlinkSync('file.txt', join(dir, 'link'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    if (process.platform === 'linux') writeFileSync(Buffer.concat([Buffer.from(dir + '/'), LATIN1_NAME]), 'x');
  });
  afterEach(() => cleanup());

  /** Each name's row against lstatSync of the same path, and its link target. */
  const expectMatches = (base: string | Buffer, l: FolderListing) => {
    l.names.forEach((n, i) => {
      const path = joinFsPath(base, asFsName(n));
      const st = lstatSync(path);
      const row = [...l.stats.subarray(i * STAT_FIELDS, (i + 1) * STAT_FIELDS)];
      expect(row, String(n)).toEqual([st.mode, st.size, st.mtimeMs, st.ctimeMs, st.ino, st.dev]);
      if (st.isSymbolicLink()) expect(l.links.get(i)).toBeInstanceOf(Uint8Array);
      else expect(l.links.has(i)).toBe(false);
    });
  };

  it('gives every name with its lstat, link targets as bytes, a name that is not UTF-8 as its bytes', () => {
    const l = listFolder(dir);
    if ('error' in l) throw new Error(l.error.message);
    const names = l.names.map((n) => (typeof n === 'string' ? n : Buffer.from(n).toString('latin1'))).sort();
    expect(names).toEqual(
      ['dangling', 'file.txt', 'link', 'sub', ...(process.platform === 'linux' ? ['café'] : [])].sort(),
    );
    expectMatches(dir, l);
    const at = (name: string) => l.names.indexOf(name);
    expect(isFileMode(l.stats[at('file.txt') * STAT_FIELDS])).toBe(true);
    expect(isDirMode(l.stats[at('sub') * STAT_FIELDS])).toBe(true);
    expect(isLinkMode(l.stats[at('link') * STAT_FIELDS])).toBe(true);
    expect(Buffer.from(l.links.get(at('dangling')) as Uint8Array).toString()).toBe('nowhere');
    expect(l.statErrors.size).toBe(0);
  });

  it('reports a folder it cannot list with the system error', () => {
    expect(listFolder(join(dir, 'missing'))).toMatchObject({ error: { code: 'ENOENT' } });
    expect(listFolder(join(dir, 'file.txt'))).toMatchObject({ error: { code: 'ENOTDIR' } });
  });

  it('lists in worker threads the same way, a folder given as bytes too', async () => {
    const lister = new FolderLister(2);
    try {
      const [a, b] = await Promise.all([lister.list(dir), lister.list(Buffer.from(dir))]);
      for (const l of [a, b]) {
        if ('error' in l) throw new Error(l.error.message);
        expectMatches(dir, l);
        expect(l.names.length).toBe(process.platform === 'linux' ? 5 : 4);
      }
      expect(await lister.list(join(dir, 'missing'))).toMatchObject({ error: { code: 'ENOENT' } });
    } finally {
      await lister.close();
    }
    await expect(lister.list(dir)).rejects.toThrow(/scan is over/);
  });
});
