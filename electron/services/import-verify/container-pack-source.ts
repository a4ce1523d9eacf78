/**
 * The imported blobs as the backup engine's PackSource, so Recover Data can restore straight from the container
 * (`<container>/<job>/<pack file>`) once the import job completed — also after the staging folder is gone.
 *
 * seed.json is not imported (it lists the imported files, so it cannot be one of them): it comes from the first of
 * a `<job>/seed.json` blob (if someone uploaded one), the staging folder, or the copy Verify keeps in
 * `<dataDir>/import-verify/<job>.seed.json` before it cleans up the staging folder.
 */
import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import type { PackSource } from '../backup/reader.ts';

const SEED = 'seed.json';

function badPath(path: string): boolean {
  return path.split('/').some((c) => c === '..' || c === '' || c === '.') || path.includes('\\');
}

export class ContainerPackSource implements PackSource {
  readonly description: string;
  private readonly cc: ContainerClient;
  private readonly prefix: string;
  private readonly localSeed: () => Promise<string | null>;

  constructor(cc: ContainerClient, prefix: string, localSeed: () => Promise<string | null> = async () => null) {
    this.cc = cc;
    this.prefix = prefix.endsWith('/') ? prefix : `${prefix}/`;
    this.localSeed = localSeed;
    this.description = `${cc.url.replace(/\/$/, '')}/${this.prefix}`;
  }

  private blob(path: string) {
    if (badPath(path)) throw new AppError('VALIDATION', `Bad relative path ${path}`);
    return this.cc.getBlobClient(`${this.prefix}${path}`);
  }

  private fail(path: string, err: unknown): never {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404) throw new AppError('NOT_FOUND', `${this.description}${path} is not in the container.`, { path });
    if (err instanceof AppError) throw err;
    throw new AppError('AZURE', `Reading ${this.description}${path} failed: ${(err as Error).message}`, { path });
  }

  async read(path: string, offset: number, length: number): Promise<Buffer> {
    try {
      return await this.blob(path).downloadToBuffer(offset, length);
    } catch (err) {
      this.fail(path, err);
    }
  }

  async readAll(path: string): Promise<Buffer> {
    if (path === SEED) {
      const local = await this.localSeed();
      if (local !== null) return Buffer.from(local, 'utf8');
    }
    try {
      return await this.blob(path).downloadToBuffer();
    } catch (err) {
      if (path === SEED && (err as { statusCode?: number }).statusCode === 404)
        throw new AppError(
          'NOT_FOUND',
          `seed.json of this job is neither in ${this.description} nor kept on this machine; it holds the key parameters needed to decrypt the backup. Point Recover Data at the staging folder, or copy seed.json back into it.`,
        );
      this.fail(path, err);
    }
  }

  async size(path: string): Promise<number> {
    try {
      return (await this.blob(path).getProperties()).contentLength ?? 0;
    } catch (err) {
      this.fail(path, err);
    }
  }
}
