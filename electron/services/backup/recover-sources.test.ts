/**
 * Recover Data from prepared disks: a real backup, prepared by the real Disk Prep engine onto two folder disks,
 * restores byte for byte from the disks alone (seed.json from the copy on the disks), through the IPC handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { TaskManager } from '../tasks/task-manager.ts';
import { backupHandlers } from '../../handlers/backup.ts';
import { backupInvoke } from '../../../shared/contract/backup.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import type { HandlerCtx } from '../../handlers/types.ts';
import type { Services } from '../index.ts';
import { runBackup } from './engine.ts';
import { BackupService } from './service.ts';
import { openDiskSource } from './disk-source.ts';
import { DESCRIPTOR_PATH } from './descriptor.ts';
import { runDiskPrep } from '../diskprep/engine.ts';
import { FolderDiskProvider } from '../diskprep/folder-disk.ts';
import { makeDisks, testCredential, testProtector } from '../diskprep/test-staging.ts';
import { FAST_KDF, PASS, diffTrees, prng, tempDir } from './test-trees.ts';

const JOB = 'disk-rec';
const MiB = 1 << 20;
let dir: string;
let cleanup: () => Promise<void>;
let src: string;
let stagingLocation: string;
let disks: string[];
let tasks: TaskManager;
let ctx: HandlerCtx;

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-recdisk-'));
  src = join(dir, 'src');
  const rnd = prng(7);
  await mkdir(join(src, 'docs', 'deep'), { recursive: true });
  for (let i = 0; i < 4; i++) await writeFile(join(src, `big-${i}.bin`), rnd(2 * MiB + i * 1000));
  await writeFile(join(src, 'docs', 'a.txt'), 'alpha\n');
  await writeFile(join(src, 'docs', 'deep', 'empty.txt'), '');
  await writeFile(join(src, 'docs', 'ünïcode name.txt'), 'unicode\n');
  stagingLocation = join(dir, 'staging');
  await runBackup({
    items: [src],
    stagingLocation,
    job: { name: JOB, container: 'seed' },
    passphrase: PASS,
    kdf: FAST_KDF,
    packSize: MiB,
  });
  disks = await makeDisks(join(dir, 'disks'), [6 * MiB, 6 * MiB], 'RD');
  await runDiskPrep({
    stagingLocation,
    job: JOB,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: PASS,
    protector: testProtector(),
    workers: 2,
  });
  tasks = new TaskManager({ minIntervalMs: 10 });
  ctx = {
    services: { tasks, backup: new BackupService(tasks, { kdf: FAST_KDF }) } as unknown as Services,
    host: 'browser',
  };
}, 120_000);
afterAll(async () => {
  await tasks?.shutdown();
  await cleanup?.();
});

/** The backup's catalog path of the source folder (absolute source paths are kept, without the leading slash). */
const top = () => src.replace(/^\/+/, '');

