import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { PAGE_RANGE_SIZE } from '../../shared/page-ranges.ts';

/** A file's whole-file MD5 and the MD5 of each 4 MiB page range (shared/page-ranges.ts), lower-case hex. */
export interface PageMd5s {
  md5: string;
  ranges: string[];
}

/**
 * Hashes a file's bytes, fed in order in pieces of any size, into its whole-file MD5 and the MD5 of each page range:
 * what seed.json records per file so Disk Prep copies with one MD5 pass (shared/staging.ts). Two MD5 passes per
 * byte; MD5 does not compose, so neither is derived from the other.
 */
export class PageMd5 {
  private readonly whole = createHash('md5');
  private range: Hash | null = null;
  private inRange = 0;
  private readonly done: string[] = [];

  update(b: Uint8Array): void {
    this.whole.update(b);
    for (let at = 0; at < b.length;) {
      this.range ??= createHash('md5');
      const take = Math.min(PAGE_RANGE_SIZE - this.inRange, b.length - at);
      this.range.update(at === 0 && take === b.length ? b : b.subarray(at, at + take));
      this.inRange += take;
      at += take;
      if (this.inRange === PAGE_RANGE_SIZE) {
        this.done.push(this.range.digest('hex'));
        this.range = null;
        this.inRange = 0;
      }
    }
  }

  digest(): PageMd5s {
    if (this.range) this.done.push(this.range.digest('hex'));
    this.range = null;
    return { md5: this.whole.digest('hex'), ranges: this.done };
  }
}

/** The MD5s of bytes in memory. */
export function pageMd5Of(bytes: Uint8Array): PageMd5s {
  const h = new PageMd5();
  h.update(bytes);
  return h.digest();
}

/**
 * The MD5s and SHA-256 of a file, read in 4 MiB pieces: for a staged file whose MD5s were not recorded when it was
 * written (its SHA-256 then tells whether the bytes are still the ones recorded).
 */
export async function pageMd5OfFile(path: string): Promise<PageMd5s & { length: number; sha256: string }> {
  const fh = await open(path, 'r');
  try {
    const h = new PageMd5();
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
    return { ...h.digest(), length: pos, sha256: sha.digest('hex') };
  } finally {
    await fh.close();
  }
}
