/**
 * Issue 16, the whole way: `obc backup` to a staging folder, Disk Prep onto folder disks, the Local sandbox's
 * datacenter imports them into Azurite, then three online runs with changes (add, modify, delete, rename, a growing
 * file). A new machine — a data dir that only signed in, no staging folder, no disks, no spool — backs up once more
 * with `obc backup --online`, lists the restore points with `obc restore-points list`, verifies each with
 * `obc verify --from-container --restore-point` and restores each with `obc restore --from-container
 * --restore-point`; every restore equals the tree as it was at that run, by the independent walker of
 * tests/roundtrip (Python's os.walk/lstat). A machine never signed in lists, restores (the newest point) and verifies
 * through a container SAS URL, whose signature appears in no output.
 */
import { appendFile, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
  type ContainerClient,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureTestEnv, type AzureTestEnv } from '../../electron/services/azure/test-azure-env.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { caTrustingPipeline } from '../../electron/services/sandbox/blob-access.ts';
import { SettingsStore } from '../../electron/services/settings/settings-store.ts';
import { writeJsonAtomic } from '../../electron/services/store/atomic.ts';
import { catalogPathOf } from '../../electron/services/backup/scan.ts';
import { prng } from '../../electron/services/backup/test-trees.ts';
import { initFolderDisk } from '../../electron/services/diskprep/folder-disk.ts';
import { writeSasFile } from '../../electron/services/diskprep/test-staging.ts';
import { sandboxCredential } from '../../electron/services/sandbox/test-sas.ts';
import { runOnlineBackup } from '../../electron/services/online/incremental.ts';
import { compareWalks, walkTree, type Walk } from '../roundtrip/test-walk.ts';
import { PASSPHRASE, cli, resultOf, writePassFile } from '../faults/test-cli.ts';
import { ACCOUNT, accountKey, importThroughDatacenter } from '../faults/test-sandbox-import.ts';
import { tempDir } from '../../electron/services/test-temp.ts';

const JOB = 'online-journey';
const MiB = 1 << 20;
let env: AzureTestEnv;
let dir: string;
let newMachine: string;

