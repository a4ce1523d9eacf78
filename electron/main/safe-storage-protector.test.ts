import { rm } from 'node:fs/promises';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createSafeStorageProtector, type SafeStorageLike } from './safe-storage-protector.ts';
import { tempDir } from '../services/test-temp.ts';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A stand-in with safeStorage's shape (the real one needs an Electron binary, absent here). */
function fakeSafeStorage(available: boolean, backend = 'gnome_libsecret'): SafeStorageLike {
  const key = randomBytes(32);
  return {
    isEncryptionAvailable: () => available,
    getSelectedStorageBackend: () => backend,
    encryptString(s) {
      const iv = randomBytes(16);
      const c = createCipheriv('aes-256-cbc', key, iv);
      return Buffer.concat([iv, c.update(s, 'utf8'), c.final()]);
    },
    decryptString(b) {
      const d = createDecipheriv('aes-256-cbc', key, b.subarray(0, 16));
      return Buffer.concat([d.update(b.subarray(16)), d.final()]).toString('utf8');
    },
  };
}

describe('safeStorage protector', () => {
  it('round-trips binary data through safeStorage', async () => {
    const dir = await tempDir('obc-ss-');
    dirs.push(dir);
    const p = createSafeStorageProtector(fakeSafeStorage(true), dir);
    const data = randomBytes(100);
    expect(await p.unprotect(await p.protect(data))).toEqual(data);
    expect(p.description).toMatch(/key store|DPAPI|Keychain/);
  });
  it('falls back to the key file, and says so, when the OS has no real key store', async () => {
    const dir = await tempDir('obc-ss-');
    dirs.push(dir);
    for (const ss of [fakeSafeStorage(false), fakeSafeStorage(true, 'basic_text')]) {
      const p = createSafeStorageProtector(ss, dir);
      expect(p.description).toMatch(/no key store/);
      expect((await p.unprotect(await p.protect(Buffer.from('x')))).toString()).toBe('x');
    }
  });
});
