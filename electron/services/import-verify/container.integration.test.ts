/**
 * Against a real Azurite over TLS (the sandbox's CA, trusted only by this client): a real backup's files imported
 * as page blobs are verified, one changed blob is caught, the staging folder is cleaned up, and the backup is then
 * restored straight from the container through ContainerPackSource.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateTls } from '../sandbox/ca.ts';
import { startAzurite, type AzuriteHandle } from '../sandbox/azurite.ts';
import { caTrustingPipeline } from '../sandbox/blob-access.ts';
import { createCaTrustingHttpClient } from '../sandbox/ca-http-client.ts';
import { runBackup } from '../backup/engine.ts';
import { openJob } from '../backup/reader.ts';
import { restoreJob } from '../backup/restore.ts';
import { FAST_KDF, PASS, tempDir } from '../backup/test-trees.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import type { TaskSnapshot } from '../../../shared/task.ts';
import { ImportVerifyService } from './service.ts';
import { sasBlobSource, type StorageAccess } from './container-source.ts';

const ACCOUNT = 'acct1';
const KEY = randomBytes(64).toString('base64');
const SUB = '11111111-2222-3333-4444-555555555555';
let dir: string;
let cleanup: () => Promise<void>;
let azurite: AzuriteHandle;
let access: StorageAccess;
let service: BlobServiceClient;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-iv-azurite-'));
  const tls = await loadOrCreateTls(dir);
  azurite = await startAzurite({
    location: join(dir, 'azurite'),
    accounts: [{ name: ACCOUNT, key: KEY }],
    certPath: join(dir, 'tls', 'server.pem'),
    keyPath: join(dir, 'tls', 'server-key.pem'),
  });
  const endpoint = `${azurite.baseUrl}/${ACCOUNT}/`;
  service = new BlobServiceClient(
    endpoint,
    caTrustingPipeline(new StorageSharedKeyCredential(ACCOUNT, KEY), tls.caCertPem),
  );
  access = {
    http: createCaTrustingHttpClient(tls.caCertPem),
    storage: () => ({
      storageAccounts: {
        getProperties: async () => ({ primaryEndpoints: { blob: endpoint } }),
        listKeys: async () => ({ keys: [{ value: KEY }] }),
      },
    }),
  };
}, 60_000);

afterAll(async () => {
  await azurite?.stop();
  await cleanup?.();
});

async function finished(tasks: TaskManager, id: string): Promise<TaskSnapshot> {
  for (;;) {
    const s = tasks.get(id);
    if (s.status !== 'running') return s;
    await new Promise((r) => tasks.once('updated', r));
  }
}

async function findFile(root: string, name: string): Promise<string | null> {
  for (const e of await readdir(root, { withFileTypes: true })) {
    const p = join(root, e.name);
    if (e.isDirectory()) {
      const hit = await findFile(p, name);
      if (hit) return hit;
    } else if (e.name === name) return p;
  }
  return null;
}

describe('verify and restore from a blob container (Azurite)', () => {
  it('verifies imported page blobs, catches a changed blob, cleans up staging and restores from the container', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'sub'), { recursive: true });
    const payload = randomBytes(2_500_000);
    await writeFile(join(src, 'sub', 'one-file.bin'), payload);
    await writeFile(join(src, 'note.txt'), 'restore me from the container\n');
    const stagingLocation = join(dir, 'staging');
    await runBackup({
      items: [src],
      stagingLocation,
      job: {
        name: 'seed-az',
        subscriptionId: SUB,
        resourceGroup: 'rg1',
        storageAccount: ACCOUNT,
        container: 'backups',
      },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 1 << 20,
    });
    const seed = JSON.parse(await readFile(join(stagingLocation, 'seed-az', 'seed.json'), 'utf8')) as {
      files: Array<{ path: string; length: number }>;
      rangeMd5s?: { path: string };
    };
    expect(seed.files.length).toBeGreaterThanOrEqual(2);
    // "Import": every staged file becomes a page blob <job>/<path>, as the datacenter writes them.
    const cc = service.getContainerClient('backups');
    await cc.createIfNotExists();
    for (const f of seed.files) {
      const bytes = await readFile(join(stagingLocation, 'seed-az', ...f.path.split('/')));
      const page = cc.getPageBlobClient(`seed-az/${f.path}`);
      await page.create(bytes.length);
      for (let o = 0; o < bytes.length; o += 4 << 20)
        await page.uploadPages(
          bytes.subarray(o, Math.min(bytes.length, o + (4 << 20))),
          o,
          Math.min(4 << 20, bytes.length - o),
        );
    }
    const tasks = new TaskManager({ minIntervalMs: 0 });
    const svc = new ImportVerifyService({ tasks, dataDir: join(dir, 'data'), storageAccess: async () => access });

    const ok = await finished(tasks, (await svc.start({ stagingLocation, jobName: 'seed-az' })).taskId);
    expect(ok.status, ok.error?.message).toBe('succeeded');
    expect(ok.result).toMatchObject({ ok: true, matched: seed.files.length, missingCount: 0, differentCount: 0 });

    // One byte changed in the container → reported as different, clean-up refused.
    const victim = seed.files[0];
    const orig = await readFile(join(stagingLocation, 'seed-az', ...victim.path.split('/')));
    const bad = Buffer.from(orig.subarray(0, 512));
    bad[7] ^= 1;
    await cc.getPageBlobClient(`seed-az/${victim.path}`).uploadPages(bad, 0, 512);
    const failed = await finished(tasks, (await svc.start({ stagingLocation, jobName: 'seed-az' })).taskId);
    expect(failed.status).toBe('failed');
    expect(await svc.lastReport('seed-az')).toMatchObject({
      ok: false,
      differentCount: 1,
      different: [{ path: victim.path }],
    });
    await expect(
      svc.cleanupStaging({ stagingLocation, jobName: 'seed-az', confirmJobName: 'seed-az' }),
    ).rejects.toThrow(/kept/);
    await cc.getPageBlobClient(`seed-az/${victim.path}`).uploadPages(orig.subarray(0, 512), 0, 512);
    expect((await finished(tasks, (await svc.start({ stagingLocation, jobName: 'seed-az' })).taskId)).status).toBe(
      'succeeded',
    );

    // The same check through a read-only container SAS (obc verify-import --container-url-file), no account key:
    // the report and its location never carry the signature.
    const sasUrl = `${cc.url}?${generateBlobSASQueryParameters({ containerName: 'backups', permissions: ContainerSASPermissions.parse('rl'), expiresOn: new Date(Date.now() + 3600_000) }, new StorageSharedKeyCredential(ACCOUNT, KEY)).toString()}`;
    const noKey = async (): Promise<StorageAccess> => {
      throw new Error('the account key must not be used with a SAS');
    };
    const viaSas = new ImportVerifyService({
      tasks,
      dataDir: join(dir, 'data-sas'),
      storageAccess: noKey,
      sourceFor: async (r) => sasBlobSource(sasUrl, access.http, r),
    });
    const sasRun = await finished(tasks, (await viaSas.start({ stagingLocation, jobName: 'seed-az' })).taskId);
    expect(sasRun.status, sasRun.error?.message).toBe('succeeded');
    const sasReport = await viaSas.lastReport('seed-az');
    expect(sasReport).toMatchObject({ ok: true, matched: seed.files.length, location: `${cc.url}/seed-az/` });
    expect(JSON.stringify(sasReport)).not.toContain(new URL(sasUrl).searchParams.get('sig')!);
    expect(() => sasBlobSource(sasUrl, access.http, { storageAccount: ACCOUNT, container: 'other' })).toThrow(
      /for container "backups", not "other"/,
    );

    const cleaned = await svc.cleanupStaging({ stagingLocation, jobName: 'seed-az', confirmJobName: 'seed-az' });
    // Every shipped file, seed.json and (seed format 3) the side file of range MD5s.
    expect(cleaned.removedFiles).toBe(seed.files.length + 1 + (seed.rangeMd5s ? 1 : 0));
    expect(seed.rangeMd5s).toBeDefined();
    expect(await readdir(stagingLocation)).toEqual([]);

    // Restore from the container only (the staging folder is gone; the seed copy kept at clean-up is used).
    const source = await svc.containerPackSource({
      jobName: 'seed-az',
      subscriptionId: SUB,
      resourceGroup: 'rg1',
      storageAccount: ACCOUNT,
      container: 'backups',
    });
    const reader = await openJob(source, PASS);
    const to = join(dir, 'restored');
    await restoreJob(reader, { to });
    const restored = await findFile(to, 'one-file.bin');
    expect(restored).not.toBeNull();
    expect((await readFile(restored!)).equals(payload)).toBe(true);
  }, 120_000);
});
