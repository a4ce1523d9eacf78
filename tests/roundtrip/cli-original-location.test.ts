/**
 * `obc restore --original-location` as an admin runs it: `obc backup` of a folder, a file changed and one deleted,
 * then the restore back in place (overwrite), checked with the independent tree walker; and the usage errors of
 * --to with --original-location.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, realpath, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cli, tempDir, writePassFile } from '../faults/test-cli.ts';
import { compareWalks, walkTree } from './test-walk.ts';

let dir: string;
let cleanup: () => Promise<void>;
let pf: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-cli-original-'));
  dir = await realpath(dir);
  pf = await writePassFile(dir);
});
afterAll(async () => cleanup());

describe('obc restore --original-location', () => {
  it('puts changed and deleted files back where they were backed up from', { timeout: 120_000 }, async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'sub'), { recursive: true });
    await writeFile(join(src, 'a.txt'), 'alpha');
    await writeFile(join(src, 'sub', 'b.txt'), 'beta');
    const stagingLocation = join(dir, 'staging');
    const bk = await cli([
      'backup',
      '--items',
      src,
      '--staging',
      stagingLocation,
      '--job',
      'orig-cli',
      '--passphrase-file',
      pf,
      '--container',
      'seed',
    ]);
    expect(bk.code, bk.stderr).toBe(0);
    const before = await walkTree(src);
    await writeFile(join(src, 'a.txt'), 'changed after the backup');
    await rm(join(src, 'sub', 'b.txt'));
    const rs = await cli([
      'restore',
      '--staging',
      stagingLocation,
      '--job',
      'orig-cli',
      '--passphrase-file',
      pf,
      '--original-location',
      '--conflict',
      'overwrite',
    ]);
    expect(rs.code, rs.stderr + rs.stdout).toBe(0);
    expect(rs.stdout).toMatch(/Restored 2 files .* to the original location/);
    expect(compareWalks(before, await walkTree(src))).toEqual([]);
  });

  it('takes exactly one of --to and --original-location (usage error, exit 2)', async () => {
    const both = await cli([
      'restore',
      '--staging',
      join(dir, 'staging'),
      '--job',
      'orig-cli',
      '--passphrase-file',
      pf,
      '--original-location',
      '--to',
      join(dir, 'out'),
    ]);
    expect(both.code).toBe(2);
    expect(both.stderr + both.stdout).toMatch(/either --to <dir> or --original-location/);
    const neither = await cli([
      'restore',
      '--staging',
      join(dir, 'staging'),
      '--job',
      'orig-cli',
      '--passphrase-file',
      pf,
    ]);
    expect(neither.code).toBe(2);
    expect(neither.stderr + neither.stdout).toMatch(/either --to <dir> or --original-location/);
  });
});
