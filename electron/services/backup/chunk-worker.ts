/**
 * Worker thread: reads file pieces, cuts them into content-defined chunks, computes keyed ids, compresses with
 * zstd (kept only when smaller) and seals with AES-256-GCM. Results go back in batches; the main thread grants
 * byte credits so a slow disk cannot make memory grow.
 */
import { parentPort } from 'node:worker_threads';
import { closeSync, openSync, readSync } from 'node:fs';
import { constants as zc, zstdCompressSync } from 'node:zlib';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { chunkId, sealInto } from './crypto.ts';
import { DEFAULT_CHUNK_PARAMS, nextCut } from './chunker.ts';
import { FLAG_RAW, FLAG_ZSTD, chunkAad } from './pack-format.ts';
import type { FromWorker, OutItem, ToWorker, WorkPiece } from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('chunk-worker must run in a worker thread');

const P = DEFAULT_CHUNK_PARAMS;
const BUF_SIZE = P.max + (4 << 20);
const BATCH_BYTES = 2 << 20;
const CREDIT_BYTES = 8 << 20;
const SAMPLE = 64 * 1024;
const ZERO = Buffer.alloc(P.max);
/** One read buffer for the worker's life: a fresh one per unit would page-fault 20 MiB each time. */
const buf = Buffer.allocUnsafeSlow(BUF_SIZE);

let enc: Buffer;
let mac: Buffer;
let level = 1;
const known = new Set<string>();
const zeroCuts = new Map<number, { len: number; id: Buffer }>();
const queue: WorkPiece[][] = [];
let credit = CREDIT_BYTES;
let wake: (() => void) | null = null;
let running = false;
let stopped = false;

/**
 * Each chunk leaves a few MiB of short-lived buffers (compressed, encrypted) outside the JS heap; V8 only collects
 * them after tens of MiB of external growth per isolate, which shows up as RSS. A collection every ~32 MiB of
 * input keeps the worker's footprint near its working set (a few ms each with this tiny heap).
 */
const collect: (() => void) | null = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return null;
  }
})();
let sinceGc = 0;

let batch: OutItem[] = [];
let batchBytes = 0;
let transfer: ArrayBuffer[] = [];

function flush(): void {
  if (batch.length === 0) return;
  const msg: FromWorker = { type: 'out', items: batch, bytes: batchBytes };
  port!.postMessage(msg, transfer);
  batch = [];
  batchBytes = 0;
  transfer = [];
}

async function waitCredit(): Promise<void> {
  while (credit <= 0 && !stopped) {
    flush();
    await new Promise<void>((r) => (wake = r));
  }
}

function ownBuffer(b: Buffer): ArrayBuffer {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength && b.buffer instanceof ArrayBuffer) return b.buffer;
  const copy = new Uint8Array(b.length);
  copy.set(b);
  return copy.buffer;
}

function compress(data: Buffer): Buffer | null {
  if (level <= 0 || data.length < 64) return null;
  const params = { [zc.ZSTD_c_compressionLevel]: level };
  if (data.length >= 4 * SAMPLE) {
    // Already-compressed media: a sample that does not shrink saves compressing the whole chunk.
    const s = zstdCompressSync(data.subarray(0, SAMPLE), { params, chunkSize: SAMPLE });
    if (s.length > SAMPLE * 0.97) return null;
  }
  // One output chunk (the default 16 KiB output chunks cost a loop and a concat per chunk).
  const c = zstdCompressSync(data, { params, chunkSize: Math.max(1024, data.length) });
  return c.length < data.length ? c : null;
}

async function emitChunk(piece: number, data: Buffer, id: Buffer): Promise<void> {
  const hex = id.toString('hex');
  if (known.has(hex)) {
    batch.push({ kind: 'chunk', piece, id: new Uint8Array(id), rawLength: data.length });
    return;
  }
  await waitCredit();
  const c = compress(data);
  const flag = c ? FLAG_ZSTD : FLAG_RAW;
  const sealed = sealInto(enc, c ?? data, chunkAad(id, flag));
  known.add(hex);
  const ab = ownBuffer(sealed);
  transfer.push(ab);
  batch.push({ kind: 'chunk', piece, id: new Uint8Array(id), rawLength: data.length, flag, sealed: new Uint8Array(ab) });
  batchBytes += sealed.length;
  credit -= sealed.length;
  if (batchBytes >= BATCH_BYTES) flush();
}

