import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, readdir, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { SEED_RANGES_FILE, rangesHeader, seedRangesBytes } from '../../shared/seed-ranges.ts';
import { seedSchema, type SeedFile } from '../../shared/staging.ts';
import { pageMd5Of } from './page-md5.ts';
import { SeedRangesReader, checkSeedRanges, writeSeedRanges } from './seed-ranges-file.ts';
import { checkSeedText, readSeed, sealSeed, seedSum, writeSeed } from './backup/job-files.ts';
import { canonicalJson, canonicalJsonTo } from '../../shared/canonical-json.ts';
import { syntheticSeed } from './diskprep/test-staging.ts';
import { tempDir } from './test-temp.ts';

const MiB = 1024 * 1024;
const file = (i: number, length: number): SeedFile => {
  const b = Buffer.alloc(length, i);
  return {
    path: `packs/${String(i).padStart(6, '0')}.pack`,
    length,
    sha256: createHash('sha256').update(b).digest('hex'),
    ...pageMd5Of(b),
  };
};
// 3 + 1 + 0 + 2 ranges: files follow each other in the side file, an empty file has none.
const FILES = [file(1, 9 * MiB), file(2, 512), file(3, 0), file(4, 8 * MiB)];

const errOf = async (p: Promise<unknown>): Promise<AppError> => {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
};

async function written() {
  const dir = await tempDir('obc-seed-ranges-');
  const side = await writeSeedRanges(dir, FILES);
  return { dir, path: join(dir, SEED_RANGES_FILE), ...side };
}

