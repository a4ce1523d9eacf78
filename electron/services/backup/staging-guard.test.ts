/**
 * The staging location inside the backup items (issue 13 §7): the engine always leaves the staging location and the
 * job folder out, so a resumed backup never backs up into itself; `obc backup` refuses such a run up front.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from './engine.ts';
import { catalogPathOf } from './scan.ts';
import { itemHoldingStaging, neverBackedUp } from './staging-guard.ts';
import { NO_VSS_NOTE } from './vss-run.ts';
import { FAST_KDF, PASS, prng, tempDir, openStagingJob } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-staging-in-items-')));
afterEach(async () => cleanup());

describe('staging location inside the items', () => {
  it('a resumed backup whose staging location is inside the item never contains its own packs', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'docs'), { recursive: true });
    for (let i = 0; i < 4; i++) await writeFile(join(src, 'docs', `f${i}.bin`), prng(i)(900_000));
    const stagingLocation = join(src, 'backups');
    const opts = {
      items: [src],
      stagingLocation,
      job: { name: 'self-job' },
      passphrase: PASS,
      kdf: FAST_KDF,
      packSize: 1 << 20,
      compressionLevel: 0,
    };
    // First run stops after its first pack (as a crash would): the job folder now holds packs and state.
    await expect(
      runBackup({
        ...opts,
        testHook: (p) => {
          if (p === 'pack:1') throw new Error('stop here');
        },
      }),
    ).rejects.toThrow(/stop here/);
    const notes: string[] = [];
    const r = await runBackup({ ...opts, onNote: (n) => notes.push(n) });
    expect(r.resumed).toBe(true);
    const reader = await openStagingJob(stagingLocation, 'self-job', PASS);
    const inside = reader.entries().filter((e) => e.path.startsWith(catalogPathOf(stagingLocation)));
    expect(inside).toEqual([]);
    expect(r.files).toBe(4);
    expect(notes).toEqual([
      NO_VSS_NOTE,
      `${stagingLocation} lies inside the items and is left out: a backup never contains its own staging location or job folder.`,
    ]);
  });

  it('the job folder is always left out; the staging location too, unless an item lies inside it (its other folders are data)', async () => {
    expect(neverBackedUp('/data', '/data/job', ['/data/docs'], 'linux')).toEqual(['/data/job']);
    expect(neverBackedUp('/data/st', '/data/st/job', ['/data'], 'linux')).toEqual(['/data/st/job', '/data/st']);
    expect(neverBackedUp('D:\\St', 'D:\\St\\job', ['d:\\st\\docs'], 'win32')).toEqual(['D:\\St\\job']);
    expect(neverBackedUp('D:\\St', 'D:\\St\\job', ['d:\\'], 'win32')).toEqual(['D:\\St\\job', 'D:\\St']);
  });

  it('names the item that holds the staging location, also through a link or before the staging folder exists', async () => {
    const data = join(dir, 'data');
    await mkdir(join(data, 'inner'), { recursive: true });
    await symlink(data, join(dir, 'via-link'));
    expect(await itemHoldingStaging(join(data, 'inner', 'not-yet', 'st'), [join(dir, 'other'), data])).toBe(data);
    expect(await itemHoldingStaging(join(dir, 'via-link', 'inner', 'st'), [data])).toBe(data);
    expect(await itemHoldingStaging(data, [data])).toBe(data);
    expect(await itemHoldingStaging(join(dir, 'elsewhere'), [data])).toBeNull();
    expect(await itemHoldingStaging(dir, [data])).toBeNull();
  });
});
