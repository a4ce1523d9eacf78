/**
 * Issue 13 §2 at the engine: Disk Prep state, journals, drives.json and disks are bound to the backup's identity
 * (salt + catalog hash). Also issue 18 in this area: a disk smaller than any pack is refused with the numbers, and a
 * rerun with other disks says what it does with each.
 */
import { describe, expect, it } from 'vitest';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runDiskPrep, type DiskPrepOptions } from './engine.ts';
import { FolderDiskProvider } from './folder-disk.ts';
import { driveList } from './drives-file.ts';
import { stateDirFor } from './session.ts';
import { runBackup } from '../backup/engine.ts';
import { FAST_KDF } from '../backup/test-trees.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { DiskPrepService } from './service.ts';
import { WindowsDiskProvider } from './windows-disk.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  relistStaging,
  tempDir,
  testCredential,
  testProtector,
} from './test-staging.ts';

const JOB = 'idjob';
const opts = (stagingLocation: string, disks: string[], extra: Partial<DiskPrepOptions> = {}): DiskPrepOptions => ({
  stagingLocation,
  job: JOB,
  disks: disks.map((id) => ({ id })),
  providers: { folder: new FolderDiskProvider() },
  credential: testCredential,
  passphrase: TEST_PASSPHRASE,
  protector: testProtector(),
  workers: 2,
  ...extra,
});
const errOf = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: unknown) => e as { code: string; message: string; details?: Record<string, unknown> },
  );
/** The job folder replaced by a new backup (new salt, new catalog) without `backup --overwrite`. */
const replaceBackup = async (stagingLocation: string, lengths: number[]) => {
  await rm(join(stagingLocation, JOB), { recursive: true, force: true });
  return makeStaging(stagingLocation, JOB, lengths);
};

