import { open, rm, writeFile } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { readFull } from './read-full.ts';
import { tempDir } from './test-temp.ts';

/** A handle whose reads return at most `step` bytes, as a pipe, a network file system or a signal may. */
function trickling(data: Buffer, step: number): FileHandle {
  const read = async (buf: Buffer, off: number, len: number, pos: number) => {
    const n = Math.max(0, Math.min(step, len, data.length - pos));
    data.copy(buf, off, pos, pos + n);
    return { bytesRead: n, buffer: buf };
  };
  return { read } as unknown as FileHandle;
}

describe('readFull', () => {
  const dirs: string[] = [];
  afterEach(async () => Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true }))));

  it('loops over short reads until it has every byte asked for, at the offset and position given', async () => {
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const buf = Buffer.alloc(60, 0xff);
    expect(await readFull(trickling(data, 7), buf, 10, 50, 20)).toBe(50);
    expect(buf.subarray(10, 60)).toEqual(data.subarray(20, 70));
    expect(buf.subarray(0, 10)).toEqual(Buffer.alloc(10, 0xff));
  });

  it('stops at the end of the file and says how much it read', async () => {
    const dir = await tempDir('obc-readfull-');
    dirs.push(dir);
    await writeFile(join(dir, 'f'), Buffer.from('0123456789'));
    const fh = await open(join(dir, 'f'), 'r');
    try {
      const buf = Buffer.alloc(8);
      expect(await readFull(fh, buf, 0, 8, 6)).toBe(4);
      expect(buf.subarray(0, 4).toString()).toBe('6789');
      expect(await readFull(fh, buf, 0, 8, 10)).toBe(0);
    } finally {
      await fh.close();
    }
  });
});