describe('recover source "disks"', () => {
  it('Disk Prep keeps a copy of seed.json on every disk, and the files are spread over both disks', async () => {
    const seed = await readFile(join(stagingLocation, JOB, 'seed.json'), 'utf8');
    for (const d of disks) expect(await readFile(join(d, DISK_LAYOUT.seedFile), 'utf8')).toBe(seed);
    const s = await openDiskSource({ disks, job: JOB });
    expect(s.disks.map((d) => d.files.size).every((n) => n > 0)).toBe(true);
  });

  it('restores everything from the disks alone, byte for byte, through recover:list and recover:start', async () => {
    // The staging folder is out of reach: seed.json comes from the disks.
    await rename(stagingLocation, `${stagingLocation}.away`);
    try {
      const source = { kind: 'disks' as const, disks, job: JOB };
      const listReq = backupInvoke['recover:list'].req.parse({ source, passphrase: PASS, path: top() });
      const listing = await backupHandlers['recover:list'](listReq, ctx);
      expect(listing.children.map((c) => c.name).sort()).toEqual([
        'big-0.bin',
        'big-1.bin',
        'big-2.bin',
        'big-3.bin',
        'docs',
      ]);
      const to = join(dir, 'restored');
      const req = backupInvoke['recover:start'].req.parse({ source, passphrase: PASS, to, conflict: 'overwrite' });
      const snap = await tasks.waitFor((await backupHandlers['recover:start'](req, ctx)).taskId);
      expect(snap.status, snap.error?.message).toBe('succeeded');
      expect(await diffTrees(src, join(to, top()), { mtimes: true })).toEqual([]);
    } finally {
      await rename(`${stagingLocation}.away`, stagingLocation);
    }
  });

  it('names the files that are on none of the given disks, and refuses a folder that is not a prepared disk', async () => {
    const err = await openDiskSource({ disks: [disks[0]], job: JOB, stagingLocation }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/on none of the given disks: packs\//),
    });
    await expect(openDiskSource({ disks: [src], job: JOB })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/not a prepared disk/),
    });
    await expect(openDiskSource({ disks, job: 'other-job' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/holds job "disk-rec"/),
    });
  });

  it('accepts a folder below the disk root, checks sizes, and explains a missing seed.json', async () => {
    await expect(
      openDiskSource({ disks: [join(disks[0], DISK_LAYOUT.sessionDir, JOB), disks[1]], job: JOB }),
    ).resolves.toBeTruthy();
    const s = await openDiskSource({ disks, job: JOB });
    const victim = [...s.disks[1].files.keys()][0];
    const path = join(disks[1], DISK_LAYOUT.sessionDir, JOB, ...victim.split('/'));
    const bytes = await readFile(path);
    await writeFile(path, bytes.subarray(0, bytes.length - 512));
    try {
      await expect(openDiskSource({ disks, job: JOB })).rejects.toMatchObject({
        code: 'CORRUPT_DATA',
        message: expect.stringContaining(victim),
      });
    } finally {
      await writeFile(path, bytes);
    }
    const copies = await Promise.all(disks.map((d) => readFile(join(d, DISK_LAYOUT.seedFile))));
    await Promise.all(disks.map((d) => rm(join(d, DISK_LAYOUT.seedFile))));
    // Without the seed.json copies, the job descriptor the disks carry is enough (issue 13 §9).
    await expect(openDiskSource({ disks, job: JOB })).resolves.toBeTruthy();
    const holder = disks.find((d) => existsSync(join(d, DISK_LAYOUT.sessionDir, JOB, DESCRIPTOR_PATH)))!;
    const descPath = join(holder, DISK_LAYOUT.sessionDir, JOB, DESCRIPTOR_PATH);
    const desc = await readFile(descPath);
    await rm(descPath);
    try {
      await expect(openDiskSource({ disks, job: JOB })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringMatching(/key parameters of job "disk-rec" were found neither/),
      });
      // The staging folder supplies the key parameters, but the descriptor is one of the job's files: still named.
      await expect(openDiskSource({ disks, job: JOB, stagingLocation })).rejects.toMatchObject({
        code: 'NOT_FOUND',
        message: expect.stringContaining(`${DESCRIPTOR_PATH} (listed on disk`),
      });
    } finally {
      await Promise.all(disks.map((d, i) => writeFile(join(d, DISK_LAYOUT.seedFile), copies[i])));
      await writeFile(descPath, desc);
    }
  });

  it('a wrong passphrase is refused on the disks too; the contract wants a source or staging+job', async () => {
    await expect(
      backupHandlers['recover:list'](
        { source: { kind: 'disks', disks, job: JOB }, passphrase: 'wrong wrong wrong wrong' },
        ctx,
      ),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    expect(backupInvoke['recover:list'].req.safeParse({ passphrase: PASS }).success).toBe(false);
    expect(
      backupInvoke['recover:list'].req.safeParse({ source: { kind: 'disks', disks: [], job: JOB }, passphrase: PASS })
        .success,
    ).toBe(false);
    expect(backupInvoke['recover:list'].req.safeParse({ stagingLocation, job: JOB }).success).toBe(false);
    expect(backupInvoke['recover:list'].req.safeParse({ stagingLocation, job: JOB, passphrase: PASS }).success).toBe(
      true,
    );
  });
});
