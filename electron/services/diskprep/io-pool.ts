import { Worker } from 'node:worker_threads';
import { close, closeSync, fsync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { AppError, isErrorCode, type Serializable } from '../../../shared/errors.ts';
import type { ExpectedRange, FromCopyWorker, ToCopyWorker, WorkerBusy, WorkerMismatch } from './copy-protocol.ts';
import type { DiskPrepBusy as BusyTotals } from '../../../shared/contract/diskprep.ts';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export const COPY_WORKER_URL = new URL('./copy-worker.ts', import.meta.url);

interface Job {
  msg: ToCopyWorker;
  owner: string;
  control: Int32Array;
  onBytes?: (n: number) => void;
  onFirstRange?: () => Promise<void>;
  /** The first-range hook failed: the worker was told to stop, and the job fails with this instead. */
  hookError?: AppError;
  resolve: (v: FromCopyWorker) => void;
  reject: (e: unknown) => void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

/**
 * Worker threads doing the byte work (copy-worker.ts), one file (or range group) each. A cancelled signal sets the
 * shared abort flag every worker checks between 4 MiB pieces, so a cancel lands within one piece.
 * Work is queued per owner (a disk's serial) and a free worker takes the next owner's job in turn, so the disks of a
 * run share the workers fairly: a disk in read-back (many range groups queued at once) never starves another one's
 * copy. Memory: one 4 MiB buffer per worker, whatever the number of queued jobs.
 */
export class IoPool {
  private readonly slots: Slot[];
  /** Queued jobs per owner; `turn` is the order in which owners get the next free worker. */
  private readonly queues = new Map<string, Job[]>();
  private turn: string[] = [];
  /** Where the workers' time went (the bench tells from it whether staging, the disks or the CPU limit a run). */
  readonly busy: Required<BusyTotals> = {
    stagingRead: 0,
    diskWrite: 0,
    copyHash: 0,
    fsync: 0,
    readBackRead: 0,
    readBackHash: 0,
    copyCpu: 0,
    copyCpuSys: 0,
    readBackCpu: 0,
    readBackCpuSys: 0,
  };
  private nextId = 1;
  private closed = false;
  private readonly signal: AbortSignal | undefined;

  constructor(size = Math.max(2, availableParallelism()), signal?: AbortSignal) {
    this.signal = signal;
    this.slots = Array.from({ length: size }, () => {
      const slot = { job: null } as unknown as Slot;
      this.spawn(slot);
      return slot;
    });
    signal?.addEventListener('abort', () => this.abortAll(), { once: true });
  }

  /** Starts (or, after a crash, replaces) the slot's worker. */
  private spawn(slot: Slot): void {
    // A copy hands its written file's descriptor to this thread (fsync + close here): the worker must not track
    // descriptors it opened, or it would close that number again when it exits, whatever it then belongs to.
    slot.worker = new Worker(COPY_WORKER_URL, { trackUnmanagedFds: false });
    slot.worker.on('message', (m: FromCopyWorker) => this.onMessage(slot, m));
    slot.worker.on('error', (err) => {
      if (!this.closed) this.spawn(slot);
      this.finish(slot, null, new AppError('INTERNAL', `Disk Prep worker crashed: ${err.message}`));
    });
  }

  get size(): number {
    return this.slots.length;
  }

  private abortAll(): void {
    const reason =
      this.signal?.reason instanceof AppError
        ? this.signal.reason
        : new AppError('CANCELLED', 'Cancelled by the user.');
    for (const q of this.queues.values()) for (const j of q.splice(0)) j.reject(reason);
    for (const s of this.slots) {
      if (!s.job) continue;
      Atomics.store(s.job.control, 0, 1);
      Atomics.store(s.job.control, 1, 1);
      Atomics.notify(s.job.control, 1);
    }
  }

  private onMessage(slot: Slot, m: FromCopyWorker): void {
    const job = slot.job;
    if (!job || job.msg.id !== m.id) {
      if (m.type === 'copied') closeSync(m.fd); // a reply nobody waits for any more still hands over its descriptor
      return;
    }
    if (m.type === 'bytes') job.onBytes?.(m.n);
    else if (m.type === 'firstRange') {
      const release = () => {
        Atomics.store(job.control, 1, 1);
        Atomics.notify(job.control, 1);
      };
      // The worker waits until released: a hook that throws or rejects stops the copy (abort flag, then release) and
      // fails the job naming the hook, rather than leaving the worker, and so the run, waiting for ever.
      void Promise.resolve()
        .then(() => job.onFirstRange?.())
        .then(release, (err: unknown) => {
          const msg = err instanceof Error ? err.message : String(err);
          const dest = 'dest' in job.msg ? ` of ${String(job.msg.dest)}` : '';
          job.hookError = new AppError('INTERNAL', `The checkpoint after the first range${dest} failed: ${msg}`);
          Atomics.store(job.control, 0, 1);
          release();
        });
    } else if (m.type === 'error') {
      const code = isErrorCode(m.code)
        ? m.code
        : m.code === 'ENOSPC'
          ? 'NO_SPACE'
          : m.code === 'EACCES' || m.code === 'EPERM' || m.code === 'EROFS'
            ? 'PERMISSION_DENIED'
            : 'IO';
      // A write's ENOSPC/EIO names no path: say which file on which disk.
      const dest = 'dest' in job.msg ? String(job.msg.dest) : undefined;
      const message =
        isErrorCode(m.code) || !dest
          ? m.message
          : m.code === 'ENOSPC'
            ? `The disk holding ${dest} is full (${m.message}); the file was not committed. Free or add capacity, then run Disk Prep again to resume.`
            : `Writing ${dest} failed (${m.message}); the file was not committed. Run Disk Prep again to resume.`;
      this.finish(
        slot,
        null,
        new AppError(code, message, {
          ...(m.details as { [k: string]: Serializable } | undefined),
          ...(dest ? { path: dest } : {}),
        }),
      );
    } else {
      const b: WorkerBusy = m.busy;
      if (m.type === 'copied') {
        this.busy.stagingRead += b.readMs;
        this.busy.diskWrite += b.writeMs;
        this.busy.copyHash += b.hashMs;
        this.busy.copyCpu += b.cpuMs;
        this.busy.copyCpuSys += b.cpuSysMs;
      } else {
        this.busy.readBackRead += b.readMs;
        this.busy.readBackHash += b.hashMs;
        this.busy.readBackCpu += b.cpuMs;
        this.busy.readBackCpuSys += b.cpuSysMs;
      }
      this.finish(slot, m, null);
    }
  }

  private finish(slot: Slot, result: FromCopyWorker | null, err: unknown): void {
    const job = slot.job;
    slot.job = null;
    if (job) {
      if (job.hookError) {
        if (result?.type === 'copied') closeSync(result.fd); // a one-range file finished all the same
        job.reject(job.hookError);
      } else if (err) job.reject(err);
      else job.resolve(result!);
    }
    this.pump();
  }

  /** The next owner's first queued job, round robin over the owners that have one. */
  private next(): Job | undefined {
    for (let i = 0; i < this.turn.length; i++) {
      const owner = this.turn.shift()!;
      this.turn.push(owner);
      const job = this.queues.get(owner)!.shift();
      if (job) return job;
    }
    return undefined;
  }

  private pump(): void {
    for (const s of this.slots) {
      if (s.job) continue;
      const job = this.next();
      if (!job) return;
      s.job = job;
      s.worker.postMessage(job.msg);
    }
  }

  private run(
    owner: string,
    msg: DistributiveOmit<ToCopyWorker, 'id' | 'control'>,
    hooks: { onBytes?: (n: number) => void; onFirstRange?: () => Promise<void> },
  ): Promise<FromCopyWorker> {
    if (this.closed) return Promise.reject(new AppError('CANCELLED', 'Disk Prep workers stopped.'));
    if (this.signal?.aborted)
      return Promise.reject(
        this.signal.reason instanceof AppError
          ? this.signal.reason
          : new AppError('CANCELLED', 'Cancelled by the user.'),
      );
    const sab = new SharedArrayBuffer(8);
    return new Promise((resolve, reject) => {
      let q = this.queues.get(owner);
      if (!q) {
        this.queues.set(owner, (q = []));
        this.turn.push(owner);
      }
      q.push({
        msg: { ...msg, id: this.nextId++, control: sab } as ToCopyWorker,
        owner,
        control: new Int32Array(sab),
        ...hooks,
        resolve,
        reject,
      });
      this.pump();
    });
  }

  /**
   * Copies src → dest; resolves with the whole-file MD5 (not with `expectRanges`: the seed has it), the MD5 of each
   * 4 MiB range, whether the read and the write used O_DIRECT, and the written file's open descriptor as soon as the
   * worker is free — NOT yet durable: pass `fd` to `syncAndClose` before committing it (O_DIRECT writes skip the
   * page cache, not the device's cache nor the file's metadata: the fsync is still what makes them durable).
   */
  async copy(
    a: { src: string; dest: string; length: number; expectSha256?: string; expectRanges?: string[] },
    hooks: { onBytes?: (n: number) => void; onFirstRange?: () => Promise<void> } = {},
    owner = '',
  ): Promise<{ md5?: string; ranges: string[]; fd: number; direct: { read: boolean; write: boolean } }> {
    const r = await this.run(owner, { op: 'copy', ...a, haltAfterFirstRange: hooks.onFirstRange !== undefined }, hooks);
    if (r.type !== 'copied') throw new AppError('INTERNAL', 'Unexpected worker reply.');
    return { ...(r.md5 ? { md5: r.md5 } : {}), ranges: r.ranges, fd: r.fd, direct: r.direct };
  }

  /** Reads ranges of a file back and compares their MD5s. */
  async verify(
    path: string,
    ranges: ExpectedRange[],
    onBytes?: (n: number) => void,
    owner = '',
  ): Promise<{ mismatches: WorkerMismatch[]; direct: boolean }> {
    const r = await this.run(owner, { op: 'verify', path, ranges }, onBytes ? { onBytes } : {});
    if (r.type !== 'verified') throw new AppError('INTERNAL', 'Unexpected worker reply.');
    return { mismatches: r.mismatches, direct: r.direct };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.abortAll();
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

/** fsyncs (when `sync`) and closes a descriptor `IoPool.copy` handed over, on the libuv pool: off the workers' time. */
export function syncAndClose(fd: number, sync: boolean, path: string, busy?: BusyTotals): Promise<void> {
  const t = performance.now();
  return new Promise((resolve, reject) => {
    const done = (syncErr: NodeJS.ErrnoException | null) =>
      close(fd, (closeErr) => {
        if (busy) busy.fsync += performance.now() - t;
        const err = syncErr ?? closeErr;
        if (err)
          reject(
            new AppError(
              err.code === 'ENOSPC' ? 'NO_SPACE' : 'IO',
              `Flushing ${path} to the disk failed (${err.message}); the file was not committed. Run Disk Prep again to resume.`,
              { path },
            ),
          );
        else resolve();
      });
    if (sync) fsync(fd, done);
    else done(null);
  });
}
