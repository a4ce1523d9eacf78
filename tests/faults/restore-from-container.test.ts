/**
 * Issue 13 §9: the container is a backup on its own. Back up (CLI), prepare folder disks (CLI), ship them through the
 * Local sandbox's datacenter (which imports them into Azurite), then delete the staging folder and the disks, and
 * restore and verify from the container alone with a brand-new data dir and the passphrase — byte for byte.
 * The key parameters come from the job descriptor the import carried (`<job>/obc-backup.json`), nothing else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { AzureClients } from '../../electron/services/azure/clients.ts';
import { CloudHttp } from '../../electron/services/azure/http.ts';
import type { CloudAuth } from '../../electron/services/azure/signin.ts';
import type { AzureService } from '../../electron/services/azure/azure-service.ts';
import { ImportVerifyService } from '../../electron/services/import-verify/service.ts';
import { TaskManager } from '../../electron/services/tasks/task-manager.ts';
import { BackupService } from '../../electron/services/backup/service.ts';
import { recoverDeps } from '../../electron/services/backup/recover-deps.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { diffTrees, prng } from '../../electron/services/backup/test-trees.ts';
import { initFolderDisk } from '../../electron/services/diskprep/folder-disk.ts';
import { writeSasFile } from '../../electron/services/diskprep/test-staging.ts';
import { sandboxCredential } from '../../electron/services/sandbox/test-sas.ts';
import { PASSPHRASE, cli, tempDir, writePassFile } from './test-cli.ts';
import { ACCOUNT, accountKey, importThroughDatacenter } from './test-sandbox-import.ts';

const JOB = 'cont-fresh';
const MiB = 1 << 20;
let dir: string;
let cleanup: () => Promise<void>;
let sb: SandboxHandle;
let token: string;
let key: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-container-'));
  sb = await startSandbox({ registrationDelayMs: 0 });
  token = await mintToken(sb, sb.users[0]);
  key = await accountKey(sb, token);
}, 120_000);
afterAll(async () => {
  await sb?.stop();
  await cleanup?.();
});

describe('restore from the container alone (issue 13 §9)', () => {
  it(
    'a new machine — fresh data dir, no staging folder, no disks — restores and verifies byte for byte with the passphrase',
    { timeout: 300_000 },
    async () => {
      const src = join(dir, 'src');
      const rnd = prng(1309);
      await mkdir(join(src, 'deep', 'er'), { recursive: true });
      for (let i = 0; i < 4; i++) await writeFile(join(src, `blob-${i}.bin`), rnd(MiB + 777 * i));
      await writeFile(join(src, 'deep', 'er', 'notes.txt'), 'the container is a backup on its own\n'.repeat(400));
      await writeFile(join(src, 'empty.txt'), '');
      const pf = await writePassFile(dir);
      const stagingLocation = join(dir, 'staging');
      const b = await cli([
        'backup',
        '--items',
        src,
        '--staging',
        stagingLocation,
        '--job',
        JOB,
        '--passphrase-file',
        pf,
        '--storage-account',
        ACCOUNT,
        '--container',
        'seed',
        '--subscription',
        sb.subscriptionId,
        '--resource-group',
        'backup-rg',
        '--pack-size',
        String(MiB),
        '--json',
      ]);
      expect(b.code, b.stdout.slice(-400) + b.stderr).toBe(0);
      const disks = [join(dir, 'disk1'), join(dir, 'disk2')];
      for (const [i, d] of disks.entries()) await initFolderDisk(d, `CONTFRESH${i + 1}`, 4 * MiB);
      const dp = await cli([
        'diskprep',
        `s:${stagingLocation}`,
        '--job',
        JOB,
        ...disks.flatMap((d) => ['--disk', d]),
        '--passphrase-file',
        pf,
        '--no-job',
        '--container-sas',
        await writeSasFile(dir, sandboxCredential(sb, key), JOB),
        '--yes',
        '--json',
      ]);
      expect(dp.code, dp.stdout.slice(-600) + dp.stderr).toBe(0);
      const imp = await importThroughDatacenter(sb, token, key, stagingLocation, JOB, PASSPHRASE, disks);
      expect(imp.state).toBe('Completed');
      expect(imp.bad).toEqual([]);

      // The old machine is gone: no staging folder (no seed.json anywhere), no disks, a data dir never used before.
      await rm(stagingLocation, { recursive: true, force: true });
      for (const d of disks) await rm(d, { recursive: true, force: true });
      const dataDir = join(dir, 'new-machine-data');
      await mkdir(dataDir);
      const tasks = new TaskManager({ minIntervalMs: 10 });
      const http = new CloudHttp(sb.cloud);
      try {
        const auth = {
          credential: () => ({
            getToken: async () => ({
              token: await mintToken(sb, sb.users[0]),
              expiresOnTimestamp: Date.now() + 3_600_000,
              tokenType: 'Bearer' as const,
            }),
          }),
        } as unknown as CloudAuth;
        const importVerify = new ImportVerifyService({
          tasks,
          dataDir,
          storageAccess: async () => new AzureClients(auth, http),
        });
        // Our own sign-in state only (the Azure calls below go through the real SDKs to the sandbox and Azurite).
        const azure = {
          status: async () => ({ signedIn: true }),
          storageAccounts: async () => [],
        } as unknown as AzureService;
        const svc = new BackupService(tasks, {}, recoverDeps({ azure, importVerify }));
        const source = {
          kind: 'container' as const,
          job: JOB,
          subscriptionId: sb.subscriptionId,
          resourceGroup: 'backup-rg',
          storageAccount: ACCOUNT,
          container: 'seed',
        };

        const v = await tasks.waitFor(svc.verify({ source, passphrase: PASSPHRASE }).taskId);
        expect(v.status, v.error?.message).toBe('succeeded');
        expect(v.result).toMatchObject({ ok: true, damagedPacks: [], damagedFiles: [] });

        const to = join(dataDir, 'restored');
        const r = await tasks.waitFor(svc.recover({ source, passphrase: PASSPHRASE, to }).taskId);
        expect(r.status, r.error?.message).toBe('succeeded');
        expect(await diffTrees(src, join(to, catalogPathOf(src)), { mtimes: true })).toEqual([]);
        // Nothing was kept on this machine to make it work: the data dir holds only what was restored.
        expect(await readdir(dataDir)).toEqual(['restored']);

        // A wrong passphrase is refused as such, not as damage.
        const w = await tasks.waitFor(svc.verify({ source, passphrase: 'not the passphrase of this backup' }).taskId);
        expect(w.error).toMatchObject({ code: 'WRONG_PASSPHRASE' });
        expect(w.error?.message).not.toMatch(/altered|tamper|damaged/i);
      } finally {
        http.dispose();
        await tasks.shutdown();
      }
    },
  );
});
