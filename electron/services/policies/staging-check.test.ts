import { describe, expect, it } from 'vitest';
import { chmod, mkdir, writeFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { checkStaging } from './staging-check.ts';
import { tempDir } from './test-helpers.ts';

const GiB = 1024 ** 3;

describe('checkStaging', () => {
  it('passes a writable folder with room and leaves nothing behind', async () => {
    const dir = await tempDir();
    const r = await checkStaging(dir, { requiredBytes: 2 * GiB, freeSpace: async () => 5 * GiB });
    expect(r).toMatchObject({ ok: true, exists: true, writable: true, freeBytes: 5 * GiB, requiredBytes: 2 * GiB });
    expect(r.message).toBe(`"${dir}" is writable and has 5.0 GiB free (the backup needs about 2.0 GiB).`);
    expect(await readdir(dir)).toEqual([]);
  });
  it('names a missing folder, a file, and a too-small volume', async () => {
    const dir = await tempDir();
    expect((await checkStaging(join(dir, 'nope'))).message).toMatch(/does not exist\. Create the folder/);
    await writeFile(join(dir, 'f'), 'x');
    expect((await checkStaging(join(dir, 'f'))).message).toMatch(/is a file, not a folder/);
    const r = await checkStaging(dir, { requiredBytes: 12 * GiB, freeSpace: async () => GiB });
    expect(r).toMatchObject({ ok: false, writable: true });
    expect(r.message).toBe(`Staging location "${dir}" has 1.0 GiB free but the backup needs about 12 GiB. Free space or choose another location.`);
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
});
