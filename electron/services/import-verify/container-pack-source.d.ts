/**
 * The imported blobs as the backup engine's PackSource, so Recover Data can restore straight from the container
 * (`<container>/<job>/<pack file>`) once the import job completed — also after the staging folder is gone.
 *
 * seed.json is not imported (it lists the imported files, so it cannot be one of them): it comes from the first of
 * a `<job>/seed.json` blob (if someone uploaded one), the staging folder, or the copy Verify keeps in
 * `<dataDir>/import-verify/<job>.seed.json` before it cleans up the staging folder.
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { PackSource } from '../backup/reader.ts';
export declare class ContainerPackSource implements PackSource {
    readonly description: string;
    private readonly cc;
    private readonly prefix;
    private readonly localSeed;
    constructor(cc: ContainerClient, prefix: string, localSeed?: () => Promise<string | null>);
    private blob;
    private fail;
    read(path: string, offset: number, length: number): Promise<Buffer>;
    readAll(path: string): Promise<Buffer>;
    size(path: string): Promise<number>;
}
