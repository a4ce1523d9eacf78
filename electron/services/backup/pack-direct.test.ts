/**
 * The pack writer's byte path (pack-writer.ts, direct-io.ts): on Linux packs are written with O_DIRECT — whole 4 KiB
 * blocks from the page-aligned stage, what is left of a block carried to the next write, the pack's last partial
 * block through a buffered descriptor — and read back with O_DIRECT. A pack of any length around the 512 / 4096 /
 * stage edges must be byte for byte the pack the cached path writes (the test hook refuses O_DIRECT as tmpfs does), and
 * the direct read-back must catch a byte changed on the disk.
 *
 * The index is sealed with a fixed nonce here (`seal` mocked) so two writes of the same chunks are comparable whole;
 * the chunks are sealed once and given to both writers.
 */
import { closeSync, constants, openSync, readSync, writeSync } from 'node:fs';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { chunkId, sealInto, SEAL_OVERHEAD } from './crypto.ts';
import type * as CryptoModule from './crypto.ts';
import { chunkAad, ENTRY_LEN, FLAG_RAW, PACK_FOOTER_LEN, PACK_HEADER_LEN, packPath } from './pack-format.ts';
import { checkPackFile, PACK_REFUSE_DIRECT_ENV, packIoNote, PackWriter, type CommittedPack } from './pack-writer.ts';
import { prng, tempDir } from './test-trees.ts';
import { pageMd5Of } from '../page-md5.ts';
import { alignedBuffer, BLOCK, O_DIRECT } from '../direct-io.ts';
import { directWorks } from '../test-direct-io.ts';

vi.mock('./crypto.ts', async (importOriginal) => {
  const real = await importOriginal<typeof CryptoModule>();
  return {
    ...real,
    // A fixed nonce: the same index seals to the same bytes (test only; the product's nonces are random).
    seal: (key: Buffer, plaintext: Uint8Array, aad: Uint8Array) => {
      const nonce = Buffer.alloc(12, 7);
      const c = createCipheriv('aes-256-gcm', key, nonce);
      c.setAAD(aad);
      return Buffer.concat([nonce, c.update(plaintext), c.final(), c.getAuthTag()]);
    },
  };
});

const enc = randomBytes(32);
const mac = randomBytes(32);
const MiB = 1 << 20;
const TRAILER_FIXED = 12 + 16 + PACK_FOOTER_LEN; // the index's nonce and tag, the footer

/** Sealed chunks whose pack is `length` bytes long, `slack` of it the index's zero padding (< 512). */
function chunksFor(length: number, slack: number, pieces: number): Array<{ id: Buffer; raw: number; sealed: Buffer }> {
  const perChunk = SEAL_OVERHEAD + ENTRY_LEN;
  const raw = length - slack - PACK_HEADER_LEN - TRAILER_FIXED - pieces * perChunk;
  expect(raw).toBeGreaterThanOrEqual(pieces);
  const bytes = prng(length);
  return Array.from({ length: pieces }, (_, i) => {
    const size = Math.floor(raw / pieces) + (i < raw % pieces ? 1 : 0);
    const data = bytes(size);
    const id = chunkId(mac, data);
    return { id, raw: size, sealed: sealInto(enc, data, chunkAad(id, FLAG_RAW), Buffer.alloc(size + SEAL_OVERHEAD)) };
  });
}

async function writePack(
  jobDir: string,
  chunks: Array<{ id: Buffer; raw: number; sealed: Buffer }>,
): Promise<{ pack: CommittedPack; file: Buffer; writer: PackWriter }> {
  const committed: CommittedPack[] = [];
  const w = new PackWriter(jobDir, enc, 1, 1 << 30, async (p) => {
    committed.push(p);
  });
  for (const c of chunks) expect(await w.add(c.id, FLAG_RAW, c.raw, c.sealed)).toBe(true);
  await w.finish();
  expect(committed).toHaveLength(1);
  return { pack: committed[0], file: await readFile(join(jobDir, packPath(1))), writer: w };
}

const saved = { hooks: process.env.OBC_TEST_HOOKS, refuse: process.env[PACK_REFUSE_DIRECT_ENV] };
function refuseDirect(what: string | null): void {
  if (what === null) delete process.env[PACK_REFUSE_DIRECT_ENV];
  else {
    process.env.OBC_TEST_HOOKS = '1';
    process.env[PACK_REFUSE_DIRECT_ENV] = what; // read by each PackWriter and each read-back when they start
  }
}

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-packdirect-')));
afterEach(async () => {
  for (const [k, v] of [
    ['OBC_TEST_HOOKS', saved.hooks],
    [PACK_REFUSE_DIRECT_ENV, saved.refuse],
  ] as const)
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await cleanup();
});

