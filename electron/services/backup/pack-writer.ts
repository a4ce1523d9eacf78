import { createHash } from 'node:crypto';
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { fsyncDir } from '../store/atomic.ts';
import { ChunkTable } from './chunk-table.ts';
import { authenticates } from './crypto.ts';
import {
  PACK_HEADER_LEN,
  chunkAad,
  packHeader,
  packPath,
  packTrailer,
  readPackIndex,
  type PackEntry,
} from './pack-format.ts';
import { readFull } from '../read-full.ts';
import { PageMd5 } from '../page-md5.ts';

export interface CommittedPack {
  n: number;
  path: string;
  length: number;
  sha256: string;
  /** Whole-file MD5 and the MD5 of each 4 MiB page range (seed format 2: Disk Prep copies with them). */
  md5: string;
  ranges: string[];
  chunks: number;
}

/**
 * Reads a pack file back from disk with one reusable buffer: checks header, footer and the authenticated index,
 * authenticates every chunk, and hashes every byte: SHA-256, whole-file MD5 and the MD5 of each 4 MiB page range
 * (for seed.json; the MD5s let Disk Prep copy with one hash pass instead of three, shared/staging.ts).
 *
 * After the index, the file is read once from start to end in reads as large as the buffer (5 MiB for the pack
 * writer), each byte hashed as it arrives and each chunk authenticated where it lies in the buffer: a read per chunk
 * cost a thread-pool round trip per chunk, which with 100 000 small files (one chunk each) was most of the
 * process's futex and epoll calls and a sixth of the main thread's time.
 */
export async function checkPackFile(
  enc: Buffer,
  n: number,
  path: string,
  scratch?: Buffer,
): Promise<
  { entries: PackEntry[]; sha256: string; md5: string; ranges: string[]; bad: PackEntry[] } | { error: string }
> {
  const fh = await open(path, 'r');
  try {
    const size = (await fh.stat()).size;
    let buf = scratch ?? Buffer.allocUnsafe(4 << 20);
    const readAt = async (o: number, l: number): Promise<Buffer> => {
      if (buf.length < l) buf = Buffer.allocUnsafe(l);
      return buf.subarray(0, await readFull(fh, buf, 0, l, o));
    };
    const idx = await readPackIndex(enc, n, size, async (o, l) => Buffer.from(await readAt(o, l)));
    if (!idx.ok) return { error: idx.reason };
    const hash = createHash('sha256');
    const md5s = new PageMd5();
    // The window: file bytes [winStart, winStart + winLen) are in buf[0, winLen), every one of them hashed already.
    let winStart = 0;
    let winLen = 0;
    /** Reads on (hashing) until the window holds [from, to), or the file ends; bytes before `from` may be dropped. */
    const ensure = async (from: number, to: number) => {
      for (;;) {
        const winEnd = winStart + winLen;
        if (winEnd >= to || winEnd >= size) return;
        if (winStart + buf.length < to || winLen === buf.length) {
          const keep = Math.min(from, winEnd);
          if (to - keep > buf.length) {
            const bigger = Buffer.allocUnsafe(to - keep);
            buf.copy(bigger, 0, keep - winStart, winLen);
            buf = bigger;
          } else buf.copy(buf, 0, keep - winStart, winLen);
          winLen = winEnd - keep;
          winStart = keep;
        }
        const want = Math.min(buf.length - winLen, size - (winStart + winLen));
        const { bytesRead } = await fh.read(buf, winLen, want, winStart + winLen);
        if (bytesRead === 0) return;
        const got = buf.subarray(winLen, winLen + bytesRead);
        hash.update(got);
        md5s.update(got);
        winLen += bytesRead;
      }
    };
    const bad: PackEntry[] = [];
    const sorted = [...idx.entries].sort((a, b) => a.offset - b.offset);
    let pos = 0;
    for (const e of sorted) {
      if (e.offset < pos) return { error: 'pack index entries overlap' };
      const end = e.offset + e.length;
      await ensure(e.offset, end);
      // A file cut short gives the chunk fewer bytes than its length: it fails authentication.
      const from = Math.min(e.offset, winStart + winLen) - winStart;
      const bytes = buf.subarray(from, Math.min(end, winStart + winLen) - winStart);
      if (!authenticates(enc, bytes, chunkAad(e.id, e.flag))) bad.push(e);
      pos = end;
    }
    await ensure(size, size);
    return { entries: idx.entries, sha256: hash.digest('hex'), ...md5s.digest(), bad };
  } finally {
    await fh.close();
  }
}

/**
 * Appends sealed chunks to the current pack (`packs/.pack-N.bin.tmp`); at `targetSize` it seals the index,
 * pads to 512, fsyncs, renames, fsyncs the folder, reads the pack back and authenticates every chunk, and only
 * then reports it committed. Chunks of a pack that never committed are simply absent on resume.
 */
export class PackWriter {
  readonly stored = new ChunkTable();
  private fh: FileHandle | null = null;
  /** The pack being opened (add awaits it; abandon waits for it so the handle it makes is closed too). */
  private opening: Promise<void> | null = null;
  /** Set by abandon(): a batch still being handled when the run stopped adds nothing more. */
  private abandoned = false;
  private n: number;
  private pos = 0;
  private entries: PackEntry[] = [];
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly jobDir: string;
  private readonly enc: Buffer;
  private readonly targetSize: number;
  private readonly onCommit: (p: CommittedPack) => Promise<void>;
  written = 0;
  private readonly scratch = Buffer.allocUnsafeSlow(5 << 20);
  /** Sealed chunks are copied here (out of the workers' rings) and written in ~4 MiB writes. */
  private readonly stage = Buffer.allocUnsafeSlow(6 << 20);
  private stageLen = 0;
  private background: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(
    jobDir: string,
    enc: Buffer,
    nextPack: number,
    targetSize: number,
    onCommit: (p: CommittedPack) => Promise<void>,
  ) {
    this.jobDir = jobDir;
    this.enc = enc;
    this.n = nextPack;
    this.targetSize = targetSize;
    this.onCommit = onCommit;
  }

