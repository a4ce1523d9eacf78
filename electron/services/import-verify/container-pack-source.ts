/**
 * The imported blobs as the backup engine's PackSource, so Recover Data can restore straight from the container
 * (`<container>/<job>/<pack file>`) once the import job completed — also after the staging folder is gone.
 *
 * seed.json is not imported (it lists the imported files, so it cannot be one of them). What it holds for a reader —
 * key parameters and file list — comes from the job descriptor `<job>/obc-backup.json` that every backup ships
 * (backup/descriptor.ts), so the container alone is enough. Backups made before the descriptor existed fall back to
 * the staging folder's seed.json, the copy Verify keeps in `<dataDir>/import-verify/<job>.seed.json`, or a
 * `<job>/seed.json` blob (if someone uploaded one).
 */
import type { ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import type { PackSource } from '../backup/reader.ts';
import { DESCRIPTOR_PATH, decodeDescriptor, seedFromDescriptor } from '../backup/descriptor.ts';

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
    // Without the query: a container opened with a SAS URL carries its signature there.
    this.description = `${cc.url.split('?')[0].replace(/\/$/, '')}/${this.prefix}`;
  }

  /** The container read (the online engine opens restore points through it). */
  get container(): ContainerClient {
    return this.cc;
  }

  private blob(path: string) {
    if (badPath(path)) throw new AppError('VALIDATION', `Bad relative path ${path}`);
    return this.cc.getBlobClient(`${this.prefix}${path}`);
  }

  private fail(path: string, err: unknown): never {
    const status = (err as { statusCode?: number }).statusCode;
    if (status === 404)
      throw new AppError('NOT_FOUND', `${this.description}${path} is not in the container.`, { path });
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
    if (path === SEED) return this.seed();
    try {
      return await this.blob(path).downloadToBuffer();
    } catch (err) {
      this.fail(path, err);
    }
  }

  /**
   * seed.json for the reader: the container's own job descriptor first (it describes exactly what the container
   * holds, and is all a new machine has), else the copy on this machine, else a `<job>/seed.json` blob.
   */
  private async seed(): Promise<Buffer> {
    const desc = await this.blob(DESCRIPTOR_PATH)
      .downloadToBuffer()
      .catch((err: unknown) =>
        (err as { statusCode?: number }).statusCode === 404 ? null : this.fail(DESCRIPTOR_PATH, err),
      );
    if (desc)
      return Buffer.from(
        JSON.stringify(seedFromDescriptor(decodeDescriptor(desc, `${this.description}${DESCRIPTOR_PATH}`), desc)),
        'utf8',
      );
    const local = await this.localSeed();
    if (local !== null) return Buffer.from(local, 'utf8');
    try {
      return await this.blob(SEED).downloadToBuffer();
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404)
        throw new AppError(
          'NOT_FOUND',
          `Neither the job descriptor ${DESCRIPTOR_PATH} nor seed.json of this job is in ${this.description}, and no seed.json is kept on this machine; they hold the key parameters needed to decrypt the backup. Check the job name and container, or point Recover Data at the staging folder.`,
        );
      this.fail(SEED, err);
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
