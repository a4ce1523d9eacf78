/**
 * Names are data (issue 13 §1): a file `a\b` next to a folder `a/b`, names that are not UTF-8, control characters,
 * NFC/NFD and case twins all come back byte for byte; two sources on one catalog path are an error, never a drop.
 * Compared with plain `fs` on raw bytes, not with the engine's reader.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lstat, mkdir, readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from './engine.ts';
import { StagingFolderSource } from './reader.ts';
import { restoreJob } from './restore.ts';
import { verifyJob } from './verify.ts';
import { scanItems } from './scan.ts';
import { FAST_KDF, PASS, tempDir, openStagingJob } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-names-')));
afterEach(async () => cleanup());

const B = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

/** Every entry below `root` as raw bytes: relative path (hex) → type + content or link target. */
async function rawTree(root: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (rel: Buffer): Promise<void> => {
    const names = await readdir(Buffer.concat([root, rel]), { encoding: 'buffer' });
    for (const n of names) {
      const r = Buffer.concat([rel, Buffer.from('/'), n]);
      const p = Buffer.concat([root, r]);
      const st = await lstat(p);
      if (st.isSymbolicLink())
        out.set(r.toString('hex'), `link:${(await readlink(p, { encoding: 'buffer' })).toString('hex')}`);
      else if (st.isDirectory()) {
        out.set(r.toString('hex'), 'dir');
        await walk(r);
      } else out.set(r.toString('hex'), `file:${(await readFile(p)).toString('hex')}`);
    }
  };
  await walk(Buffer.alloc(0));
  return out;
}

describe('names as bytes, end to end', () => {
  it('a file a\\b next to folder a/b, non-UTF-8, control, NFC/NFD and case twins: all backed up, verified, restored byte for byte', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'a', 'b'), { recursive: true });
    const files: Array<[Buffer, string]> = [
      [B(src, '/a\\b'), 'the file named a-backslash-b'],
      [B(src, '/a/b/c'), 'inside the folder a/b'],
      [B(src, '/a\\b\\c'), 'two backslashes'],
      [B(src, '/caf', [0xe9], '.txt'), 'latin-1 name'],
      [B(src, '/', [0xff, 0xfe, 0x5c]), 'invalid utf-8 ending in a backslash'],
      [B(src, '/bell', [0x07], 'tab', [0x09], 'esc', [0x1b], '[31m'), 'control characters'],
      [B(src, '/caf\u00e9'), 'nfc'],
      [B(src, '/cafe\u0301'), 'nfd'],
      [B(src, '/README'), 'upper'],
      [B(src, '/readme'), 'lower'],
      [B(src, '/\u202Eevil.txt'), 'bidi override'],
    ];
    for (const [p, text] of files) await writeFile(p, text);
    await mkdir(B(src, '/dir', [0xc0, 0xaf]));
    await writeFile(B(src, '/dir', [0xc0, 0xaf], '/x', [0x80]), 'nested under an invalid name');
    await symlink(B('../caf', [0xe9], '.txt'), B(src, '/link', [0xfe]));
    await symlink(B('target\\with\\backslashes'), B(src, '/link-bs'));

    const stagingLocation = join(dir, 'staging');
    const r = await runBackup({
      items: [src],
      stagingLocation,
      job: { name: 'names-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
    });
    expect(r.skipped).toEqual([]);
    expect(r.files).toBe(files.length + 1);
    expect((await verifyJob(new StagingFolderSource(join(stagingLocation, 'names-job')), PASS)).ok).toBe(true);
    const reader = await openStagingJob(stagingLocation, 'names-job', PASS);
    const paths = reader.entries().map((e) => e.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/\/a\\\\b$/),
        expect.stringMatching(/\/a\/b\/c$/),
        expect.stringMatching(/\/caf\\xE9\.txt$/),
      ]),
    );
    const out = join(dir, 'out');
    const res = await restoreJob(reader, { to: out });
    expect(res.skipped).toEqual([]);
    expect(await rawTree(B(out, '/', src.slice(1)))).toEqual(await rawTree(B(src)));
  });

  it('two sources that would share one catalog path: the second is an error naming both, never dropped silently', async () => {
    // With the Windows rules a backslash separates, so the items `t/a\b` (a file) and `t/a/b` (a folder) meet.
    const t = join(dir, 't');
    await mkdir(join(t, 'a', 'b'), { recursive: true });
    await writeFile(join(t, 'a\\b'), 'file');
    await writeFile(join(t, 'a', 'b', 'x'), 'x');
    const scan = await scanItems([join(t, 'a\\b'), join(t, 'a', 'b')], {}, undefined, undefined, { platform: 'win32' });
    const collision = scan.skipped.find((s) => s.code === 'ECOLLISION');
    expect(collision?.reason).toMatch(/already the path of/);
    expect(collision?.path).toBe(join(t, 'a', 'b'));
    // The same source reached twice (overlapping items) is one entry, not a collision.
    const twice = await scanItems([t, join(t, 'a')], {});
    expect(twice.skipped).toEqual([]);
    expect(new Set(twice.entries.map((e) => e.path)).size).toBe(twice.entries.length);
  });
});
