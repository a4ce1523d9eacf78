/**
 * The copy's byte path (copy-worker.ts): on Linux the staged file is read and the disk written with O_DIRECT, whole
 * 4 KiB blocks through the direct descriptor and the last partial block through a buffered one of the same file.
 * Every length around the block and range edges must land byte for byte with the right range MD5s and read back;
 * a file system that refuses O_DIRECT (EINVAL, as tmpfs does: forced here with the test hook) gives the same bytes
 * through the cache, and the run says which path it took.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoPool, syncAndClose } from './io-pool.ts';
import { copyNote } from './disk-run.ts';
import { runDiskPrep } from './engine.ts';
import { diskRelPath } from './manifest.ts';
import { FolderDiskProvider } from './folder-disk.ts';
import { PAGE_RANGE_SIZE } from '../../../shared/page-ranges.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  tempDir,
  testCredential,
  testProtector,
} from './test-staging.ts';
import { directWorks } from '../test-direct-io.ts';

const LENGTHS = [0, 1, 511, 4095, 4096, 4097, 8192 + 513, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1, 9 * MiB + 4096 + 7];
const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex').toUpperCase();
const rangesOf = (b: Buffer) =>
  Array.from({ length: Math.ceil(b.length / PAGE_RANGE_SIZE) }, (_, i) => {
    const offset = i * PAGE_RANGE_SIZE;
    const length = Math.min(PAGE_RANGE_SIZE, b.length - offset);
    return { offset, length, hash: md5(b.subarray(offset, offset + length)) };
  });

let pool: IoPool | null = null;
let dir = '';
const env = { hooks: process.env.OBC_TEST_HOOKS, refuse: process.env.OBC_DISKPREP_REFUSE_DIRECT };
function refuseDirect(what: string): void {
  process.env.OBC_TEST_HOOKS = '1';
  process.env.OBC_DISKPREP_REFUSE_DIRECT = what; // read by each worker when it starts
}
afterEach(async () => {
  await pool?.close();
  pool = null;
  for (const [k, v] of [
    ['OBC_TEST_HOOKS', env.hooks],
    ['OBC_DISKPREP_REFUSE_DIRECT', env.refuse],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Copies one file of each length (over a longer stale file, as a resumed copy does) and checks it byte for byte. */
async function copyAll(p: IoPool, expectDirect: { read: boolean; write: boolean }): Promise<void> {
  for (const [i, length] of LENGTHS.entries()) {
    const data = randomBytes(length);
    const src = join(dir, `src-${i}`);
    const dest = join(dir, `dest-${i}`);
    await writeFile(src, data);
    await writeFile(dest, Buffer.alloc(length + 3 * 4096 + 5, 0xee)); // a longer partial copy from an earlier run
    const want = rangesOf(data);
    const res = await p.copy({ src, dest, length, expectRanges: want.map((r) => r.hash) });
    await syncAndClose(res.fd, true, dest);
    expect({ length, ranges: res.ranges, direct: res.direct }).toEqual({
      length,
      ranges: want.map((r) => r.hash),
      direct: expectDirect,
    });
    const got = await readFile(dest);
    expect(got.length, `length of the ${length}-byte copy`).toBe(length);
    expect(got.equals(data), `bytes of the ${length}-byte copy`).toBe(true);
    const back = await p.verify(dest, want);
    expect({ length, ...back }).toEqual({ length, mismatches: [], direct: expectDirect.read });
  }
}

describe('Disk Prep copy byte path', () => {
  it('writes every length (block and range edges, a tail shorter than a block) exactly, direct where it can', async () => {
    dir = await tempDir('obc-direct-');
    const direct = directWorks(dir);
    pool = new IoPool(1);
    await copyAll(pool, { read: direct, write: direct });
  }, 60_000);

  it('a damaged tail is caught by read-back through the direct path', async () => {
    dir = await tempDir('obc-direct-');
    pool = new IoPool(1);
    const length = 4 * MiB + 4096 + 7;
    const data = randomBytes(length);
    const src = join(dir, 'src');
    const dest = join(dir, 'dest');
    await writeFile(src, data);
    const res = await pool.copy({ src, dest, length });
    await syncAndClose(res.fd, true, dest);
    const bad = Buffer.from(data);
    bad[length - 1] ^= 1;
    await writeFile(dest, bad);
    const back = await pool.verify(dest, rangesOf(data));
    expect(back.mismatches).toEqual([
      { offset: 4 * MiB, length: 4096 + 7, expected: md5(data.subarray(4 * MiB)), actual: md5(bad.subarray(4 * MiB)) },
    ]);
  }, 30_000);

  it.each([
    ['read,write,readback', { read: false, write: false }],
    ['write', { read: true, write: false }],
    ['read,readback', { read: false, write: true }],
  ])(
    'falls back to the OS cache when O_DIRECT is refused (%s): same bytes, and says so',
    async (what, path) => {
      dir = await tempDir('obc-direct-');
      const direct = directWorks(dir);
      refuseDirect(what);
      pool = new IoPool(1);
      await copyAll(pool, { read: direct && path.read, write: direct && path.write });
    },
    60_000,
  );

  it('a run says which path its copy took (result.copyDirect, copyNote)', async () => {
    dir = await tempDir('obc-direct-');
    const direct = directWorks(dir);
    const stagingLocation = join(dir, 'staging');
    await makeStaging(stagingLocation, 'job', [6 * MiB + 512, 512, 3 * MiB]);
    const run = async (disk: string) =>
      runDiskPrep({
        stagingLocation,
        job: 'job',
        disks: [{ id: disk }],
        providers: { folder: new FolderDiskProvider() },
        credential: testCredential,
        passphrase: TEST_PASSPHRASE,
        protector: testProtector(),
        workers: 2,
      });
    const [first, second] = await makeDisks(dir, [16 * MiB, 16 * MiB]);
    const res = await run(first);
    expect(res.copyDirect).toEqual({ read: direct, write: direct });
    expect(res.copyNote).toBe(copyNote(direct, direct));
    refuseDirect('read,write,readback');
    await rm(join(stagingLocation, 'job.diskprep'), { recursive: true });
    const cached = await run(second);
    expect(cached.copyDirect).toEqual({ read: false, write: false });
    expect(cached.copyNote).toMatch(/^Copy read the staging and wrote the disks through the OS cache/);
    expect(cached.readBackDirect).toBe(false);
    for (const f of ['packs/000001.pack', 'packs/000002.pack', 'packs/000003.pack']) {
      const staged = await readFile(join(stagingLocation, 'job', f));
      for (const disk of [first, second])
        expect((await readFile(join(disk, diskRelPath('job', f)))).equals(staged), `${f} on ${disk}`).toBe(true);
    }
  }, 60_000);
});
