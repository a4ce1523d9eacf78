/**
 * Restore holes of issue 13: §4 a link planted in the destination never leads folders outside it (no `mkdir -p`
 * through it) and a dangling one is a per-file message, not a raw ENOENT abort; §1 a name the destination cannot
 * hold is that file's error, the run goes on; case twins on Windows; §10 a rerun after a killed restore is quiet.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { restoreJob } from './restore.ts';
import { RESTORE_MARKER } from './restore-leftovers.ts';
import { jobWithCatalogEntries, tempDir } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-restore-holes-')));
afterEach(async () => cleanup());

/** Every path below `root` (links not followed), relative. */
async function listAll(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (p: string): Promise<void> => {
    for (const n of await readdir(p)) {
      const q = join(p, n);
      out.push(relative(root, q));
      if ((await lstat(q)).isDirectory()) await walk(q);
    }
  };
  await walk(root);
  return out.sort();
}

describe('restore: planted and dangling links, names the destination cannot hold, case twins', () => {
  it('a link planted in the destination: no folder is created through it, outside; a dangling one is a per-file message', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    const out = join(dir, 'out');
    await mkdir(out);
    await symlink(outside, join(out, 'planted'));
    await symlink(join(dir, 'nowhere'), join(out, 'dangling'));
    const reader = await jobWithCatalogEntries(dir, (f) => [
      { ...f, path: 'planted/sub/deeper/x.txt' },
      { path: 'planted/made-dir', type: 'dir', size: 0, mtimeMs: 0, mode: 0o755 },
      { ...f, path: 'dangling/y.txt' },
      { ...f, path: 'dangling/deep/z.txt' },
      { ...f, path: 'fine/ok.txt' },
    ]);
    const res = await restoreJob(reader, { to: out });
    expect(await listAll(outside)).toEqual([]);
    expect(await listAll(join(dir, 'staging'))).not.toContain('nowhere');
    await expect(lstat(join(dir, 'nowhere'))).rejects.toThrow();
    expect(await readFile(join(out, 'fine/ok.txt'), 'utf8')).toBe('payload');
    const why = Object.fromEntries(res.skipped.map((s) => [s.path, s.reason]));
    expect(Object.keys(why).sort()).toEqual([
      'dangling/deep/z.txt',
      'dangling/y.txt',
      'planted/made-dir',
      'planted/sub/deeper/x.txt',
    ]);
    for (const r of Object.values(why)) expect(r).toMatch(/is a link in the restore folder/);
  });

  it("a name the file system cannot hold (over 255 bytes) is that entry's error; everything else is restored", async () => {
    const long = 'n'.repeat(300);
    const reader = await jobWithCatalogEntries(dir, (f) => [
      { ...f, path: `top/${long}.txt` },
      { path: `top/${long}`, type: 'dir', size: 0, mtimeMs: 0, mode: 0o755 },
      { ...f, path: `top/${long}/below.txt` },
      { path: `top/link-${long}`, type: 'symlink', size: 0, mtimeMs: 0, mode: 0o777, target: 'x' },
      { ...f, path: 'top/short.txt' },
    ]);
    const out = join(dir, 'out');
    const res = await restoreJob(reader, { to: out });
    expect(res.skipped.map((s) => s.path).sort()).toEqual(
      [`top/${long}`, `top/${long}.txt`, `top/${long}/below.txt`, `top/link-${long}`].sort(),
    );
    for (const s of res.skipped) expect(s.reason).toMatch(/cannot hold this name \(ENAMETOOLONG/);
    expect(await readFile(join(out, 'top/short.txt'), 'utf8')).toBe('payload');
    expect(res.files).toBe(1);
  });

  it('Windows rules: case twins are named and skipped, with everything below a twin folder', async () => {
    const reader = await jobWithCatalogEntries(dir, (f) => [
      { path: 'C', type: 'dir', size: 0, mtimeMs: 0, mode: 0o755 },
      { path: 'C/Docs', type: 'dir', size: 0, mtimeMs: 0, mode: 0o755 },
      { ...f, path: 'C/Docs/a.txt' },
      { path: 'C/docs', type: 'dir', size: 0, mtimeMs: 0, mode: 0o755 },
      { ...f, path: 'C/docs/b.txt' },
      { ...f, path: 'C/README' },
      { ...f, path: 'C/readme' },
    ]);
    const res = await restoreJob(reader, { to: join(dir, 'out'), platform: 'win32' });
    expect(res.skipped.map((s) => s.path).sort()).toEqual(['C/docs', 'C/docs/b.txt', 'C/readme']);
    for (const s of res.skipped) expect(s.reason).toMatch(/letter case/);
    expect(res.files).toBe(2);
  });
});

describe('restore: a rerun after a killed restore', () => {
  it('finishes quietly: files already complete and identical are left alone, temp files are swept, real conflicts still named', async () => {
    const reader = await jobWithCatalogEntries(dir, (f) => [
      { path: 'd', type: 'dir', size: 0, mtimeMs: f.mtimeMs, mode: 0o755 },
      { ...f, path: 'd/one.txt' },
      { ...f, path: 'd/two.txt' },
      { ...f, path: 'd/three.txt' },
      { path: 'd/link', type: 'symlink', size: 0, mtimeMs: 0, mode: 0o777, target: 'one.txt' },
    ]);
    const out = join(dir, 'out');
    const first = await restoreJob(reader, { to: out });
    expect(first.files).toBe(3);
    // What a kill -9 leaves: the marker, a temp file of the file being written, that file not there yet.
    await writeFile(join(out, RESTORE_MARKER), '999999999 1\n');
    await writeFile(join(out, 'd', '.obc-restore-0123456789ab.tmp'), 'half');
    await writeFile(join(out, 'd', 'two.txt'), 'payloaX'); // same size, but different bytes: a real conflict
    const { rm } = await import('node:fs/promises');
    await rm(join(out, 'd', 'three.txt'));
    const again = await restoreJob(reader, { to: out });
    expect(again.skipped).toEqual([{ path: 'd/two.txt', reason: 'already exists (skipped)' }]);
    expect(again.unchanged).toBe(2); // one.txt and the link
    expect(again.files).toBe(1); // three.txt
    expect((await readdir(join(out, 'd'))).sort()).toEqual(['link', 'one.txt', 'three.txt', 'two.txt']);
    expect(await readdir(out)).toEqual(['d']);
  });
});
