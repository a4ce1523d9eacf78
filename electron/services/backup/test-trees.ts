/** Helpers for the backup tests (temp folders, deterministic data, tree comparison). Not used at run time. */
import { mkdir, open, readdir, readFile, readlink, lstat, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createCipheriv } from 'node:crypto';
import { onTestFinished } from 'vitest';
import { CATALOG_PATH, decodeCatalog, encodeCatalog, type CatalogEntry } from './catalog.ts';
import { unlockJob } from './crypto.ts';
import { runBackup } from './engine.ts';
import { readSeed } from './job-files.ts';
import { openJob, StagingFolderSource, type JobReader } from './reader.ts';
import { tempDir as testTempDir } from '../test-temp.ts';

export const PASS = 'correct horse battery staple';
export const FAST_KDF = { N: 1 << 12, r: 8, p: 1 };

/**
 * Opens a staged job for a test and closes its pack handles when the test ends (a reader left open keeps them until
 * the garbage collector closes them, which Node reports as DEP0137). Call it inside a test.
 */
export async function openStagingJob(stagingLocation: string, job: string, passphrase: string): Promise<JobReader> {
  const reader = await openJob(new StagingFolderSource(join(stagingLocation, job)), passphrase);
  onTestFinished(() => reader.source.close?.());
  return reader;
}

/**
 * A temp folder for one test: `cleanup` removes it early (a test that writes hundreds of MB); tests/setup-temp.ts
 * removes it when the test file ends in any case, so a test that fails before its cleanup leaves nothing in /tmp.
 */
export async function tempDir(prefix = 'obc-backup-'): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await testTempDir(prefix);
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Deterministic pseudo-random bytes: an AES-128-CTR keystream keyed by the seed (GB/s, reproducible). */
export function prng(seed: number): (n: number) => Buffer {
  const key = Buffer.alloc(16);
  key.writeInt32LE(seed | 0, 0);
  const c = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return (n: number) => c.update(Buffer.alloc(n));
}

/** Compares two files block by block (memcmp speed; sparse-friendly). */
export async function sameFile(a: string, b: string): Promise<boolean> {
  const [sa, sb] = await Promise.all([lstat(a), lstat(b)]);
  if (sa.size !== sb.size) return false;
  const fa = await open(a, 'r');
  const fb = await open(b, 'r');
  try {
    const ba = Buffer.alloc(8 << 20);
    const bb = Buffer.alloc(8 << 20);
    for (let pos = 0; pos < sa.size; pos += ba.length) {
      const [ra, rb] = await Promise.all([fa.read(ba, 0, ba.length, pos), fb.read(bb, 0, bb.length, pos)]);
      if (ra.bytesRead !== rb.bytesRead || !ba.subarray(0, ra.bytesRead).equals(bb.subarray(0, rb.bytesRead)))
        return false;
    }
    return true;
  } finally {
    await fa.close();
    await fb.close();
  }
}

/** Lists differences between two trees: names, types, bytes, link targets, and (optionally) file mtimes. */
export async function diffTrees(a: string, b: string, opts: { mtimes?: boolean } = {}): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    const pa = join(a, rel);
    const pb = join(b, rel);
    const [sa, sb] = await Promise.all([lstat(pa), lstat(pb).catch(() => null)]);
    if (!sb) return void out.push(`missing: ${rel}`);
    if (sa.isDirectory() !== sb.isDirectory() || sa.isSymbolicLink() !== sb.isSymbolicLink())
      return void out.push(`type differs: ${rel}`);
    if (sa.isSymbolicLink()) {
      if ((await readlink(pa)) !== (await readlink(pb))) out.push(`link target differs: ${rel}`);
      return;
    }
    if (sa.isDirectory()) {
      const [na, nb] = await Promise.all([readdir(pa), readdir(pb)]);
      for (const n of nb) if (!na.includes(n)) out.push(`extra: ${join(rel, n)}`);
      for (const n of na) await walk(join(rel, n));
      return;
    }
    if (!(await sameFile(pa, pb))) out.push(`content differs: ${rel}`);
    if (opts.mtimes && Math.abs(sa.mtimeMs - sb.mtimeMs) > 1)
      out.push(`mtime differs: ${rel} (${sa.mtimeMs} vs ${sb.mtimeMs})`);
  };
  await walk('');
  return out;
}

/**
 * A real backup of one file (`f.txt`, "payload") whose catalog the test then rewrites with the job's own key, as a
 * foreign or tampered backup would be; returns the opened job.
 */
export async function jobWithCatalogEntries(
  dir: string,
  make: (file: CatalogEntry) => CatalogEntry[],
  job = 'job-a',
): Promise<JobReader> {
  const src = join(dir, 'src');
  await mkdir(src, { recursive: true });
  await writeFile(join(src, 'f.txt'), 'payload');
  await runBackup({
    stagingLocation: join(dir, 'staging'),
    job: { name: job },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: 4 << 20,
    items: [src],
  });
  const jobDir = join(dir, 'staging', job);
  const seed = (await readSeed(jobDir))!;
  const keys = await unlockJob(PASS, seed.crypto, job);
  const cat = decodeCatalog(keys.enc, job, await readFile(join(jobDir, CATALOG_PATH)));
  const file = cat.entries.find((e) => e.type === 'file')!;
  cat.entries = make(file);
  await writeFile(join(jobDir, CATALOG_PATH), encodeCatalog(keys.enc, cat));
  return openStagingJob(join(dir, 'staging'), job, PASS);
}
