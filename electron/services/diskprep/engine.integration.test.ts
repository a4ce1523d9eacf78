import { describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, writeFile, open, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { AppError } from '../../../shared/errors.ts';
import { runDiskPrep, type DiskPrepOptions } from './engine.ts';
import { FolderDiskProvider, readFolderDisk } from './folder-disk.ts';
import { driveList } from './drives-file.ts';
import { stateDirFor } from './session.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  listFiles,
  makeDisks,
  makeStaging,
  tempDir,
  testCredential,
  testProtector,
} from './test-staging.ts';
import type { ManifestCredentialSource } from './manifest-credential.ts';
import { SEED_RANGES_FILE } from '../../../shared/seed-ranges.ts';
import { seedSum } from '../backup/job-files.ts';

const JOB = 'seedjob';
const LENGTHS = [9 * MiB + 512, 6 * MiB, 3 * MiB, 512, 2 * MiB + 1024];

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex').toUpperCase();

function opts(stagingLocation: string, disks: string[], extra: Partial<DiskPrepOptions> = {}): DiskPrepOptions {
  return {
    stagingLocation,
    job: JOB,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: TEST_PASSPHRASE,
    protector: testProtector(),
    workers: 2,
    ...extra,
  };
}

/** Checks a manifest independently of manifest.ts: XMLParser, range rules, hashes against the bytes on the disk. */
async function checkDisk(disk: string, stagingLocation: string, o = { md5: true }): Promise<string[]> {
  const xml = await readFile(join(disk, 'DriveManifest.xml'), 'utf8');
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseTagValue: false,
    isArray: (n) => ['Blob', 'PageRange', 'BlobList'].includes(n),
  }).parse(xml);
  const desc = await readFolderDisk(disk);
  expect(doc.DriveManifest.Version).toBe('2014-11-01');
  const drive = doc.DriveManifest.Drive;
  expect(drive.DriveId).toBe(desc.serial);
  // Decision 14: exactly one credential, the container SAS of the job's container (FMT-MANIFEST), right after DriveId.
  expect(drive.StorageAccountKey).toBeUndefined();
  expect(drive.ContainerSas).toBe(
    (await testCredential({ jobName: JOB, container: 'seed', folderDisks: true })).containerSas,
  );
  expect(drive.ClientCreator).toMatch(/Offline Backup Console/);
  expect(Object.keys(drive)).toEqual(['DriveId', 'ContainerSas', 'ClientCreator', 'BlobList']);
  const paths: string[] = [];
  for (const b of drive.BlobList[0].Blob) {
    expect(b.BlobPath).toMatch(new RegExp(`^seed/${JOB}/`));
    expect(b.FilePath).toBe(
      '\\obc-session-1\\' + JOB + '\\' + b.BlobPath.slice(`seed/${JOB}/`.length).replace(/\//g, '\\'),
    );
    expect(b.ImportDisposition).toBe('overwrite');
    const len = Number(b.Length);
    expect(len % 512).toBe(0);
    const data = await readFile(join(disk, ...b.FilePath.split('\\').filter(Boolean)));
    expect(data.length).toBe(len);
    const src = await readFile(join(stagingLocation, JOB, b.BlobPath.slice(`seed/${JOB}/`.length)));
    expect(data.equals(src)).toBe(true);
    let expectOff = 0;
    for (const r of b.PageRangeList?.PageRange ?? []) {
      const off = Number(r.Offset);
      const l = Number(r.Length);
      expect(off % 512).toBe(0);
      expect(l % 512).toBe(0);
      expect(l).toBeGreaterThan(0);
      expect(l).toBeLessThanOrEqual(4 * MiB);
      expect(off).toBe(expectOff); // ordered, contiguous, non-overlapping
      expect(r.Hash).toBe(md5(data.subarray(off, off + l)));
      expectOff = off + l;
    }
    expect(expectOff).toBe(len);
    paths.push(b.BlobPath.slice(`seed/${JOB}/`.length));
  }
  const bom = JSON.parse(await readFile(join(disk, 'obc-bom.json'), 'utf8'));
  expect(bom.entries.map((e: { filePath: string }) => e.filePath)).toEqual(
    drive.BlobList[0].Blob.map((b: { FilePath: string }) => b.FilePath),
  );
  // BOM formatVersion 2: every entry has the file's SHA-256; the whole-file MD5 only when the seed gave one (formats
  // 2, 3) or the copy made one (format 1), not with a format-4 seed.
  expect(bom.formatVersion).toBe(2);
  for (const e of bom.entries) {
    const data = await readFile(join(disk, ...e.filePath.split('\\').filter(Boolean)));
    expect(e.sha256, e.filePath).toBe(createHash('sha256').update(data).digest('hex'));
    if (o.md5) expect(e.md5, e.filePath).toBe(md5(data));
    else expect(e, e.filePath).not.toHaveProperty('md5');
  }
  return paths;
}

