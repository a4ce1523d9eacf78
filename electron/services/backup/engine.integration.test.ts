import { SeedRangesReader, checkSeedRanges } from '../seed-ranges-file.ts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, unlink, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { runBackup } from './engine.ts';
import { StagingFolderSource } from './reader.ts';
import { restoreJob } from './restore.ts';
import { verifyJob } from './verify.ts';
import { readSeed } from './job-files.ts';
import { readState, STATE_FILE, STATE_LOG } from './job-state.ts';
import { DESCRIPTOR_PATH } from './descriptor.ts';
import { pageMd5OfFile } from '../page-md5.ts';
import { catalogPathOf } from './scan.ts';
import { CATALOG_PATH, decodeCatalog, encodeCatalog } from './catalog.ts';
import { unlockJob } from './crypto.ts';
import { FAST_KDF, PASS, diffTrees, prng, tempDir, openStagingJob } from './test-trees.ts';
import type { BackupOptions } from './types.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir()));
afterEach(async () => cleanup());

const opts = (o: Partial<BackupOptions> & { items: string[] }): BackupOptions => ({
  stagingLocation: join(dir, 'staging'),
  job: { name: 'job-a' },
  passphrase: PASS,
  kdf: FAST_KDF,
  packSize: 4 << 20,
  ...o,
});

async function hardCaseTree(root: string): Promise<void> {
  const rnd = prng(42);
  await mkdir(join(root, 'empty-folder'), { recursive: true });
  await mkdir(join(root, 'nested/deeper/deepest'), { recursive: true });
  await writeFile(join(root, 'empty-file'), '');
  await writeFile(join(root, 'nested/deeper/deepest/small.txt'), 'hello\n');
  await writeFile(join(root, 'Ünïcødé 文件 🎉.txt'), 'unicode name ✓');
  await writeFile(join(root, 'l'.repeat(240) + '.txt'), 'long name');
  let long = root;
  for (let i = 0; i < 12; i++) long = join(long, `segment-${i}-${'x'.repeat(60)}`);
  await mkdir(long, { recursive: true });
  await writeFile(join(long, 'deep-file.bin'), rnd(5000));
  const big = rnd(9 << 20);
  await writeFile(join(root, 'random.bin'), big);
  await writeFile(join(root, 'nested/copy-of-random.bin'), big);
  await writeFile(
    join(root, 'text.log'),
    Array.from({ length: 200_000 }, (_, i) => `line ${i} of a compressible log\n`).join(''),
  );
  await symlink('text.log', join(root, 'link-to-log'));
  await symlink('/nonexistent/target', join(root, 'dangling-link'));
  await chmod(join(root, 'nested/deeper/deepest/small.txt'), 0o640);
  await utimes(join(root, 'text.log'), new Date('2001-02-03T04:05:06.789Z'), new Date('2001-02-03T04:05:06.789Z'));
}

/**
 * seed.json is format 4: every file it lists carries the SHA-256 of its bytes and no whole-file MD5, and its
 * page-range MD5s are in the side file seed.json names (checked whole, then read per file), not in seed.json.
 */
async function expectSeedMd5s(jobDir: string): Promise<void> {
  const seed = (await readSeed(jobDir))!;
  expect(seed.formatVersion).toBe(4);
  expect(seed.files.map((f) => f.path)).toEqual(expect.arrayContaining([CATALOG_PATH, DESCRIPTOR_PATH]));
  await checkSeedRanges(jobDir, seed.jobName, seed.rangeMd5s!);
  const side = await SeedRangesReader.open(jobDir, seed.jobName, seed.rangeMd5s!);
  try {
    for (const f of seed.files) {
      const got = await pageMd5OfFile(join(jobDir, f.path));
      const ranges = await side.read(f.firstRange!, got.ranges.length);
      expect({ path: f.path, sha256: f.sha256, md5: f.md5, ranges, inEntry: f.ranges }).toEqual({
        path: f.path,
        sha256: got.sha256,
        md5: undefined,
        ranges: got.ranges,
        inEntry: undefined,
      });
    }
  } finally {
    await side.close();
  }
}

