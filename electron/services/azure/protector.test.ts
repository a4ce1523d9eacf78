import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FileKeyProtector } from './protector.ts';
import { tempDir } from '../test-temp.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('FileKeyProtector', () => {
  it('round-trips, keeps the key owner-only, and detects tampering', async () => {
    const dir = await tempDir('obc-prot-');
    dirs.push(dir);
    const keyPath = join(dir, 'azure', 'secrets.key');
    const p = new FileKeyProtector(keyPath);
    const sealed = await p.protect(Buffer.from('refresh-token-secret'));
    expect(sealed.includes(Buffer.from('refresh-token-secret'))).toBe(false);
    expect((await new FileKeyProtector(keyPath).unprotect(sealed)).toString()).toBe('refresh-token-secret');
    if (process.platform !== 'win32') expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
    expect(p.description).toMatch(/0600/);
    const bad = Buffer.from(sealed);
    bad[bad.length - 1] ^= 1;
    await expect(p.unprotect(bad)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    await writeFile(keyPath, Buffer.alloc(32, 7));
    await expect(new FileKeyProtector(keyPath).unprotect(sealed)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
    expect((await readFile(keyPath)).length).toBe(32);
  });
});
