/**
 * Secrets at rest (token cache, the Entra application's private key) go through a Protector.
 * Desktop: the Electron host injects one backed by safeStorage (OS keychain / DPAPI / libsecret).
 * Browser mode and the CLI: the file-key protector below — AES-256-GCM with a random key kept in a file that only
 * the owner may read (mode 0600). That is weaker than an OS keychain: anyone who can read files as this user (or an
 * administrator) can decrypt the data. `description` says so in words the UI shows.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmod, mkdir, open, readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors.ts';

export interface Protector {
  /** Short, plain statement of how data is protected (shown in Settings and sign-in screens). */
  readonly description: string;
  protect(data: Buffer): Promise<Buffer>;
  unprotect(data: Buffer): Promise<Buffer>;
}

const MAGIC = Buffer.from('OBCK1');

export class FileKeyProtector implements Protector {
  readonly keyPath: string;
  readonly description: string;
  private key: Buffer | null = null;

  constructor(keyPath: string) {
    this.keyPath = keyPath;
    this.description =
      process.platform === 'win32'
        ? `Encrypted with AES-256-GCM using a key stored in ${keyPath}. Windows does not honour Unix file modes: protect that file with NTFS permissions; anyone who can read it can decrypt what it protects on this machine (the saved sign-in, the backup passphrase).`
        : `Encrypted with AES-256-GCM using a key stored in ${keyPath}, readable only by your user account (mode 0600). Anyone who can read that file (you, or an administrator) can decrypt what it protects on this machine (the saved sign-in, the backup passphrase).`;
  }

  private async loadKey(): Promise<Buffer> {
    if (this.key) return this.key;
    await mkdir(dirname(this.keyPath), { recursive: true, mode: 0o700 });
    try {
      const fh = await open(this.keyPath, 'wx', 0o600);
      try {
        const key = randomBytes(32);
        await fh.writeFile(key);
        await fh.sync();
        this.key = key;
        return key;
      } finally {
        await fh.close();
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const key = await readFile(this.keyPath);
    if (key.length !== 32)
      throw new AppError(
        'CORRUPT_DATA',
        `Key file ${this.keyPath} is damaged (expected 32 bytes, found ${key.length}).`,
        { path: this.keyPath },
      );
    if (process.platform !== 'win32') {
      const st = await stat(this.keyPath);
      if ((st.mode & 0o077) !== 0) await chmod(this.keyPath, 0o600);
    }
    this.key = key;
    return key;
  }

  async protect(data: Buffer): Promise<Buffer> {
    const key = await this.loadKey();
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([c.update(data), c.final()]);
    return Buffer.concat([MAGIC, iv, c.getAuthTag(), body]);
  }

  async unprotect(data: Buffer): Promise<Buffer> {
    const key = await this.loadKey();
    if (data.length < MAGIC.length + 28 || !data.subarray(0, MAGIC.length).equals(MAGIC))
      throw new AppError('CORRUPT_DATA', 'Protected data has an unknown format.');
    const iv = data.subarray(MAGIC.length, MAGIC.length + 12);
    const tag = data.subarray(MAGIC.length + 12, MAGIC.length + 28);
    const d = createDecipheriv('aes-256-gcm', key, iv);
    d.setAuthTag(tag);
    try {
      return Buffer.concat([d.update(data.subarray(MAGIC.length + 28)), d.final()]);
    } catch {
      throw new AppError(
        'CORRUPT_DATA',
        `Protected data could not be decrypted with the key in ${this.keyPath} (the key changed or the data is damaged).`,
      );
    }
  }
}
