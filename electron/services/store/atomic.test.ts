import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepAtomicTemps, writeFileAtomic } from './atomic.ts';
import { tempDir } from '../test-temp.ts';

let dir: string;
beforeEach(async () => (dir = await tempDir('obc-atomic-')));
afterEach(async () => rm(dir, { recursive: true, force: true }));

const old = async (p: string) => utimes(p, new Date(Date.now() - 3_600_000), new Date(Date.now() - 3_600_000));

describe('temp files of atomic writes', () => {
  it("the next write of a file sweeps the temp files a killed writer left for it (not a fresh one, not other files')", async () => {
    await writeFile(join(dir, '.settings.json.0123456789ab.tmp'), 'killed mid-write');
    await old(join(dir, '.settings.json.0123456789ab.tmp'));
    await writeFile(join(dir, '.settings.json.ba9876543210.tmp'), 'another writer, now');
    await writeFile(join(dir, '.policies.json.0123456789ab.tmp'), 'killed, another file');
    await old(join(dir, '.policies.json.0123456789ab.tmp'));
    await writeFile(join(dir, 'keep.tmp'), 'not ours');
    await writeFileAtomic(join(dir, 'settings.json'), '{}');
    expect((await readdir(dir)).sort()).toEqual([
      '.policies.json.0123456789ab.tmp',
      '.settings.json.ba9876543210.tmp',
      'keep.tmp',
      'settings.json',
    ]);
  });

  it('a folder the caller owns (a locked job folder) is swept whole, whatever the age', async () => {
    for (const n of [
      '.seed.json.0123456789ab.tmp',
      '..obc-state.json.0123456789ab.tmp',
      '.catalog.bin.0123456789ab.tmp',
    ])
      await writeFile(join(dir, n), 'x');
    await writeFile(join(dir, 'seed.json'), '{}');
    expect(await sweepAtomicTemps(dir)).toBe(3);
    expect(await readdir(dir)).toEqual(['seed.json']);
  });
});
