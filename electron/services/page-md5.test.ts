import { describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from './test-temp.ts';
import { PageMd5, pageMd5Of, pageMd5OfFile, rangeMd5Of } from './page-md5.ts';
import { PAGE_RANGE_SIZE, rangeLayout } from '../../shared/page-ranges.ts';
import { SEED_FORMAT_VERSION, seedSchema, seedVersionFor, type SeedDescriptor } from '../../shared/staging.ts';
import { checkSeedText, sealSeed, seedSum } from './backup/job-files.ts';
import { syntheticSeed } from './diskprep/test-staging.ts';

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex');
const MiB = 1024 * 1024;

describe('PageMd5: whole-file MD5 and the MD5 of each 4 MiB page range (seed format 2)', () => {
  const data = randomBytes(9 * MiB + 512);
  const want = {
    md5: md5(data),
    ranges: rangeLayout(data.length).map((r) => md5(data.subarray(r.offset, r.offset + r.length))),
  };

  it('gives the same digests however the bytes are fed: one piece, pieces across range ends, single bytes at the edges', () => {
    expect(want.ranges).toHaveLength(3);
    expect(pageMd5Of(data)).toEqual(want);
    for (const cuts of [
      [1, PAGE_RANGE_SIZE - 1, PAGE_RANGE_SIZE + 1],
      [3 * MiB + 7, 5 * MiB - 7],
      [PAGE_RANGE_SIZE, PAGE_RANGE_SIZE],
      [5 * MiB, 1],
    ]) {
      const h = new PageMd5();
      let at = 0;
      for (const c of cuts) {
        h.update(data.subarray(at, at + c));
        at += c;
      }
      h.update(data.subarray(at));
      expect(h.digest(), cuts.join(',')).toEqual(want);
    }
  });

  it('an empty file has no page range; a file of one range or a byte more has its MD5s', () => {
    expect(pageMd5Of(Buffer.alloc(0))).toEqual({ md5: md5(Buffer.alloc(0)), ranges: [] });
    const one = data.subarray(0, PAGE_RANGE_SIZE);
    expect(pageMd5Of(one)).toEqual({ md5: md5(one), ranges: [md5(one)] });
    for (const n of [1, 511, PAGE_RANGE_SIZE - 1, PAGE_RANGE_SIZE + 1]) {
      const part = data.subarray(0, n);
      expect(pageMd5Of(part), String(n)).toEqual({
        md5: md5(part),
        ranges: rangeLayout(n).map((r) => md5(part.subarray(r.offset, r.offset + r.length))),
      });
    }
  });

  it('pageMd5OfFile reads a file into the same digests, with its length and SHA-256', async () => {
    const path = join(await tempDir('obc-page-md5-'), 'f.bin');
    await writeFile(path, data);
    expect(await pageMd5OfFile(path)).toEqual({
      ...want,
      length: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });
});

describe("PageMd5 without the whole-file MD5 (seed format 4): each byte through one MD5, its range's", () => {
  const data = randomBytes(9 * MiB + 512);
  const ranges = rangeLayout(data.length).map((r) => md5(data.subarray(r.offset, r.offset + r.length)));

  it('gives the range MD5s of the whole-file mode, however the bytes are fed, and no whole-file MD5', () => {
    expect(rangeMd5Of(data)).toEqual({ ranges });
    expect(rangeMd5Of(data)).toEqual({ ranges: pageMd5Of(data).ranges });
    for (const cuts of [
      [1, PAGE_RANGE_SIZE - 1, PAGE_RANGE_SIZE + 1],
      [3 * MiB + 7, 5 * MiB - 7],
      [PAGE_RANGE_SIZE, PAGE_RANGE_SIZE],
      [5 * MiB, 1],
    ]) {
      const h = new PageMd5({ whole: false });
      let at = 0;
      for (const c of cuts) {
        h.update(data.subarray(at, at + c));
        at += c;
      }
      h.update(data.subarray(at));
      expect(h.digestRanges(), cuts.join(',')).toEqual({ ranges });
    }
    expect(() => new PageMd5({ whole: false }).digest()).toThrow(/without the whole-file MD5/);
    // The whole-file mode still gives both, and its ranges alone on request.
    const w = new PageMd5();
    w.update(data);
    expect(w.digestRanges()).toEqual({ ranges });
  });

  it('edges: empty, one range, one byte more; pageMd5OfFile({ whole: false }) reads the same', async () => {
    expect(rangeMd5Of(Buffer.alloc(0))).toEqual({ ranges: [] });
    for (const n of [1, 511, PAGE_RANGE_SIZE - 1, PAGE_RANGE_SIZE, PAGE_RANGE_SIZE + 1]) {
      const part = data.subarray(0, n);
      expect(rangeMd5Of(part), String(n)).toEqual({
        ranges: rangeLayout(n).map((r) => md5(part.subarray(r.offset, r.offset + r.length))),
      });
    }
    const path = join(await tempDir('obc-page-md5-'), 'f.bin');
    await writeFile(path, data);
    expect(await pageMd5OfFile(path, { whole: false })).toEqual({
      ranges,
      length: data.length,
      sha256: createHash('sha256').update(data).digest('hex'),
    });
  });
});

describe('seed.json format versions', () => {
  const file = (length: number, fill: number) => {
    const b = Buffer.alloc(length, fill);
    return {
      path: `packs/00000${fill}.pack`,
      length,
      sha256: createHash('sha256').update(b).digest('hex'),
      ...pageMd5Of(b),
    };
  };
  const seed = (formatVersion: 1 | 2, files: SeedDescriptor['files']) => syntheticSeed(files, { formatVersion });
  const issues = (v: unknown) => {
    const r = seedSchema.safeParse(v);
    return r.success ? [] : r.error.issues.map((i) => i.message);
  };
  const a = file(5 * MiB, 1);
  const b = file(512, 2);
  const old = ({ md5: _m, ranges: _r, ...f }: typeof a) => f;

  it('format 2 carries the MD5s of every file; format 1 (older seeds) carries none and still reads', () => {
    expect(issues(seed(2, [a, b]))).toEqual([]);
    expect(issues(seed(1, [old(a), old(b)]))).toEqual([]);
    expect(seedVersionFor([a, b])).toBe(2);
    expect(seedVersionFor([a, old(b)])).toBe(1);
    const text = JSON.stringify(sealSeed(seed(1, [old(a), old(b)])));
    expect(checkSeedText(text)).toMatchObject({ ok: true, seed: { formatVersion: 1 } });
  });

  it('refuses, naming the file: a format-2 entry without MD5s, a range count that does not fit the length, MD5s in format 1', () => {
    expect(issues(seed(2, [a, old(b)]))).toEqual([
      expect.stringMatching(/^packs\/000002\.pack: seed format 2 needs md5 and ranges/),
    ]);
    expect(issues(seed(2, [{ ...a, ranges: a.ranges!.slice(1) }, b]))).toEqual([
      expect.stringMatching(/^packs\/000001\.pack: 1 range MD5\(s\) for 5242880 bytes, which is 2 page range\(s\)/),
    ]);
    expect(issues(seed(1, [a, old(b)]))).toEqual([
      expect.stringMatching(/^packs\/000001\.pack: md5 and ranges belong to seed format 2/),
    ]);
    expect(issues(seed(2, [{ ...a, md5: 'ABC' }, b])).length).toBeGreaterThan(0);
    // The writer refuses to seal such a seed; a text edited into it is named as damaged by the one reader.
    expect(() => sealSeed(seed(2, [a, old(b)]))).toThrow(/seed format 2 needs md5/);
    const bad = seed(2, [a, old(b)]);
    const r = checkSeedText(JSON.stringify({ ...bad, sum: seedSum(bad) }));
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/files\.1: packs\/000002\.pack: seed format 2 needs md5/),
    });
  });

  it("the backup writes format 4; a version above it (a newer build's) is refused naming the version and what to do", () => {
    expect(SEED_FORMAT_VERSION).toBe(4);
    const five = { ...seed(1, [old(a), old(b)]), formatVersion: 5 };
    const why =
      'seed format version 5 is newer than this build reads (1–4): a newer Offline Backup Console wrote it. Update Offline Backup Console on this machine (or use the build that made the backup), then try again.';
    expect(issues(five)).toEqual([why]);
    // The one reader names it before anything else (its checksum and fields may follow a newer build's rules).
    expect(checkSeedText(JSON.stringify({ ...five, sum: seedSum(five) }))).toEqual({
      ok: false,
      reason: `cannot be read here: ${why}`,
    });
    expect(checkSeedText(JSON.stringify({ ...five, sum: 'f'.repeat(64) }))).toEqual({
      ok: false,
      reason: `cannot be read here: ${why}`,
    });
    for (const v of [0, 2.5, '4', null])
      expect(issues({ ...five, formatVersion: v }), String(v)).toEqual([
        expect.stringMatching(/is not one any build writes \(1–4\): the file was altered or damaged/),
      ]);
  });
});
