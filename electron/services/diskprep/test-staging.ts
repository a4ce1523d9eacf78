/** Test-only helpers: fake staging jobs (seed.json per shared/staging.ts) and folder disks. */
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { repoRoot } from '../paths.ts';
import { tempDir as testTempDir } from '../test-temp.ts';
import { hasPageMd5s, type SeedDescriptor, type SeedFile } from '../../../shared/staging.ts';
import { pageMd5Of, pageMd5OfFile, rangeMd5Of, type PageMd5s } from '../page-md5.ts';
import { FolderDiskProvider, initFolderDisk } from './folder-disk.ts';
import { runDiskPrep } from './engine.ts';
import { keyProtector } from './drives-file.ts';
import { newJobCrypto } from '../backup/crypto.ts';
import { CATALOG_PATH, CATALOG_VERSION, encodeCatalog } from '../backup/catalog.ts';
import { DESCRIPTOR_PATH, descriptorFor, encodeDescriptor } from '../backup/descriptor.ts';
import { sealSeed } from '../backup/job-files.ts';
import { writeSeedRanges } from '../seed-ranges-file.ts';
import type { ManifestCredentialSource } from './manifest-credential.ts';

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

export function tempDir(prefix = 'obc-diskprep-'): Promise<string> {
  return testTempDir(prefix);
}

/**
 * Writes `<staging>/<job>/` as Back Up Now would lay it out, with random bytes standing in for the packs: pack files
 * of the given lengths (multiples of 512), a real encrypted catalog listing them (TEST_PASSPHRASE), the job
 * descriptor and a sealed seed.json — so Disk Prep's checks against the catalog hold.
 */
export async function makeStaging(
  stagingLocation: string,
  job: string,
  lengths: number[],
  opts: { container?: string; storageAccount?: string; seedFormat?: 1 | 2 | 3 | 4 } = {},
): Promise<SeedDescriptor> {
  const folder = join(stagingLocation, job);
  const files: SeedFile[] = [];
  const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
  for (let i = 0; i < lengths.length; i++) {
    const path = `packs/${String(i + 1).padStart(6, '0')}.pack`;
    const data = randomBytes(lengths[i]);
    await mkdir(dirname(join(folder, path)), { recursive: true });
    await writeFile(join(folder, path), data);
    files.push({ path, length: lengths[i], sha256: sha(data) });
  }
  return finishStaging(folder, job, files, { ...opts, passphrase: TEST_PASSPHRASE });
}

/**
 * Completes a staging job folder whose pack files are written (`files`: path, length, sha256): a real encrypted
 * catalog listing them, the job descriptor and a sealed seed.json. Used by makeStaging and the Disk Prep bench.
 * `seedFormat` 4 (as Back Up Now writes it since session 10) records every file's page-range MD5s (hashed here from
 * the files) in the side file `seed-ranges.bin` and no whole-file MD5; 3 (the default: what most Disk Prep tests and
 * the fault suite were written against, whose BOM checks read the whole-file MD5) records the whole-file MD5 too;
 * 2 keeps the range MD5s in seed.json as backups before format 3 did; 1 writes a seed as backups before any MD5s did.
 */
export async function finishStaging(
  folder: string,
  job: string,
  packs: SeedFile[],
  opts: { container?: string; storageAccount?: string; passphrase: string; seedFormat?: 1 | 2 | 3 | 4 },
): Promise<SeedDescriptor> {
  const format = opts.seedFormat ?? 3;
  const v2 = format >= 2;
  const pick = (m: PageMd5s): Partial<PageMd5s> =>
    format === 4 ? { ranges: m.ranges } : { md5: m.md5, ranges: m.ranges };
  const files: SeedFile[] = [];
  for (const p of packs)
    files.push(v2 && !hasPageMd5s(p) ? { ...p, ...pick(await pageMd5OfFile(join(folder, p.path))) } : p);
  const { keys, crypto } = await newJobCrypto(opts.passphrase, { N: 1024, r: 8, p: 1 });
  const base = { createdAt: '2026-11-22T00:00:00.000Z', sourceMachine: 'test-host' };
  const cat = encodeCatalog(keys.enc, {
    version: CATALOG_VERSION,
    jobName: job,
    ...base,
    items: [],
    entries: [],
    chunks: [],
    packs: files.map((f, i) => ({ n: i + 1, path: f.path, length: f.length })),
    skipped: [],
  });
  await writeFile(join(folder, CATALOG_PATH), cat);
  files.push({ path: CATALOG_PATH, length: cat.length, sha256: sha256Of(cat), ...(v2 ? md5sOf(format, cat) : {}) });
  const seed = syntheticSeed(files, {
    formatVersion: format,
    jobName: job,
    storageAccount: opts.storageAccount ?? 'obcsandbox01',
    container: opts.container ?? 'seed',
    ...base,
    completedAt: '2026-11-22T00:10:00.000Z',
    crypto,
    totals: {
      files: files.length,
      bytes: files.reduce((s, f) => s + f.length, 0),
      storedBytes: 0,
      chunks: 0,
      skipped: 0,
    },
  });
  return writeSeedFiles(folder, seed);
}

