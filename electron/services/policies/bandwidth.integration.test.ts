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
 * `acquire` at 4,000 Kbps (500,000 bytes per second). Each block is sent when its `acquire` resolves, without waiting
 * for the previous upload (a slow upload under load must not be counted as the limiter's pacing): the pace of the
 * releases is the limit within 10 %, and no block went out early, so the whole transfer is never faster than the
 * limit allows.
 */
let sb: SandboxHandle;
beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
}, 60_000);
afterAll(async () => {
  await sb?.stop();
});

it('holds an upload to the throttling rate within 10 %', async () => {
  const key = JSON.parse(await readFile(join(sb.dataDir, 'state.json'), 'utf8')).storageAccounts.obcseedv2
    .keys[0] as string;
  const cc = new ContainerClient(
    `${sb.blobUrl}/obcseedv2/throttled`,
    caTrustingPipeline(new StorageSharedKeyCredential('obcseedv2', key), sb.caCertPem),
  );
  await cc.createIfNotExists();
  const kbps = 4000;
  const limiter = new ThrottleLimiter({
    throttling: () => ({ ...DEFAULT_THROTTLING, enabled: true, workKbps: kbps, nonWorkKbps: kbps }),
    timeZone: () => 'UTC',
  });
  const block = 100_000;
  const blocks = 15;
  const blob = cc.getBlockBlobClient('pack.bin');
  const ids: string[] = [];
  const uploads: Array<Promise<unknown>> = [];
  const started = performance.now();
  for (let i = 0; i < blocks; i++) {
    await limiter.acquire(block);
    const id = Buffer.from(`block-${String(i).padStart(6, '0')}`).toString('base64');
    uploads.push(blob.stageBlock(id, randomBytes(block), block));
    ids.push(id);
  }
  const paced = (performance.now() - started) / 1000;
  await Promise.all(uploads);
  await blob.commitBlockList(ids);
  const whole = (performance.now() - started) / 1000;
  const limit = kbpsToBytesPerSecond(kbps);
  // The bucket starts empty: the last release comes when all the bytes have been paid for.
  expect((block * blocks) / paced).toBeLessThanOrEqual(limit * 1.1);
  expect((block * blocks) / paced).toBeGreaterThanOrEqual(limit * 0.9);
  expect((block * blocks) / whole).toBeLessThanOrEqual(limit * 1.1);
  expect((await blob.getProperties()).contentLength).toBe(block * blocks);
});
