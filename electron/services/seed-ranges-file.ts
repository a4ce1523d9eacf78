/**
 * Reading and writing a format-3 seed's side file of page-range MD5s (layout: shared/seed-ranges.ts). The backup
 * writes it (atomically, before seed.json names it); Disk Prep checks it whole before copying (its SHA-256 as seed.json
 * records it, streamed) and then reads one file's digests at a time while it copies.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { rangeCount } from '../../shared/page-ranges.ts';
import {
  RANGE_DIGEST_BYTES,
  SEED_RANGES_FILE,
  SEED_RANGES_HEADER_BYTES,
  rangeDigestOffset,
  rangesHeader,
  rangesHeaderProblem,
  seedRangesBytes,
  type SeedRangesEntry,
} from '../../shared/seed-ranges.ts';
import type { SeedFile } from '../../shared/staging.ts';
import { writeFileAtomicWith } from './store/atomic.ts';

/** Digests written per write call (1 MiB of them). */
const BATCH = 65536;

/**
 * Writes `<jobDir>/seed-ranges.bin` from file entries carrying their range MD5s (hex, seed format 2 shape), in order,
 * atomically (temp file, fsync, rename, directory fsync), and returns the entries as format 3 has them (`firstRange`
 * instead of `ranges`) with the seed's `rangeMd5s` entry. `digestsOf` may give a file's range MD5s instead, as the
 * 16-byte digests the side file holds (the backup keeps its packs' that way, job-state.ts PackTable).
 */
export async function writeSeedRanges(
  jobDir: string,
  files: SeedFile[],
  digestsOf: (f: SeedFile, i: number) => string[] | Uint8Array | undefined = (f) => f.ranges,
): Promise<{ files: SeedFile[]; entry: SeedRangesEntry }> {
  const countOf = (d: string[] | Uint8Array | undefined) =>
    d instanceof Uint8Array ? Math.ceil(d.length / RANGE_DIGEST_BYTES) : d?.length;
  const counts = files.map((f, i) => countOf(digestsOf(f, i)));
  const count = counts.reduce((s: number, k) => s + (k ?? 0), 0);
  const sha = createHash('sha256');
  let written = 0;
  await writeFileAtomicWith(join(jobDir, SEED_RANGES_FILE), async (fh) => {
    const put = async (b: Uint8Array) => {
      sha.update(b);
      written += b.length;
      await fh.writeFile(b); // from the current position, to its end
    };
    await put(rangesHeader(count));
    const buf = Buffer.alloc(BATCH * RANGE_DIGEST_BYTES);
    let n = 0;
    /** Copies one digest into the batch; true when the batch is full. */
    const one = (f: SeedFile, r: string | Uint8Array): boolean => {
      const at = n * RANGE_DIGEST_BYTES;
      const took = typeof r === 'string' ? buf.write(r, at, 'hex') : (buf.set(r, at), r.length);
      if (took !== RANGE_DIGEST_BYTES)
        throw new AppError('INTERNAL', `${f.path}: range MD5 "${String(r)}" is not 16 bytes of hex.`);
      return ++n === BATCH;
    };
    for (const [i, f] of files.entries()) {
      const d = digestsOf(f, i);
      const each =
        d instanceof Uint8Array
          ? Array.from({ length: Math.ceil(d.length / RANGE_DIGEST_BYTES) }, (_, k) =>
              d.subarray(k * RANGE_DIGEST_BYTES, (k + 1) * RANGE_DIGEST_BYTES),
            )
          : (d ?? []);
      for (const r of each)
        if (one(f, r)) {
          await put(buf);
          n = 0;
        }
    }
    if (n) await put(buf.subarray(0, n * RANGE_DIGEST_BYTES));
  });
  if (written !== seedRangesBytes(count))
    throw new AppError('INTERNAL', `${SEED_RANGES_FILE}: wrote ${written} bytes for ${count} digests.`);
  let next = 0;
  const out = files.map((f, i) => {
    const { ranges: _ranges, ...rest } = f;
    const k = rangeCount(f.length);
    if (counts[i] !== k)
      throw new AppError('INTERNAL', `${f.path}: ${counts[i] ?? 0} range MD5(s) for ${k} page range(s).`);
    const e = { ...rest, firstRange: next };
    next += k;
    return e;
  });
  return { files: out, entry: { path: SEED_RANGES_FILE, count, sha256: sha.digest('hex') } };
}