beforeAll(async () => {
  dir = await tempDir('obc-online-journey-');
  env = await startAzureTestEnv({});
  // The new machine's data dir: signed in to the sandbox cloud once (as after `obc signin`), nothing else.
  newMachine = join(dir, 'new-machine');
  await mkdir(newMachine);
  await writeJsonAtomic(join(newMachine, 'sandbox-cloud.json'), env.sb.cloud);
  const settings = new SettingsStore(newMachine);
  await settings.load();
  await settings.set({ cloud: 'LocalSandbox' });
  const svc = await env.service({ dataDir: newMachine });
  await svc.signIn({ timeoutMs: 30_000 });
  svc.close();
}, 120_000);
afterAll(async () => {
  await env?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('online restore points after a datacenter import (CLI)', () => {
  it(
    'each point lists, verifies and restores to its own snapshot from a new machine',
    { timeout: 400_000 },
    async () => {
      const sb = env.sb;
      const token = await mintToken(sb, sb.users[0]);
      const key = await accountKey(sb, token);
      const src = join(dir, 'src');
      const rnd = prng(1601);
      await mkdir(join(src, 'docs', 'old'), { recursive: true });
      for (let i = 0; i < 5; i++) await writeFile(join(src, 'docs', `part-${i}.bin`), rnd(MiB / 2 + 333 * i));
      await writeFile(join(src, 'docs', 'old', 'notes.txt'), 'kept as it was\n'.repeat(2000));
      await writeFile(join(src, 'app.log'), 'first line\n');
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
      const disk = join(dir, 'disk1');
      await initFolderDisk(disk, 'JOURNEY1', 8 * MiB);
      // The manifests' container SAS the sandbox datacenter imports with.
      const dp = await cli([
        'diskprep',
        `s:${stagingLocation}`,
        '--job',
        JOB,
        '--disk',
        disk,
        '--passphrase-file',
        pf,
        '--no-job',
        '--container-sas',
        await writeSasFile(dir, sandboxCredential(sb, key), JOB),
        '--yes',
        '--json',
      ]);
      expect(dp.code, dp.stdout.slice(-600) + dp.stderr).toBe(0);
      const imp = await importThroughDatacenter(sb, token, key, stagingLocation, JOB, PASSPHRASE, [disk]);
      expect(imp.state).toBe('Completed');
      expect(imp.bad).toEqual([]);
      const snaps: Array<{ id: string; walk: Walk }> = [{ id: 'seed', walk: await walkTree(src) }];

      const service = new BlobServiceClient(
        `${sb.blobUrl}/${ACCOUNT}/`,
        caTrustingPipeline(new StorageSharedKeyCredential(ACCOUNT, key), sb.caCertPem),
      );
      const cc: ContainerClient = service.getContainerClient('seed');
      const workDir = join(dir, 'old-machine-work');
      const run = async (day: number) => {
        const r = await runOnlineBackup({
          container: cc,
          job: JOB,
          passphrase: PASSPHRASE,
          items: [src],
          time: `2026-12-${String(day).padStart(2, '0')}T21:00:00.000Z`,
          workDir,
          packSize: MiB,
          snapshots: false,
        });
        snaps.push({ id: r.point.id, walk: await walkTree(src) });
        return r;
      };
      // 1: add, modify in place, append.
      await writeFile(join(src, 'docs', 'new.bin'), rnd(700_000));
      await writeFile(join(src, 'docs', 'part-1.bin'), rnd(MiB / 2 + 333));
      await appendFile(join(src, 'app.log'), 'second line\n'.repeat(5000));
      const r1 = await run(5);
      expect(r1.point.id).toMatch(/^20261205T210000Z-[0-9a-f]{6}$/);
      expect(r1.filesRead).toBe(3);
      // 2: delete, rename (same bytes: nothing new to send), grow again.
      await rm(join(src, 'docs', 'part-2.bin'));
      await rename(join(src, 'docs', 'part-3.bin'), join(src, 'docs', 'renamed-3.bin'));
      await appendFile(join(src, 'app.log'), rnd(300_000));
      const r2 = await run(6);
      expect(r2.newBytes).toBeLessThan(300_000 + 64 * 1024);
      // 3: nothing changed: nothing read, only the point's own blob sent.
      const r3 = await run(7);
      expect(r3.filesRead).toBe(0);
      expect(r3.packs).toBe(0);

      // The old machine is gone.
      for (const d of [stagingLocation, disk, workDir]) await rm(d, { recursive: true, force: true });
      const env2 = { OBC_DATA_DIR: newMachine };
      const where = [
        '--job',
        JOB,
        '--passphrase-file',
        pf,
        '--subscription',
        sb.subscriptionId,
        '--storage-account',
        ACCOUNT,
        '--container',
        'seed',
      ];
      // Back Up Now from the new machine (`obc backup --online`, nothing changed): a point at this instant, kept till its date.
      const now = await cli(
        ['backup', '--online', '--items', src, '--retain-until', '2027-01-31', ...where, '--json'],
        { env: env2 },
      );
      expect(now.code, now.stdout.slice(-600) + now.stderr).toBe(0);
      const nowPoint = resultOf(now)?.result as {
        point: { id: string; time: string; retainUntil: string };
        filesRead: number;
        packs: number;
      };
      expect(nowPoint).toMatchObject({ filesRead: 0, packs: 0, point: { retainUntil: '2027-01-31' } });
      snaps.splice(1, 0, { id: nowPoint.point.id, walk: await walkTree(src) });
      const list = await cli(['restore-points', 'list', ...where, '--json'], { env: env2 });
      expect(list.code, list.stdout + list.stderr).toBe(0);
      const listed = (resultOf(list)?.result as { points: Array<{ id: string; time: string; files: number }> }).points;
      expect(listed.map((p) => p.id)).toEqual(snaps.map((s) => s.id));
      expect(listed.slice(2).map((p) => p.time)).toEqual([
        '2026-12-05T21:00:00.000Z',
        '2026-12-06T21:00:00.000Z',
        '2026-12-07T21:00:00.000Z',
      ]);
      expect(listed.map((p) => p.files)).toEqual([7, 7, 8, 7, 7]);

      for (const s of snaps) {
        const v = await cli(['verify', '--from-container', '--restore-point', s.id, ...where, '--json'], { env: env2 });
        expect(v.code, `${s.id}: ${v.stdout.slice(-600)}${v.stderr}`).toBe(0);
        expect(resultOf(v)?.result).toMatchObject({ ok: true, damagedPacks: [], damagedFiles: [] });
        const to = join(dir, `restored-${s.id}`);
        const r = await cli(['restore', '--from-container', '--restore-point', s.id, ...where, '--to', to, '--json'], {
          env: env2,
        });
        expect(r.code, `${s.id}: ${r.stdout.slice(-600)}${r.stderr}`).toBe(0);
        expect(
          compareWalks(s.walk, await walkTree(join(to, catalogPathOf(src))), { dirModeAdded: 0o700 }),
          s.id,
        ).toEqual([]);
      }
      // A point that does not exist, and a malformed id, are named as such.
      const missing = await cli(
        [
          'restore',
          '--from-container',
          '--restore-point',
          '20200101T000000Z-abcdef',
          ...where,
          '--to',
          join(dir, 'nope'),
          '--json',
        ],
        { env: env2 },
      );
      expect(resultOf(missing)?.error).toMatchObject({ code: 'NOT_FOUND' });
      const bad = await cli(['verify', '--from-container', '--restore-point', 'latest', ...where], { env: env2 });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/restore point: "seed" or an id/);

      // A machine without Entra rights (never signed in) reads the container through a read+list container SAS URL:
      // from a file for the list and the restore (without --restore-point: the newest), on the command line for verify.
      const sasMachine = join(dir, 'sas-machine');
      await mkdir(sasMachine);
      await writeJsonAtomic(join(sasMachine, 'sandbox-cloud.json'), sb.cloud);
      const settings = new SettingsStore(sasMachine);
      await settings.load();
      await settings.set({ cloud: 'LocalSandbox' });
      const sas = generateBlobSASQueryParameters(
        {
          containerName: 'seed',
          permissions: ContainerSASPermissions.parse('rl'),
          expiresOn: new Date(Date.now() + 3_600_000),
        },
        new StorageSharedKeyCredential(ACCOUNT, key),
      ).toString();
      const sasUrl = `${sb.blobUrl}/${ACCOUNT}/seed?${sas}`;
      const sig = new URLSearchParams(sas).get('sig')!;
      const urlFile = join(dir, 'container-url.txt');
      await writeFile(urlFile, `${sasUrl}\n`, { mode: 0o600 });
      const env3 = { OBC_DATA_DIR: sasMachine };
      const bySas = ['--job', JOB, '--passphrase-file', pf];
      const outputs: string[] = [];
      const sasList = await cli(['restore-points', 'list', ...bySas, '--container-url-file', urlFile, '--json'], {
        env: env3,
      });
      outputs.push(sasList.stdout, sasList.stderr);
      expect(sasList.code, sasList.stdout + sasList.stderr).toBe(0);
      expect((resultOf(sasList)?.result as { points: Array<{ id: string }> }).points.map((p) => p.id)).toEqual(
        snaps.map((s) => s.id),
      );
      const newest = snaps.at(-1)!;
      const sasTo = join(dir, 'restored-by-sas');
      const sasRestore = await cli(
        ['restore', '--from-container', ...bySas, '--container-url-file', urlFile, '--to', sasTo],
        { env: env3 },
      );
      outputs.push(sasRestore.stdout, sasRestore.stderr);
      expect(sasRestore.code, sasRestore.stdout + sasRestore.stderr).toBe(0);
      expect(sasRestore.stdout).toContain(`restore point ${newest.id}, the newest`);
      expect(
        compareWalks(newest.walk, await walkTree(join(sasTo, catalogPathOf(src))), { dirModeAdded: 0o700 }),
      ).toEqual([]);
      const sasVerify = await cli(
        ['verify', '--from-container', '--restore-point', 'seed', ...bySas, '--container-url', sasUrl, '--json'],
        { env: env3 },
      );
      outputs.push(sasVerify.stdout, sasVerify.stderr);
      expect(sasVerify.code, sasVerify.stdout + sasVerify.stderr).toBe(0);
      expect(resultOf(sasVerify)?.result).toMatchObject({ ok: true, restorePoint: 'seed' });
      // A SAS for another container is refused by name; the signature is in no output, not even in that error.
      const wrong = await cli(
        ['verify', '--from-container', ...bySas, '--container-url', sasUrl, '--container', 'other'],
        { env: env3 },
      );
      outputs.push(wrong.stdout, wrong.stderr);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/is for container "seed", not "other"/);
      const notFromContainer = await cli(
        ['restore', '--staging', dir, ...bySas, '--container-url-file', urlFile, '--to', sasTo],
        { env: env3 },
      );
      expect(notFromContainer.code).toBe(2);
      expect(notFromContainer.stderr).toMatch(/need --from-container/);
      for (const text of outputs) {
        expect(text).not.toContain(sig);
        expect(text).not.toContain(encodeURIComponent(sig));
      }
    },
  );
});
