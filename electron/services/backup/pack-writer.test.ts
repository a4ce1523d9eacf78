import { pageMd5Of } from '../page-md5.ts';
import { createHash, randomBytes } from 'node:crypto';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chunkId, sealInto, SEAL_OVERHEAD } from './crypto.ts';
import { chunkAad, FLAG_RAW, packPath } from './pack-format.ts';
import { checkPackFile, PackWriter, type CommittedPack } from './pack-writer.ts';
import { prng, tempDir } from './test-trees.ts';

const enc = randomBytes(32);
const mac = randomBytes(32);

/** One committed pack of chunks of the given sizes (sealed as the workers seal them). */
async function packOf(jobDir: string, sizes: number[]): Promise<{ pack: CommittedPack; path: string }> {
  const committed: CommittedPack[] = [];
  const w = new PackWriter(jobDir, enc, 1, 1 << 30, async (p) => {
    committed.push(p);
  });
  const bytes = prng(sizes.length);
  for (const size of sizes) {
    const data = bytes(size);
    const id = chunkId(mac, data);
    const sealed = sealInto(enc, data, chunkAad(id, FLAG_RAW), Buffer.alloc(size + SEAL_OVERHEAD));
    expect(await w.add(id, FLAG_RAW, size, sealed)).toBe(true);
    expect(await w.add(id, FLAG_RAW, size, sealed)).toBe(false);
  }
  await w.finish();
  expect(committed).toHaveLength(1);
  return { pack: committed[0], path: join(jobDir, packPath(1)) };
}

describe('checkPackFile', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-packcheck-')));
  afterEach(() => cleanup());

  // Many small chunks and a few larger than the read buffer: the window slides, keeps a chunk cut at its end, and
  // grows for a chunk longer than itself; every byte is hashed once, in order.
  const sizes = [1, 700, 3000, 5000, 64, 12_000, 100, 2, 9000, 300, 40_000, 17, 4096, 4095, 4097];

  for (const scratch of [undefined, 4096, 1000]) {
    it(`hashes every byte and authenticates every chunk (scratch ${scratch ?? 'default'})`, async () => {
      const { pack, path } = await packOf(dir, sizes);
      const file = await readFile(path);
      const c = await checkPackFile(enc, 1, path, scratch ? Buffer.alloc(scratch) : undefined);
      if ('error' in c) throw new Error(c.error);
      expect(c.bad).toEqual([]);
      expect(c.entries).toHaveLength(sizes.length);
      expect(c.sha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(c.sha256).toBe(pack.sha256);
      expect(c.ranges).toEqual(pageMd5Of(file).ranges);
      expect(pack.ranges).toEqual(pageMd5Of(file).ranges);
      expect(c, 'seed format 4: no whole-file MD5').not.toHaveProperty('md5');
      expect(pack, 'seed format 4: no whole-file MD5').not.toHaveProperty('md5');
    });
  }

  it('records the page-range MD5s of a pack over several 4 MiB ranges, as read back (seed format 4)', async () => {
    const { pack, path } = await packOf(dir, [3 << 20, 5000, 3 << 20, 3 << 20]);
    const file = await readFile(path);
    expect(pageMd5Of(file).ranges).toHaveLength(3);
    expect(pack.ranges).toEqual(pageMd5Of(file).ranges);
    expect(pack).not.toHaveProperty('md5');
  });

  it('names each damaged chunk, and only those, wherever it lies in the read buffer', async () => {
    const { path } = await packOf(dir, sizes);
    const file = await readFile(path);
    const first = await checkPackFile(enc, 1, path);
    if ('error' in first) throw new Error(first.error);
    const byOffset = [...first.entries].sort((a, b) => a.offset - b.offset);
    const hit = [byOffset[0], byOffset[6], byOffset[10], byOffset[byOffset.length - 1]];
    for (const e of hit) file[e.offset + Math.floor(e.length / 2)] ^= 0x40;
    await writeFile(path, file);
    for (const scratch of [undefined, 4096, 1000]) {
      const c = await checkPackFile(enc, 1, path, scratch ? Buffer.alloc(scratch) : undefined);
      if ('error' in c) throw new Error(c.error);
      expect(c.bad.map((e) => e.offset).sort((a, b) => a - b)).toEqual(hit.map((e) => e.offset));
      expect(c.sha256).toBe(createHash('sha256').update(file).digest('hex'));
    }
  });

  it('refuses a pack cut short or of another number', async () => {
    const { path } = await packOf(dir, sizes);
    expect(await checkPackFile(enc, 2, path)).toMatchObject({ error: expect.stringMatching(/names pack 1/) });
    const file = await readFile(path);
    await writeFile(path, file.subarray(0, file.length - 512));
    expect(await checkPackFile(enc, 1, path)).toHaveProperty('error');
  });
});

describe('PackWriter.abandon', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-packabandon-')));
  afterEach(() => cleanup());

  const openFds = async () => (await readdir('/proc/self/fd')).length;

  // A run that fails or is cancelled abandons the writer while the batch being handled still adds chunks: the
  // pack being opened then must be closed and removed too, and later adds must not open another (a FileHandle
  // left to the garbage collector, DEP0137, and a temp pack left behind).
  it.runIf(process.platform === 'linux')('closes a pack opened while it abandons, and adds nothing after', async () => {
    const before = await openFds();
    const w = new PackWriter(dir, enc, 1, 1 << 30, async () => undefined);
    const data = prng(7)(4096);
    const id = chunkId(mac, data);
    const sealed = sealInto(enc, data, chunkAad(id, FLAG_RAW), Buffer.alloc(data.length + SEAL_OVERHEAD));
    const adding = w.add(id, FLAG_RAW, data.length, sealed).catch((e: unknown) => e);
    await w.abandon();
    const first = await adding;
    if (first !== true) expect(first).toMatchObject({ code: 'CANCELLED' });
    const id2 = chunkId(mac, Buffer.from('another'));
    await expect(w.add(id2, FLAG_RAW, data.length, sealed)).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(await openFds()).toBe(before);
    expect(await readdir(join(dir, 'packs')).catch(() => [])).toEqual([]);
  });

  // When a pack fails while being made durable, the next pack is already open: the commit that finds the failure
  // owns that pack's handle (the writer has moved on to the pack after it), so it must close and remove it.
  it.runIf(process.platform === 'linux')('closes the next pack when the one before it fails to commit', async () => {
    const before = await openFds();
    const w = new PackWriter(dir, enc, 1, 64 << 10, async (p) => {
      if (p.n === 1) throw new Error('disk went away');
    });
    const bytes = prng(11);
    let failure: unknown = null;
    for (let i = 0; i < 16 && !failure; i++) {
      const data = bytes(40 << 10);
      const id = chunkId(mac, data);
      const sealed = sealInto(enc, data, chunkAad(id, FLAG_RAW), Buffer.alloc(data.length + SEAL_OVERHEAD));
      failure = await w.add(id, FLAG_RAW, data.length, sealed).then(
        () => null,
        (e: unknown) => e,
      );
    }
    expect(failure).toMatchObject({ message: 'disk went away' });
    await w.abandon();
    expect(await openFds()).toBe(before);
    expect((await readdir(join(dir, 'packs'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
