/**
 * Issue 13 "done when", through the command line as an admin runs it: `obc backup` → `obc diskprep` (folder disks)
 * → `obc restore --from-disk` on a tree with a file `a\b` next to the folder `a/b` (and names that are not UTF-8
 * or carry terminal escapes) restores every name byte for byte; the CLI never prints a raw control character,
 * refuses a staging location inside the items before writing anything, and warns about a passphrase file others
 * can read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeDisks, testCredential, writeSasFile } from '../../electron/services/diskprep/test-staging.ts';
import { PASSPHRASE, cli, tempDir, writePassFile } from '../faults/test-cli.ts';
import { compareWalks, walkTrees } from './test-walk.ts';

let dir: string;
let cleanup: () => Promise<void>;
let pf: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-cli-names-'));
  pf = await writePassFile(dir);
  await chmod(pf, 0o600);
});
afterAll(async () => cleanup?.());

const B = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));
const hasControl = (s: string) =>
  [...s].some((c) => (c.charCodeAt(0) < 0x20 && c !== '\n') || c === '\x7f' || c === '\u202e');

describe('obc backup → obc diskprep → obc restore --from-disk with hostile names', () => {
  it(
    'restores a\\b and a/b side by side, byte for byte, and prints no raw control character',
    { timeout: 240_000 },
    async () => {
      const src = join(dir, 'src');
      await mkdir(join(src, 'a', 'b'), { recursive: true });
      await writeFile(join(src, 'a\\b'), 'I am the file a\\b\n');
      await writeFile(join(src, 'a', 'b', 'c.txt'), 'I am a/b/c.txt\n');
      await writeFile(B(src, '/caf', [0xe9], '.txt'), 'latin-1 name\n');
      await writeFile(B(src, '/red', [0x1b], '[31malert', [0x07]), 'terminal escape in the name\n');
      await writeFile(join(src, '\u202Etxt.exe'), 'bidi override\n');
      const stagingLocation = join(dir, 'staging');
      const job = 'names-cli';
      const bk = await cli([
        'backup',
        '--items',
        src,
        '--staging',
        stagingLocation,
        '--job',
        job,
        '--passphrase-file',
        pf,
        '--container',
        'seed',
      ]);
      expect(bk.code, bk.stderr).toBe(0);
      expect(bk.stdout).toMatch(/Backed up 5 files/);
      const disks = await makeDisks(join(dir, 'disks'), [64 << 20], 'NAMESD');
      // The manifests' container SAS from a file (no sign-in, no datacenter here).
      const sas = await writeSasFile(dir, testCredential, job, 'seed');
      const dp = await cli(
        [
          'diskprep',
          `s:${stagingLocation}`,
          '--job',
          job,
          '--disk',
          disks[0],
          '--yes',
          '--no-job',
          '--container-sas',
          sas,
        ],
        { env: { OBC_PASSPHRASE: PASSPHRASE } },
      );
      expect(dp.code, dp.stderr + dp.stdout).toBe(0);
      const out = join(dir, 'out');
      const rs = await cli(['restore', '--job', job, '--from-disk', disks[0], '--passphrase-file', pf, '--to', out]);
      expect(rs.code, rs.stderr + rs.stdout).toBe(0);
      expect(rs.stdout).toMatch(/Restored 5 files/);
      const restored = join(out, src.slice(1));
      expect(await readFile(join(restored, 'a\\b'), 'utf8')).toBe('I am the file a\\b\n');
      expect(await readFile(join(restored, 'a', 'b', 'c.txt'), 'utf8')).toBe('I am a/b/c.txt\n');
      const [a, b] = await walkTrees([src, restored]);
      expect(compareWalks(a, b, { dirModeAdded: 0o700 })).toEqual([]);
      expect(Object.keys(a).length).toBe(7);
      // A rerun over the finished restore (default keep-both): quiet, exit 0, every file already there, no copies.
      const again = await cli(['restore', '--job', job, '--from-disk', disks[0], '--passphrase-file', pf, '--to', out]);
      expect(again.code, again.stdout).toBe(0);
      expect(again.stdout).toMatch(/Restored 0 files .*; 5 already there with the same bytes\./);
      expect((await readdir(restored, { recursive: true })).filter((n) => n.includes(' (1)'))).toEqual([]);
      // Conflicting names are listed, escaped: the terminal never gets the raw bytes.
      await writeFile(B(restored, '/red', [0x1b], '[31malert', [0x07]), 'changed');
      const conflict = await cli([
        'restore',
        '--job',
        job,
        '--from-disk',
        disks[0],
        '--passphrase-file',
        pf,
        '--to',
        out,
        '--conflict',
        'skip',
      ]);
      expect(conflict.code).toBe(3);
      expect(conflict.stdout).toContain('red\\x1B[31malert\\x07: already exists (skipped)');
      for (const r of [bk, dp, rs, again, conflict])
        expect(hasControl(r.stdout + r.stderr), r.stdout + r.stderr).toBe(false);
    },
  );

  it('refuses a staging location inside the items before writing anything (exit 2)', async () => {
    const src = join(dir, 'src2');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'x.txt'), 'x');
    const r = await cli([
      'backup',
      '--items',
      src,
      '--staging',
      join(src, 'staging'),
      '--job',
      'self-ref',
      '--passphrase-file',
      pf,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/staging location .* is inside the item .*: the backup would contain itself/);
    await expect(stat(join(src, 'staging'))).rejects.toThrow();
  });

  it("warns about a passphrase file other users can read, and not about one that is the owner's alone", async () => {
    const src = join(dir, 'src3');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'x.txt'), 'x');
    const open = join(dir, 'open-pass.txt');
    await writeFile(open, PASSPHRASE);
    await chmod(open, 0o644);
    const r = await cli([
      'backup',
      '--items',
      src,
      '--staging',
      join(dir, 'st3'),
      '--job',
      'perm-job',
      '--passphrase-file',
      open,
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(
      /warning: the passphrase file .*open-pass\.txt can be read or changed by other users \(mode 0644\); .*chmod 600/,
    );
    const v = await cli(['verify', '--staging', join(dir, 'st3'), '--job', 'perm-job', '--passphrase-file', pf]);
    expect(v.code).toBe(0);
    expect(v.stderr).not.toMatch(/warning/);
  });
});
