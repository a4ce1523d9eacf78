import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PAGE_RANGE_SIZE } from '../../shared/page-ranges.ts';

/** The MD5 of each 4 MiB page range of a file (shared/page-ranges.ts), lower-case hex. */
export interface RangeMd5s {
  ranges: string[];
}

/** A file's whole-file MD5 and the MD5 of each 4 MiB page range, lower-case hex (seed formats 2 and 3). */
export interface PageMd5s extends RangeMd5s {
  md5: string;
}

/**
 * Hashes a file's bytes, fed in order in pieces of any size, into the MD5 of each page range and, when `whole`
 * (seed formats 2 and 3, tests), the whole-file MD5 too. Seed format 4 (shared/staging.ts) records only the ranges:
 * then each byte is hashed by one MD5, its range's. MD5 does not compose, so with `whole` the ranges after the first
 * take a second pass; the first range's MD5 is the whole-file hash's state at its end (`Hash.copy`), so a file of one
 * range (a small pack, the catalog of a small backup) is hashed once either way.
 */
export class PageMd5 {
  private readonly whole: Hash | null;
  private range: Hash | null = null;
  private inRange = 0;
  private readonly done: string[] = [];

  constructor(opts: { whole: boolean } = { whole: true }) {
    this.whole = opts.whole ? createHash('md5') : null;
  }

  update(b: Uint8Array): void {
    for (let at = 0; at < b.length;) {
      const take = Math.min(PAGE_RANGE_SIZE - this.inRange, b.length - at);
      const piece = at === 0 && take === b.length ? b : b.subarray(at, at + take);
      this.whole?.update(piece);
      // Range 0 is the whole-file hash's prefix when there is one; every other range (all of them without) its own.
      if (!this.whole || this.done.length > 0) (this.range ??= createHash('md5')).update(piece);
      this.inRange += take;
      at += take;
      if (this.inRange === PAGE_RANGE_SIZE) this.endRange();
    }
  }

  private endRange(): void {
    this.done.push(this.whole && this.done.length === 0 ? this.whole.copy().digest('hex') : this.range!.digest('hex'));
    this.range = null;
    this.inRange = 0;
  }

  /** The whole-file MD5 (needs `whole`) and the range MD5s. */
  digest(): PageMd5s {
    if (!this.whole) throw new Error('PageMd5 was made without the whole-file MD5 ({ whole: false })');
    const md5 = this.whole.digest('hex');
    if (this.inRange > 0) this.done.push(this.done.length === 0 ? md5 : this.range!.digest('hex'));
    this.range = null;
    this.inRange = 0;
    return { md5, ranges: this.done };
  }

  /** The range MD5s only (either way made). */
  digestRanges(): RangeMd5s {
    if (this.whole) return { ranges: this.digest().ranges };
    if (this.inRange > 0) this.endRange();
    return { ranges: this.done };
  }
}

/** The MD5s of bytes in memory. */
export function pageMd5Of(bytes: Uint8Array): PageMd5s {
  const h = new PageMd5();
  h.update(bytes);
  return h.digest();
}

/** The range MD5s of bytes in memory (seed format 4: each byte hashed once). */
export function rangeMd5Of(bytes: Uint8Array): RangeMd5s {
  const h = new PageMd5({ whole: false });
  h.update(bytes);
  return h.digestRanges();
}

/**
 * The MD5s (`whole: false`: the range MD5s only) and SHA-256 of a file, read in 4 MiB pieces: for a staged file whose
 * MD5s were not recorded when it was written (its SHA-256 then tells whether the bytes are still the ones recorded).
 */
export async function pageMd5OfFile(path: string): Promise<PageMd5s & { length: number; sha256: string }>;
export async function pageMd5OfFile(
  path: string,
  opts: { whole: false },
): Promise<RangeMd5s & { length: number; sha256: string }>;
export async function pageMd5OfFile(
  path: string,
  opts: { whole: boolean } = { whole: true },
): Promise<RangeMd5s & { md5?: string; length: number; sha256: string }> {
  const fh = await open(path, 'r');
  try {
    const h = new PageMd5(opts);
    const sha = createHash('sha256');
    const buf = Buffer.allocUnsafe(PAGE_RANGE_SIZE);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const got = buf.subarray(0, bytesRead);
      h.update(got);
      sha.update(got);
      pos += bytesRead;
    }
    return { ...(opts.whole ? h.digest() : h.digestRanges()), length: pos, sha256: sha.digest('hex') };
  } finally {
    await fh.close();
  }
}
