/**
 * Worker thread for Disk Prep's byte work: copies one staged file to a disk (sync I/O, so no thread-pool
 * hand-off per 4 MiB piece) hashing each range as it passes — with a format-2 seed only the page-range MD5, each
 * compared with the one the backup recorded; with a format-1 seed the page-range MD5, the whole-file MD5 and the
 * seed's SHA-256 — and reads files back (O_DIRECT on Linux) comparing range MD5s. Several workers run side by side (one file each).
 * On Linux the copy reads the staged file and writes the disk with O_DIRECT too (no page-cache fill on either side:
 * that kernel copy cost more CPU than the MD5); a file system that refuses it (EINVAL: tmpfs, some FUSE) is used
 * through the cache and the reply says so. The last 4 KiB block of a file whose length is not a multiple of 4096
 * is written through a second, buffered descriptor of the same file, so the file never holds a byte the source does
 * not (no padding to cut off later); one fsync of either descriptor flushes both (same inode).
 * A copy does not fsync: it hands its still-open descriptor to the main thread, which fsyncs it on the libuv pool
 * (disk-run.ts, then group commit) while this worker hashes the next file.
 * `control` (Int32Array over a SharedArrayBuffer): [0] = 1 aborts, [1] = 1 releases a halt after the first range.
 * Test hook (OBC_TEST_HOOKS=1): OBC_DISKPREP_REFUSE_DIRECT=read,write,readback makes those O_DIRECT opens fail with
 * EINVAL, as tmpfs does, to exercise the buffered fallback on any file system.
 */
import { parentPort } from 'node:worker_threads';
import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FromCopyWorker, ToCopyWorker } from './copy-protocol.ts';
import { PAGE_RANGE_SIZE, rangeCount } from '../../../shared/page-ranges.ts';
import { BLOCK, alignedBuffer, directPart, isEinval, openDirectSync, refusedDirect } from '../direct-io.ts';

const port = parentPort;
if (!port) throw new Error('copy-worker must run in a worker thread');

const RANGE = PAGE_RANGE_SIZE;
/**
 * One buffer for the worker's life, page-aligned as O_DIRECT needs (direct-io.ts). RANGE is a multiple of BLOCK, so a
 * range rounded up to whole blocks still fits.
 */
const buf = alignedBuffer(RANGE);
const REFUSE_ENV = 'OBC_DISKPREP_REFUSE_DIRECT';
const refused = refusedDirect(REFUSE_ENV);

class Stop extends Error {
  readonly code: string;
  readonly details?: Record<string, string>;
  constructor(code: string, message: string, details?: Record<string, string>) {
    super(message);
    this.code = code;
    if (details) this.details = details;
  }
}

