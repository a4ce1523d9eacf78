/**
 * Verify imported data: compare the blobs under `<container>/<job>/` with what the staging folder's seed.json says
 * must be there (every file's length and SHA-256). A plain library: a BlobSource, an AbortSignal and a progress
 * callback in, a report out. Never imports 'electron'.
 */
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors.ts';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import type { ImportVerifyReport, VerifyDifference } from '../../../shared/contract/import-verify.ts';

export interface BlobItem {
  /** Full blob name inside the container, e.g. `seed-1/packs/00/0001.pack`. */
  name: string;
  length: number;
}

/** What verification needs from a container: a listing under a prefix and a byte stream per blob. */
export interface BlobSource {
  /** Human-readable location for messages, e.g. `https://acct.blob.core.windows.net/backups`. */
  readonly describe: string;
  list(prefix: string, signal?: AbortSignal): AsyncIterable<BlobItem>;
  read(name: string, signal?: AbortSignal): AsyncIterable<Uint8Array>;
}

export interface VerifyProgress {
  doneBytes: number;
  totalBytes: number;
  doneFiles: number;
  totalFiles: number;
  currentFile?: string;
}

export interface VerifyOptions {
  seed: SeedDescriptor;
  source: BlobSource;
  container: string;
  signal?: AbortSignal;
  onProgress?: (p: VerifyProgress) => void;
  /** Max differences listed per category (the counts are always complete). Default 500. */
  listLimit?: number;
}

/** `<job>/`: the seed's blob prefix, normalised to end with one slash. */
export function blobPrefixOf(seed: SeedDescriptor): string {
  const p = seed.blobPrefix?.trim() || `${seed.jobName}/`;
  return p.endsWith('/') ? p : `${p}/`;
}

async function sha256Of(
  source: BlobSource,
  name: string,
  signal: AbortSignal | undefined,
  onBytes: (n: number) => void,
): Promise<{ hex: string; bytes: number }> {
  const h = createHash('sha256');
  let bytes = 0;
  for await (const chunk of source.read(name, signal)) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'Verification was cancelled.');
    h.update(chunk);
    bytes += chunk.length;
    onBytes(chunk.length);
  }
  return { hex: h.digest('hex'), bytes };
}

export async function verifyImport(o: VerifyOptions): Promise<ImportVerifyReport> {
  const { seed, source, signal } = o;
  const limit = o.listLimit ?? 500;
  const prefix = blobPrefixOf(seed);
  const started = Date.now();
  const blobs = new Map<string, BlobItem>();
  try {
    for await (const b of source.list(prefix, signal)) blobs.set(b.name, b);
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new AppError(
      'AZURE',
      `Listing the blobs under ${source.describe}/${prefix} failed: ${(err as Error).message}`,
      { prefix },
    );
  }
  const totalBytes = seed.files.reduce((s, f) => s + f.length, 0);
  const progress: VerifyProgress = { doneBytes: 0, totalBytes, doneFiles: 0, totalFiles: seed.files.length };
  const missing: VerifyDifference[] = [];
  const different: VerifyDifference[] = [];
  let missingCount = 0;
  let differentCount = 0;
  let matched = 0;
  const expected = new Set<string>();
  for (const f of seed.files) {
    if (signal?.aborted) throw new AppError('CANCELLED', 'Verification was cancelled.');
    const name = `${prefix}${f.path}`;
    expected.add(name);
    progress.currentFile = name;
    o.onProgress?.({ ...progress });
    const blob = blobs.get(name);
    /** Counts the file as different; the report lists the first `limit` of them. */
    const differs = (actualLength: number, reason: string) => {
      differentCount++;
      if (different.length < limit)
        different.push({ path: f.path, blobName: name, expectedLength: f.length, actualLength, reason });
    };
    if (!blob) {
      missingCount++;
      if (missing.length < limit)
        missing.push({
          path: f.path,
          blobName: name,
          expectedLength: f.length,
          reason: 'No blob of this name in the container.',
        });
    } else if (blob.length !== f.length) {
      differs(blob.length, `Length differs: the blob has ${blob.length} bytes, the staged file ${f.length}.`);
    } else {
      const before = progress.doneBytes;
      const got = await sha256Of(source, name, signal, (n) => {
        progress.doneBytes += n;
        o.onProgress?.({ ...progress });
      });
      progress.doneBytes = before + f.length;
      if (got.hex !== f.sha256)
        differs(got.bytes, `Content differs: SHA-256 ${got.hex.slice(0, 16)}… instead of ${f.sha256.slice(0, 16)}….`);
      else matched++;
    }
    if (blob?.length !== f.length || !blob) progress.doneBytes += f.length;
    progress.doneFiles++;
    o.onProgress?.({ ...progress });
  }
  const extra: VerifyDifference[] = [];
  let extraCount = 0;
  for (const b of blobs.values()) {
    if (expected.has(b.name)) continue;
    extraCount++;
    if (extra.length < limit)
      extra.push({
        path: b.name.slice(prefix.length),
        blobName: b.name,
        actualLength: b.length,
        reason: 'In the container but not in the staged backup.',
      });
  }
  return {
    jobName: seed.jobName,
    container: o.container,
    location: `${source.describe}/${prefix}`,
    checkedAt: new Date().toISOString(),
    durationMs: Date.now() - started,
    expectedFiles: seed.files.length,
    expectedBytes: totalBytes,
    matched,
    missingCount,
    differentCount,
    extraCount,
    missing,
    different,
    extra,
    ok: missingCount === 0 && differentCount === 0,
    method: 'sha256',
  };
}
