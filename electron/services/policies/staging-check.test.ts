import { describe, expect, it } from 'vitest';
import { chmod, mkdir, writeFile, readdir, stat, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { checkStaging } from './staging-check.ts';
import { tempDir } from './test-policies.ts';

const GiB = 1024 ** 3;

describe('checkStaging', () => {
  it('passes a writable folder with room and leaves nothing behind', async () => {
    const dir = await tempDir();
    const r = await checkStaging(dir, { requiredBytes: 2 * GiB, freeSpace: async () => 5 * GiB });
    expect(r).toMatchObject({ ok: true, exists: true, writable: true, freeBytes: 5 * GiB, requiredBytes: 2 * GiB });
    expect(r.message).toBe(`"${dir}" is writable and has 5.00 GiB free (the backup needs about 2.00 GiB).`);
    expect(await readdir(dir)).toEqual([]);
  });
  it('names a missing folder, a file, and a too-small volume', async () => {
    const dir = await tempDir();
    expect((await checkStaging(join(dir, 'nope'))).message).toMatch(/does not exist\. Create the folder/);
    await writeFile(join(dir, 'f'), 'x');
    expect((await checkStaging(join(dir, 'f'))).message).toMatch(/is a file, not a folder/);
    const r = await checkStaging(dir, { requiredBytes: 12 * GiB, freeSpace: async () => GiB });
    expect(r).toMatchObject({ ok: false, writable: true });
    expect(r.message).toBe(
      `Staging location "${dir}" has 1.00 GiB free but the backup needs about 12.0 GiB. Free space or choose another location.`,
    );
    expect((await checkStaging('relative/dir')).message).toMatch(/must be a full path/);
  });
  it('reports a folder this account cannot write to', async () => {
    if (process.getuid?.() === 0) return;
    const dir = join(await tempDir(), 'ro');
    await mkdir(dir);
    await chmod(dir, 0o500);
    try {
      const r = await checkStaging(dir);
      expect(r).toMatchObject({ ok: false, exists: true, writable: false });
      expect(r.message).toMatch(/cannot write to staging location .*EACCES/);
    } finally {
      await chmod(dir, 0o700);
    }
  });
  it('leaves no trace: no file and the folder keeps its modification and access times', async () => {
    const dir = await tempDir();
    const then = new Date('2025-01-02T03:04:05Z');
    await utimes(dir, then, then);
    const r = await checkStaging(dir, { freeSpace: async () => GiB });
    expect(r.ok).toBe(true);
    const after = await stat(dir, { bigint: true });
    expect(after.mtimeMs).toBe(BigInt(then.getTime()));
    expect(after.atimeMs).toBe(BigInt(then.getTime()));
    expect(await readdir(dir)).toEqual([]);
  });
  it('refuses the backup item itself and a folder inside one, before touching the disk', async () => {
    const dir = await tempDir();
    const items = [join(dir, 'data'), join(dir, 'other')];
    const same = await checkStaging(join(dir, 'data'), { items });
    expect(same).toMatchObject({ ok: false, problem: 'insideItems' });
    expect(same.message).toMatch(/is the backup item itself; the backup would copy itself/);
    const inside = await checkStaging(join(dir, 'data', 'staging'), { items });
    expect(inside.message).toBe(
      `Staging location "${join(dir, 'data', 'staging')}" is inside the backup item "${join(dir, 'data')}"; the backup would copy itself. Choose a folder outside the items.`,
    );
    // Next to the items is fine (and a folder named like an item's prefix is not inside it).
    await mkdir(join(dir, 'data-staging'));
    expect((await checkStaging(join(dir, 'data-staging'), { items, freeSpace: async () => GiB })).ok).toBe(true);
  });
  it('refuses a prepared disk: a rehearsal folder disk, or a disk root with a drive manifest and journal', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'disk1', 'staging'), { recursive: true });
    await writeFile(join(dir, 'disk1', 'obc-disk.json'), '{}');
    const r = await checkStaging(join(dir, 'disk1', 'staging'));
    expect(r).toMatchObject({ ok: false, problem: 'preparedDisk' });
    expect(r.message).toMatch(/is on a rehearsal disk .*disk1\)\. Disk Prep erases and fills such disks/);
    await mkdir(join(dir, 'vol', 'st'), { recursive: true });
    await writeFile(join(dir, 'vol', 'DriveManifest.xml'), '<x/>');
    expect((await checkStaging(join(dir, 'vol', 'st'), { freeSpace: async () => GiB })).ok).toBe(true); // a manifest alone is just a file
    await writeFile(join(dir, 'vol', 'obc-journal.json'), '{}');
    expect((await checkStaging(join(dir, 'vol', 'st'))).message).toMatch(/is on a disk prepared for an import job/);
  });
});