const sha256Of = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** The MD5s a seed of this format (2–4) records for bytes: format 4 the range MD5s only. */
const md5sOf = (format: number, b: Uint8Array) => (format === 4 ? rangeMd5Of(b) : pageMd5Of(b));

/**
 * Writes the job descriptor, the side file of range MD5s (formats 3, 4) and the sealed seed.json of a staged job for
 * `seed`, whose files (format-2 shape: with a format-2, 3 or 4 seed every entry carries its ranges, and but for 4
 * its whole-file MD5) end before
 * the descriptor: its own entry is added here. Returns the seed as written.
 */
async function writeSeedFiles(folder: string, seed: SeedDescriptor): Promise<SeedDescriptor> {
  const files = [...seed.files];
  const desc = encodeDescriptor(descriptorFor(seed, files));
  await writeFile(join(folder, DESCRIPTOR_PATH), desc);
  const v2 = seed.formatVersion >= 2;
  files.push({
    path: DESCRIPTOR_PATH,
    length: desc.length,
    sha256: sha256Of(desc),
    ...(v2 ? md5sOf(seed.formatVersion, desc) : {}),
  });
  const { rangeMd5s: _r, sum: _s, ...rest } = seed;
  const next: SeedDescriptor = { ...rest, files };
  if (seed.formatVersion >= 3) {
    const side = await writeSeedRanges(folder, files);
    next.files = side.files;
    next.rangeMd5s = side.entry;
  }
  const sealed = sealSeed(next);
  await writeFile(join(folder, 'seed.json'), JSON.stringify(sealed, null, 2));
  return sealed;
}

/**
 * Lists a staged job's files again after a test changed some of their bytes (same names and lengths), as a backup
 * writing those packs would have: every file seed.json lists is hashed again from staging (its SHA-256; with a format-2
 * or 3 seed its MD5s too), and the job descriptor, the side file (format 3) and seed.json are written again in the
 * seed's format. The salt and the catalog stay: the same backup identity, only the files' checksums differ.
 */
export async function relistStaging(folder: string, seed: SeedDescriptor): Promise<SeedDescriptor> {
  const v2 = seed.formatVersion >= 2;
  const files: SeedFile[] = [];
  for (const f of seed.files.filter((x) => x.path !== DESCRIPTOR_PATH)) {
    const h = await pageMd5OfFile(join(folder, f.path));
    if (h.length !== f.length)
      throw new Error(`relistStaging: ${f.path} is ${h.length} bytes, seed.json lists ${f.length}`);
    const md5s = seed.formatVersion === 4 ? { ranges: h.ranges } : { md5: h.md5, ranges: h.ranges };
    files.push({ path: f.path, length: f.length, sha256: h.sha256, ...(v2 ? md5s : {}) });
  }
  return writeSeedFiles(folder, { ...seed, files });
}

/** Key parameters of the right shape for a seed built in memory; no passphrase opens them (makeStaging's do). */
const SYNTHETIC_CRYPTO: SeedDescriptor['crypto'] = {
  kdf: 'scrypt',
  salt: Buffer.alloc(16, 1).toString('base64'),
  N: 1024,
  r: 8,
  p: 1,
  keyCheck: Buffer.alloc(44, 2).toString('base64'),
};

/**
 * A complete seed.json built in memory, for tests of what reads one (its schema and checksum, import verification)
 * that need no staged backup, and the base of finishStaging's (which gives it real key parameters): job `job1` (blob
 * prefix `job1/`), fixed times, key parameters no passphrase opens, `files` as given and totals counted from them. Its format is the one its entries are in unless `fields` says
 * otherwise: 3 with a `rangeMd5s` entry, 2 when every file carries its MD5s and ranges, else 1. `fields` replaces
 * anything else (`blobPrefix` follows `jobName`).
 */
