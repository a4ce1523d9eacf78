/**
 * The copy workers' first-range checkpoint (a test hook: kill tests and the parallel-disks barrier hold a copy there):
 * a hook that fails must fail the copy with its reason, not leave the worker, and so the Disk Prep run, waiting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { IoPool, syncAndClose } from './io-pool.ts';
import { MiB, tempDir } from './test-staging.ts';

let pool: IoPool | null = null;
let dir = '';
afterEach(async () => {
  await pool?.close();
  pool = null;
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('IoPool first-range checkpoint', () => {
  it.each([
    ['two ranges', 6 * MiB],
    ['one range', MiB],
  ])(
    'a rejected hook fails the copy naming it (%s); the worker is free for the next copy',
    async (_, size) => {
      dir = await tempDir('obc-iopool-');
      const src = join(dir, 'src.bin');
      const data = Buffer.alloc(size, 7);
      await writeFile(src, data);
      pool = new IoPool(1);
      const err = await pool
        .copy(
          { src, dest: join(dir, 'a.bin'), length: size },
          {
            onFirstRange: async () => {
              throw new Error('the kill point could not be reached');
            },
          },
        )
        .catch((e: unknown) => e);
      expect(err).toMatchObject({
        code: 'INTERNAL',
        message: expect.stringMatching(/checkpoint after the first range of .*a\.bin failed: the kill point could not/),
      });
      // The one worker took the next job: it was not left waiting at the checkpoint.
      const dest = join(dir, 'b.bin');
      const ok = await pool.copy({ src, dest, length: size }, { onFirstRange: async () => undefined });
      await syncAndClose(ok.fd, false, dest);
      expect((await readFile(dest)).equals(data)).toBe(true);
    },
    20_000,
  );
});
