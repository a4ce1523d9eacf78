/** Test-only helpers: fake staging jobs (seed.json per shared/staging.ts) and folder disks. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { initFolderDisk } from './folder-disk.ts';
import { keyProtector } from './drives-file.ts';
import { newJobCrypto } from '../backup/crypto.ts';

export const MiB = 1024 * 1024;
export const TEST_PASSPHRASE = 'correct horse battery staple 42';

/** Return shipping details the sandbox's West US datacenter accepts (FedEx), for job-creation tests. */
export const TEST_SHIPPING = {
  contactName: 'Ada Admin',
  phone: '+1 425 555 0100',
  email: 'ada@example.com',
  streetAddress1: '1 Main St',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'USA',
  carrierName: 'FedEx',
  carrierAccountNumber: '123456789',
};

export async function tempDir(prefix = 'obc-diskprep-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

/** Writes `<staging>/<job>/` with random pack files of the given lengths (multiples of 512) and its seed.json. */
export async function makeStaging(staging: string, job: string, lengths: number[], opts: { container?: string; storageAccount?: string } = {}): Promise<SeedDescriptor> {
  const folder = join(staging, job);
  const files = [];
  for (let i = 0; i < lengths.length; i++) {
    const path = `packs/${String(i + 1).padStart(6, '0')}.pack`;
    const data = randomBytes(lengths[i]);
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), data);
    files.push({ path, length: lengths[i], sha256: createHash('sha256').update(data).digest('hex') });
  }
  const catalog = 'catalog/catalog-000001.bin';
  const cat = randomBytes(4096);
  await mkdir(join(folder, 'catalog'), { recursive: true });
  await writeFile(join(folder, catalog), cat);
  files.push({ path: catalog, length: cat.length, sha256: createHash('sha256').update(cat).digest('hex') });
  const seed: SeedDescriptor = {
    format: 'obc-seed',
    formatVersion: 1,
    jobName: job,
    storageAccount: opts.storageAccount ?? 'obcsandbox01',
    container: opts.container ?? 'seed',
    blobPrefix: `${job}/`,
    sourceMachine: 'test-host',
    createdAt: '2026-11-22T00:00:00.000Z',
    completedAt: '2026-11-22T00:10:00.000Z',
    state: 'complete',
    crypto: (await newJobCrypto(TEST_PASSPHRASE, { N: 1024, r: 8, p: 1 })).crypto,
    totals: { files: files.length, bytes: files.reduce((s, f) => s + f.length, 0), storedBytes: 0, chunks: 0, skipped: 0 },
    files,
  };
  await writeFile(join(folder, 'seed.json'), JSON.stringify(seed, null, 2));
  return seed;
}

export async function makeDisks(root: string, capacities: number[], prefix = 'SER'): Promise<string[]> {
  const out = [];
  for (let i = 0; i < capacities.length; i++) {
    const dir = join(root, `disk${i + 1}`);
    await initFolderDisk(dir, `${prefix}${i + 1}`, capacities[i]);
    out.push(dir);
  }
  return out;
}

export const testProtector = () => keyProtector(Buffer.alloc(32, 7), { kind: 'test' });
