/**
 * The large cases: a sparse file over 4 GiB and 100 000 small files. Slower than the rest (each well under a
 * minute on 2 cores), so they live in their own file; set OBC_SKIP_SLOW_TESTS=1 to leave them out locally.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, open, stat } from 'node:fs/promises';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBackup } from './engine.ts';
import { restoreJob } from './restore.ts';
import { catalogPathOf } from './scan.ts';
import { FAST_KDF, PASS, prng, tempDir, openStagingJob } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-large-')));
afterEach(async () => cleanup());

const slow = process.env.OBC_SKIP_SLOW_TESTS === '1' ? describe.skip : describe;

slow('backup engine, large cases [slow]', () => {
  it(
    'round-trips a sparse file over 4 GiB with data on both sides of the 4 GiB mark',
    { timeout: 180_000 },
    async () => {
      const src = join(dir, 'src');
      await mkdir(src);
      const big = join(src, 'sparse.img');
      const size = 2 ** 32 + (64 << 20);
      const rnd = prng(3);
      const blocks = [0, 123_456_789, 2 ** 32 - 1000, 2 ** 32 + 4096 * 3 + 7, size - 5000].map((at) => ({
        at,
        data: rnd(5000),
      }));
      const fh = await open(big, 'w');
      for (const b of blocks) await fh.write(b.data, 0, b.data.length, b.at);
      await fh.truncate(size);
      await fh.close();
      const r = await runBackup({
        items: [src],
        stagingLocation: join(dir, 'staging'),
        job: { name: 'big-job' },
        passphrase: PASS,
        kdf: FAST_KDF,
      });
      expect(r.bytes).toBe(size);
      expect(r.storedBytes).toBeLessThan(16 << 20);
      const reader = await openStagingJob(join(dir, 'staging'), 'big-job', PASS);
      const out = join(dir, 'out');
      await restoreJob(reader, { to: out });
      const restored = join(out, catalogPathOf(big));
      const st = await stat(restored);
      expect(st.size).toBe(size);
      // Restored sparse too: far fewer blocks than the apparent size.
      expect(st.blocks * 512).toBeLessThan(256 << 20);
      // One pass over the restored file against the known layout: the written blocks, zeros elsewhere.
      const rf = await open(restored, 'r');
      const buf = Buffer.alloc(16 << 20);
      let mismatches = 0;
      for (let pos = 0; pos < size; pos += buf.length) {
        const { bytesRead } = await rf.read(buf, 0, buf.length, pos);
        const view = buf.subarray(0, bytesRead);
        const expected = Buffer.alloc(bytesRead);
        for (const b of blocks) {
          const from = Math.max(b.at, pos);
          const to = Math.min(b.at + b.data.length, pos + bytesRead);
          if (from < to) b.data.copy(expected, from - pos, from - b.at, to - b.at);
        }
        if (!view.equals(expected)) mismatches++;
      }
      await rf.close();
      expect(mismatches).toBe(0);
    },
  );

  it('round-trips 100 000 small files', { timeout: 180_000 }, async () => {
    const src = join(dir, 'src');
    const content = (d: number, i: number) => `file ${d}/${i}\n`.repeat(1 + (i % 7));
    for (let d = 0; d < 100; d++) {
      const sub = join(src, `d${String(d).padStart(3, '0')}`);
      mkdirSync(sub, { recursive: true });
      for (let i = 0; i < 1000; i++) writeFileSync(join(sub, `f${i}.txt`), content(d, i));
    }
    const r = await runBackup({
      items: [src],
      stagingLocation: join(dir, 'staging'),
      job: { name: 'many-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
    });
    expect(r.files).toBe(100_000);
    expect(r.skipped).toEqual([]);
    const reader = await openStagingJob(join(dir, 'staging'), 'many-job', PASS);
    const out = join(dir, 'out');
    const res = await restoreJob(reader, { to: out });
    expect(res.files).toBe(100_000);
    // Compare against the generator (cheaper than a tree walk of both sides).
    const restored = join(out, catalogPathOf(src));
    let bad = 0;
    for (let d = 0; d < 100; d++) {
      const sub = join(restored, `d${String(d).padStart(3, '0')}`);
      expect(readdirSync(sub).length).toBe(1000);
      for (let i = 0; i < 1000; i++) if (readFileSync(join(sub, `f${i}.txt`), 'utf8') !== content(d, i)) bad++;
    }
    expect(bad).toBe(0);
  });
});
