import { describe, expect, it } from 'vitest';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BITLOCKER_KEY_RE } from '../../../shared/disks.ts';
import { assessDisk, generateRecoveryPassword } from './disk-checks.ts';
import { FolderDiskProvider, initFolderDisk, parseSize, readFolderDisk } from './folder-disk.ts';
import { discoverJobs, findJob } from './jobs.ts';
import { makeStaging, tempDir } from './test-staging.ts';

describe('folder disks', () => {
  it('parses sizes', () => {
    expect(parseSize('500M')).toBe(500 * 1024 ** 2);
    expect(parseSize('2G')).toBe(2 * 1024 ** 3);
    expect(parseSize('1.5K')).toBe(1536);
    expect(parseSize('4096')).toBe(4096);
    expect(() => parseSize('lots')).toThrow(/Not a size/);
  });

  it('init refuses non-empty dirs and existing disks; enforces capacity like a full disk', async () => {
    const root = await tempDir();
    const dir = join(root, 'd');
    await initFolderDisk(dir, 'S-1', 64 * 1024);
    await expect(initFolderDisk(dir, 'S-1', 1)).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await mkdir(join(root, 'full'));
    await writeFile(join(root, 'full', 'x'), 'x');
    await expect(initFolderDisk(join(root, 'full'), 'S2', 1024)).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(initFolderDisk(join(root, 'bad'), 'bad serial!', 1024)).rejects.toMatchObject({ code: 'VALIDATION' });
    const vol = await new FolderDiskProvider().prepare(dir, {
      jobName: 'job1',
      stagingLocation: join(root, 'staging'),
    });
    expect(vol.bitLockerKey).toMatch(BITLOCKER_KEY_RE);
    expect((await readFolderDisk(dir)).jobName).toBe('job1');
    vol.ensureRoom('a', 60 * 1024);
    expect(() => vol.ensureRoom('b', 8192)).toThrow(
      expect.objectContaining({ code: 'NO_SPACE', details: expect.objectContaining({ neededBytes: 4096 }) }),
    );
    vol.ensureRoom('a', 4096); // shrinking frees clusters
    vol.ensureRoom('b', 8192);
  });

  it('assesses refusals and warnings', () => {
    const f = {
      serial: 'X',
      sizeBytes: 1e12,
      busType: 'SATA',
      isSystem: false,
      isBoot: false,
      readOnly: true,
      holdsStaging: false,
      usedBytes: 0,
      rehearsal: false,
    };
    expect(assessDisk(f).refusals.map((r) => r.code)).toEqual(['READ_ONLY']);
    expect(assessDisk({ ...f, readOnly: false, jobName: 'a' }, 'b').refusals.map((r) => r.code)).toEqual([
      'IN_USE_BY_OTHER_JOB',
    ]);
    expect(assessDisk({ ...f, readOnly: false, jobName: 'a', usedBytes: 5 }, 'a').warnings).toEqual([]);
    for (let i = 0; i < 20; i++) {
      const k = generateRecoveryPassword();
      expect(k).toMatch(BITLOCKER_KEY_RE);
      for (const g of k.split('-')) expect(Number(g) % 11).toBe(0);
    }
  });
});

describe('job discovery', () => {
  it('lists jobs from seed.json and names corrupt ones instead of crashing', async () => {
    const stagingLocation = await tempDir();
    await makeStaging(stagingLocation, 'job-a', [512]);
    await makeStaging(stagingLocation, 'job-b', [1024]);
    await mkdir(join(stagingLocation, 'broken'));
    await writeFile(join(stagingLocation, 'broken', 'seed.json'), '{"format":"obc-seed", "files": [');
    await mkdir(join(stagingLocation, 'odd'));
    await writeFile(
      join(stagingLocation, 'odd', 'seed.json'),
      JSON.stringify({
        format: 'obc-seed',
        formatVersion: 1,
        jobName: 'odd',
        files: [{ path: 'x', length: 100, sha256: 'z' }],
      }),
    );
    await mkdir(join(stagingLocation, 'not-a-job'));
    const d = await discoverJobs(stagingLocation);
    expect(d.jobs.map((j) => j.jobName)).toEqual(['job-a', 'job-b']);
    expect(d.broken.map((b) => b.seedPath)).toEqual([
      join(stagingLocation, 'broken', 'seed.json'),
      join(stagingLocation, 'odd', 'seed.json'),
    ]);
    expect(d.broken[0].reason).toMatch(/not valid JSON/);
    expect(d.broken[1].reason).toMatch(/blobPrefix/);
    await expect(findJob(stagingLocation)).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { jobs: ['job-a', 'job-b'] },
    });
    expect((await findJob(stagingLocation, 'job-b')).files).toBe(3); // the pack, the catalog, the job descriptor
    await expect(findJob(stagingLocation, 'broken')).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    await expect(discoverJobs(join(stagingLocation, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('names a damaged job only by its own folder: a broken "xjob" is not job "job"', async () => {
    const stagingLocation = await tempDir();
    await mkdir(join(stagingLocation, 'xjob'));
    await writeFile(join(stagingLocation, 'xjob', 'seed.json'), '{');
    await expect(findJob(stagingLocation, 'job')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(findJob(stagingLocation, 'xjob')).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });
});
