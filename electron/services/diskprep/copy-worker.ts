/**
 * Worker thread for Disk Prep's byte work: copies one staged file to a disk (sync I/O, so no thread-pool
 * hand-off per 4 MiB piece) hashing each range as it passes — with a format-2 seed only the page-range MD5, each
 * compared with the one the backup recorded; with a format-1 seed the page-range MD5, the whole-file MD5 and the
 * seed's SHA-256 — and reads files back (O_DIRECT on Linux) comparing range MD5s. Several workers run side by side (one file each).
 * A copy does not fsync: it hands its still-open descriptor to the main thread, which fsyncs it on the libuv pool
 * (disk-run.ts, then group commit) while this worker hashes the next file.
 * `control` (Int32Array over a SharedArrayBuffer): [0] = 1 aborts, [1] = 1 releases a halt after the first range.
 */
import { parentPort } from 'node:worker_threads';
import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { FromCopyWorker, ToCopyWorker } from './copy-protocol.ts';
import { PAGE_RANGE_SIZE, rangeCount } from '../../../shared/page-ranges.ts';

const port = parentPort;
if (!port) throw new Error('copy-worker must run in a worker thread');

const RANGE = PAGE_RANGE_SIZE;
/** One buffer for the worker's life, with room to slide to an O_DIRECT-aligned address. */
const buf = Buffer.allocUnsafeSlow(RANGE + 8192);
let directOffset = -1;

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
  const fin = openSync(m.src, 'r');
  let fout = -1;
  try {
    const size = fstatSync(fin).size;
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
    fout = openSync(m.dest, 'w');
    const whole = expect ? null : createHash('md5');
    const sha = !expect && m.expectSha256 ? createHash('sha256') : null;
    const ranges: string[] = [];
    const busy = { readMs: 0, writeMs: 0, hashMs: 0, cpuMs: 0, cpuSysMs: 0 };
    for (let off = 0; off < m.length; off += RANGE) {
      if (Atomics.load(ctl, 0) === 1) throw new Stop('CANCELLED', 'Cancelled by the user.');
      const len = Math.min(RANGE, m.length - off);
      let t = performance.now();
      const n = readFull(fin, 0, len, off);
      busy.readMs += performance.now() - t;
      if (n !== len)
        throw new Stop('CORRUPT_DATA', `Staged file ${m.src} ended early at ${off + n} bytes (expected ${m.length}).`, {
          path: m.src,
        });
      const view = buf.subarray(0, len);
      t = performance.now();
      for (let w = 0; w < len;) w += writeSync(fout, view, w, len - w, off + w);
      busy.writeMs += performance.now() - t;
      t = performance.now();
      whole?.update(view);
      sha?.update(view);
      const hex = createHash('md5').update(view).digest('hex').toUpperCase();
      busy.hashMs += performance.now() - t;
      if (expect && hex !== expect[ranges.length])
        throw new Stop(
          'CORRUPT_DATA',
          `Staged file ${m.src} bytes ${off}–${off + len - 1} (page range ${ranges.length + 1} of ${expect.length}) do not match their MD5 in seed.json (expected ${expect[ranges.length]}, read ${hex}); the staging copy is damaged. Run Verify on the backup before preparing disks.`,
          { path: m.src, offset: String(off), length: String(len) },
        );
      ranges.push(hex);
      port!.postMessage({ id: m.id, type: 'bytes', n: len } satisfies FromCopyWorker);
      if (off === 0 && m.haltAfterFirstRange) {
        fdatasyncSync(fout);
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
    Object.assign(busy, cpuMsSince(cpu0));
    port!.postMessage({
      id: m.id,
      type: 'copied',
      ...(whole ? { md5: whole.digest('hex').toUpperCase() } : {}),
      ranges,
      fd: fout,
      busy,
    } satisfies FromCopyWorker);
    fout = -1;
  } finally {
    closeSync(fin);
    if (fout >= 0) closeSync(fout);
  }
}

function openForRead(path: string): { fd: number; direct: boolean } {
  const O_DIRECT = (constants as { O_DIRECT?: number }).O_DIRECT;
  if (process.platform === 'linux' && O_DIRECT) {
    try {
      return { fd: openSync(path, constants.O_RDONLY | O_DIRECT), direct: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err; // tmpfs and some FUSE file systems refuse O_DIRECT
    }
  }
  return { fd: openSync(path, 'r'), direct: false };
}

/** O_DIRECT needs an aligned memory address; Node cannot tell it, so the first read probes 16-byte steps. */
function readDirect(fd: number, len: number, pos: number): { off: number; n: number } {
  const want = Math.ceil(len / 4096) * 4096;
  if (directOffset < 0) {
    for (let off = 0; off < 4096; off += 16) {
      try {
        readSync(fd, buf, off, 4096, pos);
        directOffset = off;
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
      }
    }
    if (directOffset < 0) throw new Stop('IO', 'O_DIRECT read refused for every buffer alignment.');
  }
  return { off: directOffset, n: Math.min(len, readFull(fd, directOffset, want, pos)) };
}

function verify(m: Extract<ToCopyWorker, { op: 'verify' }>, ctl: Int32Array): void {
  const cpu0 = threadCpu();
  const { fd, direct } = openForRead(m.path);
  try {
    const mismatches = [];
    const busy = { readMs: 0, writeMs: 0, hashMs: 0, cpuMs: 0, cpuSysMs: 0 };
    for (const r of m.ranges) {
      if (Atomics.load(ctl, 0) === 1) throw new Stop('CANCELLED', 'Cancelled by the user.');
      let off = 0;
      let n: number;
      let t = performance.now();
      if (direct) ({ off, n } = readDirect(fd, r.length, r.offset));
      else n = readFull(fd, 0, r.length, r.offset);
      busy.readMs += performance.now() - t;
      t = performance.now();
      const hex = createHash('md5')
        .update(buf.subarray(off, off + n))
        .digest('hex')
        .toUpperCase();
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
    port!.postMessage({ id: m.id, type: 'verified', mismatches, direct, busy } satisfies FromCopyWorker);
  } finally {
    closeSync(fd);
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
