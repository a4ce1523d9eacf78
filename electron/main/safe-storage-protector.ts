/**
 * The desktop Protector: Electron safeStorage (DPAPI on Windows, Keychain on macOS, libsecret/kwallet on Linux).
 * The host passes `safeStorage` in (this file does not import 'electron', so it is testable without a binary):
 *
 *   import { safeStorage } from 'electron';
 *   createServices({ …, protector: createSafeStorageProtector(safeStorage, dataDir) });
 *
 * When the OS offers no real encryption (safeStorage unavailable, or Linux's 'basic_text' backend, which only
 * obfuscates with a fixed key), it falls back to the owner-only key file protector and says so in `description`.
 */
import { join } from 'node:path';
import { AppError } from '../../shared/errors.ts';
import { FileKeyProtector, type Protector } from '../services/azure/protector.ts';

export interface SafeStorageLike {
  isEncryptionAvailable(): boolean;
  encryptString(plainText: string): Buffer;
  decryptString(encrypted: Buffer): string;
  getSelectedStorageBackend?(): string;
}

export function createSafeStorageProtector(safeStorage: SafeStorageLike, dataDir: string): Protector {
  const backend = process.platform === 'linux' ? safeStorage.getSelectedStorageBackend?.() : undefined;
  if (!safeStorage.isEncryptionAvailable() || backend === 'basic_text') {
    const file = new FileKeyProtector(join(dataDir, 'azure', 'secrets.key'));
    return {
      description: `The operating system offers no key store to this app${backend ? ` (backend ${backend})` : ''}. ${file.description}`,
      protect: (d) => file.protect(d),
      unprotect: (d) => file.unprotect(d),
    };
  }
  const where =
    process.platform === 'win32'
      ? 'Windows DPAPI'
      : process.platform === 'darwin'
        ? 'the macOS Keychain'
        : `the desktop key store (${backend ?? 'libsecret'})`;
  return {
    description: `Encrypted with a key held by ${where} for your user account.`,
    async protect(data) {
      return safeStorage.encryptString(data.toString('base64'));
    },
    async unprotect(data) {
      try {
        return Buffer.from(safeStorage.decryptString(data), 'base64');
      } catch (err) {
        throw new AppError(
          'CORRUPT_DATA',
          `Protected data could not be decrypted by ${where}: ${(err as Error).message}`,
        );
      }
    },
  };
}
