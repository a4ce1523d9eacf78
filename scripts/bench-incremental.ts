/**
 * `npm run bench -- incremental [--size 1G] [--small-files 100000] [--dir <tmp>] [--keep]`
 *
 * Online incremental backups (issue 16) against a local Azurite (the sandbox's, TLS, the real SDK):
 * 1. A seed of `--size` (incompressible files of 256 KiB–1.75 MiB) is backed up by the engine and imported into the
 *    container (page blobs, as the datacenter writes them); `restic backup` of the same tree to a local repository.
 * 2. 1% of the bytes is overwritten in place across 5% of the files (contiguous ranges at seeded offsets); an
 *    online incremental and `restic backup` of the change are timed. Reported: bytes uploaded / bytes changed
 *    (target ≤ 1.2) and the incremental's time against restic's (target ≤ 1.0×, the upload to a local Azurite
 *    included in ours, restic writing to a local folder).
 * 3. A tree of `--small-files` 1 KiB files is seeded and imported; an incremental with nothing changed is timed
 *    (target under 10 s).
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { runBackup } from '../electron/services/backup/engine.ts';
import { runOnlineBackup } from '../electron/services/online/incremental.ts';
import { startAzurite } from '../electron/services/sandbox/azurite.ts';
import { caTrustingPipeline } from '../electron/services/sandbox/blob-access.ts';
import { loadOrCreateTls } from '../electron/services/sandbox/ca.ts';
import { rng } from './bench-corpus.ts';

const PASS = 'benchmark passphrase, not a secret';
const MiB = 1 << 20;
const arg = (name: string, def?: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
function parseSize(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(s.trim());
  if (!m) throw new Error(`--size ${s}: use e.g. 512M, 1G`);
  return Math.round(Number(m[1]) * 1024 ** ' KMGT'.indexOf((m[2] || ' ').toUpperCase()));
}
const log = (s: string) => process.stdout.write(`${s}\n`);
const fmt = (b: number) => (b >= MiB ? `${(b / MiB).toFixed(1)} MiB` : `${(b / 1024).toFixed(1)} KiB`);

/** One online incremental of `item` into the job's container (snapshots off: the bench's trees hold still). */
function incremental(
  container: ContainerClient,
  job: string,
  item: string,
  workDir: string,
  onProgress?: (p: { phase: string }) => void,
) {
  return runOnlineBackup({
    container,
    job,
    passphrase: PASS,
    items: [item],
    time: new Date().toISOString(),
    workDir,
    snapshots: false,
    ...(onProgress ? { onProgress } : {}),
  });
}

async function timed<T>(f: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const t0 = performance.now();
  const value = await f();
  return { value, seconds: (performance.now() - t0) / 1000 };
}

/** Writes every file a staged job ships into the container as page blobs, as the datacenter does. */
async function importStaged(cc: ContainerClient, jobDir: string, job: string): Promise<void> {
  const seed = JSON.parse(await readFile(join(jobDir, 'seed.json'), 'utf8')) as { files: Array<{ path: string }> };
  for (const f of seed.files) {
    const bytes = await readFile(join(jobDir, ...f.path.split('/')));
    const page = cc.getPageBlobClient(`${job}/${f.path}`);
    await page.create(bytes.length);
    for (let o = 0; o < bytes.length; o += 4 * MiB)
      await page.uploadPages(
        bytes.subarray(o, Math.min(bytes.length, o + 4 * MiB)),
        o,
        Math.min(4 * MiB, bytes.length - o),
      );
  }
}

function restic(args: string[], env: Record<string, string>): number {
  const t0 = performance.now();
  const r = spawnSync('restic', args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0) throw new Error(`restic ${args[0]} exited ${r.status}`);
  return (performance.now() - t0) / 1000;
}

const size = parseSize(arg('size', '1G')!);
const smallFiles = Number(arg('small-files', '100000'));
const base = arg('dir') ?? (await mkdtemp(join(tmpdir(), 'obc-bench-incr-')));
const haveRestic = spawnSync('restic', ['version']).status === 0;
const account = 'benchacct';
const key = randomBytes(64).toString('base64');
const tls = await loadOrCreateTls(base);
const azurite = await startAzurite({
  location: join(base, 'azurite'),
  accounts: [{ name: account, key }],
  certPath: join(base, 'tls', 'server.pem'),
  keyPath: join(base, 'tls', 'server-key.pem'),
});
const service = new BlobServiceClient(
  `${azurite.baseUrl}/${account}/`,
  caTrustingPipeline(new StorageSharedKeyCredential(account, key), tls.caCertPem),
);

async function seedJob(job: string, src: string): Promise<{ cc: ContainerClient; seconds: number }> {
  const stagingLocation = join(base, `${job}-staging`);
  const { seconds } = await timed(() =>
    runBackup({ items: [src], stagingLocation, job: { name: job }, passphrase: PASS, snapshots: false }),
  );
  const cc = service.getContainerClient(job);
  await cc.createIfNotExists();
  await importStaged(cc, join(stagingLocation, job), job);
  await rm(stagingLocation, { recursive: true, force: true });
  return { cc, seconds };
}

