/**
 * Test helpers (not used at run time): Azurite over TLS with its own account key, a container opened with that key
 * through the real SDK, and an "import" that writes a staged seed into the container as the datacenter does (page
 * blobs `<job>/<path>` of every file seed.json ships).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BlobServiceClient, StorageSharedKeyCredential, type ContainerClient } from '@azure/storage-blob';
import { loadOrCreateTls } from '../../electron/services/sandbox/ca.ts';
import { startAzurite, type AzuriteHandle } from '../../electron/services/sandbox/azurite.ts';
import { caTrustingPipeline } from '../../electron/services/sandbox/blob-access.ts';
import { runBackup } from '../../electron/services/backup/engine.ts';
import { FAST_KDF, PASS } from '../../electron/services/backup/test-trees.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';
import type { OnlineBackupResult } from '../../electron/services/online/types.ts';
import { walkTree, type Walk } from '../roundtrip/test-walk.ts';

export interface TestStorage {
  account: string;
  key: string;
  caCertPem: string;
  baseUrl: string;
  service: BlobServiceClient;
  container(name: string): Promise<ContainerClient>;
  stop(): Promise<void>;
}

export async function startTestStorage(dir: string, account = 'onlineacct'): Promise<TestStorage> {
  const tls = await loadOrCreateTls(dir);
  const key = randomBytes(64).toString('base64');
  const azurite: AzuriteHandle = await startAzurite({
    location: join(dir, 'azurite'),
    accounts: [{ name: account, key }],
    certPath: join(dir, 'tls', 'server.pem'),
    keyPath: join(dir, 'tls', 'server-key.pem'),
  });
  const service = new BlobServiceClient(
    `${azurite.baseUrl}/${account}/`,
    caTrustingPipeline(new StorageSharedKeyCredential(account, key), tls.caCertPem),
  );
  return {
    account,
    key,
    caCertPem: tls.caCertPem,
    baseUrl: azurite.baseUrl,
    service,
    async container(name) {
      const cc = service.getContainerClient(name);
      await cc.createIfNotExists();
      return cc;
    },
    stop: () => azurite.stop(),
  };
}

/** Writes every file a complete staged job ships into the container as page blobs, as the datacenter does. */
export async function importStagedJob(cc: ContainerClient, jobDir: string, job: string): Promise<void> {
  const seed = JSON.parse(await readFile(join(jobDir, 'seed.json'), 'utf8')) as { files: Array<{ path: string }> };
  for (const f of seed.files) {
    const bytes = await readFile(join(jobDir, ...f.path.split('/')));
    const page = cc.getPageBlobClient(`${job}/${f.path}`);
    await page.create(bytes.length);
    for (let o = 0; o < bytes.length; o += 4 << 20)
      await page.uploadPages(
        bytes.subarray(o, Math.min(bytes.length, o + (4 << 20))),
        o,
        Math.min(4 << 20, bytes.length - o),
      );
  }
}

const RUNNER = fileURLToPath(new URL('./test-run-online.ts', import.meta.url));

/** One online backup in a child process (killed at `killAt`'s `killNth` match); its result, or null when killed. */
export function runChild(args: Record<string, unknown>): Promise<{
  signal: NodeJS.Signals | null;
  code: number | null;
  result: Record<string, unknown> | null;
  stderr: string;
}> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUNNER, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let stderr = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) =>
      resolve({
        code,
        signal,
        stderr,
        result: out.trim() ? (JSON.parse(out.trim().split('\n').pop()!) as Record<string, unknown>) : null,
      }),
    );
  });
}

/** A day of December 2026 at 21:00 UTC: when the online tests take their points. */
export const day = (d: number) => `2026-12-${String(d).padStart(2, '0')}T21:00:00.000Z`;

/**
 * The seed of `job`: `src` backed up to `<dir>/<job>-staging` (1 MiB packs, no snapshots, PASS) and imported into the
 * job's own container.
 */
export async function stageAndImport(
  storage: TestStorage,
  dir: string,
  job: string,
  src: string,
): Promise<{ stagingLocation: string; cc: ContainerClient }> {
  const stagingLocation = join(dir, `${job}-staging`);
  await runBackup({
    items: [src],
    stagingLocation,
    job: { name: job },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: 1 << 20,
    snapshots: false,
  });
  const cc = await storage.container(job);
  await importStagedJob(cc, join(stagingLocation, job), job);
  return { stagingLocation, cc };
}

/**
 * The seed of `job` (stageAndImport); `run` makes an online point of `src` on a day (1 MiB packs, no snapshots) and
 * keeps the tree as it was then, by point id, in `snaps`; `childArgs` are what runChild needs for the same job.
 */
export async function seededJob(storage: TestStorage, dir: string, job: string, src: string) {
  const { cc } = await stageAndImport(storage, dir, job, src);
  const snaps = new Map<string, Walk>([['seed', await walkTree(src)]]);
  const workDir = join(dir, `${job}-work`);
  const run = async (
    d: number,
    more: Partial<Parameters<typeof runOnlineBackup>[0]> = {},
  ): Promise<OnlineBackupResult> => {
    const r = await runOnlineBackup({
      container: cc,
      job,
      passphrase: PASS,
      items: [src],
      time: day(d),
      workDir,
      packSize: 1 << 20,
      snapshots: false,
      ...more,
    });
    snaps.set(r.point.id, await walkTree(src));
    return r;
  };
  const childArgs = {
    baseUrl: storage.baseUrl,
    account: storage.account,
    key: storage.key,
    caCertPem: storage.caCertPem,
    container: job,
    job,
    passphrase: PASS,
    items: [src],
    workDir,
    packSize: 1 << 20,
    blockSize: 4 << 20,
  };
  return { cc, snaps, run, childArgs };
}
