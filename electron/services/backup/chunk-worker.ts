/**
 * Worker thread: reads file pieces, cuts them into content-defined chunks, computes keyed ids, compresses with
 * zstd (kept only when smaller) and seals with AES-256-GCM. Results go back in batches; the main thread grants
 * byte credits so a slow disk cannot make memory grow.
 */
import { parentPort } from 'node:worker_threads';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { constants as zc, createZstdCompress, type ZstdCompress } from 'node:zlib';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { SEAL_OVERHEAD, chunkId, sealInto } from './crypto.ts';
import { DEFAULT_CHUNK_PARAMS, nextCut } from './chunker.ts';
import { IdSet } from './chunk-table.ts';
import { FLAG_RAW, FLAG_ZSTD, chunkAad } from './pack-format.ts';
import { sizedFrameCompressor, type FrameCompressor } from './zstd-frames.ts';
import {
  ID_BYTES,
  ITEM_DONE,
  ITEM_ERROR,
  ITEM_KNOWN,
  ITEM_NEW,
  REC_FIELDS,
  type FromWorker,
  type OutBatch,
  type ToWorker,
  type WorkPiece,
} from './worker-protocol.ts';

const port = parentPort;
if (!port) throw new Error('chunk-worker must run in a worker thread');

const P = DEFAULT_CHUNK_PARAMS;
const BUF_SIZE = P.max + (2 << 20);
const BATCH_BYTES = 2 << 20;
const SAMPLE = 64 * 1024;
const ZERO = Buffer.alloc(P.max);
/** One read buffer for the worker's life: a fresh one per unit would page-fault 20 MiB each time. */
const buf = Buffer.allocUnsafeSlow(BUF_SIZE);

let enc: Buffer;
let mac: Buffer;
let level = 1;
/** Ids of the chunks already stored (chunk-table.ts: 40-50 bytes each outside the heap, not a Set of strings). */
const known = new IdSet();
const zeroCuts = new Map<number, { len: number; id: Buffer }>();
const queue: WorkPiece[][] = [];
let credit = 0;
let wake: (() => void) | null = null;
let running = false;
let stopped = false;

/**
 * The cipher's short-lived output buffers are freed by young collections as they are made (crypto.ts, collect.ts
 * `droppedBuffers`); every 256 MiB of input V8's "last resort" collection also gives the isolate's free pages back.
 * (A full collection every 16 MiB did both before: ~1.7 CPU-s of marking on the V8 helper threads per GiB.)
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

/** The batch being filled (worker-protocol.ts): numbers per item in `rec`, chunk ids in `ids`. */
let cap = 256;
let rec = new Float64Array(cap * REC_FIELDS);
let ids = new Uint8Array(cap * ID_BYTES);
let count = 0;
let errors: OutBatch['errors'] = [];
let batchBytes = 0;
let ring: Buffer = Buffer.alloc(0);
let head = 0;

function item(kind: number, piece: number, a: number, b = 0, at = 0, length = 0): number {
  if (count === cap) {
    cap *= 2;
    const r = new Float64Array(cap * REC_FIELDS);
    r.set(rec);
    rec = r;
    const i = new Uint8Array(cap * ID_BYTES);
    i.set(ids);
    ids = i;
  }
  const o = count * REC_FIELDS;
  rec[o] = kind;
  rec[o + 1] = piece;
  rec[o + 2] = a;
  rec[o + 3] = b;
  rec[o + 4] = at;
  rec[o + 5] = length;
  return count++;
}

function itemError(piece: number, e: NodeJS.ErrnoException): void {
  item(ITEM_ERROR, piece, errors.push({ code: e.code ?? 'EIO', message: e.message }) - 1);
}

/** Sends the batch, its arrays transferred (not copied), and starts a new one. */
function flush(): void {
  if (count === 0) return;
  const msg: FromWorker = { type: 'out', count, rec, ids, errors, bytes: batchBytes };
  port!.postMessage(msg, [rec.buffer, ids.buffer]);
  rec = new Float64Array(cap * REC_FIELDS);
  ids = new Uint8Array(cap * ID_BYTES);
  count = 0;
  errors = [];
  batchBytes = 0;
}

/** Waits until `n` bytes of the shared ring are free (the main thread frees them in order, batch by batch). */
async function waitCredit(n: number): Promise<void> {
  while (credit < n && !stopped) {
    flush();
    await new Promise<void>((r) => (wake = r));
  }
}

/**
 * One long-lived zstd context per worker, each chunk its own frame (ZSTD_e_end): synchronous through
 * zstd-frames.ts when this Node allows it, else through a stream (two thread-pool round trips per chunk).
 */
let sync: FrameCompressor | null | undefined;
let zs: ZstdCompress | null = null;
let zparts: Buffer[] = [];
let zfail: ((err: Error) => void) | null = null;
function zstdFrame(data: Buffer): Buffer | Promise<Buffer> {
  if (sync === undefined) sync = sizedFrameCompressor(level, P.max);
  if (sync) return sync(data);
  if (!zs) {
    zs = createZstdCompress({ params: { [zc.ZSTD_c_compressionLevel]: level }, chunkSize: 256 << 10 });
    zs.on('data', (d: Buffer) => zparts.push(d));
    zs.on('error', (err: Error) => zfail?.(err));
  }
  const z = zs;
  return new Promise((resolve, reject) => {
    zfail = reject;
    z.write(data);
    z.flush(zc.ZSTD_e_end, () => {
      const out = zparts.length === 1 ? zparts[0] : Buffer.concat(zparts);
      zparts = [];
      zfail = null;
      resolve(out);
    });
  });
}