describe('backup engine round trip', () => {
  it('restores the hard cases byte for byte with links, modes and mtimes, and verify passes', async () => {
    const src = join(dir, 'src');
    await hardCaseTree(src);
    const progress: string[] = [];
    const r = await runBackup(opts({ items: [src], onProgress: (p) => progress.push(p.phase) }));
    expect(r.skipped).toEqual([]);
    expect(r.symlinks).toBe(2);
    expect(r.packs).toBeGreaterThan(1);
    // Every pack of the run is counted on the byte path it took (O_DIRECT on Linux's ext4/xfs, else the cache).
    const io = r.packIo!;
    expect(io.writtenDirect + io.writtenCached).toBe(r.packs);
    expect(io.readDirect + io.readCached).toBe(r.packs);
    expect(io.note).toMatch(/^Packs written/);
    if (process.platform !== 'linux') expect(io.writtenDirect + io.readDirect).toBe(0);
    expect(r.dedupSavedBytes).toBeGreaterThanOrEqual(9 << 20);
    expect(r.compressionSavedBytes).toBeGreaterThan(1 << 20);
    expect(progress).toContain('backingUp');

    const seed = (await readSeed(join(dir, 'staging', 'job-a')))!;
    expect(seed.state).toBe('complete');
    for (const f of seed.files) {
      expect(f.length % 512).toBe(0);
      expect((await stat(join(dir, 'staging', 'job-a', f.path))).size).toBe(f.length);
    }
    expect(seed.files.map((f) => f.path)).toContain(CATALOG_PATH);
    await expectSeedMd5s(join(dir, 'staging', 'job-a'));
    // The catalog and the packs hold no plain text of the source.
    for (const f of seed.files)
      expect((await readFile(join(dir, 'staging', 'job-a', f.path))).includes('compressible log')).toBe(false);

    const report = await verifyJob(new StagingFolderSource(join(dir, 'staging', 'job-a')), PASS);
    expect(report).toMatchObject({ ok: true, damagedPacks: [], damagedFiles: [] });

    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const top = reader.list(catalogPathOf(src));
    expect(top.children.map((c) => c.name)).toContain('Ünïcødé 文件 🎉.txt');
    expect((await reader.readFileBytes(`${catalogPathOf(src)}/Ünïcødé 文件 🎉.txt`)).toString()).toBe('unicode name ✓');

    const out = join(dir, 'out');
    const res = await restoreJob(reader, { to: out });
    expect(res.skipped).toEqual([]);
    const restored = join(out, catalogPathOf(src));
    expect(await diffTrees(src, restored, { mtimes: true })).toEqual([]);
    expect((await lstat(join(restored, 'nested/deeper/deepest/small.txt'))).mode & 0o777).toBe(0o640);
    expect((await stat(join(restored, 'text.log'))).mtime.toISOString()).toBe('2001-02-03T04:05:06.789Z');
  });

  it('round-trips work units of many small files, new and repeated (result batches larger than their first arrays)', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'many'), { recursive: true });
    const rnd = prng(7);
    const repeated = rnd(300);
    // 700 files in one folder: units of 256 files, each a chunk and a "done" item, all in one batch per unit; every
    // third file has the same bytes (a chunk the worker already knows).
    for (let i = 0; i < 700; i++)
      await writeFile(join(src, 'many', `f${String(i).padStart(4, '0')}`), i % 3 === 0 ? repeated : rnd(100 + i));
    const r = await runBackup(opts({ items: [src], workers: 1 }));
    expect(r.skipped).toEqual([]);
    expect(r.files).toBe(700);
    expect(r.chunks).toBe(700 - 234 + 1);
    expect(r.dedupSavedBytes).toBe(233 * 300);
    expect(await verifyJob(new StagingFolderSource(join(dir, 'staging', 'job-a')), PASS)).toMatchObject({ ok: true });
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    await restoreJob(reader, { to: join(dir, 'out') });
    expect(await diffTrees(src, join(dir, 'out', catalogPathOf(src)))).toEqual([]);
  });

  it('applies exclusions: folder with subfolders, folder without subfolders, file patterns', async () => {
    const src = join(dir, 'src');
    for (const d of ['keep/sub', 'skipall/sub', 'filesonly/sub']) await mkdir(join(src, d), { recursive: true });
    for (const f of [
      'keep/a.txt',
      'keep/song.MP3',
      'keep/sub/b.txt',
      'skipall/c.txt',
      'skipall/sub/d.txt',
      'filesonly/e.txt',
      'filesonly/sub/f.txt',
    ])
      await writeFile(join(src, f), f);
    await runBackup(
      opts({
        items: [src],
        exclusions: {
          folders: [
            { path: join(src, 'skipall'), subfolders: true },
            { path: join(src, 'filesonly'), subfolders: false },
          ],
          patterns: ['*.mp3'],
        },
      }),
    );
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const base = catalogPathOf(src);
    const files = reader
      .entries()
      .filter((e) => e.type === 'file')
      .map((e) => e.path.slice(base.length + 1))
      .sort();
    expect(files).toEqual(['filesonly/sub/f.txt', 'keep/a.txt', 'keep/sub/b.txt']);
  });

  it('restores selected paths only, with skip / overwrite / keepBoth on conflicts', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'a'), { recursive: true });
    await mkdir(join(src, 'b'), { recursive: true });
    await writeFile(join(src, 'a/one.txt'), 'one');
    await writeFile(join(src, 'b/two.txt'), 'two');
    await runBackup(opts({ items: [src] }));
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const base = catalogPathOf(src);
    const out = join(dir, 'out');
    await restoreJob(reader, { to: out, paths: [`${base}/a`] });
    expect(await readdir(join(out, base))).toEqual(['a']);
    await writeFile(join(out, base, 'a/one.txt'), 'changed');
    expect((await restoreJob(reader, { to: out, paths: [`${base}/a`], conflict: 'skip' })).skipped).toHaveLength(1);
    expect(await readFile(join(out, base, 'a/one.txt'), 'utf8')).toBe('changed');
    await restoreJob(reader, { to: out, paths: [`${base}/a/one.txt`], conflict: 'keepBoth' });
    expect(await readFile(join(out, base, 'a/one (1).txt'), 'utf8')).toBe('one');
    await restoreJob(reader, { to: out, paths: [`${base}/a`], conflict: 'overwrite' });
    expect(await readFile(join(out, base, 'a/one.txt'), 'utf8')).toBe('one');
    await expect(restoreJob(reader, { to: out, paths: ['no/such/path'] })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never writes outside the restore folder, whatever the catalog says', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'f.txt'), 'payload');
    await runBackup(opts({ items: [src] }));
    const jobDir = join(dir, 'staging', 'job-a');
    const seed = (await readSeed(jobDir))!;
    const keys = await unlockJob(PASS, seed.crypto, 'job-a');
    const cat = decodeCatalog(keys.enc, 'job-a', await readFile(join(jobDir, CATALOG_PATH)));
    const f = cat.entries.find((e) => e.type === 'file')!;
    cat.entries.push(
      { ...f, path: '../escaped.txt' },
      { ...f, path: join(dir, 'abs.txt').slice(1).replace(/^/, '/') },
      { ...f, path: 'C:/drive.txt' },
      { ...f, path: 'ok/nul\0.txt' },
      { path: 'evil-link', type: 'symlink', size: 0, mtimeMs: 0, mode: 0o777, target: dir },
      { ...f, path: 'evil-link/through-link.txt' },
    );
    await writeFile(join(jobDir, CATALOG_PATH), encodeCatalog(keys.enc, cat));
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const out = join(dir, 'out');
    const res = await restoreJob(reader, { to: out });
    const refused = res.skipped.filter((s) => s.reason.startsWith('refused')).map((s) => s.path);
    expect(refused.sort()).toEqual(['../escaped.txt', join(dir, 'abs.txt'), 'ok/nul\0.txt'].sort());
    // On POSIX `C:` is an ordinary folder name (catalog format 2): restored inside the destination.
    expect(await readFile(join(out, 'C:', 'drive.txt'), 'utf8')).toBe('payload');
    await expect(stat(join(dir, 'escaped.txt'))).rejects.toThrow();
    await expect(stat(join(dir, 'through-link.txt'))).rejects.toThrow();
    // The folder took the link's place, so the link was not created and the file stayed inside.
    expect(await readFile(join(out, 'evil-link/through-link.txt'), 'utf8')).toBe('payload');
    expect((await lstat(join(out, 'evil-link'))).isSymbolicLink()).toBe(false);
  });
});

