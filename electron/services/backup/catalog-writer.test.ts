import { pageMd5Of } from '../page-md5.ts';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { zstdDecompressSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { CATALOG_VERSION, decodeCatalog, encodeCatalog, type Catalog } from './catalog.ts';
import { catalogText, writeCatalogFile } from './catalog-writer.ts';
import { open as openSealed } from './crypto.ts';
import { tempDir } from '../test-temp.ts';

const dirs: string[] = [];
afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

const entry = fc.oneof(
  fc.record({
    path: fc.string(),
    type: fc.constant('dir' as const),
    size: fc.constant(0),
    mtimeMs: fc.double({ min: 0, max: 2e12, noNaN: true }),
    mode: fc.integer({ min: 0, max: 0o7777 }),
  }),
  fc.record({
    path: fc.string(),
    type: fc.constant('symlink' as const),
    size: fc.constant(0),
    mtimeMs: fc.double({ min: 0, max: 2e12, noNaN: true }),
    mode: fc.integer({ min: 0, max: 0o7777 }),
    target: fc.string(),
  }),
  fc.record(
    {
      path: fc.string({ unit: 'binary' }),
      type: fc.constant('file' as const),
      size: fc.nat(),
      mtimeMs: fc.double({ min: 0, max: 2e12, noNaN: true }),
      mode: fc.integer({ min: 0, max: 0o7777 }),
      ctimeMs: fc.double({ min: 0, max: 2e12, noNaN: true }),
      ino: fc.nat(),
      chunks: fc.array(fc.nat({ max: 50 }), { maxLength: 5 }),
      changed: fc.constant(true as const),
    },
    { requiredKeys: ['path', 'type', 'size', 'mtimeMs', 'mode', 'ctimeMs', 'ino', 'chunks'] },
  ),
);
const row = fc.tuple(
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
  fc.nat(),
  fc.nat(),
  fc.nat(),
  fc.nat(),
  fc.integer({ min: 0, max: 1 }),
);
const catalog: fc.Arbitrary<Catalog> = fc.record({
  version: fc.constant(CATALOG_VERSION),
  jobName: fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
  createdAt: fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  sourceMachine: fc.string(),
  items: fc.array(fc.string(), { maxLength: 3 }),
  entries: fc.array(entry, { maxLength: 40 }),
  chunks: fc.array(row, { maxLength: 10 }),
  packs: fc.array(fc.record({ n: fc.nat(), path: fc.string(), length: fc.nat() }), { maxLength: 3 }),
  skipped: fc.array(fc.record({ path: fc.string(), reason: fc.string() }), { maxLength: 3 }),
});

const textOf = (c: Catalog) => catalogText(c, c.entries, () => c.chunks, c.packs, c.skipped);

describe('the streamed catalog (catalog-writer.ts)', () => {
  it('is the text JSON.stringify makes, and a file decodeCatalog reads like encodeCatalog’s', async () => {
    const dir = await tempDir('obc-catw-');
    dirs.push(dir);
    const enc = randomBytes(32);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(catalog, async (c) => {
        expect([...textOf(c)].join('')).toBe(JSON.stringify(c));
        const path = join(dir, `catalog-${n++}.bin`);
        const written = await writeCatalogFile(path, enc, c.jobName, textOf(c));
        const bytes = await readFile(path);
        expect(written).toEqual({
          length: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          ranges: pageMd5Of(bytes).ranges, // seed format 4: no whole-file MD5
        });
        expect(bytes.length % 512).toBe(0);
        expect(bytes.subarray(0, 8).toString('latin1')).toBe('OBCCAT01');
        expect(bytes.readUInt32BE(12)).toBe(0);
        const sealed = bytes.subarray(16, 16 + bytes.readUInt32BE(8));
        const plain = openSealed(enc, sealed, Buffer.from(`obc-catalog:${c.jobName}`));
        expect(zstdDecompressSync(plain!).toString('utf8')).toBe(JSON.stringify(c));
        expect(decodeCatalog(enc, c.jobName, bytes)).toEqual(decodeCatalog(enc, c.jobName, encodeCatalog(enc, c)));
      }),
      { numRuns: 60 },
    );
  });

  it('streams a catalog of many entries in pieces, and refuses a wrong key', async () => {
    const dir = await tempDir('obc-catw-');
    dirs.push(dir);
    const enc = randomBytes(32);
    const entries = Array.from({ length: 20_000 }, (_, i) => ({
      path: `home/ann/folder-${i % 97}/file-${i}.txt`,
      type: 'file' as const,
      size: i,
      mtimeMs: 1.7e12 + i / 3,
      mode: 0o644,
      ctimeMs: 1.7e12,
      ino: i,
      chunks: [i],
    }));
    const c: Catalog = {
      version: CATALOG_VERSION,
      jobName: 'big',
      createdAt: new Date(0).toISOString(),
      sourceMachine: 'm',
      items: ['/home/ann'],
      entries,
      chunks: [],
      packs: [],
      skipped: [],
    };
    const pieces = [...textOf(c)];
    expect(pieces.length).toBeGreaterThan(4);
    const path = join(dir, 'catalog.bin');
    await writeCatalogFile(path, enc, 'big', textOf(c));
    const bytes = await readFile(path);
    expect(decodeCatalog(enc, 'big', bytes).entries).toEqual(entries);
    expect(() => decodeCatalog(randomBytes(32), 'big', bytes)).toThrow(/does not authenticate/);
    expect(() => decodeCatalog(enc, 'other', bytes)).toThrow(/does not authenticate/);
  });
});
