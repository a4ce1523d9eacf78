/** Issue 13 §10: what a killed Back Up Now leaves in its job folder is swept by the next run. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from './engine.ts';
import { FAST_KDF, PASS, prng, tempDir } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-leftovers-')));
afterEach(async () => cleanup());

async function allNames(d: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(d, { withFileTypes: true })) {
    out.push(e.name);
    if (e.isDirectory()) out.push(...(await allNames(join(d, e.name))).map((n) => `${e.name}/${n}`));
  }
  return out.sort();
}

describe('leftovers of a killed backup', () => {
  it('temp files of atomic writes (seed, state, catalog), of the lock and of a pack are gone after the rerun', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    for (let i = 0; i < 3; i++) await writeFile(join(src, `f${i}.bin`), prng(i)(700_000));
    const opts = {
      items: [src],
      stagingLocation: join(dir, 'staging'),
      job: { name: 'left-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 1 << 20,
      compressionLevel: 0,
    };
    await expect(
      runBackup({
        ...opts,
        testHook: (p) =>
          void (
            p === 'pack:1' &&
            (() => {
              throw new Error('killed');
            })()
          ),
      }),
    ).rejects.toThrow('killed');
    const jobDir = join(dir, 'staging', 'left-job');
    // What a kill -9 between an atomic write's create and its rename leaves behind.
    for (const n of [
      '.seed.json.0123456789ab.tmp',
      '..obc-state.json.0123456789ab.tmp',
      '.catalog.bin.0123456789ab.tmp',
      '..obc-lock.0123456789ab.tmp',
      'packs/.pack-000009.tmp',
    ]) {
      await writeFile(join(jobDir, n), 'left by a killed run');
    }
    const r = await runBackup(opts);
    expect(r.resumed).toBe(true);
    expect((await allNames(jobDir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});