export function syntheticSeed(files: SeedFile[], fields: Partial<SeedDescriptor> = {}): SeedDescriptor {
  const jobName = fields.jobName ?? 'job1';
  const bytes = files.reduce((s, f) => s + f.length, 0);
  return {
    format: 'obc-seed',
    formatVersion: fields.rangeMd5s ? 3 : files.length > 0 && files.every(hasPageMd5s) ? 2 : 1,
    jobName,
    blobPrefix: `${jobName}/`,
    sourceMachine: 'test-host',
    createdAt: '2026-12-05T00:00:00.000Z',
    state: 'complete',
    crypto: SYNTHETIC_CRYPTO,
    totals: { files: files.length, bytes, storedBytes: bytes, chunks: files.length, skipped: 0 },
    files,
    ...fields,
  };
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

/**
 * A container SAS of the right shape for engine tests that never reach a datacenter (deterministic: the same job and
 * container give the same token). Tests that import through the sandbox use sandboxCredential (sandbox/test-sas.ts).
 */
export const testCredential: ManifestCredentialSource = async (req) => ({
  containerSas: `${req.container}?sv=2025-05-05&sr=c&si=obc-${req.jobName}&sig=${encodeURIComponent(createHash('sha256').update(`${req.container}/${req.jobName}`).digest('base64'))}`,
  version: '2025-05-05',
});

/** Writes a credential's value to `<dir>/container-sas.txt` for `obc diskprep --container-sas` and returns the path. */
export async function writeSasFile(
  dir: string,
  source: ManifestCredentialSource,
  job: string,
  container = 'seed',
): Promise<string> {
  const path = join(dir, `container-sas-${job}.txt`);
  await mkdir(dir, { recursive: true });
  await writeFile(path, `${(await source({ jobName: job, container, folderDisks: true })).containerSas}\n`, {
    mode: 0o600,
  });
  return path;
}

/** The packs of the Disk Prep CLI kill -9 tests (referenceRun): with the catalog and descriptor, 7 files. */
export const KILL_TEST_LENGTHS = [9 * MiB + 512, 6 * MiB, 3 * MiB, 512, 2 * MiB + 1024];

/**
 * What the Disk Prep CLI kill -9 tests share: the same staging twice (`<root>/a/staging` for the CLI runs that are
 * killed and resumed, `<root>/b/staging` for the reference), three 12 MiB folder disks beside each, one uninterrupted
 * engine run onto the b disks, and the `obc diskprep` arguments for the a side (the reference run's container SAS, so
 * a resumed run's manifests can be compared byte for byte). Plan: SER1 takes files 0, 3 and the catalog (5); SER2
 * files 1, 2; SER3 file 4.
 */
export async function referenceRun(
  root: string,
  job: string,
): Promise<{ staging: string; disksA: string[]; disksB: string[]; args: string[] }> {
  const staging = join(root, 'a', 'staging');
  await makeStaging(staging, job, KILL_TEST_LENGTHS);
  await cp(staging, join(root, 'b', 'staging'), { recursive: true });
  const disksA = await makeDisks(join(root, 'a'), [12 * MiB, 12 * MiB, 12 * MiB]);
  const disksB = await makeDisks(join(root, 'b'), [12 * MiB, 12 * MiB, 12 * MiB]);
  await runDiskPrep({
    stagingLocation: join(root, 'b', 'staging'),
    job,
    disks: disksB.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: TEST_PASSPHRASE,
    protector: testProtector(),
    workers: 2,
  });
  const sas = await writeSasFile(root, testCredential, job);
  const args = [
    'diskprep',
    `s:${staging}`,
    ...disksA.flatMap((d) => ['--disk', d]),
    '--no-job',
    '--container-sas',
    sas,
    '--json',
  ];
  return { staging, disksA, disksB, args };
}

const CLI = join(repoRoot, 'electron', 'cli', 'index.ts');

/**
 * What one `obc diskprep` run of the kill tests may take. On an idle machine one costs about 1.1 CPU-s (0.8 of it
 * loading the CLI's modules) and 2 s; the 2-core CI machine shared by four lanes has run at load 17-19, where a run
 * gets a tenth of a core or less. A run past it is killed and named (runCliUntil).
 */
export const CLI_RUN_BUDGET_MS = 30_000;

/**
 * The timeout of a kill test of `cliRuns` CLI runs: each run's budget, and one more for the reference run and the
 * comparisons. The time is in the runs (their work), not in any wait: a fixed 60 s for seven runs ran out under load.
 */
export const killTestTimeout = (cliRuns: number): number => (cliRuns + 1) * CLI_RUN_BUDGET_MS;

/**
 * Runs `obc` with test hooks; with haltAt (one checkpoint, or several joined by +), kill -9 once it halts there. A run
 * that has neither halted nor ended within CLI_RUN_BUDGET_MS is killed and rejected, naming where it was to halt and
 * its output so far.
 */
export function runCliUntil(
  args: string[],
  haltAt?: string,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, OBC_PASSPHRASE: TEST_PASSPHRASE, OBC_TEST_HOOKS: '1' } as Record<string, string>;
    if (haltAt) env.OBC_DISKPREP_HALT_AT = haltAt;
    else delete env.OBC_DISKPREP_HALT_AT;
    const t0 = Date.now();
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let overBudget = false;
    const budget = setTimeout(() => {
      overBudget = true;
      child.kill('SIGKILL');
    }, CLI_RUN_BUDGET_MS);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (haltAt && out.includes(`"type":"halt","at":"${haltAt}"`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', (e) => {
      clearTimeout(budget);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(budget);
      if (overBudget)
        reject(
          new Error(
            `obc ${args[0]} ${haltAt ? `did not halt at ${haltAt}` : 'did not end'} within ${CLI_RUN_BUDGET_MS} ms (killed after ${Date.now() - t0} ms); its output:\n${(out + err).slice(-2000)}`,
          ),
        );
      else resolve({ code, signal, out: out + err });
    });
  });
}

/** Every file under `dir`, relative and sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile()) out.push(relative(dir, join(e.parentPath, e.name)));
  return out.sort();
}
