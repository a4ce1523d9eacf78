import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chmod,
  lstat,
  mkdir,
  readdir,
  readFile,
  realpath,
  rename,
  rm,
  symlink,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from '../../electron/services/backup/engine.ts';
import { restoreJob, type ConflictChoice } from '../../electron/services/backup/restore.ts';
import { FAST_KDF, PASS, tempDir, openStagingJob } from '../../electron/services/backup/test-trees.ts';
import { compareWalks, walkTrees, type Walk } from './test-walk.ts';

/**
 * Restore to the original location through the real path (engine-written backup of two items, JobReader,
 * restoreJob), checked with the independent tree walker (tests/roundtrip/walk_tree.py): each conflict choice, the
 * folders above the items left as they were (mode, times), and links or missing folders on the way refused.
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-restore-original-')));
afterEach(async () => cleanup());

const PAST = 1_600_000_000; // whole seconds: the folder times are compared exactly

async function twoItems() {
  const base = await realpath(dir);
  const root = join(base, 'root');
  const a = join(root, 'itemA');
  const b = join(root, 'itemB');
  await mkdir(join(a, 'sub'), { recursive: true });
  await mkdir(b);
  await writeFile(join(a, 'f1.txt'), 'one');
  await writeFile(join(a, 'sub', 'f2.txt'), 'two');
  await writeFile(join(b, 'g.txt'), 'gee');
  await symlink('f1.txt', join(a, 'link'));
  await chmod(join(a, 'sub'), 0o750);
  await runBackup({
    stagingLocation: join(base, 'staging'),
    job: { name: 'job-o' },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: 4 << 20,
    items: [a, b],
  });
  const [walkA, walkB] = await walkTrees([a, b]);
  // After the backup: one file changed, one deleted, one whole item deleted.
  await writeFile(join(a, 'f1.txt'), 'ONE, changed');
  await rm(join(a, 'sub', 'f2.txt'));
  await rm(b, { recursive: true });
  // The folder above the items: its own mode and times, which no restore may change.
  await chmod(root, 0o751);
  await utimes(root, PAST, PAST);
  const reader = await openStagingJob(join(base, 'staging'), 'job-o', PASS);
  return { base, root, a, b, walkA, walkB, reader };
}

const onlyAbout = (diffs: string[], name: string) => diffs.filter((d) => !d.includes(name));

describe('restore to the original location', () => {
  it.each<[ConflictChoice]>([['overwrite'], ['skip'], ['keepBoth']])(
    'puts both items back with conflict choice %s and leaves the folder above them alone',
    async (conflict) => {
      const t = await twoItems();
      const r = await restoreJob(t.reader, { originalLocation: true, conflict });
      const [outA, outB] = await walkTrees([t.a, t.b]);
      // The deleted item and the deleted file are back exactly, whatever the choice.
      expect(compareWalks(t.walkB, outB)).toEqual([]);
      const diffsA = compareWalks(t.walkA, outA as Walk);
      if (conflict === 'overwrite') {
        expect(diffsA).toEqual([]);
        expect(r.skipped).toEqual([]);
      } else {
        // Only the changed file differs; it keeps the newer bytes.
        expect(onlyAbout(diffsA, 'f1')).toEqual([]);
        expect(diffsA.some((d) => d.startsWith('bytes differ') && d.includes('f1.txt'))).toBe(true);
        expect(await readFile(join(t.a, 'f1.txt'), 'utf8')).toBe('ONE, changed');
      }
      if (conflict === 'skip') expect(r.skipped.map((s) => s.reason)).toEqual(['already exists (skipped)']);
      if (conflict === 'keepBoth') {
        expect(await readFile(join(t.a, 'f1 (1).txt'), 'utf8')).toBe('one');
        expect(r.skipped).toEqual([]);
      }
      expect(await readFile(join(t.a, 'sub', 'f2.txt'), 'utf8')).toBe('two');
      // The folder above the items: same mode and times (itemB was created in it).
      const st = await lstat(t.root);
      expect(st.mode & 0o7777).toBe(0o751);
      expect(st.mtimeMs).toBe(PAST * 1000);
      expect(st.atimeMs).toBe(PAST * 1000);
      // Nothing else appeared next to the items (no marker, no temp file).
      expect((await readdir(t.root)).sort()).toEqual(['itemA', 'itemB']);
    },
  );

  it('restores only the selected paths, to the same places', async () => {
    const t = await twoItems();
    const bPath = t.reader.entries().find((e) => e.path.endsWith('/itemB'))!.path;
    const r = await restoreJob(t.reader, { originalLocation: true, paths: [bPath] });
    expect(r.files).toBe(1);
    expect(await readFile(join(t.b, 'g.txt'), 'utf8')).toBe('gee');
    expect(await readFile(join(t.a, 'f1.txt'), 'utf8')).toBe('ONE, changed');
    await expect(lstat(join(t.a, 'sub', 'f2.txt'))).rejects.toThrow();
  });

  it('puts a file item back into its folder and leaves that folder as it was', async () => {
    const base = await realpath(dir);
    const folder = join(base, 'docs');
    await mkdir(folder);
    const file = join(folder, 'report.txt');
    await writeFile(file, 'v1');
    await runBackup({
      stagingLocation: join(base, 'staging'),
      job: { name: 'job-f' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 4 << 20,
      items: [file],
    });
    const [before] = await walkTrees([folder]);
    await rm(file);
    await chmod(folder, 0o705);
    await utimes(folder, PAST, PAST);
    const reader = await openStagingJob(join(base, 'staging'), 'job-f', PASS);
    const r = await restoreJob(reader, { originalLocation: true });
    expect(r).toMatchObject({ files: 1, skipped: [] });
    expect(compareWalks(before, (await walkTrees([folder]))[0])).toEqual([]);
    const st = await lstat(folder);
    expect(st.mode & 0o7777).toBe(0o705);
    expect(st.mtimeMs).toBe(PAST * 1000);
  });

  it('refuses a link planted in a folder above an item, and writes nothing through it', async () => {
    const base = await realpath(dir);
    const item = join(base, 'anc', 'real', 'item');
    await mkdir(item, { recursive: true });
    await writeFile(join(item, 'x.txt'), 'x');
    await runBackup({
      stagingLocation: join(base, 'staging'),
      job: { name: 'job-l' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 4 << 20,
      items: [item],
    });
    await rename(join(base, 'anc', 'real'), join(base, 'moved'));
    const outside = join(base, 'outside');
    await mkdir(outside);
    await symlink(outside, join(base, 'anc', 'real'));
    const reader = await openStagingJob(join(base, 'staging'), 'job-l', PASS);
    const r = await restoreJob(reader, { originalLocation: true, conflict: 'overwrite' });
    expect(r.files).toBe(0);
    expect(r.skipped.length).toBeGreaterThan(0);
    for (const s of r.skipped) expect(s.reason).toMatch(/is a link/);
    expect(r.skipped.some((s) => s.path.endsWith('item/x.txt'))).toBe(true);
    expect(await readdir(outside)).toEqual([]);
  });

  it('does not create a missing folder above an item, and names the file it could not restore', async () => {
    const base = await realpath(dir);
    const item = join(base, 'anc', 'item');
    await mkdir(item, { recursive: true });
    await writeFile(join(item, 'x.txt'), 'x');
    await runBackup({
      stagingLocation: join(base, 'staging'),
      job: { name: 'job-m' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 4 << 20,
      items: [item],
    });
    await rm(join(base, 'anc'), { recursive: true });
    const reader = await openStagingJob(join(base, 'staging'), 'job-m', PASS);
    const r = await restoreJob(reader, { originalLocation: true });
    expect(r.files).toBe(0);
    expect(r.skipped.find((s) => s.path.endsWith('item/x.txt'))?.reason).toMatch(
      /above the backed-up item\) no longer exists/,
    );
    await expect(lstat(join(base, 'anc'))).rejects.toThrow();
  });

  it('takes a destination folder or the original location, not both or neither', async () => {
    const t = await twoItems();
    await expect(restoreJob(t.reader, { originalLocation: true, to: join(t.base, 'out') })).rejects.toThrow(
      /one of the two/,
    );
    await expect(restoreJob(t.reader, {})).rejects.toThrow(/one of the two/);
  });
});