/** The chunk compressed, or null when that does not pay; the result is valid until the next call. */
async function compress(data: Buffer): Promise<Buffer | null> {
  if (level <= 0 || data.length < 64) return null;
  if (data.length >= 4 * SAMPLE) {
    // Already-compressed media: a sample that does not shrink saves compressing the whole chunk.
    const s = await zstdFrame(data.subarray(0, SAMPLE));
    if (s.length > SAMPLE * 0.97) return null;
  }
  const c = await zstdFrame(data);
  return c.length < data.length ? c : null;
}

/**
 * Sealed chunks go into a ring in shared memory (no per-chunk buffer crosses threads): a chunk that does not fit
 * before the end of the ring starts again at 0, the skipped tail counted as used.
 */
async function emitChunk(piece: number, data: Buffer, id: Buffer): Promise<void> {
  if (known.has(id)) {
    // The index first: `item` may replace `ids` with a larger array.
    const i = item(ITEM_KNOWN, piece, data.length);
    ids.set(id, ID_BYTES * i);
    return;
  }
  const c = await compress(data);
  const flag = c ? FLAG_ZSTD : FLAG_RAW;
  const body = c ?? data;
  const need = body.length + SEAL_OVERHEAD;
  const pad = head + need > ring.length ? ring.length - head : 0;
  await waitCredit(pad + need);
  if (stopped) return;
  if (pad) head = 0;
  sealInto(enc, body, chunkAad(id, flag), ring.subarray(head, head + need));
  known.add(id);
  const i = item(ITEM_NEW, piece, data.length, flag, head, need);
  ids.set(id, ID_BYTES * i);
  head += need;
  if (head === ring.length) head = 0;
  batchBytes += pad + need;
  credit -= pad + need;
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
    fd = openSync(
      typeof p.path === 'string' ? p.path : Buffer.from(p.path.buffer, p.path.byteOffset, p.path.byteLength),
      'r',
    );
  } catch (err) {
    itemError(p.piece, err as NodeJS.ErrnoException);
    return;
  }
  let total = 0;
  // The file must look as it did at the scan before and after this piece is read; if not, it changed meanwhile
  // (the engine reads it again). Never more than the scanned length is read, so a growing file is cut there.
  const [size, mtimeMs, ctimeMs, ino] = p.stat;
  const same = () => {
    const s = fstatSync(fd);
    return s.size === size && s.mtimeMs === mtimeMs && s.ctimeMs === ctimeMs && s.ino === ino;
  };
  let changed: boolean;
  try {
    changed = !same();
    let fill = 0; // bytes valid in buf
    let cur = 0; // next chunk start in buf
    let filePos = p.start;
    let remaining = p.length;
    let eof = remaining === 0;
    for (;;) {
      let len = 0;
      let id: Buffer | null = null;
      if (!eof && fill - cur < P.max) {
        // Fewer than `max` bytes left in the buffer: a cut found before their end is the cut a full window gives
        // (nextCut reads no byte past the cut it returns), so the buffer is used up before it is refilled and only
        // the uncut tail is moved to the front. (Refilling whenever fewer than `max` bytes were left moved ~2 bytes
        // per byte read.) A zero run needs the full window: it is read first.
        const avail = fill - cur;
        if (avail > P.min && buf[cur] !== 0) len = nextCut(buf, cur, fill, P);
        if (len === 0 || len >= avail) {
          len = 0;
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
          continue;
        }
      } else {
        if (cur >= fill) break;
        const avail = fill - cur;
        const window = Math.min(avail, P.max);
        if (buf[cur] === 0 && buf.compare(ZERO, 0, window, cur, cur + window) === 0 && (eof || window === P.max)) {
          const z = zeroCut(window, eof && avail <= P.max);
          len = z.len;
          id = z.id;
        } else {
          len = nextCut(buf, cur, eof ? fill : Math.min(fill, cur + P.max), P);
        }
      }
      const data = buf.subarray(cur, cur + len);
      await emitChunk(p.piece, data, id ?? chunkId(mac, data));
      sinceGc += len;
      if (sinceGc >= 256 << 20 && collect) {
        sinceGc = 0;
        (collect as unknown as (o: object) => void)({ type: 'major', execution: 'sync', flavor: 'last-resort' });
      }
      cur += len;
      total += len;
    }
    if (!changed) changed = !same();
  } catch (err) {
    itemError(p.piece, err as NodeJS.ErrnoException);
    return;
  } finally {
    closeSync(fd);
  }
  item(ITEM_DONE, p.piece, total, changed ? 1 : 0);
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
    ring = Buffer.from(m.ring);
    credit = ring.length;
    for (let o = 0; o + 32 <= m.known.length; o += 32) known.add(m.known.subarray(o, o + 32));
  } else if (m.type === 'unit') {
    queue.push(m.pieces);
    void run().catch((err: unknown) =>
      port.postMessage({ type: 'fatal', message: (err as Error).message } satisfies FromWorker),
    );
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

// Loaded: the pool may end this worker from now on without interrupting its start-up (worker-pool.ts `endWorker`).
port.postMessage({ type: 'ready' } satisfies FromWorker);