describe('pack writer, direct and cached', () => {
  // Pack lengths (all multiples of 512) at and around the block edge, the 4 MiB flush and the 6 MiB stage, with and
  // without index padding; several chunks so a write ends mid-block and the rest is carried to the next one.
  const cases: Array<[length: number, slack: number, pieces: number]> = [
    [512, 0, 1],
    [1024, 300, 2],
    [3584, 0, 1],
    [4096, 0, 1],
    [4096, 511, 3],
    [4608, 0, 2],
    [8192 - 512, 17, 1],
    [8192, 0, 5],
    [8192 + 512, 0, 1],
    [4 * MiB - 512, 0, 2],
    [4 * MiB, 100, 3],
    [4 * MiB + 512, 0, 3],
    [6 * MiB - 512, 0, 3],
    [6 * MiB, 0, 2],
    [6 * MiB + 512, 200, 3],
    [13 * MiB + 3584, 0, 5],
  ];

  it('writes every pack length byte for byte as the cached path does, and reads it back from the disk', async () => {
    const direct = directWorks(dir);
    for (const [i, [length, slack, pieces]] of cases.entries()) {
      const chunks = chunksFor(length, slack, pieces);
      refuseDirect(null);
      const a = await writePack(join(dir, `direct-${i}`), chunks);
      refuseDirect('write,readback');
      const b = await writePack(join(dir, `cached-${i}`), chunks);
      expect(a.file.length, `case ${i}`).toBe(length);
      expect(a.file.equals(b.file), `case ${i}: ${length} bytes, ${pieces} chunk(s)`).toBe(true);
      expect(a.pack).toMatchObject({ length, sha256: createHash('sha256').update(b.file).digest('hex') });
      expect(a.pack.ranges).toEqual(b.pack.ranges);
      expect(a.pack.ranges).toEqual(pageMd5Of(b.file).ranges);
      expect(a.pack, 'seed format 4: no whole-file MD5').not.toHaveProperty('md5');
      const one = { writtenDirect: 1, writtenCached: 0, readDirect: 1, readCached: 0 };
      const none = { writtenDirect: 0, writtenCached: 1, readDirect: 0, readCached: 1 };
      expect(a.writer.io).toEqual(direct ? one : none);
      expect(b.writer.io).toEqual(none);
      expect(a.writer.written).toBe(length);
    }
  });

  it('says which path the packs took', () => {
    expect(packIoNote({ writtenDirect: 3, writtenCached: 0, readDirect: 3, readCached: 0 })).toMatch(
      /^Packs written and read back with O_DIRECT \(3\)/,
    );
    expect(packIoNote({ writtenDirect: 2, writtenCached: 1, readDirect: 2, readCached: 1 })).toMatch(
      /O_DIRECT: 2 of 3, read back with O_DIRECT: 2; the rest through the OS cache/,
    );
    expect(packIoNote({ writtenDirect: 0, writtenCached: 0, readDirect: 0, readCached: 0 })).toMatch(/No pack/);
  });

  it('reads back through the cache when only the read-back is refused, and says so', async () => {
    refuseDirect('readback');
    const { writer } = await writePack(dir, chunksFor(8192 + 512, 0, 2));
    expect(writer.io).toEqual(
      directWorks(dir)
        ? { writtenDirect: 1, writtenCached: 0, readDirect: 0, readCached: 1 }
        : { writtenDirect: 0, writtenCached: 1, readDirect: 0, readCached: 1 },
    );
  });
});

describe('direct read-back (checkPackFile with O_DIRECT)', () => {
  const sizes = [1, 700, 3000, 5000, 64, 12_000, 100, 2, 9000, 300, 40_000, 17, 4096, 4095, 4097];

  /** A small page-aligned window (a multiple of 4096) so the direct window slides, carries and grows. */
  const windows = [undefined, BLOCK, 2 * BLOCK];
  const scratchOf = (w: number | undefined) => (w ? alignedBuffer(w).subarray(0, w) : undefined);

  async function packOfSizes(): Promise<string> {
    const bytes = prng(3);
    const chunks = sizes.map((size) => {
      const data = bytes(size);
      const id = chunkId(mac, data);
      return { id, raw: size, sealed: sealInto(enc, data, chunkAad(id, FLAG_RAW), Buffer.alloc(size + SEAL_OVERHEAD)) };
    });
    await writePack(dir, chunks);
    return join(dir, packPath(1));
  }

  it.runIf(O_DIRECT !== undefined)('hashes every byte and authenticates every chunk, any window', async () => {
    const path = await packOfSizes();
    const file = await readFile(path);
    expect(file.length % BLOCK).not.toBe(0); // the last block is partial: the read that ends the file is short
    const cached = await checkPackFile(enc, 1, path);
    if ('error' in cached) throw new Error(cached.error);
    for (const w of windows) {
      const c = await checkPackFile(enc, 1, path, scratchOf(w), true);
      if ('error' in c) throw new Error(c.error);
      expect(c.direct).toBe(directWorks(dir));
      expect(c.bad).toEqual([]);
      expect(c.entries).toEqual(cached.entries);
      expect(c.sha256).toBe(createHash('sha256').update(file).digest('hex'));
      expect(c.ranges).toEqual(cached.ranges);
      expect(c.ranges).toEqual(pageMd5Of(file).ranges);
    }
  });

  it.runIf(O_DIRECT !== undefined)('catches a byte changed on the disk, and only that chunk', async () => {
    const path = await packOfSizes();
    const first = await checkPackFile(enc, 1, path, undefined, true);
    if ('error' in first) throw new Error(first.error);
    const hit = [...first.entries].sort((a, b) => a.offset - b.offset)[10];
    const at = hit.offset + Math.floor(hit.length / 2);
    // Change the byte on the device itself: a direct read-modify-write of its block (no cached copy of it is left).
    const block = alignedBuffer(BLOCK).subarray(0, BLOCK);
    const from = at - (at % BLOCK);
    const fd = openSync(path, constants.O_RDWR | (directWorks(dir) ? O_DIRECT! : 0));
    try {
      const got = readSync(fd, block, 0, BLOCK, from);
      block[at - from] ^= 0x01;
      expect(writeSync(fd, block, 0, got, from)).toBe(got);
    } finally {
      closeSync(fd);
    }
    for (const w of windows) {
      const c = await checkPackFile(enc, 1, path, scratchOf(w), true);
      if ('error' in c) throw new Error(c.error);
      expect(c.direct).toBe(directWorks(dir));
      expect(c.bad.map((e) => e.offset)).toEqual([hit.offset]);
      expect(c.sha256).not.toBe(first.sha256);
    }
  });
});
