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
 * what seed.json records per file so Disk Prep copies with one MD5 pass (shared/staging.ts). MD5 does not compose,
 * so the ranges after the first take a second pass; the first range's MD5 is the whole-file hash's state at its end
 * (`Hash.copy`), so a file of one range (a small pack, the catalog of a small backup) is hashed once.
 */
export class PageMd5 {
  private readonly whole = createHash('md5');
  private range: Hash | null = null;
  private inRange = 0;
  private readonly done: string[] = [];

  update(b: Uint8Array): void {
    for (let at = 0; at < b.length;) {
      const take = Math.min(PAGE_RANGE_SIZE - this.inRange, b.length - at);
      const piece = at === 0 && take === b.length ? b : b.subarray(at, at + take);
      this.whole.update(piece);
      if (this.done.length > 0) (this.range ??= createHash('md5')).update(piece);
      this.inRange += take;
      at += take;
      if (this.inRange === PAGE_RANGE_SIZE) {
        this.done.push(this.done.length === 0 ? this.whole.copy().digest('hex') : this.range!.digest('hex'));
        this.range = null;
        this.inRange = 0;
      }
    }
  }

  digest(): PageMd5s {
    const md5 = this.whole.digest('hex');
    if (this.inRange > 0) this.done.push(this.done.length === 0 ? md5 : this.range!.digest('hex'));
    this.range = null;
    this.inRange = 0;
    return { md5, ranges: this.done };
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