try {
  // 1. The seed.
  const r = rng(1601);
  const src = join(base, 'corpus');
  await mkdir(src, { recursive: true });
  const files: Array<{ path: string; size: number }> = [];
  for (let total = 0, i = 0; total < size; i++) {
    const n = Math.min(size - total, r.int(256, 1792) * 1024);
    const path = join(src, `d${i % 32}`, `f${i}.bin`);
    if (i < 32) await mkdir(join(src, `d${i}`), { recursive: true });
    await writeFile(path, r.bytes(n));
    files.push({ path, size: n });
    total += n;
  }
  log(`corpus: ${files.length} files, ${fmt(size)} (incompressible) in ${base}`);
  const seed = await seedJob('incr-bench', src);
  log(`seed backup: ${seed.seconds.toFixed(1)} s`);
  const resticEnv = { RESTIC_PASSWORD: PASS, XDG_CACHE_HOME: join(base, 'restic-cache') };
  const repo = join(base, 'restic-repo');
  if (haveRestic) {
    restic(['init', '--repo', repo, '--quiet'], resticEnv);
    log(`restic initial backup: ${restic(['backup', '--repo', repo, '--quiet', src], resticEnv).toFixed(1)} s`);
  } else log('restic: not installed (Debian package "restic"); its comparison is skipped.');
  const workDir = join(base, 'work');
  // A first incremental records change times (the seed's catalog has them too; this keeps the timed run pure).
  await incremental(seed.cc, 'incr-bench', src, workDir);

  // 2. 1% of the bytes across 5% of the files.
  const pick = Math.max(1, Math.round(files.length * 0.05));
  const perFile = Math.floor((size * 0.01) / pick);
  let changed = 0;
  for (let k = 0; k < pick; k++) {
    const f = files[Math.floor((k * files.length) / pick)];
    const len = Math.min(perFile, f.size);
    const fh = await open(f.path, 'r+');
    await fh.write(r.bytes(len), 0, len, r.int(0, f.size - len));
    await fh.close();
    changed += len;
  }
  const phases: Array<{ phase: string; at: number }> = [];
  const onProgress = (p: { phase: string }) => {
    if (phases.at(-1)?.phase !== p.phase) phases.push({ phase: p.phase, at: performance.now() });
  };
  const logPhases = () =>
    log(
      `  phases: ${phases.map((p, i) => `${p.phase} ${(((phases[i + 1]?.at ?? p.at) - p.at) / 1000).toFixed(2)} s`).join(', ')}`,
    );
  const inc = await timed(() => incremental(seed.cc, 'incr-bench', src, workDir, onProgress));
  logPhases();
  const ratio = inc.value.uploadedBytes / changed;
  log(
    `changed ${fmt(changed)} in ${pick} files; incremental: ${inc.seconds.toFixed(2)} s, read ${inc.value.filesRead} files, new ${fmt(inc.value.newBytes)}, uploaded ${fmt(inc.value.uploadedBytes)}`,
  );
  log(`uploaded / changed = ${ratio.toFixed(2)} (target ≤ 1.2: ${ratio <= 1.2 ? 'met' : 'NOT met'})`);
  if (haveRestic) {
    const rt = restic(['backup', '--repo', repo, '--quiet', src], resticEnv);
    const x = inc.seconds / rt;
    log(
      `restic backup of the change: ${rt.toFixed(2)} s; obc / restic = ${x.toFixed(2)}× (target ≤ 1.0×: ${x <= 1 ? 'met' : 'NOT met'})`,
    );
  }

  // 3. Nothing changed on a tree of many small files.
  const many = join(base, 'many');
  for (let d = 0; d < 100; d++) {
    await mkdir(join(many, `d${d}`), { recursive: true });
    for (let i = d; i < smallFiles; i += 100) await writeFile(join(many, `d${d}`, `f${i}.txt`), r.bytes(1024));
  }
  const manySeed = await seedJob('many-bench', many);
  log(`${smallFiles} small files: seed backup ${manySeed.seconds.toFixed(1)} s`);
  const manyWork = join(base, 'many-work');
  await incremental(manySeed.cc, 'many-bench', many, manyWork);
  phases.length = 0;
  const idle = await timed(() => incremental(manySeed.cc, 'many-bench', many, manyWork, onProgress));
  logPhases();
  log(
    `nothing changed, ${smallFiles} files: ${idle.seconds.toFixed(2)} s, read ${idle.value.filesRead} files, uploaded ${fmt(idle.value.uploadedBytes)} (target < 10 s: ${idle.seconds < 10 ? 'met' : 'NOT met'})`,
  );
} finally {
  await azurite.stop();
  if (!process.argv.includes('--keep') && !arg('dir')) await rm(base, { recursive: true, force: true });
}