describe('Disk Prep bound to the backup identity (issue 13 §2)', () => {
  it('state of a replaced backup is retired; its disks are refused naming both backups, then erased on confirmation', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [2 * MiB, 1 * MiB]);
    const disks = await makeDisks(root, [8 * MiB], 'IDA');
    const first = await runDiskPrep(opts(stagingLocation, disks));
    await replaceBackup(stagingLocation, [1 * MiB, 512, 2 * MiB]);
    const notices: string[] = [];
    const err = await errOf(runDiskPrep(opts(stagingLocation, disks, { onNotice: (m) => notices.push(m) })));
    expect(err).toMatchObject({ code: 'CONFLICT', details: { needsConfirmErase: true, serial: 'IDA1' } });
    expect(err!.message).toMatch(
      new RegExp(`prepared for backup ${first.backupId}.* now holds backup [0-9a-f]{16}.*erase it`),
    );
    expect(notices.join('\n')).toMatch(new RegExp(`made for backup ${first.backupId}.*moved to .*retired`));
    expect(await readdir(join(stateDirFor(stagingLocation, JOB), 'retired'))).toHaveLength(1);
    const again = await runDiskPrep(opts(stagingLocation, [], { disks: [{ id: disks[0], confirmErase: true }] }));
    expect(again.backupId).not.toBe(first.backupId);
    const bom = JSON.parse(await readFile(join(disks[0], 'obc-bom.json'), 'utf8'));
    expect(bom.backup.id).toBe(again.backupId);
    expect(bom.entries).toHaveLength(5); // 3 packs, catalog, descriptor: none of the earlier backup's
  });

  // Format 1: the copy computed that SHA-256; format 2: it compared the range MD5s of the entry that lists it; format 3
  // (what Back Up Now writes): those of the entry's ranges in seed-ranges.bin.
  for (const seedFormat of [1, 2, 3] as const)
    it(`a resumed commit counts only if seed.json still lists the SHA-256 it was copied with (seed format ${seedFormat})`, async () => {
      const root = await tempDir();
      const stagingLocation = join(root, 'staging');
      const seed = await makeStaging(stagingLocation, JOB, [1 * MiB, 1 * MiB], { seedFormat });
      expect(seed.formatVersion).toBe(seedFormat);
      const disks = await makeDisks(root, [8 * MiB], 'IDB');
      const halted = await errOf(
        runDiskPrep(
          opts(stagingLocation, disks, {
            checkpoint: async (n) => {
              if (n === 'committed:0') throw new Error('halt');
            },
          }),
        ),
      );
      expect(halted?.message).toBe('halt');
      // The first pack changes under the same name and length; seed.json, the descriptor and (format 3) the side file
      // are written again to match (same salt and catalog: the same backup identity). Only the SHA-256 in the commit
      // can tell.
      const fresh = Buffer.alloc(1 * MiB, 7);
      await writeFile(join(stagingLocation, JOB, seed.files[0].path), fresh);
      const next = await relistStaging(join(stagingLocation, JOB), seed);
      expect(next.files[0].sha256).not.toBe(seed.files[0].sha256);
      expect(next.rangeMd5s?.sha256 !== seed.rangeMd5s?.sha256).toBe(seedFormat === 3);
      const r = await runDiskPrep(opts(stagingLocation, disks));
      expect(r.copiedBytes).toBe(next.files.reduce((s, f) => s + f.length, 0)); // the first pack copied again too
      expect((await readFile(join(disks[0], 'obc-session-1', JOB, seed.files[0].path))).equals(fresh)).toBe(true);
    });

  it('backup --overwrite retires the Disk Prep state, and is refused while Disk Prep holds the job', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const src = join(root, 'src');
    await mkdir(src);
    await writeFile(join(src, 'a.bin'), Buffer.alloc(300_000, 3));
    const backup = () =>
      runBackup({
        items: [src],
        stagingLocation,
        job: { name: JOB, container: 'seed' },
        passphrase: TEST_PASSPHRASE,
        kdf: FAST_KDF,
        overwrite: true,
      });
    await backup();
    const disks = await makeDisks(root, [8 * MiB], 'IDF');
    const first = await runDiskPrep(opts(stagingLocation, disks));
    const tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new DiskPrepService({ tasks, dataDir: root, windows: new WindowsDiskProvider({ platform: 'linux' }) });
    expect((await svc.status({ stagingLocation, job: JOB })).complete).toBe(true);
    // A Disk Prep run holding the job (its lock, a live pid): the backup is not replaced under it.
    await writeFile(join(first.stateDir, '.obc-lock'), String(process.pid));
    await expect(backup()).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/Disk Prep is running for job "idjob"/),
    });
    await rm(join(first.stateDir, '.obc-lock'));
    await backup();
    expect((await readdir(first.stateDir)).filter((n) => n !== 'retired')).toEqual([]);
    expect(await readdir(join(first.stateDir, 'retired'))).toEqual([
      expect.stringMatching(new RegExp(`^replaced-${first.backupId}-\\d+$`)),
    ]);
    expect(await svc.status({ stagingLocation, job: JOB })).toMatchObject({
      started: false,
      complete: false,
      disks: [],
    });
    await tasks.shutdown();
  });

  it('drives.json of an earlier backup never reaches job creation', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [1 * MiB]);
    const disks = await makeDisks(root, [8 * MiB], 'IDC');
    const first = await runDiskPrep(opts(stagingLocation, disks));
    expect((await driveList(first.stateDir, testProtector())).driveList).toHaveLength(1);
    await replaceBackup(stagingLocation, [1 * MiB]);
    const err = await errOf(driveList(first.stateDir, testProtector()));
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        new RegExp(`hold backup ${first.backupId}.*now holds backup [0-9a-f]{16}.*Run Disk Prep again`),
      ),
    });
  });
});

describe('disks given to a run (issue 18, Disk Prep side)', () => {
  it('a disk smaller than the smallest pack is refused with the numbers instead of carrying only the catalog', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    // A 2 MiB disk takes no 3 MiB pack: first-fit would give it only the catalog and the descriptor.
    await makeStaging(stagingLocation, JOB, [3 * MiB, 3 * MiB]);
    const disks = await makeDisks(root, [2 * MiB], 'IDD');
    const err = await errOf(runDiskPrep(opts(stagingLocation, disks)));
    expect(err).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(
        /Disk IDD1 \(2097152 bytes usable\) is smaller than the smallest pack of this backup \(packs\/000001\.pack: 3145728 bytes; .* needs \d+ bytes\): it could hold only the catalog/,
      ),
    });
    expect(await readdir(disks[0])).toEqual(['obc-disk.json']); // refused before anything was written
  });

  it('a rerun says what it does with each disk given: skipped when verified, not needed, new', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [2 * MiB]);
    const disks = await makeDisks(root, [8 * MiB, 8 * MiB], 'IDE');
    await runDiskPrep(opts(stagingLocation, [disks[0]]));
    const notices: string[] = [];
    await runDiskPrep(opts(stagingLocation, disks, { onNotice: (m) => notices.push(m) }));
    expect(notices).toEqual([
      expect.stringMatching(
        /Disk IDE2 is not needed: every file of job idjob is already placed on its other disks\. It was not touched\./,
      ),
      expect.stringMatching(
        /Disk IDE1 is already prepared and verified for backup [0-9a-f]{16}.*skipped \(it may be detached\)/,
      ),
    ]);
    expect(await readdir(disks[1])).toEqual(['obc-disk.json']);
  });
});