function readFull(fd: number, off: number, len: number, pos: number): number {
  let done = 0;
  while (done < len) {
    const n = readSync(fd, buf, off + done, len - done, pos + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

function writeFull(fd: number, off: number, len: number, pos: number): void {
  for (let w = 0; w < len;) w += writeSync(fd, buf, off + w, len - w, pos + w);
}

/** Opens with O_DIRECT where Linux and the file system allow it, else as asked; `what` names it for the test hook. */
function openDirect(path: string, flags: number, what: string): { fd: number; direct: boolean } {
  return openDirectSync(path, flags, { set: refused, what, envName: REFUSE_ENV });
}

/** A file read range by range into `buf` (from 0): O_DIRECT while the file system takes it, else through the cache. */
interface Source {
  path: string;
  fd: number;
  direct: boolean;
}

function openSource(path: string, what: string): Source {
  return { path, ...openDirect(path, constants.O_RDONLY, what) };
}

/**
 * Reads [pos, pos + len) into buf[0, len) and returns the bytes read (fewer at the end of the file). O_DIRECT reads
 * whole blocks from a block-aligned pos (every range starts at a multiple of 4 MiB) and the last one ends the file.
 * A direct read the file system refuses (EINVAL) is done again through the cache, and so is the rest of the file.
 */
function readRange(s: Source, len: number, pos: number): number {
  if (s.direct) {
    try {
      const want = Math.ceil(len / BLOCK) * BLOCK;
      let done = 0;
      while (done < want) {
        const n = readSync(s.fd, buf, done, want - done, pos + done);
        done += n;
        if (n === 0 || n % BLOCK !== 0) break; // the end of the file
      }
      return Math.min(done, len);
    } catch (err) {
      if (!isEinval(err)) throw err;
      const fd = s.fd;
      s.fd = -1;
      closeSync(fd);
      s.fd = openSync(s.path, 'r');
      s.direct = false;
    }
  }
  return readFull(s.fd, 0, len, pos);
}

/**
 * The copy's destination. `fd` is handed to the main thread for fsync + close. With O_DIRECT, whole blocks go through
 * it and the last partial block through `tail`, a buffered descriptor of the same file opened when first needed.
 */
interface Dest {
  path: string;
  fd: number;
  /** fd was opened with O_DIRECT */
  direct: boolean;
  /** whole blocks still go through fd (false after the file system refused a direct write) */
  useDirect: boolean;
  tail: number;
}

function openDest(path: string): Dest {
  const { fd, direct } = openDirect(path, constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC, 'write');
  return { path, fd, direct, useDirect: direct, tail: -1 };
}

/** Writes buf[0, len) at pos (a multiple of 4 MiB): whole blocks direct, the rest buffered. */
function writeRange(d: Dest, len: number, pos: number): void {
  let body = d.useDirect ? directPart(len) : 0;
  if (body > 0)
    try {
      writeFull(d.fd, 0, body, pos);
    } catch (err) {
      if (!isEinval(err)) throw err;
      d.useDirect = false; // the whole range again, through the cache (the same bytes)
      body = 0;
    }
  if (body === len) return;
  let fd = d.fd;
  if (d.direct) {
    if (d.tail < 0) d.tail = openSync(d.path, 'r+');
    fd = d.tail;
  }
  writeFull(fd, body, len - body, pos + body);
}

/** This thread's CPU time (user + system, ms) since `from` (process.threadCpuUsage: Node ≥ 22.19). */
function cpuMsSince(from: NodeJS.CpuUsage | null): { cpuMs: number; cpuSysMs: number } {
  if (!from) return { cpuMs: 0, cpuSysMs: 0 };
  const d = process.threadCpuUsage(from);
  return { cpuMs: (d.user + d.system) / 1000, cpuSysMs: d.system / 1000 };
}
const threadCpu = (): NodeJS.CpuUsage | null =>
  typeof process.threadCpuUsage === 'function' ? process.threadCpuUsage() : null;

function copy(m: Extract<ToCopyWorker, { op: 'copy' }>, ctl: Int32Array): void {
  const cpu0 = threadCpu();
  const src = openSource(m.src, 'read');
  let out: Dest | null = null;
  try {
    const size = fstatSync(src.fd).size;
    if (size !== m.length)
      throw new Stop(
        'CORRUPT_DATA',
        `Staged file ${m.src} is ${size} bytes but seed.json says ${m.length}; the staging folder changed since the backup.`,
        { path: m.src },
      );
    const expect = m.expectRanges;
    if (expect && expect.length !== rangeCount(m.length))
      throw new Stop(
        'CORRUPT_DATA',
        `seed.json lists ${expect.length} page-range MD5(s) for ${m.src}, which has ${rangeCount(m.length)} range(s).`,
        { path: m.src },
      );
    out = openDest(m.dest);
    const whole = expect ? null : createHash('md5');
    const sha = !expect && m.expectSha256 ? createHash('sha256') : null;
    const ranges: string[] = [];
    const busy = { readMs: 0, writeMs: 0, hashMs: 0, cpuMs: 0, cpuSysMs: 0 };
    for (let off = 0; off < m.length; off += RANGE) {
      if (Atomics.load(ctl, 0) === 1) throw new Stop('CANCELLED', 'Cancelled by the user.');
      const len = Math.min(RANGE, m.length - off);
      let t = performance.now();
      const n = readRange(src, len, off);
      busy.readMs += performance.now() - t;
      if (n !== len)
        throw new Stop('CORRUPT_DATA', `Staged file ${m.src} ended early at ${off + n} bytes (expected ${m.length}).`, {
          path: m.src,
        });
      const view = buf.subarray(0, len);
      t = performance.now();
      writeRange(out, len, off);
      busy.writeMs += performance.now() - t;
      t = performance.now();
      whole?.update(view);
      sha?.update(view);
      const hex = createHash('md5').update(view).digest('hex').toUpperCase();
      busy.hashMs += performance.now() - t;
      if (expect && hex !== expect[ranges.length])
        throw new Stop(
          'CORRUPT_DATA',
          `Staged file ${m.src} bytes ${off}–${off + len - 1} (page range ${ranges.length + 1} of ${expect.length}) do not match the MD5 the backup recorded (expected ${expect[ranges.length]}, read ${hex}); the staging copy is damaged. Run Verify on the backup before preparing disks.`,
          { path: m.src, offset: String(off), length: String(len) },
        );
      ranges.push(hex);
      port!.postMessage({ id: m.id, type: 'bytes', n: len } satisfies FromCopyWorker);
      if (off === 0 && m.haltAfterFirstRange) {
        fdatasyncSync(out.fd); // the inode's data, whichever descriptor wrote it
        port!.postMessage({ id: m.id, type: 'firstRange' } satisfies FromCopyWorker);
        Atomics.wait(ctl, 1, 0);
      }
    }
    if (sha) {
      const got = sha.digest('hex');
      if (got !== m.expectSha256!.toLowerCase())
        throw new Stop(
          'CORRUPT_DATA',
          `Staged file ${m.src} does not match its SHA-256 in seed.json (read ${got}); the staging copy is damaged. Run Verify on the backup before preparing disks.`,
          { path: m.src },
        );
    }
    // Descriptors belong to the process: the main thread fsyncs and closes this one (no fsync on the worker's time).
    // Its fsync also flushes what the tail descriptor wrote (same inode), so that one is closed here.
    if (out.tail >= 0) {
      const tail = out.tail;
      out.tail = -1;
      closeSync(tail);
    }
    Object.assign(busy, cpuMsSince(cpu0));
    port!.postMessage({
      id: m.id,
      type: 'copied',
      ...(whole ? { md5: whole.digest('hex').toUpperCase() } : {}),
      ranges,
      fd: out.fd,
      direct: { read: src.direct, write: out.useDirect },
      busy,
    } satisfies FromCopyWorker);
    out = null;
  } finally {
    if (src.fd >= 0) closeSync(src.fd);
    if (out) {
      if (out.tail >= 0) closeSync(out.tail);
      closeSync(out.fd);
    }
  }
}

function verify(m: Extract<ToCopyWorker, { op: 'verify' }>, ctl: Int32Array): void {
  const cpu0 = threadCpu();
  const src = openSource(m.path, 'readback');
  try {
    const mismatches = [];
    const busy = { readMs: 0, writeMs: 0, hashMs: 0, cpuMs: 0, cpuSysMs: 0 };
    for (const r of m.ranges) {
      if (Atomics.load(ctl, 0) === 1) throw new Stop('CANCELLED', 'Cancelled by the user.');
      let t = performance.now();
      const n = readRange(src, r.length, r.offset);
      busy.readMs += performance.now() - t;
      t = performance.now();
      const hex = createHash('md5').update(buf.subarray(0, n)).digest('hex').toUpperCase();
      busy.hashMs += performance.now() - t;
      if (n !== r.length || hex !== r.hash.toUpperCase())
        mismatches.push({
          offset: r.offset,
          length: r.length,
          expected: r.hash.toUpperCase(),
          actual: n === r.length ? hex : `short read (${n} bytes)`,
        });
      port!.postMessage({ id: m.id, type: 'bytes', n: r.length } satisfies FromCopyWorker);
    }
    Object.assign(busy, cpuMsSince(cpu0));
    port!.postMessage({ id: m.id, type: 'verified', mismatches, direct: src.direct, busy } satisfies FromCopyWorker);
  } finally {
    if (src.fd >= 0) closeSync(src.fd);
  }
}

port.on('message', (m: ToCopyWorker) => {
  const ctl = new Int32Array(m.control);
  try {
    if (m.op === 'copy') copy(m, ctl);
    else verify(m, ctl);
  } catch (err) {
    if (err instanceof Stop)
      port.postMessage({
        id: m.id,
        type: 'error',
        code: err.code,
        message: err.message,
        ...(err.details ? { details: err.details } : {}),
      } satisfies FromCopyWorker);
    else {
      const e = err as NodeJS.ErrnoException;
      port.postMessage({ id: m.id, type: 'error', code: e.code ?? 'IO', message: e.message } satisfies FromCopyWorker);
    }
  }
});