  has(hex: string): boolean {
    return this.stored.has(hex);
  }

  /** Appends a sealed chunk unless its id (32 bytes) is stored already; true when it was appended. */
  async add(id: Uint8Array, flag: number, rawLength: number, sealed: Uint8Array): Promise<boolean> {
    if (this.stored.slotOf(id) >= 0) return false;
    this.throwIfFailed();
    this.throwIfAbandoned();
    if (!this.fh) {
      this.opening = this.openPack();
      try {
        await this.opening;
      } finally {
        this.opening = null;
      }
      this.throwIfAbandoned();
    }
    const offset = this.pos;
    const len = sealed.length;
    if (this.stageLen + len > this.stage.length) await this.flushPending();
    this.stage.set(sealed, this.stageLen);
    this.stageLen += len;
    this.pendingBytes += len;
    this.pos += len;
    this.entries.push({ id: Buffer.from(id), offset, length: len, rawLength, flag });
    this.stored.setId(id, { pack: this.n, offset, length: len, rawLength, flag });
    if (this.pendingBytes >= 4 << 20) await this.flushPending();
    if (this.pos >= this.targetSize) await this.commit();
    return true;
  }

  /** Commits the open pack, if any. */
  async finish(): Promise<void> {
    if (this.fh && this.entries.length > 0) await this.commit();
    await this.background;
    this.throwIfFailed();
  }

  /** Closes without committing (cancel/failure): the temp file is removed now or at the next resume. */
  async abandon(): Promise<void> {
    this.abandoned = true;
    await this.opening?.catch(() => undefined);
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
    await unlink(this.tmpPath()).catch(() => undefined);
    // A pack already being made durable either commits (and counts) or leaves a temp file for the next run.
    await this.background;
  }

  private tmpPath(): string {
    return join(this.jobDir, 'packs', `.pack-${String(this.n).padStart(6, '0')}.tmp`);
  }

  private async openPack(): Promise<void> {
    await mkdir(join(this.jobDir, 'packs'), { recursive: true });
    this.fh = await open(this.tmpPath(), 'w', 0o644);
    this.pending = [];
    packHeader(this.n).copy(this.stage, 0);
    this.stageLen = PACK_HEADER_LEN;
    this.pendingBytes = PACK_HEADER_LEN;
    this.pos = PACK_HEADER_LEN;
    this.entries = [];
  }

  private async flushPending(): Promise<void> {
    if (!this.fh || this.pendingBytes === 0) return;
    const start = this.pos - this.pendingBytes;
    let off = start;
    for (const b of [this.stage.subarray(0, this.stageLen), ...this.pending]) {
      for (let done = 0; done < b.length;) {
        const { bytesWritten } = await this.fh.write(b, done, b.length - done, off);
        done += bytesWritten;
        off += bytesWritten;
      }
    }
    this.written += this.pendingBytes;
    this.stageLen = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  /**
   * Seals the open pack's trailer and hands the durable part (fsync, rename, folder fsync, read-back, state) to a
   * background step, so the workers keep filling the next pack meanwhile. One commit at a time, in order: a new
   * one first waits for the previous one, and its failure surfaces at the next add/finish.
   */
  private async commit(): Promise<void> {
    const n = this.n;
    const entries = this.entries;
    this.pending.push(packTrailer(this.enc, n, entries, this.pos));
    this.pendingBytes += this.pending[this.pending.length - 1].length;
    this.pos += this.pending[this.pending.length - 1].length;
    await this.flushPending();
    const fh = this.fh!;
    const length = this.pos;
    const tmp = this.tmpPath();
    this.fh = null;
    this.entries = [];
    this.n++;
    await this.background;
    if (this.failure) {
      // The previous pack failed: this one is never made durable. Its handle is ours alone now (this.fh moved on),
      // so close it and remove its temp file here; abandon() only sees the next pack's.
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      this.throwIfFailed();
    }
    this.background = this.makeDurable(n, fh, tmp, length, entries.length).catch((err: unknown) => {
      this.failure = err;
    });
  }

  private async makeDurable(n: number, fh: FileHandle, tmp: string, length: number, chunks: number): Promise<void> {
    const rel = packPath(n);
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const final = join(this.jobDir, rel);
    await rename(tmp, final);
    await fsyncDir(join(this.jobDir, 'packs'));
    const check = await checkPackFile(this.enc, n, final, this.scratch);
    if ('error' in check || check.bad.length > 0 || check.entries.length !== chunks) {
      const why = 'error' in check ? check.error : `${check.bad.length} chunk(s) failed authentication`;
      throw new AppError(
        'IO',
        `Pack ${rel} did not read back intact after writing (${why}); the staging disk may be failing.`,
        { path: final },
      );
    }
    await this.onCommit({ n, path: rel, length, sha256: check.sha256, md5: check.md5, ranges: check.ranges, chunks });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private throwIfAbandoned(): void {
    if (this.abandoned)
      throw new AppError('CANCELLED', 'The backup stopped: no chunk is added to a pack after it was abandoned.');
  }
}
