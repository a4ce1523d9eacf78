import { open, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../../shared/errors.ts';
import { readFull } from '../read-full.ts';

/** Byte work runs in copy-worker.ts (io-pool.ts); this file keeps the repair path used after a failed read-back. */

async function writeFull(fh: FileHandle, buf: Buffer, off: number, len: number, pos: number): Promise<void> {
  let done = 0;
  while (done < len) {
    const { bytesWritten } = await fh.write(buf, off + done, len - done, pos + done);
    done += bytesWritten;
  }
}

export interface RangeMismatch {
  offset: number;
  length: number;
  expected: string;
  actual: string;
}

/** Rewrites one range of dest from src (repair after a read-back mismatch), then syncs. */
export async function rewriteRange(src: string, dest: string, offset: number, length: number): Promise<void> {
  const inp = await open(src, 'r');
  try {
    const out = await open(dest, 'r+');
    try {
      const buf = Buffer.allocUnsafe(length);
      const n = await readFull(inp, buf, 0, length, offset);
      if (n !== length)
        throw new AppError('CORRUPT_DATA', `Staged file ${src} is shorter than ${offset + length} bytes.`, {
          path: src,
        });
      await writeFull(out, buf, 0, length, offset);
      await out.sync();
    } finally {
      await out.close();
    }
  } finally {
    await inp.close();
  }
}