describe('backup engine refusals and failures', () => {
  it('detects a wrong passphrase up front, for restore and for resume', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'f.txt'), 'x');
    await runBackup(opts({ items: [src] }));
    await expect(openStagingJob(join(dir, 'staging'), 'job-a', 'this is the wrong passphrase')).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await expect(
      verifyJob(new StagingFolderSource(join(dir, 'staging', 'job-a')), 'this is the wrong passphrase'),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('refuses a resume with a wrong passphrase (the keys are derived beside the scan) before anything is written', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'f.txt'), 'x');
    const killed = await runBackup(
      opts({
        items: [src],
        testHook: (p) => {
          if (p === 'seed') throw new Error('killed after seed.json');
        },
      }),
    ).catch((e: Error) => e);
    expect(killed).toMatchObject({ message: 'killed after seed.json' });
    const jobDir = join(dir, 'staging', 'job-a');
    const before = await readFile(join(jobDir, STATE_FILE), 'utf8');
    const reached: string[] = [];
    await expect(
      runBackup(
        opts({ items: [src], passphrase: 'this is the wrong passphrase', testHook: (p) => void reached.push(p) }),
      ),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(reached).toEqual([]);
    expect(await readFile(join(jobDir, STATE_FILE), 'utf8')).toBe(before);
    expect((await readSeed(jobDir))!.state).toBe('inProgress');
    // The right one resumes and completes.
    await runBackup(opts({ items: [src] }));
    expect((await readSeed(jobDir))!.state).toBe('complete');
  });

  it('refuses a passphrase that breaks the rule and an invalid job name', async () => {
    await expect(runBackup(opts({ items: [dir], passphrase: 'short' }))).rejects.toMatchObject({ code: 'VALIDATION' });
    await expect(runBackup(opts({ items: [dir], job: { name: 'Bad_Name' } }))).rejects.toMatchObject({
      code: 'VALIDATION',
    });
  });

  it('refuses a staging location that is too small before writing anything, with the numbers', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'f.bin'), prng(1)(3 << 20));
    const err = await runBackup(opts({ items: [src], freeSpace: async () => 1_000_000 })).catch((e: AppError) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('NO_SPACE');
    expect((err as AppError).message).toMatch(/1000000 bytes free/);
    expect((err as AppError).details).toMatchObject({ freeBytes: 1_000_000 });
    await expect(stat(join(dir, 'staging'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('never silently overwrites a completed job; replaces it when asked', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'f.txt'), 'v1');
    await runBackup(opts({ items: [src] }));
    await expect(runBackup(opts({ items: [src] }))).rejects.toMatchObject({ code: 'CONFLICT' });
    await writeFile(join(src, 'f.txt'), 'v2');
    await runBackup(opts({ items: [src], overwrite: true, passphrase: 'another passphrase entirely' }));
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', 'another passphrase entirely');
    expect((await reader.readFileBytes(`${catalogPathOf(src)}/f.txt`)).toString()).toBe('v2');
  });

  it('skips files that vanish or cannot be read, lists why, and still completes', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'stays.txt'), 'stays');
    await writeFile(join(src, 'vanishes.txt'), 'gone soon');
    await writeFile(join(src, 'locked.txt'), 'no access');
    const root = process.getuid?.() === 0;
    if (!root) await chmod(join(src, 'locked.txt'), 0o000);
    const skippedSeen: string[] = [];
    const r = await runBackup(
      opts({
        items: [src, join(dir, 'never-existed')],
        onSkip: (s) => skippedSeen.push(s.path),
        testHook: async (p) => {
          if (p === 'scanned') await unlink(join(src, 'vanishes.txt'));
        },
      }),
    );
    const reasons = Object.fromEntries(r.skipped.map((s) => [s.path, s.reason]));
    expect(reasons[join(src, 'vanishes.txt')]).toMatch(/vanished/);
    expect(reasons[join(dir, 'never-existed')]).toMatch(/vanished/);
    if (!root) expect(reasons[join(src, 'locked.txt')]).toMatch(/permission denied/);
    expect(skippedSeen.length).toBe(r.skipped.length);
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    expect(reader.catalog.skipped.length).toBe(r.skipped.length);
    expect((await reader.readFileBytes(`${catalogPathOf(src)}/stays.txt`)).toString()).toBe('stays');
  });

  it('verify names the damaged pack and the file a flipped byte affects; restore skips only that file', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'a.bin'), prng(5)(3 << 20));
    await writeFile(join(src, 'b.bin'), prng(6)(3 << 20));
    await runBackup(opts({ items: [src] }));
    const jobDir = join(dir, 'staging', 'job-a');
    const reader0 = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const aEntry = reader0.entry(`${catalogPathOf(src)}/a.bin`)!;
    const [, pack, offset] = reader0.catalog.chunks[aEntry.chunks![0]];
    const packFile = join(jobDir, 'packs', `pack-${String(pack).padStart(6, '0')}.bin`);
    const bytes = await readFile(packFile);
    bytes[offset + 100] ^= 0x01;
    await writeFile(packFile, bytes);

    const report = await verifyJob(new StagingFolderSource(jobDir), PASS);
    expect(report.ok).toBe(false);
    expect(report.damagedPacks.map((p) => p.path)).toEqual([`packs/pack-${String(pack).padStart(6, '0')}.bin`]);
    expect(report.damagedPacks[0].reason).toMatch(/sha256.*1 chunk\(s\) fail authentication/);
    expect(report.damagedFiles.map((f) => f.path)).toEqual([`${catalogPathOf(src)}/a.bin`]);

    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const res = await restoreJob(reader, { to: join(dir, 'out') });
    expect(res.skipped.map((s) => s.path)).toEqual([`${catalogPathOf(src)}/a.bin`]);
    expect(await readFile(join(dir, 'out', catalogPathOf(src), 'b.bin'))).toEqual(prng(6)(3 << 20));
  });

  it('cancels within a second and resumes afterwards without re-storing committed packs', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    const rnd = prng(9);
    for (let i = 0; i < 8; i++) await writeFile(join(src, `f${i}.bin`), rnd(4 << 20));
    const ac = new AbortController();
    let abortedAt = 0;
    const err = await runBackup(
      opts({
        items: [src],
        signal: ac.signal,
        packSize: 1 << 20,
        testHook: (p) => {
          if (p === 'pack:2') {
            abortedAt = Date.now();
            ac.abort();
          }
        },
      }),
    ).catch((e: AppError) => e);
    expect(err).toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
    const seed = (await readSeed(join(dir, 'staging', 'job-a')))!;
    expect(seed.state).toBe('inProgress');
    const packs = await readdir(join(dir, 'staging', 'job-a', 'packs'));
    const first = await readFile(join(dir, 'staging', 'job-a', 'packs', 'pack-000001.bin'));
    // The resume state keeps each committed pack's range MD5s for seed.json (format 4: no whole-file MD5), one line
    // per pack in its log; a state written by an older build (version 1: every pack in .obc-state.json, no log, and
    // a pack without MD5s) still resumes, and that pack is hashed again at the end.
    const jobDir = join(dir, 'staging', 'job-a');
    const state = (await readState(jobDir))!;
    expect(state.packs.length).toBeGreaterThanOrEqual(2);
    for (const p of state.packs) {
      expect(p).toMatchObject({ ranges: expect.any(Array) });
      expect(p).not.toHaveProperty('md5');
    }
    const logged = (await readFile(join(jobDir, STATE_LOG), 'utf8')).split('\n');
    expect(logged.pop()).toBe('');
    expect(logged.map((l) => (JSON.parse(l) as { n: number }).n)).toEqual(state.packs.map((p) => p.n));
    const { md5: _m, ranges: _r, ...older } = state.packs[0];
    state.packs[0] = older;
    await writeFile(join(jobDir, STATE_FILE), JSON.stringify({ version: 1, ...state }));
    await unlink(join(jobDir, STATE_LOG));

    const r = await runBackup(opts({ items: [src], packSize: 1 << 20 }));
    expect(r.resumed).toBe(true);
    await expectSeedMd5s(join(dir, 'staging', 'job-a'));
    expect(packs.filter((p) => !p.startsWith('.')).length).toBeGreaterThanOrEqual(2);
    expect(await readFile(join(dir, 'staging', 'job-a', 'packs', 'pack-000001.bin'))).toEqual(first);
    expect(r.storedBytes).toBeLessThan(8 * (4 << 20) * 1.02);
    const reader = await openStagingJob(join(dir, 'staging'), 'job-a', PASS);
    const out = join(dir, 'out');
    await restoreJob(reader, { to: out });
    expect(await diffTrees(src, join(out, catalogPathOf(src)))).toEqual([]);
  });
});