describe('seed format 3: the side file of page-range MD5s', () => {
  it('holds every range MD5 in file order, 16 bytes each; entries point at their first; read back per file', async () => {
    const { dir, path, files, entry } = await written();
    expect(entry).toEqual({
      path: SEED_RANGES_FILE,
      count: 6,
      sha256: createHash('sha256')
        .update(await readFile(path))
        .digest('hex'),
    });
    expect((await readFile(path)).length).toBe(seedRangesBytes(6));
    expect(files.map((f) => f.firstRange)).toEqual([0, 3, 4, 4]);
    expect(files.every((f) => f.ranges === undefined && f.md5 !== undefined)).toBe(true);
    expect(await readdir(dir)).toEqual([SEED_RANGES_FILE]); // no temp file left
    await checkSeedRanges(dir, 'job1', entry);
    const r = await SeedRangesReader.open(dir, 'job1', entry);
    try {
      for (let i = 0; i < FILES.length; i++)
        expect(await r.read(files[i].firstRange!, FILES[i].ranges!.length)).toEqual(FILES[i].ranges);
      await expect(r.read(5, 2)).rejects.toMatchObject({ code: 'CORRUPT_DATA', message: /holds 6 range MD5/ });
    } finally {
      await r.close();
    }
    await rm(dir, { recursive: true });
  });

  it('damaged, truncated, extended, missing or from another seed: CORRUPT_DATA naming the file and what is wrong', async () => {
    const { dir, path, entry } = await written();
    const good = await readFile(path);
    const expectRefused = async (why: RegExp) => {
      const e = await errOf(checkSeedRanges(dir, 'job1', entry));
      expect(e.code).toBe('CORRUPT_DATA');
      expect(e.message).toContain(path);
      expect(e.message).toContain('job1');
      expect(e.message).toMatch(why);
      expect(e.details).toMatchObject({ path, job: 'job1' });
    };
    const flipped = Buffer.from(good);
    flipped[40] ^= 0x01;
    await writeFile(path, flipped);
    await expectRefused(
      /fails the SHA-256 seed\.json records .*damaged after the backup wrote it, or it belongs to another seed/,
    );

    await truncate(path, good.length - 5);
    await expectRefused(/is 123 bytes long, but 6 range MD5\(s\) take 128: it was truncated/);
    await writeFile(path, Buffer.concat([good, Buffer.alloc(16)]));
    await expectRefused(/it was extended/);
    await writeFile(path, good.subarray(0, 10));
    await expectRefused(/shorter than its header/);

    // Another seed's side file: another count (header), or the same count with other digests (SHA-256).
    await writeFile(path, Buffer.concat([rangesHeader(7), Buffer.alloc(7 * 16)]));
    await expectRefused(/holds 7 range MD5\(s\), seed\.json expects 6: it belongs to another seed/);
    await writeFile(path, Buffer.concat([rangesHeader(6), Buffer.alloc(6 * 16, 9)]));
    await expectRefused(/or it belongs to another seed/);
    const notOurs = Buffer.from(good);
    notOurs.write('NOTRMD5\n', 0, 'latin1');
    await writeFile(path, notOurs);
    await expectRefused(/does not start with the range-MD5 file header/);

    await rm(path);
    await expectRefused(/is missing/);
    await expect(SeedRangesReader.open(dir, 'job1', entry)).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      message: expect.stringContaining(`${path} that seed.json of job job1 names is missing`),
    });
    await writeFile(path, good);
    await checkSeedRanges(dir, 'job1', entry);
    await rm(dir, { recursive: true });
  });

  it('seed.json format 3: md5 + firstRange per file, in order, within the count, the entry under its checksum', async () => {
    const { dir, files, entry } = await written();
    const seed = syntheticSeed(files, { rangeMd5s: entry });
    expect(seed.formatVersion).toBe(3);
    const issues = (v: unknown) => {
      const r = seedSchema.safeParse(v);
      return r.success ? [] : r.error.issues.map((i) => i.message);
    };
    expect(issues(seed)).toEqual([]);
    expect(issues({ ...seed, rangeMd5s: undefined })).toEqual(['seed format 3 needs its rangeMd5s entry']);
    expect(issues({ ...seed, rangeMd5s: { ...entry, count: 5 } })).toEqual([
      '5 range MD5(s) recorded, the files need 6',
    ]);
    expect(issues({ ...seed, files: files.map((f, i) => (i === 1 ? { ...f, firstRange: 2 } : f)) })).toEqual([
      'packs/000002.pack: firstRange 2 overlaps the file before it (which ends at range 3)',
    ]);
    expect(issues({ ...seed, files: files.map((f, i) => (i === 3 ? { ...f, firstRange: 5 } : f)) })).toEqual([
      '6 range MD5(s) recorded, the files need 7',
    ]);
    // An entry removed (a gap) is not the schema's business: Disk Prep's check against the catalog names it.
    expect(issues({ ...seed, files: [files[0], files[3]] })).toEqual([]);
    expect(issues({ ...seed, files: [{ ...files[0], firstRange: undefined }, ...files.slice(1)] })).toEqual([
      'packs/000001.pack: seed format 3 needs md5 and firstRange for every file',
    ]);
    expect(issues({ ...seed, files: [FILES[0], ...files.slice(1)] })).toEqual([
      'packs/000001.pack: seed format 3 keeps the range MD5s in its side file, not in the entry',
    ]);
    expect(issues({ ...seed, formatVersion: 2, files: FILES })).toEqual([
      'rangeMd5s belongs to seed format 3, this seed is 2',
    ]);
    // An edited side-file entry (another seed's file and hash put in its place) breaks seed.json's own checksum.
    const text = JSON.stringify(sealSeed(seed));
    expect(checkSeedText(text)).toMatchObject({ ok: true, seed: { formatVersion: 3, rangeMd5s: entry } });
    const edited = text.replace(entry.sha256, 'a'.repeat(64));
    expect(checkSeedText(edited)).toMatchObject({ ok: false, reason: expect.stringMatching(/fails its own checksum/) });

    // Format 4 (what the backup writes since session 10): the same without the whole-file MD5.
    const noMd5 = files.map(({ md5: _m, ...f }) => f);
    const four = { ...seed, formatVersion: 4 as const, files: noMd5 };
    expect(issues(four)).toEqual([]);
    expect(checkSeedText(JSON.stringify(sealSeed(four)))).toMatchObject({ ok: true, seed: { formatVersion: 4 } });
    expect(issues({ ...four, rangeMd5s: undefined })).toEqual(['seed format 4 needs its rangeMd5s entry']);
    expect(issues({ ...four, files })).toEqual([
      'packs/000001.pack: seed format 4 records no whole-file MD5 (the file has its SHA-256 and range MD5s)',
    ]);
    expect(issues({ ...four, files: [{ ...noMd5[0], firstRange: undefined }, ...noMd5.slice(1)] })).toEqual([
      'packs/000001.pack: seed format 4 needs firstRange for every file',
    ]);
    expect(issues({ ...four, files: noMd5.map((f, i) => (i === 1 ? { ...f, firstRange: 2 } : f)) })).toEqual([
      'packs/000002.pack: firstRange 2 overlaps the file before it (which ends at range 3)',
    ]);
    expect(issues({ ...four, files: [FILES[0], ...noMd5.slice(1)] })).toEqual([
      'packs/000001.pack: seed format 4 keeps the range MD5s in its side file, not in the entry',
    ]);

    // Written in pieces, one line per file entry; the checksum hashed in pieces is the one over the whole text.
    await writeSeed(dir, seed);
    const lines = (await readFile(join(dir, 'seed.json'), 'utf8')).split('\n');
    expect(lines.filter((l) => l.startsWith('    {"path":"packs/'))).toHaveLength(4);
    const back = (await readSeed(dir))!;
    expect(back).toEqual(sealSeed(seed));
    const { sum: _s, ...rest } = back;
    expect(back.sum).toBe(createHash('sha256').update(canonicalJson(rest)).digest('hex'));
    expect(seedSum({ ...seed, files: [] })).toBe(
      createHash('sha256')
        .update(canonicalJson({ ...seed, files: [] }))
        .digest('hex'),
    );
    await rm(dir, { recursive: true });
  });

  it('canonical JSON in pieces is the canonical JSON text', () => {
    const values = [
      { b: [1, 'x', null, { z: true, a: [] }], a: { c: undefined, d: 'é"\\' }, n: -0.5 },
      [],
      {},
      'text',
      [{ k: undefined }, [[]], 3],
    ];
    for (const v of values) {
      let out = '';
      canonicalJsonTo(v, (p) => (out += p));
      expect(out).toBe(canonicalJson(v));
    }
  });
});
