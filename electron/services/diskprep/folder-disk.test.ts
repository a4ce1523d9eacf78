import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FolderDiskProvider, initFolderDisk } from './folder-disk.ts';
import { MiB, tempDir } from './test-staging.ts';

describe('folder disk: a disk that is already "encrypted"', () => {
  it('keeps the given recovery password, and refuses another one when the disk is resumed', async () => {
    const root = await tempDir();
    const disk = join(root, 'd');
    await initFolderDisk(disk, 'FD1', 4 * MiB);
    const p = new FolderDiskProvider();
    const key = '238810-662376-448998-450120-652806-203390-606320-483076';
    const stagingLocation = join(root, 'staging');
    expect(
      (await p.prepare(disk, { jobName: 'fd-job', stagingLocation: stagingLocation, existingBitLockerKey: key }))
        .bitLockerKey,
    ).toBe(key);
    expect(
      (
        await p.prepare(disk, {
          jobName: 'fd-job',
          stagingLocation: stagingLocation,
          resume: true,
          confirmErase: true,
          existingBitLockerKey: key,
        })
      ).bitLockerKey,
    ).toBe(key);
    await expect(
      p.prepare(disk, {
        jobName: 'fd-job',
        stagingLocation: stagingLocation,
        resume: true,
        confirmErase: true,
        existingBitLockerKey: key.replace('606320', '606331'),
      }),
    ).rejects.toThrow(/BitLocker key given for disk FD1 does not match/);
  });
});
