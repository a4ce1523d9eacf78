import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEFAULT_THROTTLING } from '../../../shared/policy-schema.ts';
import { kbpsToBytesPerSecond } from '../../../shared/throttling.ts';
import { caTrustingPipeline } from '../sandbox/blob-access.ts';
import { startSandbox, type SandboxHandle } from '../sandbox/index.ts';
import { ThrottleLimiter } from './bandwidth.ts';

/**
 * The limiter on a real, bounded transfer: 1.5 MB of blocks uploaded to the Local sandbox's container through
 * `acquire` at 4,000 Kbps (500,000 bytes per second) take 3 s: the measured rate is the limit within 10 % (the
 * machine itself moves far more than that, so the limit is what decides).
 */
let sb: SandboxHandle;
beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
}, 60_000);
afterAll(async () => {
  await sb?.stop();
});

it('holds an upload to the throttling rate within 10 %', async () => {
  const key = JSON.parse(await readFile(join(sb.dataDir, 'state.json'), 'utf8')).storageAccounts.obcseedv2.keys[0] as string;
  const cc = new ContainerClient(`${sb.blobUrl}/obcseedv2/throttled`, caTrustingPipeline(new StorageSharedKeyCredential('obcseedv2', key), sb.caCertPem));
  await cc.createIfNotExists();
  const kbps = 4000;
  const limiter = new ThrottleLimiter({ throttling: () => ({ ...DEFAULT_THROTTLING, enabled: true, workKbps: kbps, nonWorkKbps: kbps }), timeZone: () => 'UTC' });
  const block = 100_000;
  const blocks = 15;
  const blob = cc.getBlockBlobClient('pack.bin');
  const ids: string[] = [];
  const started = performance.now();
  for (let i = 0; i < blocks; i++) {
    await limiter.acquire(block);
    const id = Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64');
    await blob.stageBlock(id, randomBytes(block), block);
    ids.push(id);
  }
  await blob.commitBlockList(ids);
  const seconds = (performance.now() - started) / 1000;
  const rate = (block * blocks) / seconds;
  const limit = kbpsToBytesPerSecond(kbps);
  expect(rate).toBeLessThanOrEqual(limit * 1.1);
  expect(rate).toBeGreaterThanOrEqual(limit * 0.9);
  expect((await blob.getProperties()).contentLength).toBe(block * blocks);
});
