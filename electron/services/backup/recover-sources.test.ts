/**
 * Recover Data from prepared disks: a real backup, prepared by the real Disk Prep engine onto two folder disks,
 * restores byte for byte from the disks alone (seed.json from the copy on the disks), through the IPC handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { SeedDescriptor } from '../../../shared/staging.ts';
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

interface BomV2 {
  formatVersion: number;
  entries: Array<{ filePath: string; blobPath: string; length: number; sha256?: string; md5?: string }>;
}

/**
 * Recover Data from the disks alone (the staging folder moved out of reach) into `to`; the task's last snapshot. The
 * service's cached reader (kept for browsing) is dropped first, so the disks and their BOMs are read as they are now.
 */
async function restoreFromDisks(to: string) {
  await (ctx.services.backup as BackupService).close();
  await rename(stagingLocation, `${stagingLocation}.away`);
  try {
    const source = { kind: 'disks' as const, disks, job: JOB };
    const req = backupInvoke['recover:start'].req.parse({ source, passphrase: PASS, to, conflict: 'overwrite' });
    return await tasks.waitFor((await backupHandlers['recover:start'](req, ctx)).taskId);
  } finally {
    await rename(`${stagingLocation}.away`, stagingLocation);
  }
}

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

  it('seed format 4 through Disk Prep: BOM v2 entries carry the SHA-256 the seed gives, the journal commits it, no MD5', async () => {
    const seed = JSON.parse(await readFile(join(stagingLocation, JOB, 'seed.json'), 'utf8')) as SeedDescriptor;
    expect(seed.formatVersion).toBe(4);
    const byPath = new Map(seed.files.map((f) => [f.path, f]));
    let entries = 0;
    for (const d of disks) {
      const bom = JSON.parse(await readFile(join(d, DISK_LAYOUT.bomFile), 'utf8')) as BomV2;
      expect(bom.formatVersion).toBe(2);
      for (const e of bom.entries) {
        const path = e.filePath.split('\\').slice(3).join('/');
        const bytes = await readFile(join(d, DISK_LAYOUT.sessionDir, JOB, ...path.split('/')));
        expect(e, path).not.toHaveProperty('md5');
        expect(e.sha256, path).toBe(createHash('sha256').update(bytes).digest('hex'));
        expect(e.sha256, path).toBe(byPath.get(path)!.sha256);
        entries++;
      }
      const commits = (await readFile(join(d, 'obc-journal.json'), 'utf8'))
        .split('\n')
        .filter((l) => l.includes('"t":"commit"'))
        .map((l) => JSON.parse(l) as { path: string; sha256?: string; md5?: string });
      expect(commits.length).toBeGreaterThan(0);
      for (const c of commits) {
        expect(c, c.path).not.toHaveProperty('md5');
        expect(c.sha256, c.path).toBe(byPath.get(c.path)!.sha256);
      }
    }
    expect(entries).toBe(seed.files.length);
  });

  it('a byte flipped on a disk fails recovery naming the file and the disk (checked against the BOM SHA-256)', async () => {
    const s0 = await openDiskSource({ disks, job: JOB });
    const d = s0.disks[0];
    await s0.close();
    const victim = [...d.files.keys()].find((p) => p.startsWith('packs/'))!;
    const path = join(d.root, DISK_LAYOUT.sessionDir, JOB, ...victim.split('/'));
    const bytes = await readFile(path);
    const flipped = Buffer.from(bytes);
    flipped[Math.floor(bytes.length / 2)] ^= 0x10;
    await writeFile(path, flipped);
    try {
      const s = await openDiskSource({ disks, job: JOB }); // sizes hold: opening does not read every byte
      try {
        await expect(s.read(victim, 0, 16)).rejects.toMatchObject({
          code: 'CORRUPT_DATA',
          message: expect.stringMatching(
            new RegExp(
              `^${victim} on disk ${d.driveId} \\(.*\\) is damaged: its SHA-256 is [0-9a-f]{16}…, the disk's obc-bom\\.json records`,
            ),
          ),
        });
      } finally {
        await s.close();
      }
      // Recover Data skips (and lists, with the reason) every file with bytes in that pack, as it does for a pack
      // that fails authentication; the rest is restored. Nothing damaged is written out.
      const to = join(dir, 'restored-flipped');
      const snap = await restoreFromDisks(to);
      expect(snap.status).toBe('succeededWithWarnings');
      const skipped = (snap.result as { skipped: Array<{ path: string; reason: string }> }).skipped;
      expect(skipped.length).toBeGreaterThan(0);
      for (const k of skipped) {
        expect(k.reason).toMatch(new RegExp(`^${victim} on disk ${d.driveId} \\(.*\\) is damaged: its SHA-256 is`));
        expect(existsSync(join(to, k.path)), k.path).toBe(false);
      }
      expect(snap.warnings?.join('\n')).toContain(`${victim} on disk ${d.driveId}`);
    } finally {
      await writeFile(path, bytes);
    }
  });

  it('a disk with an old BOM (formatVersion 1, MD5 only) still recovers, checked by MD5; a BOM entry with neither hash is refused by name', async () => {
    const boms = await Promise.all(disks.map((d) => readFile(join(d, DISK_LAYOUT.bomFile), 'utf8')));
    try {
      // As a build before seed format 4 wrote them: the same entries with the file's MD5 (upper-case hex).
      for (const [i, d] of disks.entries()) {
        const bom = JSON.parse(boms[i]) as BomV2;
        const v1 = {
          ...bom,
          formatVersion: 1,
          entries: await Promise.all(
            bom.entries.map(async ({ sha256: _s, ...e }) => ({
              ...e,
              md5: createHash('md5')
                .update(await readFile(join(d, ...e.filePath.split('\\').filter(Boolean))))
                .digest('hex')
                .toUpperCase(),
            })),
          ),
        };
        await writeFile(join(d, DISK_LAYOUT.bomFile), JSON.stringify(v1, null, 2) + '\n');
      }
      const to = join(dir, 'restored-v1');
      const snap = await restoreFromDisks(to);
      expect(snap.status, snap.error?.message).toBe('succeeded');
      expect(await diffTrees(src, join(to, top()), { mtimes: true })).toEqual([]);

      // The MD5 is what is checked: one recorded wrong fails the file it belongs to, by name.
      const bom0 = JSON.parse(await readFile(join(disks[0], DISK_LAYOUT.bomFile), 'utf8')) as BomV2;
      const e0 = bom0.entries.find((e) => e.filePath.includes('\\packs\\'))!;
      const victim = e0.filePath.split('\\').slice(3).join('/');
      const wrongMd5 = { ...bom0, entries: bom0.entries.map((e) => (e === e0 ? { ...e, md5: 'F'.repeat(32) } : e)) };
      await writeFile(join(disks[0], DISK_LAYOUT.bomFile), JSON.stringify(wrongMd5));
      const s = await openDiskSource({ disks, job: JOB });
      try {
        await expect(s.read(victim, 0, 16)).rejects.toMatchObject({
          code: 'CORRUPT_DATA',
          message: expect.stringMatching(
            new RegExp(`^${victim} on disk .* is damaged: its MD5 is .*records ffffffffffffffff`),
          ),
        });
      } finally {
        await s.close();
      }

      // Neither hash: refused when the disks are opened, naming the file and the disk.
      const neither = {
        ...bom0,
        formatVersion: 2,
        entries: bom0.entries.map(({ md5, ...e }) => (e.filePath === e0.filePath ? e : { ...e, md5 })),
      };
      await writeFile(join(disks[0], DISK_LAYOUT.bomFile), JSON.stringify(neither));
      await expect(openDiskSource({ disks, job: JOB })).rejects.toMatchObject({
        code: 'CORRUPT_DATA',
        message: expect.stringContaining(
          `have neither a SHA-256 nor an MD5 in their disk's obc-bom.json, so their bytes cannot be checked: ${victim} on disk`,
        ),
      });
    } finally {
      await Promise.all(disks.map((d, i) => writeFile(join(d, DISK_LAYOUT.bomFile), boms[i])));
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
