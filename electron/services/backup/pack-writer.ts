import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
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
  PackIndexBuilder,
  readPackIndex,
  type PackEntry,
} from './pack-format.ts';
import { readFull } from '../read-full.ts';
import { PageMd5 } from '../page-md5.ts';
import { BLOCK, O_DIRECT, alignedBuffer, directPart, isEinval, openDirect, refusedDirect } from '../direct-io.ts';

export interface CommittedPack {
  n: number;
  path: string;
  length: number;
  sha256: string;
  /** The MD5 of each 4 MiB page range (seed formats 2–4: Disk Prep copies with them). No whole-file MD5 since 4. */
  ranges: string[];
  chunks: number;
}

/** The test hook's variable (OBC_TEST_HOOKS=1): `write`, `readback` make those O_DIRECT opens fail as tmpfs does. */
export const PACK_REFUSE_DIRECT_ENV = 'OBC_BACKUP_REFUSE_DIRECT';

export type PackCheck =
  { entries: PackEntry[]; sha256: string; ranges: string[]; bad: PackEntry[]; direct: boolean } | { error: string };

/**
 * Reads a pack file back from disk with one reusable buffer: checks header, footer and the authenticated index,
 * authenticates every chunk, and hashes every byte: SHA-256 and the MD5 of each 4 MiB page range (for seed.json;
 * the range MD5s let Disk Prep copy with one hash pass instead of three, shared/staging.ts). Each byte goes through
 * one MD5, its range's: seed format 4 records no whole-file MD5, which cost a second MD5 of every byte past the
 * first range (~0.35 CPU-s per GiB).
 *
 * After the index, the file is read once from start to end in reads as large as the buffer (5 MiB for the pack
 * writer), each byte hashed as it arrives and each chunk authenticated where it lies in the buffer: a read per chunk
 * cost a thread-pool round trip per chunk, which with 100 000 small files (one chunk each) was most of the
 * process's futex and epoll calls and a sixth of the main thread's time.
 *
 * `direct` (the pack writer's read-back, Linux): the file is read with O_DIRECT (direct-io.ts), so the bytes come
 * from the device, not from the page cache that still holds what was written — and are not copied through it. Every
 * read then starts and ends on a 4 KiB block (the file's end cuts the last one short) into a page-aligned buffer:
 * `scratch` must be one (direct-io.ts `alignedBuffer`, a multiple of 4096 long). A file system that refuses it
 * (EINVAL) is read again from the start through the cache; `direct` in the result says which path was used.
 */
export async function checkPackFile(
  enc: Buffer,
  n: number,
  path: string,
  scratch?: Buffer,
  direct = false,
): Promise<PackCheck> {
  if (direct && O_DIRECT) {
    const opened = await openDirect(path, constants.O_RDONLY, 0, {
      set: refusedDirect(PACK_REFUSE_DIRECT_ENV),
      what: 'readback',
      envName: PACK_REFUSE_DIRECT_ENV,
    });
    if (opened.direct) {
      try {
        return await checkOpenPack(enc, n, opened.fh, scratch ?? alignedBuffer(4 << 20), true);
      } catch (err) {
        if (!isEinval(err)) throw err; // refused at a read, not at the open: read it again through the cache
      } finally {
        await opened.fh.close();
      }
    } else await opened.fh.close();
  }
  const fh = await open(path, 'r');
  try {
    return await checkOpenPack(enc, n, fh, scratch ?? Buffer.allocUnsafe(4 << 20), false);
  } finally {
    await fh.close();
  }
}

const down = (x: number) => x - (x % BLOCK);
const up = (x: number) => Math.ceil(x / BLOCK) * BLOCK;

