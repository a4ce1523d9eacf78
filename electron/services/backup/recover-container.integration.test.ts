/**
 * Recover source "container" against a real Azurite over TLS: a real backup's files uploaded as page blobs (as the
 * datacenter writes them) restore byte for byte through recover:list / recover:start; signed out → SIGNIN_REQUIRED.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateTls } from '../sandbox/ca.ts';
import { startAzurite, type AzuriteHandle } from '../sandbox/azurite.ts';
import { caTrustingPipeline } from '../sandbox/blob-access.ts';
import { createCaTrustingHttpClient } from '../sandbox/ca-http-client.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { ImportVerifyService } from '../import-verify/service.ts';
import type { StorageAccess } from '../import-verify/container-source.ts';
import type { AzureService } from '../azure/azure-service.ts';
import type { PolicyService } from '../policies/index.ts';
import { backupHandlers } from '../../handlers/backup.ts';
import { backupInvoke } from '../../../shared/contract/backup.ts';
import type { HandlerCtx } from '../../handlers/types.ts';
import type { Services } from '../index.ts';
import { runBackup } from './engine.ts';
import { BackupService } from './service.ts';
import { recoverDeps } from './recover-deps.ts';
import { FAST_KDF, PASS, diffTrees, prng, tempDir } from './test-trees.ts';

const ACCOUNT = 'acct1';
const KEY = randomBytes(64).toString('base64');
const SUB = '11111111-2222-3333-4444-555555555555';
const JOB = 'cont-rec';
let dir: string;
let cleanup: () => Promise<void>;
let azurite: AzuriteHandle;
let src: string;
let stagingLocation: string;
let tasks: TaskManager;
let ctx: HandlerCtx;
let signedIn = true;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-reccont-'));
  const tls = await loadOrCreateTls(dir);
  azurite = await startAzurite({
    location: join(dir, 'azurite'),
    accounts: [{ name: ACCOUNT, key: KEY }],
    certPath: join(dir, 'tls', 'server.pem'),
    keyPath: join(dir, 'tls', 'server-key.pem'),
  });
  const endpoint = `${azurite.baseUrl}/${ACCOUNT}/`;
  const service = new BlobServiceClient(
    endpoint,
    caTrustingPipeline(new StorageSharedKeyCredential(ACCOUNT, KEY), tls.caCertPem),
  );
  const access: StorageAccess = {
    http: createCaTrustingHttpClient(tls.caCertPem),
    storage: () => ({
      storageAccounts: {
        getProperties: async () => ({ primaryEndpoints: { blob: endpoint } }),
        listKeys: async () => ({ keys: [{ value: KEY }] }),
      },
    }),
  };
  src = join(dir, 'src');
  const rnd = prng(11);
  await mkdir(join(src, 'sub'), { recursive: true });
  await writeFile(join(src, 'sub', 'one.bin'), rnd(2_500_000));
  await writeFile(join(src, 'note.txt'), 'restore me from the container\n');
  stagingLocation = join(dir, 'staging');
  await runBackup({
    items: [src],
    stagingLocation,
    job: { name: JOB, subscriptionId: SUB, storageAccount: ACCOUNT, container: 'backups' },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: 1 << 20,
  });
  const seed = JSON.parse(await readFile(join(stagingLocation, JOB, 'seed.json'), 'utf8')) as {
    files: Array<{ path: string }>;
  };
  const cc = service.getContainerClient('backups');
  await cc.createIfNotExists();
  for (const f of seed.files) {
    const bytes = await readFile(join(stagingLocation, JOB, ...f.path.split('/')));
    const page = cc.getPageBlobClient(`${JOB}/${f.path}`);
    await page.create(bytes.length);
    for (let o = 0; o < bytes.length; o += 4 << 20)
      await page.uploadPages(
        bytes.subarray(o, Math.min(bytes.length, o + (4 << 20))),
        o,
        Math.min(4 << 20, bytes.length - o),
      );
  }
  tasks = new TaskManager({ minIntervalMs: 10 });
  const importVerify = new ImportVerifyService({
    tasks,
    dataDir: join(dir, 'data'),
    storageAccess: async () => access,
  });
  const azure = {
    status: async () => ({ signedIn }),
    storageAccounts: async () => [{ name: ACCOUNT, resourceGroup: 'rg-found' }],
  } as unknown as AzureService;
  const policies = { passphraseForJob: async () => PASS } as unknown as PolicyService;
  ctx = {
    services: {
      tasks,
      backup: new BackupService(tasks, { kdf: FAST_KDF }, recoverDeps({ azure, importVerify, policies })),
    } as unknown as Services,
    host: 'browser',
  };
}, 120_000);
afterAll(async () => {
  await tasks?.shutdown();
  await azurite?.stop();
  await cleanup?.();
});

const top = () => src.replace(/^\/+/, '');

describe('recover source "container" (Azurite)', () => {
  it('browses and restores from the container byte for byte (seed.json from staging; resource group looked up; policy passphrase)', async () => {
    const source = {
      kind: 'container' as const,
      job: JOB,
      subscriptionId: SUB,
      storageAccount: ACCOUNT,
      container: 'backups',
      stagingLocation,
    };
    const listing = await backupHandlers['recover:list'](
      backupInvoke['recover:list'].req.parse({ source, usePolicyPassphrase: true, path: top() }),
      ctx,
    );
    expect(listing.children.map((c) => c.name).sort()).toEqual(['note.txt', 'sub']);
    // Pack and catalog bytes come from the container: move the staging packs away (seed.json stays).
    await rename(join(stagingLocation, JOB, 'packs'), join(dir, 'packs-away'));
    const to = join(dir, 'restored');
    const req = backupInvoke['recover:start'].req.parse({ source, passphrase: PASS, to });
    const snap = await tasks.waitFor((await backupHandlers['recover:start'](req, ctx)).taskId);
    expect(snap.status, snap.error?.message).toBe('succeeded');
    expect(await diffTrees(src, join(to, top()))).toEqual([]);
  }, 60_000);

  it('signed out: SIGNIN_REQUIRED before anything is read; a container with no such job: the missing seed is explained', async () => {
    signedIn = false;
    const source = {
      kind: 'container' as const,
      job: JOB,
      subscriptionId: SUB,
      resourceGroup: 'rg1',
      storageAccount: ACCOUNT,
      container: 'backups',
    };
    await expect(backupHandlers['recover:list']({ source, passphrase: PASS }, ctx)).rejects.toMatchObject({
      code: 'SIGNIN_REQUIRED',
    });
    signedIn = true;
    await expect(
      backupHandlers['recover:list']({ source: { ...source, job: 'nope-job' }, passphrase: PASS }, ctx),
    ).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/seed\.json/) });
  }, 60_000);
});
