import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import { RANGE_SIZE } from './types.ts';

/**
 * MD5 in worker threads so hashing never holds up the copy loop. Data travels in SharedArrayBuffers (no copy):
 * a page range's MD5 goes to the least-busy worker; a whole-file MD5 is a stream pinned to one worker (updates
 * stay in order because a worker handles its messages in order).
 * The worker is inline source (eval) so the same code runs under Node, vitest and a bundled Electron main.
 */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const streams = new Map();
parentPort.on('message', (m) => {
  try {
    if (m.op === 'range') {
      parentPort.postMessage({ id: m.id, hex: createHash('md5').update(new Uint8Array(m.sab, m.off, m.len)).digest('hex').toUpperCase() });
    } else if (m.op === 'update') {
      let h = streams.get(m.sid);
      if (!h) { h = createHash(m.algo || 'md5'); streams.set(m.sid, h); }
      h.update(new Uint8Array(m.sab, m.off, m.len));
      parentPort.postMessage({ id: m.id });
    } else if (m.op === 'end') {
      const h = streams.get(m.sid) || createHash(m.algo || 'md5');
      streams.delete(m.sid);
      parentPort.postMessage({ id: m.id, hex: h.digest('hex').toUpperCase() });
    }
  } catch (err) {
    parentPort.postMessage({ id: m.id, error: String(err && err.message || err) });
  }
});
`;

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve: (hex: string) => void; reject: (e: Error) => void }>;
  streams: number;
}

export interface HashStream {
  update(buf: Buffer, off: number, len: number): Promise<void>;
  digest(): Promise<string>;
}

/** A Buffer over a SharedArrayBuffer; `Buffer.buffer` must be shared so workers can read it in place. */
export function sharedBuffer(size: number): Buffer {
  return Buffer.from(new SharedArrayBuffer(size));
}

export class HashPool {
  private readonly slots: Slot[];
  private nextId = 1;
  private nextStream = 1;
  private closed = false;

  constructor(size = Math.max(2, availableParallelism())) {
    this.slots = Array.from({ length: size }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      const slot: Slot = { worker, pending: new Map(), streams: 0 };
      worker.on('message', (m: { id: number; hex?: string; error?: string }) => {
        const p = slot.pending.get(m.id);
        if (!p) return;
        slot.pending.delete(m.id);
        if (m.error) p.reject(new AppError('INTERNAL', `Hash worker failed: ${m.error}`));
        else p.resolve(m.hex ?? '');
      });
      worker.on('error', (err) => {
        for (const p of slot.pending.values()) p.reject(new AppError('INTERNAL', `Hash worker crashed: ${err.message}`));
        slot.pending.clear();
      });
      return slot;
    });
  }

  get size(): number {
    return this.slots.length;
  }

  private post(slot: Slot, msg: Record<string, unknown>): Promise<string> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'Hashing stopped.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ ...msg, id });
    });
  }

  private static region(buf: Buffer, off: number, len: number): { sab: SharedArrayBuffer; off: number; len: number } {
    if (!(buf.buffer instanceof SharedArrayBuffer)) throw new AppError('INTERNAL', 'HashPool needs SharedArrayBuffer-backed buffers.');
    return { sab: buf.buffer, off: buf.byteOffset + off, len };
  }

  private leastBusy(exclude?: Slot): Slot {
    let best = this.slots[0] === exclude && this.slots.length > 1 ? this.slots[1] : this.slots[0];
    for (const s of this.slots) if (s !== exclude && s.pending.size < best.pending.size) best = s;
    return best;
  }

  /** Upper-case hex MD5 of buf[off, off+len). Prefers a worker other than `avoid` (the file's stream worker). */
  md5(buf: Buffer, off: number, len: number, avoid?: HashStream): Promise<string> {
    const slot = this.leastBusy(avoid ? (avoid as StreamImpl).slot : undefined);
    return this.post(slot, { op: 'range', ...HashPool.region(buf, off, len) });
  }

  /** A whole-file hash (`md5` or `sha256`), upper-case hex; streams spread over the workers. */
  stream(algo: 'md5' | 'sha256' = 'md5'): HashStream {
    const slot = this.slots.reduce((a, b) => (b.streams < a.streams ? b : a));
    slot.streams++;
    const sid = this.nextStream++;
    const impl: StreamImpl = {
      slot,
      update: (buf, off, len) => this.post(slot, { op: 'update', sid, algo, ...HashPool.region(buf, off, len) }).then(() => undefined),
      digest: () => {
        slot.streams--;
        return this.post(slot, { op: 'end', sid, algo });
      },
    };
    return impl;
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    for (const s of this.slots) for (const p of s.pending.values()) p.reject(new AppError('CANCELLED', 'Hashing stopped.'));
  }
}

interface StreamImpl extends HashStream {
  slot: Slot;
}

/** A fixed set of reusable shared buffers; acquire() waits while all are in flight (bounds memory and depth). */
export class BufferPool {
  private readonly free: Buffer[];
  private readonly waiters: Array<(b: Buffer) => void> = [];
  constructor(count: number, size = RANGE_SIZE + 8192) {
    this.free = Array.from({ length: count }, () => sharedBuffer(size));
  }
  acquire(): Promise<Buffer> {
    const b = this.free.pop();
    if (b) return Promise.resolve(b);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  release(b: Buffer): void {
    const w = this.waiters.shift();
    if (w) w(b);
    else this.free.push(b);
  }
}
