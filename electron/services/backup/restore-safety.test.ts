import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { restoreJob } from './restore.ts';
import { type CatalogEntry } from './catalog.ts';
import { jobWithCatalogEntries, tempDir } from './test-trees.ts';

/**
 * Restore through the real path (engine-written job, catalog re-sealed with the job's own key, JobReader,
 * restoreJob): hostile catalog paths never create, change or remove anything outside the destination, on the
 * POSIX rules and on the Windows rules (platform 'win32': reserved device names, trailing dots and spaces, ':').
 */
let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-restore-safety-')));
afterEach(async () => cleanup());

/** Every path below `root` (except `skip`) with its type and content: anything written outside shows up here. */
async function snapshot(root: string, skip: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (p: string): Promise<void> => {
    if (p === skip) return;
    const st = await lstat(p);
    const rel = relative(root, p);
    if (st.isSymbolicLink()) out.set(rel, `link:${await readlink(p)}`);
    else if (st.isDirectory()) {
      out.set(rel, 'dir');
      for (const n of await readdir(p)) await walk(join(p, n));
    } else out.set(rel, `file:${(await readFile(p)).toString('base64')}`);
  };
  await walk(root);
  return out;
}

const jobWithEntries = (make: (file: CatalogEntry) => CatalogEntry[], job = 'job-a') =>
  jobWithCatalogEntries(dir, make, job);

const HOSTILE = (abs: string): string[] => [
  '..',
  '../escaped.txt',
  '../../escaped.txt',
  'a/../../escaped.txt',
  'a/b/../../../escaped.txt',
  './x/../../escaped.txt',
  'a//b',
  'a/./b',
  `${abs}/abs.txt`,
  '/abs-root.txt',
  '\\abs-backslash.txt',
  '\\\\srv\\share\\unc.txt',
  '\\\\?\\C:\\long.txt',
  '\\\\.\\PhysicalDrive0',
  '//srv/share/unc2.txt',
  'c:\\Windows\\win.ini',
  'ok/nul\0.txt',
  // Escapes that would spell a separator, a NUL or a dot-dot name (catalog format 2).
  'a/\\x2F..\\x2Fescaped.txt',
  '\\x2E\\x2E/escaped.txt',
  'a/\\x00',
  '\0',
];
const WINDOWS_ONLY = [
  // On POSIX these are ordinary names (a Wine prefix holds `dosdevices/c:`); restored inside the destination.
  'C:/drive.txt',
  'C:drive-relative.txt',
  'a/D:/x.txt',
  'CON',
  'con.txt',
  'NUL',
  'nul.tar.gz',
  'AUX',
  'PRN',
  'COM1',
  'com9.log',
  'LPT1',
  'lpt1.txt',
  'COM¹',
  'CONIN$',
  'data/CON/inner.txt',
  'trailing-dot.',
  'trailing-space ',
  'dir./x.txt',
  'dir /x.txt',
  'a\\..\\..\\escaped.txt',
  '..\\escaped.txt',
  'stream.txt:secret',
  'file.txt::$DATA',
  'q?.txt',
  'star*.txt',
  'pipe|.txt',
  'ctrl\u0001.txt',
];

