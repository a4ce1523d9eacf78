import { open, constants, type FileHandle } from 'node:fs/promises';
import { AppError } from '../../../shared/errors.ts';
import type { BufferPool, HashPool } from './hash-pool.ts';
import { rangeLayout } from './manifest.ts';
import type { PreparedVolume } from './types.ts';

export interface CopyResult {
  md5: string;
  ranges: string[];
}

const abortError = (signal: AbortSignal): AppError =>
  signal.reason instanceof AppError ? signal.reason : new AppError('CANCELLED', 'Cancelled by the user.');

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw abortError(signal);
}

async function readFull(fh: FileHandle, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  let done = 0;
  while (done < len) {
    const { bytesRead } = await fh.read(buf, off + done, len - done, pos + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

async function writeFull(fh: FileHandle, buf: Buffer, off: number, len: number, pos: number): Promise<void> {
  let done = 0;
  while (done < len) {
    const { bytesWritten } = await fh.write(buf, off + done, len - done, pos + done);
    done += bytesWritten;
  }
}

export interface CopyContext {
  hashes: HashPool;
  buffers: BufferPool;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
  /** Test hook: awaited after the first range of a file is written (lets tests kill mid-file). */
  afterFirstRange?: () => Promise<void>;
  /** fsync each file before it is committed (default true; the benchmark can compare without). */
  sync?: boolean;
  /** seed.json's SHA-256 of the staged file: checked in the same read pass (staging damage is caught before shipping). */
  expectSha256?: string;
}

/**
 * Copies src → dest in one read pass: each 4 MiB range is read once, written, and hashed in the workers (range MD5
 * and whole-file MD5 on different workers) while the next range is read. Returns the MD5s once the file is synced.
 */
export async function copyAndHash(src: string, dest: string, length: number, vol: PreparedVolume, relPath: string, ctx: CopyContext): Promise<CopyResult> {
  vol.ensureRoom(relPath, length);
  const inp = await open(src, 'r');
  let out: FileHandle | null = null;
  const inflight = new Set<Promise<void>>();
  let failure: unknown = null;
  try {
    const st = await inp.stat();
    if (st.size !== length) throw new AppError('CORRUPT_DATA', `Staged file ${src} is ${st.size} bytes but seed.json says ${length}; the staging folder changed since the backup.`, { path: src });
    out = await open(dest, 'w');
    const whole = ctx.hashes.stream();
    const sha = ctx.expectSha256 ? ctx.hashes.stream('sha256') : null;
    const layout = rangeLayout(length);
    const ranges = new Array<string>(layout.length);
    for (let i = 0; i < layout.length; i++) {
      checkAbort(ctx.signal);
      if (failure) throw failure;
      const r = layout[i];
      const buf = await ctx.buffers.acquire();
      let n: number;
      try {
        n = await readFull(inp, buf, 0, r.length, r.offset);
      } catch (e) {
        ctx.buffers.release(buf);
        throw e;
      }
      if (n !== r.length) {
        ctx.buffers.release(buf);
        throw new AppError('CORRUPT_DATA', `Staged file ${src} ended early at ${r.offset + n} bytes (expected ${length}).`, { path: src });
      }
      const o = out;
      const p: Promise<void> = Promise.all([
        writeFull(o, buf, 0, n, r.offset),
        whole.update(buf, 0, n),
        sha ? sha.update(buf, 0, n) : undefined,
        ctx.hashes.md5(buf, 0, n, whole).then((hex) => {
          ranges[i] = hex;
        }),
      ]).then(
        () => {
          ctx.buffers.release(buf);
          ctx.onBytes?.(n);
        },
        (e) => {
          ctx.buffers.release(buf);
          failure ??= e;
        },
      );
      inflight.add(p);
      void p.finally(() => inflight.delete(p));
      if (i === 0 && ctx.afterFirstRange) {
        await p;
        await out.datasync();
        await ctx.afterFirstRange();
      }
    }
    await Promise.all(inflight);
    if (failure) throw failure;
    const md5 = await whole.digest();
    if (sha) {
      const got = (await sha.digest()).toLowerCase();
      if (got !== ctx.expectSha256!.toLowerCase())
        throw new AppError('CORRUPT_DATA', `Staged file ${src} does not match its SHA-256 in seed.json (read ${got}); the staging copy is damaged. Run Verify on the backup before preparing disks.`, { path: src });
    }
    if (ctx.sync !== false) await out.sync();
    return { md5, ranges };
  } finally {
    await Promise.allSettled(inflight);
    await inp.close().catch(() => undefined);
    await out?.close().catch(() => undefined);
  }
}

export interface RangeMismatch {
  offset: number;
  length: number;
  expected: string;
  actual: string;
}

/** Whether O_DIRECT read-back is in use (Linux file systems that support it); else reads may come from the cache. */
export interface ReadBackMode {
  direct: boolean;
  note: string;
}

const alignment = new WeakMap<Buffer, number>();

/**
 * Reads `len` bytes at `pos` into buf at a 512-aligned memory address (found once per buffer by probing: Node
 * cannot tell the address, and O_DIRECT refuses unaligned buffers with EINVAL). Returns the data offset in buf.
 */
async function readDirect(fh: FileHandle, buf: Buffer, len: number, pos: number): Promise<{ off: number; n: number }> {
  const want = Math.ceil(len / 4096) * 4096;
  const known = alignment.get(buf);
  if (known !== undefined) return { off: known, n: await readFull(fh, buf, known, want, pos).then((n) => Math.min(n, len)) };
  for (let off = 0; off < 4096; off += 16) {
    try {
      const { bytesRead } = await fh.read(buf, off, want, pos);
      alignment.set(buf, off);
      let n = bytesRead;
      if (n < len && n > 0 && n % 4096 === 0) n += await readFull(fh, buf, off + n, want - n, pos + n);
      return { off, n: Math.min(n, len) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    }
  }
  throw new AppError('IO', 'O_DIRECT read refused for every buffer alignment.');
}

export async function openForReadBack(path: string): Promise<{ fh: FileHandle; direct: boolean }> {
  const O_DIRECT = (constants as { O_DIRECT?: number }).O_DIRECT;
  if (process.platform === 'linux' && O_DIRECT) {
    try {
      return { fh: await open(path, constants.O_RDONLY | O_DIRECT), direct: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err; // tmpfs and some FUSE file systems refuse O_DIRECT
    }
  }
  return { fh: await open(path, 'r'), direct: false };
}

/**
 * Reads a file back and compares every range's MD5 with the expected list. Several reads are in flight at once
 * (O_DIRECT reads go to the device, so queue depth matters) and hashing runs in the workers.
 */
export async function verifyRanges(
  path: string,
  expected: Array<{ offset: number; length: number; hash: string }>,
  ctx: CopyContext & { readsInFlight?: number },
): Promise<{ mismatches: RangeMismatch[]; direct: boolean }> {
  const { fh, direct } = await openForReadBack(path);
  const mismatches: RangeMismatch[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < expected.length) {
      checkAbort(ctx.signal);
      const r = expected[next++];
      const buf = await ctx.buffers.acquire();
      try {
        let off = 0;
        let n: number;
        if (direct) ({ off, n } = await readDirect(fh, buf, r.length, r.offset));
        else n = await readFull(fh, buf, 0, r.length, r.offset);
        const hex = await ctx.hashes.md5(buf, off, n);
        ctx.onBytes?.(r.length);
        if (hex !== r.hash.toUpperCase() || n !== r.length) mismatches.push({ offset: r.offset, length: r.length, expected: r.hash.toUpperCase(), actual: n === r.length ? hex : `short read (${n} bytes)` });
      } finally {
        ctx.buffers.release(buf);
      }
    }
  };
  try {
    const lanes = Math.max(1, Math.min(ctx.readsInFlight ?? 4, expected.length));
    const results = await Promise.allSettled(Array.from({ length: lanes }, () => worker()));
    const failed = results.find((x): x is PromiseRejectedResult => x.status === 'rejected');
    if (failed) throw failed.reason;
  } finally {
    await fh.close().catch(() => undefined);
  }
  mismatches.sort((a, b) => a.offset - b.offset);
  return { mismatches, direct };
}

/** Rewrites one range of dest from src (repair after a read-back mismatch), then syncs. */
export async function rewriteRange(src: string, dest: string, offset: number, length: number): Promise<void> {
  const inp = await open(src, 'r');
  const out = await open(dest, 'r+');
  try {
    const buf = Buffer.allocUnsafe(length);
    const n = await readFull(inp, buf, 0, length, offset);
    if (n !== length) throw new AppError('CORRUPT_DATA', `Staged file ${src} is shorter than ${offset + length} bytes.`, { path: src });
    await writeFull(out, buf, 0, length, offset);
    await out.sync();
  } finally {
    await inp.close();
    await out.close();
  }
}
