/**
 * Resumable block-blob uploads of a local file (a spooled pack or point): the file is cut into blocks whose ids are
 * their index and SHA-256 (`obc1-000003-<40 hex>`), each staged with Put Block (with its MD5, checked by the
 * service) and committed last with Put Block List. A rerun of a killed upload asks the blob's block list first and
 * sends only the blocks not already staged or committed with the same id — the same bytes, since the spooled file is
 * the same — so nothing is sent twice and nothing is visible before the commit.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { BlockBlobClient, ContainerClient } from '@azure/storage-blob';
import { AppError } from '../../../shared/errors.ts';
import { NO_LIMIT, type BandwidthLimiter } from './limiter.ts';
import { blobError, statusOf, storageCode } from './blob-errors.ts';
import { readFull } from '../read-full.ts';

export const DEFAULT_BLOCK_SIZE = 4 << 20;

export interface UploadOptions {
  container: ContainerClient;
  /** Full blob name (`<job>/online/packs/pack-000012.bin`). */
  blobName: string;
  file: string;
  blockSize?: number;
  /** Put Block requests in flight at once. */
  parallel?: number;
  limiter?: BandwidthLimiter;
  signal?: AbortSignal;
  /** Messages name the container so. */
  where: string;
  onSent?: (bytes: number) => void;
  onReused?: (bytes: number) => void;
  /** Fault tests: after each block is staged, `block:<blob name>:<index>`. */
  testHook?: (point: string) => void | Promise<void>;
}

export interface UploadResult {
  length: number;
  sent: number;
  reused: number;
  /** Whole-file MD5 (set as the blob's Content-MD5) and SHA-256. */
  md5: string;
  sha256: string;
}

interface Block {
  id: string;
  offset: number;
  length: number;
  md5: Buffer;
}

async function planBlocks(
  file: string,
  blockSize: number,
): Promise<{ blocks: Block[]; length: number; md5: Buffer; sha256: string }> {
  const fh = await open(file, 'r');
  try {
    const length = (await fh.stat()).size;
    const whole = createHash('md5');
    const wholeSha = createHash('sha256');
    const blocks: Block[] = [];
    const buf = Buffer.allocUnsafe(Math.min(blockSize, Math.max(1, length)));
    for (let offset = 0, i = 0; offset < length; offset += blockSize, i++) {
      const len = Math.min(blockSize, length - offset);
      const b = await readExactly(fh, buf, len, offset, file);
      whole.update(b);
      wholeSha.update(b);
      const sha = createHash('sha256').update(b).digest('hex');
      blocks.push({
        id: Buffer.from(`obc1-${String(i).padStart(6, '0')}-${sha.slice(0, 40)}`).toString('base64'),
        offset,
        length: len,
        md5: createHash('md5').update(b).digest(),
      });
    }
    return { blocks, length, md5: whole.digest(), sha256: wholeSha.digest('hex') };
  } finally {
    await fh.close();
  }
}

async function readExactly(
  fh: Awaited<ReturnType<typeof open>>,
  buf: Buffer,
  len: number,
  at: number,
  file: string,
): Promise<Buffer> {
  if ((await readFull(fh, buf, 0, len, at)) < len)
    throw new AppError('IO', `${file} is shorter than expected (it changed while it was uploaded).`, { path: file });
  return buf.subarray(0, len);
}

/** Block ids the blob already has: committed (in order) and uncommitted (name → size). None when it does not exist. */
async function blocksThere(
  blob: BlockBlobClient,
  signal: AbortSignal | undefined,
): Promise<{ committed: string[]; uncommitted: Map<string, number> }> {
  try {
    const r = await blob.getBlockList('all', signal ? { abortSignal: signal } : {});
    return {
      committed: (r.committedBlocks ?? []).map((b) => b.name),
      uncommitted: new Map((r.uncommittedBlocks ?? []).map((b) => [b.name, b.size])),
    };
  } catch (err) {
    if (statusOf(err) === 404 && /^(BlobNotFound|)$/.test(storageCode(err)))
      return { committed: [], uncommitted: new Map() };
    throw err;
  }
}

export async function uploadFileResumable(o: UploadOptions): Promise<UploadResult> {
  const blockSize = o.blockSize ?? DEFAULT_BLOCK_SIZE;
  const limiter = o.limiter ?? NO_LIMIT;
  const blob = o.container.getBlockBlobClient(o.blobName);
  const what = (w: string) => `${w} ${o.blobName}`;
  const plan = await planBlocks(o.file, blockSize);
  const result = { length: plan.length, sent: 0, reused: 0, md5: plan.md5.toString('base64'), sha256: plan.sha256 };
  let there: Awaited<ReturnType<typeof blocksThere>>;
  try {
    there = await blocksThere(blob, o.signal);
  } catch (err) {
    throw blobError(err, what('reading the block list of'), o.where);
  }
  const ids = plan.blocks.map((b) => b.id);
  if (there.committed.length === ids.length && there.committed.every((id, i) => id === ids[i])) {
    // Committed by a run killed before it recorded so: the same bytes (the ids name them) are there.
    result.reused = plan.length;
    o.onReused?.(plan.length);
    return result;
  }
  const todo = plan.blocks.filter((b) => {
    if (there.uncommitted.get(b.id) === b.length) {
      result.reused += b.length;
      o.onReused?.(b.length);
      return false;
    }
    return true;
  });
  const fh = await open(o.file, 'r');
  try {
    let next = 0;
    const worker = async () => {
      const buf = Buffer.allocUnsafe(blockSize);
      while (next < todo.length) {
        const b = todo[next++];
        o.signal?.throwIfAborted();
        await limiter.acquire(b.length, o.signal);
        const bytes = await readExactly(fh, buf, b.length, b.offset, o.file);
        if (!createHash('md5').update(bytes).digest().equals(b.md5))
          throw new AppError('IO', `${o.file} changed while it was uploaded (block at ${b.offset}).`, { path: o.file });
        try {
          await blob.stageBlock(b.id, bytes, b.length, {
            transactionalContentMD5: b.md5,
            ...(o.signal ? { abortSignal: o.signal } : {}),
          });
        } catch (err) {
          throw blobError(err, what('uploading'), o.where);
        }
        result.sent += b.length;
        o.onSent?.(b.length);
        await o.testHook?.(`block:${o.blobName}:${plan.blocks.indexOf(b)}`);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(o.parallel ?? 4, todo.length)) }, worker));
  } finally {
    await fh.close();
  }
  try {
    await blob.commitBlockList(ids, {
      blobHTTPHeaders: { blobContentMD5: plan.md5, blobContentType: 'application/octet-stream' },
      ...(o.signal ? { abortSignal: o.signal } : {}),
    });
    const props = await blob.getProperties(o.signal ? { abortSignal: o.signal } : {});
    if (props.contentLength !== plan.length)
      throw new AppError(
        'AZURE',
        `${o.blobName} is ${props.contentLength} bytes after its commit, expected ${plan.length}.`,
        { path: o.blobName },
      );
  } catch (err) {
    throw blobError(err, what('committing'), o.where);
  }
  return result;
}
