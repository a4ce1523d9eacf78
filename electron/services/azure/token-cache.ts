/**
 * MSAL token cache persisted encrypted at rest through the injected Protector, one file per cloud:
 * `<dataDir>/azure/token-cache-<cloud>.bin` (mode 0600). The plaintext never touches the disk and is never logged.
 */
import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ICachePlugin, TokenCacheContext } from '@azure/msal-node';
import { writeFileAtomic } from '../store/atomic.ts';
import type { Protector } from './protector.ts';

export function tokenCachePath(dataDir: string, cloudName: string): string {
  return join(dataDir, 'azure', `token-cache-${cloudName.replace(/[^A-Za-z0-9_-]/g, '_')}.bin`);
}

export class ProtectedCachePlugin implements ICachePlugin {
  readonly path: string;
  private readonly protector: Protector;
  /** Set when the file could not be decrypted (key changed, damaged): the user simply signs in again. */
  lastLoadProblem: string | null = null;

  constructor(path: string, protector: Protector) {
    this.path = path;
    this.protector = protector;
  }

  async beforeCacheAccess(ctx: TokenCacheContext): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readFile(this.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const plain = await this.protector.unprotect(raw);
      ctx.tokenCache.deserialize(plain.toString('utf8'));
      this.lastLoadProblem = null;
    } catch (err) {
      this.lastLoadProblem = `Saved sign-in in ${this.path} could not be read (${(err as Error).message}); sign in again.`;
    }
  }

  async afterCacheAccess(ctx: TokenCacheContext): Promise<void> {
    if (!ctx.cacheHasChanged) return;
    const sealed = await this.protector.protect(Buffer.from(ctx.tokenCache.serialize(), 'utf8'));
    await writeFileAtomic(this.path, sealed, 0o600);
  }

  async erase(): Promise<void> {
    await unlink(this.path).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }
}