function zeroCut(window: number, eof: boolean): { len: number; id: Buffer } {
  const key = eof ? window : -1;
  let z = zeroCuts.get(key);
  if (!z) {
    const len = nextCut(ZERO, 0, eof ? window : P.max, P);
    z = { len, id: chunkId(mac, ZERO.subarray(0, len)) };
    zeroCuts.set(key, z);
  }
  return z;
}

async function processPiece(p: WorkPiece, buf: Buffer): Promise<void> {
  let fd: number;
  try {
    fd = openSync(p.path, 'r');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    batch.push({ kind: 'error', piece: p.piece, code: e.code ?? 'EIO', message: e.message });
    return;
  }
  let total = 0;
  try {
    let fill = 0; // bytes valid in buf
    let cur = 0; // next chunk start in buf
    let filePos = p.start;
    let remaining = p.length;
    let eof = remaining === 0;
    for (;;) {
      if (!eof && fill - cur < P.max) {
        if (cur > 0) {
          buf.copy(buf, 0, cur, fill);
          fill -= cur;
          cur = 0;
        }
        while (!eof && fill < buf.length) {
          const want = Math.min(buf.length - fill, remaining);
          const n = readSync(fd, buf, fill, want, filePos);
          if (n === 0) {
            eof = true;
            break;
          }
          fill += n;
          filePos += n;
          remaining -= n;
          if (remaining === 0) eof = true;
        }
      }
      if (cur >= fill) break;
      const avail = fill - cur;
      const window = Math.min(avail, P.max);
      let len: number;
      let id: Buffer | null = null;
      if (buf[cur] === 0 && buf.compare(ZERO, 0, window, cur, cur + window) === 0 && (eof || window === P.max)) {
        const z = zeroCut(window, eof && avail <= P.max);
        len = z.len;
        id = z.id;
      } else {
        len = nextCut(buf, cur, eof ? fill : Math.min(fill, cur + P.max), P);
      }
      const data = buf.subarray(cur, cur + len);
      await emitChunk(p.piece, data, id ?? chunkId(mac, data));
      sinceGc += len;
      if (sinceGc >= 16 << 20 && collect) {
        sinceGc = 0;
        collect();
      }
      cur += len;
      total += len;
    }
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    batch.push({ kind: 'error', piece: p.piece, code: e.code ?? 'EIO', message: e.message });
    return;
  } finally {
    closeSync(fd);
  }
  batch.push({ kind: 'done', piece: p.piece, bytes: total });
}

async function run(): Promise<void> {
  if (running) return;
  running = true;
  while (queue.length > 0 && !stopped) {
    const unit = queue.shift()!;
    for (const piece of unit) {
      if (stopped) break;
      await processPiece(piece, buf);
    }
    flush();
    port!.postMessage({ type: 'unitDone' } satisfies FromWorker);
  }
  running = false;
}

port.on('message', (m: ToWorker) => {
  if (m.type === 'init') {
    enc = Buffer.from(m.enc);
    mac = Buffer.from(m.mac);
    level = m.level;
    for (let o = 0; o + 32 <= m.known.length; o += 32) known.add(Buffer.from(m.known.subarray(o, o + 32)).toString('hex'));
  } else if (m.type === 'unit') {
    queue.push(m.pieces);
    void run().catch((err: unknown) => port.postMessage({ type: 'fatal', message: (err as Error).message } satisfies FromWorker));
  } else if (m.type === 'credit') {
    credit += m.bytes;
    const w = wake;
    wake = null;
    w?.();
  } else if (m.type === 'stop') {
    stopped = true;
    const w = wake;
    wake = null;
    w?.();
  }
});
