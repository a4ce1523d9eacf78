import type { FileHandle } from 'node:fs/promises';

/**
 * Reads `len` bytes at `pos` into `buf` from `off`, looping over short reads; stops early only at the end of the
 * file. Returns how many bytes it read: a caller that needs all of them checks the count.
 */
export async function readFull(fh: FileHandle, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  let done = 0;
  while (done < len) {
    const { bytesRead } = await fh.read(buf, off + done, len - done, pos + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}