async function checkOpenPack(
  enc: Buffer,
  n: number,
  fh: FileHandle,
  scratch: Buffer,
  direct: boolean,
): Promise<PackCheck> {
  const size = (await fh.stat()).size;
  let buf = scratch;
  const grown = (l: number) => (direct ? alignedBuffer(up(l)).subarray(0, up(l)) : Buffer.allocUnsafe(l));
  /** Reads [o, o + l) into buf (whole blocks from a block boundary when direct) and returns its bytes. */
  const readAt = async (o: number, l: number): Promise<Buffer> => {
    const from = direct ? down(o) : o;
    const to = direct ? up(o + l) : o + l;
    if (buf.length < to - from) buf = grown(to - from);
    const got = direct ? await readDirect(fh, buf, 0, to - from, from) : await readFull(fh, buf, 0, l, o);
    return buf.subarray(o - from, Math.max(o - from, Math.min(got, o - from + l)));
  };
  const idx = await readPackIndex(enc, n, size, async (o, l) => Buffer.from(await readAt(o, l)));
  if (!idx.ok) return { error: idx.reason };
  const hash = createHash('sha256');
  const md5s = new PageMd5({ whole: false });
  // The window: file bytes [winStart, winStart + winLen) are in buf[0, winLen), every one of them hashed already.
  // Direct: winStart and (until the file's end) winStart + winLen are block boundaries.
  let winStart = 0;
  let winLen = 0;
  /** Reads on (hashing) until the window holds [from, to), or the file ends; bytes before `from` may be dropped. */
  const ensure = async (from: number, to: number) => {
    for (;;) {
      const winEnd = winStart + winLen;
      if (winEnd >= to || winEnd >= size) return;
      if (winStart + buf.length < to || winLen === buf.length) {
        const keep = direct ? down(Math.min(from, winEnd)) : Math.min(from, winEnd);
        if ((direct ? up(to) : to) - keep > buf.length) {
          const bigger = grown((direct ? up(to) : to) - keep);
          buf.copy(bigger, 0, keep - winStart, winLen);
          buf = bigger;
        } else buf.copy(buf, 0, keep - winStart, winLen);
        winLen = winEnd - keep;
        winStart = keep;
      }
      const left = size - (winStart + winLen);
      const want = Math.min(buf.length - winLen, direct ? up(left) : left);
      const bytesRead = direct
        ? await readDirect(fh, buf, winLen, want, winStart + winLen)
        : (await fh.read(buf, winLen, want, winStart + winLen)).bytesRead;
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
  return { entries: idx.entries, sha256: hash.digest('hex'), ...md5s.digestRanges(), bad, direct };
}

/**
 * Reads whole blocks [pos, pos + len) with O_DIRECT into buf at `off` (all block-aligned), looping over short reads;
 * a read that ends off a block boundary is the file's end. Returns the bytes read.
 */
async function readDirect(fh: FileHandle, buf: Buffer, off: number, len: number, pos: number): Promise<number> {
  let done = 0;
  while (done < len) {
    const { bytesRead } = await fh.read(buf, off + done, len - done, pos + done);
    done += bytesRead;
    if (bytesRead === 0 || bytesRead % BLOCK !== 0) break;
  }
  return done;
}

/** Which byte path the packs of a run took: how many were written, and read back, with O_DIRECT or through the cache. */
export interface PackIo {
  writtenDirect: number;
  writtenCached: number;
  readDirect: number;
  readCached: number;
}

/** What `BackupSummary.packIo.note` says about the packs' byte path (the CLI prints it, the bench shows it). */
export function packIoNote(io: PackIo): string {
  const total = io.writtenDirect + io.writtenCached;
  if (total === 0) return 'No pack was written in this run.';
  if (io.writtenCached === 0 && io.readCached === 0)
    return `Packs written and read back with O_DIRECT (${total}): no page-cache copy, and the read-back read the disk.`;
  return `Packs written with O_DIRECT: ${io.writtenDirect} of ${total}, read back with O_DIRECT: ${io.readDirect}; the rest through the OS cache (not Linux, or the file system refuses O_DIRECT): the same bytes for more CPU, and a read-back from the cache does not prove the disk returns them.`;
}

/**
 * Appends sealed chunks to the current pack (`packs/.pack-N.bin.tmp`); at `targetSize` it seals the index,
 * pads to 512, fsyncs, renames, fsyncs the folder, reads the pack back and authenticates every chunk, and only
 * then reports it committed. Chunks of a pack that never committed are simply absent on resume.
 *
 * On Linux the pack is written with O_DIRECT (direct-io.ts): the stage is page-aligned, its whole 4 KiB blocks go
 * through the direct descriptor at block-aligned offsets and what is left of a block waits in the stage for the next
 * write; the pack's last partial block (its length is a multiple of 512, not always of 4096) goes through a second,
 * buffered descriptor, closed before the fsync of the first flushes both (same inode). The read-back then reads the
 * device with O_DIRECT too. A file system that refuses it (EINVAL: tmpfs, some FUSE) is written and read through the
 * cache, as on Windows and macOS; `io` counts which path each pack took. The crash rules are unchanged: temp file,
 * fsync, rename, folder fsync, read-back, and only then committed.
 */
export class PackWriter {
  readonly stored = new ChunkTable();
  private fh: FileHandle | null = null;
  /** The open pack's handle takes direct writes (false: through the cache, from the open or since a refusal). */
  private direct = false;
  /** The opens the test hook refuses (direct-io.ts refusedDirect). */
  private readonly refused = refusedDirect(PACK_REFUSE_DIRECT_ENV);
  /** The pack being opened (add awaits it; abandon waits for it so the handle it makes is closed too). */
  private opening: Promise<void> | null = null;
  /** Set by abandon(): a batch still being handled when the run stopped adds nothing more. */
  private abandoned = false;
  private n: number;
  private pos = 0;
  /** The open pack's index, in its on-disk form (not an object per chunk). */
  private entries = new PackIndexBuilder();
  private readonly jobDir: string;
  private readonly enc: Buffer;
  private readonly targetSize: number;
  private readonly onCommit: (p: CommittedPack) => Promise<void>;
  written = 0;
  readonly io: PackIo = { writtenDirect: 0, writtenCached: 0, readDirect: 0, readCached: 0 };
  /** The read-back's buffer: page-aligned for O_DIRECT reads. */
  private readonly scratch = alignedBuffer(5 << 20);
  /**
   * Sealed chunks are copied here (out of the workers' rings) and written in ~4 MiB writes. Page-aligned: stage[0]
   * is the pack's byte `stageStart`, a block boundary; bytes [stageStart, stageStart + stageLen) are not written yet.
   */
  private readonly stage = alignedBuffer(6 << 20);
  private stageStart = 0;
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
    await this.append(sealed);
    this.pos += len;
    this.entries.add(id, offset, len, rawLength, flag);
    this.stored.setId(id, { pack: this.n, offset, length: len, rawLength, flag });
    if (this.stageLen >= 4 << 20) await this.flushStage(false);
    if (this.pos >= this.targetSize) await this.commit();
    return true;
  }

  /** Commits the open pack, if any. */
  async finish(): Promise<void> {
    if (this.fh && this.entries.count > 0) await this.commit();
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
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC;
    const opened = await openDirect(this.tmpPath(), flags, 0o644, {
      set: this.refused,
      what: 'write',
      envName: PACK_REFUSE_DIRECT_ENV,
    });
    this.fh = opened.fh;
    this.direct = opened.direct;
    packHeader(this.n).copy(this.stage, 0);
    this.stageStart = 0;
    this.stageLen = PACK_HEADER_LEN;
    this.pos = PACK_HEADER_LEN;
    this.entries = new PackIndexBuilder();
  }

  /** Copies bytes into the stage, writing it out whenever it fills. */
  private async append(b: Uint8Array): Promise<void> {
    for (let at = 0; at < b.length;) {
      if (this.stageLen === this.stage.length) await this.flushStage(false);
      const take = Math.min(b.length - at, this.stage.length - this.stageLen);
      this.stage.set(at === 0 && take === b.length ? b : b.subarray(at, at + take), this.stageLen);
      this.stageLen += take;
      at += take;
    }
  }

  /**
   * Writes the stage out. Direct: its whole blocks, and the rest moves to the stage's start for the next write —
   * unless `last` (the pack's end), when the rest goes through a buffered descriptor of the same file.
   */
  private async flushStage(last: boolean): Promise<void> {
    const fh = this.fh;
    if (!fh || this.stageLen === 0) return;
    let body = this.direct ? directPart(this.stageLen) : this.stageLen;
    if (body > 0 && this.direct)
      try {
        await writeAll(fh, this.stage, 0, body, this.stageStart);
      } catch (err) {
        if (!isEinval(err)) throw err;
        // The file system took the direct open but refuses the write: this pack goes on through the cache.
        await this.toCached();
        body = this.stageLen;
        await writeAll(this.fh!, this.stage, 0, body, this.stageStart);
      }
    else if (body > 0) await writeAll(fh, this.stage, 0, body, this.stageStart);
    if (body < this.stageLen && last) {
      const tail = await open(this.tmpPath(), 'r+');
      try {
        await writeAll(tail, this.stage, body, this.stageLen - body, this.stageStart + body);
      } finally {
        await tail.close();
      }
      body = this.stageLen;
    }
    this.written += body;
    if (body < this.stageLen) this.stage.copy(this.stage, 0, body, this.stageLen);
    this.stageStart += body;
    this.stageLen -= body;
  }

  /** Swaps the open pack's direct handle for a cached one (same file; what was written stays). */
  private async toCached(): Promise<void> {
    const old = this.fh!;
    this.fh = await open(this.tmpPath(), 'r+');
    this.direct = false;
    await old.close();
  }

  /**
   * Seals the open pack's trailer and hands the durable part (fsync, rename, folder fsync, read-back, state) to a
   * background step, so the workers keep filling the next pack meanwhile. One commit at a time, in order: a new
   * one first waits for the previous one, and its failure surfaces at the next add/finish.
   */
  private async commit(): Promise<void> {
    const n = this.n;
    const entries = this.entries;
    const trailer = packTrailer(this.enc, n, entries, this.pos);
    await this.append(trailer);
    this.pos += trailer.length;
    await this.flushStage(true);
    const fh = this.fh!;
    if (this.direct) this.io.writtenDirect++;
    else this.io.writtenCached++;
    const length = this.pos;
    const tmp = this.tmpPath();
    this.fh = null;
    this.entries = new PackIndexBuilder();
    this.n++;
    await this.background;
    if (this.failure) {
      // The previous pack failed: this one is never made durable. Its handle is ours alone now (this.fh moved on),
      // so close it and remove its temp file here; abandon() only sees the next pack's.
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      this.throwIfFailed();
    }
    this.background = this.makeDurable(n, fh, tmp, length, entries.count).catch((err: unknown) => {
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
    const check = await checkPackFile(this.enc, n, final, this.scratch, true);
    if (!('error' in check)) {
      if (check.direct) this.io.readDirect++;
      else this.io.readCached++;
    }
    if ('error' in check || check.bad.length > 0 || check.entries.length !== chunks) {
      const why = 'error' in check ? check.error : `${check.bad.length} chunk(s) failed authentication`;
      throw new AppError(
        'IO',
        `Pack ${rel} did not read back intact after writing (${why}); the staging disk may be failing.`,
        { path: final },
      );
    }
    await this.onCommit({ n, path: rel, length, sha256: check.sha256, ranges: check.ranges, chunks });
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure;
  }

  private throwIfAbandoned(): void {
    if (this.abandoned)
      throw new AppError('CANCELLED', 'The backup stopped: no chunk is added to a pack after it was abandoned.');
  }
}

async function writeAll(fh: FileHandle, b: Buffer, off: number, len: number, pos: number): Promise<void> {
  for (let done = 0; done < len;) done += (await fh.write(b, off + done, len - done, pos + done)).bytesWritten;
}