/**
 * A format-3 staging job of two packs (1 and 9 MiB) with one 16 MiB disk; its side file's path and bytes, and the side
 * file of another backup of the same shape (other digests, same size and count).
 */
async function sideFileStaging() {
  const root = await tempDir();
  const stagingLocation = join(root, 'staging');
  await makeStaging(stagingLocation, JOB, [MiB, 9 * MiB]);
  const side = join(stagingLocation, JOB, SEED_RANGES_FILE);
  await makeStaging(join(root, 'other'), JOB, [MiB, 9 * MiB]);
  const other = await readFile(join(root, 'other', JOB, SEED_RANGES_FILE));
  const [disk] = await makeDisks(root, [16 * MiB]);
  return { stagingLocation, side, good: await readFile(side), other, disk };
}

/** A staged pack with one flipped bit fails Disk Prep with CORRUPT_DATA saying `why` (seed `seedFormat`). */
async function expectStagedDamageCaught(root: string, seedFormat: 1 | 4, why: string): Promise<void> {
  const other = join(root, 'staging2');
  await makeStaging(other, JOB, [MiB, 2048], { seedFormat });
  const pack = join(other, JOB, 'packs', '000002.pack');
  const data = await readFile(pack);
  data[100] ^= 0x80;
  await writeFile(pack, data);
  const [disk2] = await makeDisks(join(root, 'd2'), [8 * MiB]);
  await expect(runDiskPrep(opts(other, [disk2]))).rejects.toMatchObject({
    code: 'CORRUPT_DATA',
    message: expect.stringContaining(why),
  });
}

