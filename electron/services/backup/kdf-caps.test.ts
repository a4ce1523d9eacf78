/**
 * Issue 13 §5: key-derivation parameters are capped in every reader — seed.json, a disk's copy of it, the job
 * descriptor in the container — and the bad value is named before scrypt allocates anything (an N of 2^22 used to
 * cost 4.3 GB and 14 s before "wrong passphrase").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../../../shared/canonical-json.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import { runBackup } from './engine.ts';
import { deriveKeys, unlockJob } from './crypto.ts';
import { DESCRIPTOR_PATH, decodeDescriptor } from './descriptor.ts';
import { openDiskSource } from './disk-source.ts';
import { FAST_KDF, PASS, prng, tempDir, openStagingJob } from './test-trees.ts';
import { runDiskPrep } from '../diskprep/engine.ts';
import { FolderDiskProvider } from '../diskprep/folder-disk.ts';
import { discoverJobs } from '../diskprep/jobs.ts';
import { makeDisks, testCredential } from '../diskprep/test-staging.ts';

const JOB = 'kdf-job';
const HUGE = 1 << 22;
let dir: string;
let cleanup: () => Promise<void>;
let stagingLocation: string;
let disks: string[];
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-kdf-'));
  const src = join(dir, 'src');
  await mkdir(src);
  await writeFile(join(src, 'a.bin'), prng(5)(300_000));
  stagingLocation = join(dir, 'staging');
  await runBackup({
    items: [src],
    stagingLocation,
    job: { name: JOB, container: 'seed' },
    passphrase: PASS,
    kdf: FAST_KDF,
  });
  disks = await makeDisks(dir, [8 << 20], 'KDF');
  await runDiskPrep({
    stagingLocation,
    job: JOB,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: PASS,
    workers: 2,
  });
});
afterAll(async () => cleanup?.());

/** seed.json text with N raised (and, like an older or hand-edited file, no checksum of its own). */
async function hugeSeed(path: string): Promise<string> {
  const seed = JSON.parse(await readFile(path, 'utf8'));
  delete seed.sum;
  seed.crypto.N = HUGE;
  return JSON.stringify(seed);
}

/** The peak RSS grows by less than 64 MiB while `fn` runs: scrypt with N = 2^22 would take 4 GiB. */
async function cheaply<T>(fn: () => Promise<T>): Promise<T> {
  const before = process.resourceUsage().maxRSS;
  const t0 = Date.now();
  const r = await fn();
  expect(process.resourceUsage().maxRSS - before, 'peak RSS growth (KiB)').toBeLessThan(64 * 1024);
  expect(Date.now() - t0).toBeLessThan(5000);
  return r;
}

describe('scrypt parameters are capped in every reader (issue 13 §5)', () => {
  it('the engine refuses to derive with N = 2^22, naming it', async () => {
    const err = await cheaply(() =>
      deriveKeys(PASS, Buffer.alloc(16), { N: HUGE, r: 8, p: 1 }).catch((e: unknown) => e),
    );
    expect(err).toMatchObject({ code: 'CORRUPT_DATA', message: expect.stringMatching(/N = 4194304/) });
    const seed = JSON.parse(await readFile(join(stagingLocation, JOB, 'seed.json'), 'utf8'));
    const e2 = await cheaply(() =>
      unlockJob(PASS, { ...seed.crypto, N: HUGE }, JOB, 'a disk copy').catch((e: unknown) => e),
    );
    expect(e2).toMatchObject({
      code: 'CORRUPT_DATA',
      message: expect.stringMatching(/in a disk copy are out of bounds.*N = 4194304/),
    });
  });

  it('seed.json in the staging folder: Recover Data and Disk Prep name the value', async () => {
    const path = join(stagingLocation, JOB, 'seed.json');
    const good = await readFile(path, 'utf8');
    await writeFile(path, await hugeSeed(path));
    try {
      const err = await cheaply(() => openStagingJob(stagingLocation, JOB, PASS).catch((e: unknown) => e));
      expect(err).toMatchObject({
        code: 'CORRUPT_DATA',
        message: expect.stringMatching(/seed\.json at .* is damaged: crypto: scrypt N = 4194304/),
      });
      const d = await discoverJobs(stagingLocation);
      expect(d.broken.map((b) => b.reason).join()).toMatch(/N = 4194304 \(2\^22\)/);
    } finally {
      await writeFile(path, good);
    }
  });

  it("a disk's copy of seed.json (when it is all the disks carry)", async () => {
    const copy = join(disks[0], DISK_LAYOUT.seedFile);
    const desc = join(disks[0], DISK_LAYOUT.sessionDir, JOB, DESCRIPTOR_PATH);
    const [goodCopy, goodDesc] = await Promise.all([readFile(copy), readFile(desc)]);
    await writeFile(copy, await hugeSeed(copy));
    await rm(desc);
    try {
      const err = await cheaply(() => openDiskSource({ disks, job: JOB }).catch((e: unknown) => e));
      expect(err).toMatchObject({
        message: expect.stringMatching(/obc-seed\.json is damaged: crypto: scrypt N = 4194304/),
      });
    } finally {
      await Promise.all([writeFile(copy, goodCopy), writeFile(desc, goodDesc)]);
    }
  });

  it("the container's (and each disk's) job descriptor, even with a checksum recomputed to match", async () => {
    const bytes = await readFile(join(stagingLocation, JOB, DESCRIPTOR_PATH));
    const d = JSON.parse(bytes.toString('utf8'));
    d.crypto.N = HUGE;
    const { sum: _sum, ...rest } = d;
    d.sum = createHash('sha256').update(canonicalJson(rest)).digest('hex');
    const err = await cheaply(async () => {
      try {
        decodeDescriptor(Buffer.from(JSON.stringify(d)), '<container>/kdf-job/obc-backup.json');
      } catch (e) {
        return e;
      }
    });
    expect(err).toMatchObject({
      code: 'CORRUPT_DATA',
      message: expect.stringMatching(/obc-backup\.json is damaged: crypto: scrypt N = 4194304/),
    });
  });
});
