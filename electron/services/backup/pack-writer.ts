import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { fsyncDir } from '../store/atomic.ts';
import { open as openSealed } from './crypto.ts';
import { PACK_HEADER_LEN, chunkAad, packHeader, packPath, packTrailer, readPackIndex, type PackEntry } from './pack-format.ts';

export interface ChunkLoc {
  pack: number;
  offset: number;
  length: number;
  rawLength: number;
  flag: number;
}
export interface CommittedPack {
  n: number;
  path: string;
  length: number;
  sha256: string;
  chunks: number;
}

/** Reads a pack file fully, checks header, index and every blob; returns its entries and sha256. */
export async function checkPackBytes(enc: Buffer, n: number, bytes: Buffer): Promise<{ entries: PackEntry[]; sha256: string; bad: PackEntry[] } | { error: string }> {
  const idx = await readPackIndex(enc, n, bytes.length, async (o, l) => bytes.subarray(o, o + l));
  if (!idx.ok) return { error: idx.reason };
  const bad = idx.entries.filter((e) => openSealed(enc, bytes.subarray(e.offset, e.offset + e.length), chunkAad(e.id, e.flag)) === null);
  return { entries: idx.entries, sha256: createHash('sha256').update(bytes).digest('hex'), bad };
}

/**
 * Appends sealed chunks to the current pack (`packs/.pack-N.bin.tmp`); at `targetSize` it seals the index,
 * pads to 512, fsyncs, renames, fsyncs the folder, reads the pack back and authenticates every chunk, and only
 * then reports it committed. Chunks of a pack that never committed are simply absent on resume.
 */
export class PackWriter {
  readonly stored = new Map<string, ChunkLoc>();
  private fh: FileHandle | null = null;
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

  constructor(jobDir: string, enc: Buffer, nextPack: number, targetSize: number, onCommit: (p: CommittedPack) => Promise<void>) {
    this.jobDir = jobDir;
    this.enc = enc;
    this.n = nextPack;
    this.targetSize = targetSize;
    this.onCommit = onCommit;
  }

  has(hex: string): boolean {
    return this.stored.has(hex);
  }

  async add(id: Uint8Array, flag: number, rawLength: number, sealed: Uint8Array): Promise<boolean> {
    const hex = Buffer.from(id).toString('hex');
    if (this.stored.has(hex)) return false;
    if (!this.fh) await this.openPack();
    const offset = this.pos;
    const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.length);
    this.pending.push(b);
    this.pendingBytes += b.length;
    this.pos += b.length;
    this.entries.push({ id: Buffer.from(id), offset, length: b.length, rawLength, flag });
    this.stored.set(hex, { pack: this.n, offset, length: b.length, rawLength, flag });
    if (this.pendingBytes >= 8 << 20) await this.flushPending();
    if (this.pos >= this.targetSize) await this.commit();
    return true;
  }

  /** Commits the open pack, if any. */
  async finish(): Promise<void> {
    if (this.fh && this.entries.length > 0) await this.commit();
  }

  /** Closes without committing (cancel/failure): the temp file is removed now or at the next resume. */
  async abandon(): Promise<void> {
    const fh = this.fh;
    this.fh = null;
    await fh?.close().catch(() => undefined);
    await unlink(this.tmpPath()).catch(() => undefined);
  }

  private tmpPath(): string {
    return join(this.jobDir, 'packs', `.pack-${String(this.n).padStart(6, '0')}.tmp`);
  }

  private async openPack(): Promise<void> {
    await mkdir(join(this.jobDir, 'packs'), { recursive: true });
    this.fh = await open(this.tmpPath(), 'w', 0o644);
    this.pending = [packHeader(this.n)];
    this.pendingBytes = PACK_HEADER_LEN;
    this.pos = PACK_HEADER_LEN;
    this.entries = [];
  }

  private async flushPending(): Promise<void> {
    if (!this.fh || this.pending.length === 0) return;
    const bufs = this.pending;
    const start = this.pos - this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    let off = 0;
    const total = bufs.reduce((s, b) => s + b.length, 0);
    while (off < total) {
      const { bytesWritten } = await this.fh.writev(off === 0 ? bufs : [Buffer.concat(bufs).subarray(off)], start + off);
      off += bytesWritten;
    }
    this.written += total;
  }

  private async commit(): Promise<void> {
    const n = this.n;
    const rel = packPath(n);
    this.pending.push(packTrailer(this.enc, n, this.entries, this.pos));
    this.pendingBytes += this.pending[this.pending.length - 1].length;
    this.pos += this.pending[this.pending.length - 1].length;
    await this.flushPending();
    const fh = this.fh!;
    await fh.sync();
    await fh.close();
    this.fh = null;
    const final = join(this.jobDir, rel);
    await rename(this.tmpPath(), final);
    await fsyncDir(join(this.jobDir, 'packs'));
    const check = await checkPackBytes(this.enc, n, await readFile(final));
    if ('error' in check || check.bad.length > 0 || check.entries.length !== this.entries.length) {
      const why = 'error' in check ? check.error : `${check.bad.length} chunk(s) failed authentication`;
      throw new AppError('IO', `Pack ${rel} did not read back intact after writing (${why}); the staging disk may be failing.`, { path: final });
    }
    const committed: CommittedPack = { n, path: rel, length: this.pos, sha256: check.sha256, chunks: this.entries.length };
    this.entries = [];
    this.n++;
    await this.onCommit(committed);
  }
}