const damaged = (path: string, jobName: string, why: string): AppError =>
  new AppError(
    'CORRUPT_DATA',
    `The page-range MD5 file ${path} that seed.json of job ${jobName} names ${why}. Nothing was copied. Run Back Up Now again for this job (replacing it), or put back the ${SEED_RANGES_FILE} it wrote beside seed.json.`,
    { path, job: jobName },
  );

/**
 * Checks the side file a format-3 seed names: present, the size and header its digest count gives, and the SHA-256
 * seed.json records (read in 1 MiB pieces, never whole). Throws CORRUPT_DATA naming the file and what is wrong.
 */
export async function checkSeedRanges(jobDir: string, jobName: string, entry: SeedRangesEntry): Promise<void> {
  const path = join(jobDir, entry.path);
  const fh = await openSide(path, jobName);
  try {
    const size = (await fh.stat()).size;
    const want = seedRangesBytes(entry.count);
    const head = Buffer.alloc(SEED_RANGES_HEADER_BYTES);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const headWhy = rangesHeaderProblem(head.subarray(0, bytesRead), entry.count);
    if (headWhy) throw damaged(path, jobName, headWhy);
    if (size !== want)
      throw damaged(
        path,
        jobName,
        `is ${size} bytes long, but ${entry.count} range MD5(s) take ${want}: it was ${size < want ? 'truncated' : 'extended'}`,
      );
    const sha = createHash('sha256');
    const buf = Buffer.alloc(1 << 20);
    for (let pos = 0; pos < size;) {
      const r = await fh.read(buf, 0, Math.min(buf.length, size - pos), pos);
      if (r.bytesRead === 0) throw damaged(path, jobName, `ends at byte ${pos} while being read (${size} expected)`);
      sha.update(buf.subarray(0, r.bytesRead));
      pos += r.bytesRead;
    }
    const got = sha.digest('hex');
    if (got !== entry.sha256)
      throw damaged(
        path,
        jobName,
        `fails the SHA-256 seed.json records (recorded ${entry.sha256.slice(0, 12)}…, the file gives ${got.slice(0, 12)}…): it was damaged after the backup wrote it, or it belongs to another seed`,
      );
  } finally {
    await fh.close();
  }
}

async function openSide(path: string, jobName: string): Promise<FileHandle> {
  try {
    return await open(path, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw damaged(path, jobName, e.code === 'ENOENT' ? 'is missing' : `cannot be read (${e.message})`);
  }
}

/** An open side file, read one file's digests at a time (Disk Prep, while it copies). */
export class SeedRangesReader {
  private readonly fh: FileHandle;
  private readonly path: string;
  private readonly jobName: string;
  private readonly count: number;

  private constructor(fh: FileHandle, path: string, jobName: string, count: number) {
    this.fh = fh;
    this.path = path;
    this.jobName = jobName;
    this.count = count;
  }

  static async open(jobDir: string, jobName: string, entry: SeedRangesEntry): Promise<SeedRangesReader> {
    const path = join(jobDir, entry.path);
    return new SeedRangesReader(await openSide(path, jobName), path, jobName, entry.count);
  }

  /** The `n` range MD5s from index `first` (lower-case hex), for one file's entry. */
  async read(first: number, n: number): Promise<string[]> {
    if (first + n > this.count)
      throw damaged(
        this.path,
        this.jobName,
        `holds ${this.count} range MD5(s); a file needs ${first}–${first + n - 1}`,
      );
    const buf = Buffer.alloc(n * RANGE_DIGEST_BYTES);
    let got = 0;
    while (got < buf.length) {
      const r = await this.fh.read(buf, got, buf.length - got, rangeDigestOffset(first) + got);
      if (r.bytesRead === 0)
        throw damaged(this.path, this.jobName, `ends before range MD5 ${first + Math.floor(got / RANGE_DIGEST_BYTES)}`);
      got += r.bytesRead;
    }
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(buf.toString('hex', i * RANGE_DIGEST_BYTES, (i + 1) * RANGE_DIGEST_BYTES));
    return out;
  }

  close(): Promise<void> {
    return this.fh.close();
  }
}