describe('restore never writes outside the destination, whatever the catalog says', () => {
  it.each(['linux', 'win32'] as const)('hostile catalog paths with the %s rules', async (platform) => {
    const absTarget = join(dir, 'abs');
    const paths = [...HOSTILE(absTarget), ...(platform === 'win32' ? WINDOWS_ONLY : [])];
    const reader = await jobWithEntries((f) => [
      { ...f, path: 'good/inside.txt' },
      ...paths.map((p) => ({ ...f, path: p })),
      ...paths.map((p) => ({ path: p, type: 'dir' as const, size: 0, mtimeMs: 0, mode: 0o755 })),
    ]);
    const out = join(dir, 'box', 'out');
    await mkdir(out, { recursive: true });
    const before = await snapshot(dir, out);
    const res = await restoreJob(reader, { to: out, platform, conflict: 'overwrite' });
    expect(await snapshot(dir, out)).toEqual(before);
    const refused = new Set(res.skipped.filter((s) => s.reason.startsWith('refused')).map((s) => s.path));
    for (const p of paths) expect(refused.has(p), `${JSON.stringify(p)} should be refused on ${platform}`).toBe(true);
    expect(await readFile(join(out, 'good/inside.txt'), 'utf8')).toBe('payload');
    // Only the good file (and its folder) exist in the destination.
    expect((await snapshot(out, '')).size).toBe(3);
  });

  it('names only Windows reserves are restored as ordinary files on POSIX, inside the destination', async () => {
    // Catalog format 2 spells a backslash in a name `\\`: the last one is the POSIX name `a\..\..\b.txt`.
    const names = [
      'CON',
      'nul.txt',
      'COM1',
      'LPT1',
      'trailing-dot.',
      'trailing-space ',
      'C:',
      'a\\\\..\\\\..\\\\b.txt',
    ];
    const reader = await jobWithEntries((f) => names.map((p) => ({ ...f, path: p })));
    const out = join(dir, 'out');
    const before = await snapshot(dir, out);
    const res = await restoreJob(reader, { to: out, platform: 'linux' });
    expect(res.skipped).toEqual([]);
    for (const n of names) expect(await readFile(join(out, n.replace(/\\\\/g, '\\')), 'utf8')).toBe('payload');
    expect(await readFile(join(out, 'a\\..\\..\\b.txt'), 'utf8')).toBe('payload');
    expect(await snapshot(dir, out)).toEqual(before);
  });

  it('a link planted in the destination is neither followed nor written through', async () => {
    const outside = join(dir, 'outside');
    await mkdir(outside);
    await writeFile(join(outside, 'secret.txt'), 'untouched');
    const out = join(dir, 'out');
    await mkdir(out);
    await symlink(outside, join(out, 'planted-dir'));
    await symlink(join(outside, 'secret.txt'), join(out, 'planted-file'));
    const reader = await jobWithEntries((f) => [
      { ...f, path: 'planted-dir/secret.txt' },
      { ...f, path: 'planted-dir/new.txt' },
      { ...f, path: 'planted-file' },
      // A link in the catalog followed by a file "through" it, and a link to outside.
      { path: 'cat-link', type: 'symlink', size: 0, mtimeMs: 0, mode: 0o777, target: outside },
      { ...f, path: 'cat-link/through.txt' },
      { path: 'abs-link', type: 'symlink', size: 0, mtimeMs: 0, mode: 0o777, target: '/etc' },
    ]);
    const before = await snapshot(dir, out);
    for (const conflict of ['overwrite', 'keepBoth', 'skip'] as const) {
      const res = await restoreJob(reader, { to: out, conflict });
      expect(await snapshot(dir, out)).toEqual(before);
      expect(res.skipped.map((s) => s.path)).toEqual(
        expect.arrayContaining(['planted-dir/secret.txt', 'planted-dir/new.txt']),
      );
    }
    expect(await readFile(join(outside, 'secret.txt'), 'utf8')).toBe('untouched');
    // Overwrite replaced the planted link by a regular file instead of writing into its target.
    expect((await lstat(join(out, 'planted-file'))).isFile()).toBe(true);
    expect((await lstat(join(out, 'cat-link'))).isDirectory()).toBe(true);
    // A link entry is recreated as a link (never followed by the restore itself).
    expect(await readlink(join(out, 'abs-link'))).toBe('/etc');
  });

  it('random paths built from hostile segments (fast-check, seeded): nothing lands outside, on either platform', async () => {
    const segment = fc.oneof(
      fc.constantFrom(
        '..',
        '.',
        '',
        'CON',
        'nul.txt',
        'x.',
        'y ',
        'C:',
        'c:\\',
        '\\\\srv',
        '..\\..',
        'a\0b',
        '/',
        '~',
        '$HOME',
        '%TEMP%',
        '…',
        '\u202E',
      ),
      fc.string({ maxLength: 6 }),
      fc.string({ unit: 'binary', maxLength: 4 }),
    );
    const hostilePath = fc
      .array(segment, { minLength: 1, maxLength: 5 })
      .map((s) => s.join(fc.sample(fc.constantFrom('/', '\\', '/'), 1)[0]));
    const paths = [...new Set(fc.sample(hostilePath, { numRuns: 400, seed: 9 }))];
    for (const platform of ['linux', 'win32'] as const) {
      const reader = await jobWithEntries((f) => paths.map((p) => ({ ...f, path: p })), `job-${platform}`);
      const out = join(dir, `out-${platform}`);
      await mkdir(out);
      const before = await snapshot(dir, out);
      const res = await restoreJob(reader, { to: out, platform, conflict: 'overwrite' });
      expect(await snapshot(dir, out)).toEqual(before);
      // Everything restored is a plain file below the destination whose catalog path passed the check.
      const inside = await snapshot(out, '');
      for (const [rel, kind] of inside) {
        expect(rel.split('/').includes('..') || rel.startsWith('/'), rel).toBe(false);
        expect(kind.startsWith('link'), rel).toBe(false);
        expect(rel, 'no temp file left behind').not.toMatch(/\.obc-restore-[0-9a-f]+\.tmp$/);
      }
      expect(res.files + res.skipped.length).toBeGreaterThanOrEqual(paths.length - 1);
    }
  });
});