describe('disk prep engine over folder disks', () => {
  it('spans the job over three disks; manifests, BOMs, drives.json agree with the data', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, LENGTHS);
    const disks = await makeDisks(root, [12 * MiB, 12 * MiB, 12 * MiB]);
    const phases = new Set<string>();
    const res = await runDiskPrep(opts(stagingLocation, disks, { onProgress: (p) => phases.add(p.phase) }));
    expect(res.drives.map((d) => d.driveId)).toEqual(['SER1', 'SER2', 'SER3']);
    expect([...phases]).toEqual(expect.arrayContaining(['prepare', 'copy', 'manifest', 'readback', 'done']));
    const all: string[] = [];
    for (const d of disks) all.push(...(await checkDisk(d, stagingLocation)));
    expect(all.sort()).toEqual(seed.files.map((f) => f.path).sort());
    const { driveList: list } = await driveList(stateDirFor(stagingLocation, JOB), testProtector());
    for (let i = 0; i < 3; i++) {
      const desc = await readFolderDisk(disks[i]);
      expect(list[i]).toEqual({
        driveId: desc.serial,
        bitLockerKey: desc.bitLockerKey,
        manifestFile: '\\DriveManifest.xml',
        manifestHash: md5(await readFile(join(disks[i], 'DriveManifest.xml'))),
        driveHeaderHash: '',
      });
      expect(desc.jobName).toBe(JOB);
    }
    const drivesText = await readFile(join(stateDirFor(stagingLocation, JOB), 'drives.json'), 'utf8');
    for (const l of list) expect(drivesText).not.toContain(l.bitLockerKey);
    expect(res.readBackDirect).toBe(true);
    // The SAS is written into the manifests and nowhere else: no other file on the disks or beside staging holds its signature.
    const sig = /sig=([^&]+)/.exec(
      (await testCredential({ jobName: JOB, container: 'seed', folderDisks: true })).containerSas,
    )![1];
    const holders: string[] = [];
    for (const dir of [stateDirFor(stagingLocation, JOB), ...disks])
      for (const f of await readdir(dir, { recursive: true, withFileTypes: true }))
        if (f.isFile() && (await readFile(join(f.parentPath, f.name), 'utf8')).includes(sig))
          holders.push(join(f.parentPath, f.name));
    expect(holders.sort()).toEqual(disks.map((d) => join(d, 'DriveManifest.xml')).sort());
  });

  it('a container SAS that changed after disks were finished (key rotated) is refused naming them; repair with them attached rewrites only their manifests', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, LENGTHS);
    const disks = await makeDisks(root, [12 * MiB, 12 * MiB, 12 * MiB]);
    await runDiskPrep(opts(stagingLocation, disks));
    const manifests = async () => Promise.all(disks.map((d) => readFile(join(d, 'DriveManifest.xml'), 'utf8')));
    const before = await manifests();
    const record = await readFile(join(stateDirFor(stagingLocation, JOB), 'container-sas.json'), 'utf8');
    // The same credential again: nothing is rewritten (a resumed run writes the same manifests).
    await runDiskPrep(opts(stagingLocation, disks));
    expect(await manifests()).toEqual(before);
    const rotated: ManifestCredentialSource = async (req) => ({
      ...(await testCredential(req)),
      containerSas: (await testCredential(req)).containerSas.replace(/sig=[^&]+/, 'sig=ROTATED'),
    });
    const err = (await runDiskPrep(opts(stagingLocation, disks, { credential: rotated })).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toMatch(/changed since disk\(s\) SER1, SER2, SER3 were prepared.*run again with repair/);
    expect(await manifests()).toEqual(before);
    expect(await readFile(join(stateDirFor(stagingLocation, JOB), 'container-sas.json'), 'utf8')).toBe(record);
    const res = await runDiskPrep(opts(stagingLocation, disks, { credential: rotated, repair: true }));
    expect(res.copiedBytes).toBe(0);
    const after = await manifests();
    for (const m of after) expect(m).toContain('sig=ROTATED');
    const { driveList: list } = await driveList(stateDirFor(stagingLocation, JOB), testProtector());
    expect(list.map((l) => l.manifestHash)).toEqual(after.map((m) => md5(Buffer.from(m))));
  });

  it('one disk too few: pauses with NO_SPACE and the exact capacity, then continues on an added disk', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, LENGTHS);
    const disks = await makeDisks(root, [12 * MiB, 12 * MiB]);
    const err = await runDiskPrep(opts(stagingLocation, disks)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('NO_SPACE');
    const needed = (err as AppError).details!.neededBytes as number;
    expect(needed).toBeGreaterThan(2 * MiB);
    expect(needed).toBeLessThan(4 * MiB);
    // The finished disks need not be attached again; only the new one is given.
    const [extra] = await makeDisks(join(root, 'more'), [needed], 'EXTRA');
    const res = await runDiskPrep(opts(stagingLocation, [extra]));
    expect(res.drives.map((d) => d.driveId)).toEqual(['EXTRA1']);
    await checkDisk(extra, stagingLocation);
    const { driveList: list } = await driveList(stateDirFor(stagingLocation, JOB), testProtector());
    expect(list.map((d) => d.driveId)).toEqual(['SER1', 'SER2', 'EXTRA1']);
  });

  it('a flipped byte on disk is caught by read-back and named; repair rewrites it', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [5 * MiB, 1024]);
    const [disk] = await makeDisks(root, [32 * MiB]);
    const victim = join(disk, 'obc-session-1', JOB, 'packs', '000001.pack');
    const flip = async (name: string) => {
      if (!name.startsWith('manifest-written:')) return;
      const fh = await open(victim, 'r+');
      const b = Buffer.alloc(1);
      await fh.read(b, 0, 1, 4 * MiB + 100);
      b[0] ^= 0x01;
      await fh.write(b, 0, 1, 4 * MiB + 100);
      await fh.close();
    };
    const err = (await runDiskPrep(opts(stagingLocation, [disk], { checkpoint: flip })).catch(
      (e: unknown) => e,
    )) as AppError;
    expect(err.code).toBe('CORRUPT_DATA');
    expect(err.message).toContain('SER1');
    expect(err.message).toContain('\\obc-session-1\\seedjob\\packs\\000001.pack');
    const m = (err.details!.mismatches as Array<{ offset: number; length: number }>)[0];
    expect(m).toMatchObject({ offset: 4 * MiB, length: MiB });
    const res = await runDiskPrep(opts(stagingLocation, [disk], { repair: true }));
    expect(res.drives).toHaveLength(1);
    await checkDisk(disk, stagingLocation);
  });

  // Format 3 (what Back Up Now writes) reads the range MD5s from seed-ranges.bin per file; format 2 has them in
  // seed.json. Either way a damaged staged range is caught while copying.
  for (const seedFormat of [2, 3] as const)
    it(`catches a damaged staged range against the range MD5s of a format-${seedFormat} seed while copying, naming file and range`, async () => {
      const root = await tempDir();
      const stagingLocation = join(root, 'staging');
      const seed = await makeStaging(stagingLocation, JOB, [MiB, 9 * MiB], { seedFormat });
      expect(seed.formatVersion).toBe(seedFormat);
      expect(seed.rangeMd5s !== undefined).toBe(seedFormat === 3);
      const pack = join(stagingLocation, JOB, 'packs', '000002.pack');
      const data = await readFile(pack);
      data[4 * MiB + 100] ^= 0x80; // the second page range
      await writeFile(pack, data);
      const [disk] = await makeDisks(root, [16 * MiB]);
      const err = (await runDiskPrep(opts(stagingLocation, [disk])).catch((e: unknown) => e)) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('CORRUPT_DATA');
      expect(err.message).toMatch(
        new RegExp(
          `000002\\.pack bytes ${4 * MiB}–${8 * MiB - 1} \\(page range 2 of 3\\) do not match the MD5 the backup recorded`,
        ),
      );
      expect(err.message).toContain('the staging copy is damaged');
      // Nothing of the damaged file was committed: a rerun after putting the bytes back copies it and ships it.
      data[4 * MiB + 100] ^= 0x80;
      await writeFile(pack, data);
      const res = await runDiskPrep(opts(stagingLocation, [disk]));
      expect(res.drives).toHaveLength(1);
      await checkDisk(disk, stagingLocation);
    });

  it("refuses a format-3 seed whose side file is damaged, truncated, missing or another seed's, naming it; nothing is copied", async () => {
    const { stagingLocation, side, good, other, disk } = await sideFileStaging();
    const cases: Array<[string, () => Promise<void>, RegExp]> = [
      [
        'damaged',
        async () => writeFile(side, Buffer.from(good).fill(0x5a, 40, 41)),
        /fails the SHA-256 seed\.json records/,
      ],
      ['truncated', async () => writeFile(side, good.subarray(0, good.length - 16)), /it was truncated/],
      ['missing', async () => rm(side), /is missing/],
      ['another seed', async () => writeFile(side, other), /belongs to another seed/],
    ];
    for (const [, damage, why] of cases) {
      await damage();
      const err = (await runDiskPrep(opts(stagingLocation, [disk])).catch((e: unknown) => e)) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('CORRUPT_DATA');
      expect(err.message).toContain(side);
      expect(err.message).toMatch(why);
      expect(err.message).toContain('Nothing was copied');
      expect(await listFiles(disk)).toEqual(['obc-disk.json']); // checked before the disk is opened
      await writeFile(side, good);
    }
    const res = await runDiskPrep(opts(stagingLocation, [disk]));
    expect(res.drives).toHaveLength(1);
    await checkDisk(disk, stagingLocation);
    // The side file is staging-only: the disk ships the packs, catalog and descriptor (and seed.json's copy), not it.
    expect((await listFiles(disk)).filter((f) => f.includes(SEED_RANGES_FILE))).toEqual([]);
  });

  it('a resumed format-3 run checks seed-ranges.bin again and compares each file it still copies with it', async () => {
    const { stagingLocation, side, good, other, disk } = await sideFileStaging();
    const halt = async (n: string) => {
      if (n === 'committed:0') throw new Error('halt');
    };
    await expect(runDiskPrep(opts(stagingLocation, [disk], { checkpoint: halt }))).rejects.toThrow('halt');
    const halted = await listFiles(disk);
    expect(halted).toContain(`obc-session-1/${JOB}/packs/000001.pack`);
    const refused = async (why: RegExp) => {
      const err = (await runDiskPrep(opts(stagingLocation, [disk])).catch((e: unknown) => e)) as AppError;
      expect(err).toBeInstanceOf(AppError);
      expect(err.code).toBe('CORRUPT_DATA');
      expect(err.message).toMatch(why);
    };
    // Another backup's side file put in its place between the runs: the resumed run refuses it before copying more.
    await writeFile(side, other);
    await refused(/seed-ranges\.bin that seed\.json of job seedjob names fails the SHA-256 .* belongs to another seed/);
    expect(await listFiles(disk)).toEqual(halted);
    // The side file put back, a staged range of the pack still to copy damaged: caught against the side file's MD5.
    await writeFile(side, good);
    const pack = join(stagingLocation, JOB, 'packs', '000002.pack');
    const data = await readFile(pack);
    data[4 * MiB + 100] ^= 0x80;
    await writeFile(pack, data);
    await refused(
      new RegExp(
        `000002\\.pack bytes ${4 * MiB}–${8 * MiB - 1} \\(page range 2 of 3\\) do not match the MD5 the backup recorded`,
      ),
    );
    data[4 * MiB + 100] ^= 0x80;
    await writeFile(pack, data);
    const res = await runDiskPrep(opts(stagingLocation, [disk]));
    expect(res.drives).toHaveLength(1);
    // The first pack, committed before the halt, was never started again.
    const journal = (await readFile(join(disk, 'obc-journal.json'), 'utf8')).trim().split('\n');
    expect(journal.filter((l) => l.includes('"t":"start"') && l.includes('"packs/000001.pack"'))).toHaveLength(1);
    await checkDisk(disk, stagingLocation);
  });

  it('a format-4 seed.json (no whole-file MD5) preps with its range MD5s; journal and BOM record its SHA-256', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, LENGTHS, { seedFormat: 4 });
    expect(seed.formatVersion).toBe(4);
    expect(seed.files.every((f) => f.md5 === undefined && f.firstRange !== undefined)).toBe(true);
    const [disk] = await makeDisks(root, [64 * MiB]);
    const res = await runDiskPrep(opts(stagingLocation, [disk]));
    expect(res.drives).toHaveLength(1);
    await checkDisk(disk, stagingLocation, { md5: false });
    const commits = (await readFile(join(disk, 'obc-journal.json'), 'utf8'))
      .split('\n')
      .filter((l) => l.includes('"t":"commit"'))
      .map((l) => JSON.parse(l) as { path: string; sha256?: string });
    expect(commits.map((c) => c.path).sort()).toEqual(seed.files.map((f) => f.path).sort());
    for (const c of commits) {
      expect(c, c.path).not.toHaveProperty('md5');
      expect(c.sha256, c.path).toBe(seed.files.find((f) => f.path === c.path)!.sha256);
    }

    // Staged damage is caught by the range MD5s the copy compares, as with format 3.
    await expectStagedDamageCaught(root, 4, 'do not match the MD5 the backup recorded');
  });

  it("a seed.json of format 5 (a newer build's) is refused before anything is copied, naming the version", async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, [MiB], { seedFormat: 4 });
    const { sum: _sum, ...rest } = seed;
    const five = { ...rest, formatVersion: 5 };
    await writeFile(join(stagingLocation, JOB, 'seed.json'), JSON.stringify({ ...five, sum: seedSum(five) }));
    const [disk] = await makeDisks(root, [8 * MiB]);
    const err = (await runDiskPrep(opts(stagingLocation, [disk])).catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.message).toContain(
      'seed format version 5 is newer than this build reads (1–4): a newer Offline Backup Console wrote it. Update Offline Backup Console on this machine',
    );
    expect(await readdir(disk)).not.toContain('obc-session-1');
  });

  it('a format-2 seed.json (range MD5s in its entries, no side file) still preps', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, LENGTHS, { seedFormat: 2 });
    expect(seed.formatVersion).toBe(2);
    expect(await readdir(join(stagingLocation, JOB))).not.toContain(SEED_RANGES_FILE);
    const [disk] = await makeDisks(root, [64 * MiB]);
    const res = await runDiskPrep(opts(stagingLocation, [disk]));
    expect(res.drives).toHaveLength(1);
    await checkDisk(disk, stagingLocation);
  });

  it('an older seed.json (format 1, no MD5s) still preps, and its staged damage is caught by the SHA-256', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    const seed = await makeStaging(stagingLocation, JOB, LENGTHS, { seedFormat: 1 });
    expect(seed.formatVersion).toBe(1);
    expect(seed.files.every((f) => f.md5 === undefined && f.ranges === undefined)).toBe(true);
    const [disk] = await makeDisks(root, [64 * MiB]);
    const res = await runDiskPrep(opts(stagingLocation, [disk]));
    expect(res.drives).toHaveLength(1);
    await checkDisk(disk, stagingLocation);

    await expectStagedDamageCaught(root, 1, '000002.pack does not match its SHA-256');
  });

  it('refuses a disk holding staging, a disk of another job, and a non-empty disk without confirmErase', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [MiB]);
    const inside = (await makeDisks(join(stagingLocation, 'x'), [8 * MiB], 'IN'))[0];
    await expect(runDiskPrep(opts(stagingLocation, [inside]))).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { refusals: ['HOLDS_STAGING'] },
    });
    const [other, dirty] = await makeDisks(root, [8 * MiB, 8 * MiB]);
    const descPath = join(other, 'obc-disk.json');
    await writeFile(
      descPath,
      JSON.stringify({ ...JSON.parse(await readFile(descPath, 'utf8')), jobName: 'another-job' }),
    );
    await expect(runDiskPrep(opts(stagingLocation, [other]))).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { refusals: ['IN_USE_BY_OTHER_JOB'] },
    });
    await mkdir(join(dirty, 'old'));
    await writeFile(join(dirty, 'old', 'photo.jpg'), 'x');
    await expect(runDiskPrep(opts(stagingLocation, [dirty]))).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { needsConfirmErase: true, serial: 'SER2' },
    });
    const res = await runDiskPrep({ ...opts(stagingLocation, []), disks: [{ id: dirty, confirmErase: true }] });
    expect(res.drives).toHaveLength(1);
    expect(await readdir(dirty)).not.toContain('old');
  });

  it('cancels within a second', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [48 * MiB, 48 * MiB]);
    const [disk] = await makeDisks(root, [256 * MiB]);
    const ac = new AbortController();
    let abortedAt = 0;
    const run = runDiskPrep(
      opts(stagingLocation, [disk], {
        signal: ac.signal,
        sync: false,
        checkpoint: async (n) => {
          if (n.startsWith('copy-partial:') && !abortedAt) {
            abortedAt = Date.now();
            ac.abort(new AppError('CANCELLED', 'Cancelled by the user.'));
          }
        },
      }),
    );
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(Date.now() - abortedAt).toBeLessThan(1000);
  });
});
