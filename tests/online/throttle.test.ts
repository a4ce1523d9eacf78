/**
 * Throttling honoured on a bounded transfer (issue 16): a 1 MiB spooled file uploaded to Azurite (real SDK, Put Block
 * in parallel) through the product's limiter (`ThrottleLimiter`, Change Properties' throttling at 2,048 Kbps =
 * 256,000 B/s around the clock) takes 4.1 s within 10% (a slow rate, so a loaded machine is not the bottleneck), and
 * the committed blob is the file's bytes.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prng, tempDir } from '../../electron/services/backup/test-trees.ts';
import { DEFAULT_THROTTLING, type Throttling } from '../../shared/policy-schema.ts';
import { ThrottleLimiter } from '../../electron/services/policies/bandwidth.ts';
import { uploadFileResumable } from '../../electron/services/online/uploader.ts';
import { startTestStorage, type TestStorage } from './test-container.ts';

let dir: string;
let cleanup: () => Promise<void>;
let storage: TestStorage;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-online-throttle-'));
  storage = await startTestStorage(dir);
}, 60_000);
afterAll(async () => {
  await storage?.stop();
  await cleanup?.();
});

describe('bandwidth limiter on uploads (Azurite)', () => {
  it('a 1 MiB upload at 2,048 Kbps takes 4.1 s ± 10%', async () => {
    const cc = await storage.container('throttle');
    const bytes = prng(3)(1 << 20);
    const file = join(dir, 'pack.bin');
    await writeFile(file, bytes);
    const rate = 256_000;
    const throttling: Throttling = { ...DEFAULT_THROTTLING, enabled: true, workKbps: 2048, nonWorkKbps: 2048 };
    const limiter = new ThrottleLimiter({ throttling: () => throttling, timeZone: () => 'UTC' });
    const t0 = performance.now();
    const r = await uploadFileResumable({
      container: cc,
      blobName: 'job/online/packs/pack-000002.bin',
      file,
      where: 'test',
      blockSize: 64 << 10,
      limiter,
    });
    const seconds = (performance.now() - t0) / 1000;
    expect(r.sent).toBe(bytes.length);
    const achieved = bytes.length / seconds;
    expect(achieved, `${seconds.toFixed(2)} s`).toBeGreaterThan(rate * 0.9);
    expect(achieved, `${seconds.toFixed(2)} s`).toBeLessThan(rate * 1.1);
    expect((await cc.getBlobClient('job/online/packs/pack-000002.bin').downloadToBuffer()).equals(bytes)).toBe(true);
  }, 60_000);
});
