import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { AppError, toIpcError } from '../../../shared/errors.ts';
import type { TaskResultOf } from '../../../shared/task-results.ts';
import {
  isFinished,
  type CounterLevel,
  type CounterUnit,
  type TaskKind,
  type TaskDetail,
  type TaskProgress,
  type TaskSnapshot,
  type TaskWaiting,
} from '../../../shared/task.ts';

/** What a running task's body can do: report, and watch for cancellation. */
export interface TaskContext {
  readonly id: string;
  readonly signal: AbortSignal;
  progress(p: Partial<TaskProgress>): void;
  counter(name: string, value: number, unit?: CounterUnit, level?: CounterLevel): void;
  message(text: string): void;
  /** Replaces the task's typed detail (shared/task.ts TaskDetail: e.g. Disk Prep's per-disk progress); pushed like progress. */
  detail(d: TaskDetail): void;
  /** Records a non-fatal problem; the task ends succeededWithWarnings. */
  warn(text: string): void;
  /**
   * Pauses the task until the user acts: status 'waiting' with `text` as its message and `waiting` on the snapshot,
   * until `TaskManager.resume(id, input)` resolves this with `input` (status back to 'running'). Cancel rejects it
   * with the abort reason, so the task ends 'cancelled'.
   */
  waitForUser<T = unknown>(text: string, waiting: Omit<TaskWaiting, 'since'>): Promise<T>;
}

/** A task's work; what it returns is the kind's result (shared/task-results.ts). */
export type TaskBody<K extends TaskKind = TaskKind> = (ctx: TaskContext) => Promise<TaskResultOf<K> | void>;

export interface TaskManagerOptions {
  /** Minimum time between two `updated` events of one task (status changes are always sent at once). */
  minIntervalMs?: number;
  /** Finished tasks kept for `list`. */
  historyLimit?: number;
  now?: () => Date;
}

interface Entry {
  snap: TaskSnapshot;
  abort: AbortController;
  lastEmit: number;
  timer: NodeJS.Timeout | null;
  rateSamples: Array<{ t: number; done: number }>;
  warningCount: number;
  /** Set while the task waits for the user (ctx.waitForUser). */
  resumeWith: ((input: unknown) => void) | null;
}

const MAX_WARNINGS = 200;

/**
 * Task manager (KopiaUI's model): start returns at once, snapshots are pushed as `updated` events coalesced to
 * at most one per `minIntervalMs` per task, always on a status change. Cancel aborts through an AbortSignal.
 */
export class TaskManager extends EventEmitter<{ updated: [TaskSnapshot]; removed: [{ id: string }] }> {
  private readonly tasks = new Map<string, Entry>();
  private readonly minIntervalMs: number;
  private readonly historyLimit: number;
  private readonly now: () => Date;

  constructor(opts: TaskManagerOptions = {}) {
    super();
    this.minIntervalMs = opts.minIntervalMs ?? 100;
    this.historyLimit = opts.historyLimit ?? 50;
    this.now = opts.now ?? (() => new Date());
  }

  start<K extends TaskKind>(kind: K, title: string, body: TaskBody<K>): TaskSnapshot {
    const id = randomUUID();
    const entry: Entry = {
      snap: {
        id,
        kind,
        title,
        status: 'running',
        progress: { done: 0, unit: 'steps' },
        counters: {},
        warnings: [],
        startedAt: this.now().toISOString(),
      },
      abort: new AbortController(),
      lastEmit: 0,
      timer: null,
      rateSamples: [],
      warningCount: 0,
      resumeWith: null,
    };
    this.tasks.set(id, entry);
    this.flush(entry);
    const ctx = this.contextFor(entry);
    void Promise.resolve()
      .then(() => {
        entry.abort.signal.throwIfAborted();
        return body(ctx);
      })
      .then(
        // The snapshot carries the result as plain data; its shape per kind is TaskResults (checked above, at the body).
        (result) =>
          this.finish(
            entry,
            entry.warningCount > 0 ? 'succeededWithWarnings' : 'succeeded',
            undefined,
            (result ?? undefined) as Record<string, unknown> | undefined,
          ),
        (err: unknown) => {
          const error = toIpcError(err);
          const cancelled = entry.abort.signal.aborted && (error.code === 'CANCELLED' || error.code === 'INTERNAL');
          this.finish(
            entry,
            cancelled || error.code === 'CANCELLED' ? 'cancelled' : 'failed',
            cancelled ? undefined : error,
          );
        },
      );
    return structuredClone(entry.snap);
  }

  /** Runs a task and resolves with its final snapshot (CLI and tests). */
  run<K extends TaskKind>(kind: K, title: string, body: TaskBody<K>): Promise<TaskSnapshot> {
    const snap = this.start(kind, title, body);
    return this.waitFor(snap.id);
  }

  waitFor(id: string): Promise<TaskSnapshot> {
    const entry = this.require(id);
    if (isFinished(entry.snap.status)) return Promise.resolve(structuredClone(entry.snap));
    return new Promise((resolve) => {
      const onUpdate = (s: TaskSnapshot) => {
        if (s.id === id && isFinished(s.status)) {
          this.off('updated', onUpdate);
          resolve(s);
        }
      };
      this.on('updated', onUpdate);
    });
  }

  list(): TaskSnapshot[] {
    return [...this.tasks.values()].map((e) => structuredClone(e.snap));
  }

  get(id: string): TaskSnapshot {
    return structuredClone(this.require(id).snap);
  }

  /** Continues a task that waits for the user (see TaskContext.waitForUser) with `input`. */
  resume(id: string, input: unknown): TaskSnapshot {
    const entry = this.require(id);
    const go = entry.resumeWith;
    if (entry.snap.status !== 'waiting' || !go)
      throw new AppError(
        'CONFLICT',
        `Task "${entry.snap.title}" is ${entry.snap.status}, not waiting; there is nothing to continue.`,
        { id, status: entry.snap.status },
      );
    entry.snap.status = 'running';
    delete entry.snap.waiting;
    entry.snap.message = 'Continuing…';
    entry.rateSamples = [];
    go(input);
    this.flush(entry);
    return structuredClone(entry.snap);
  }

  cancel(id: string): TaskSnapshot {
    const entry = this.require(id);
    if (entry.snap.status === 'running' || entry.snap.status === 'waiting') {
      entry.snap.status = 'cancelling';
      delete entry.snap.waiting;
      entry.snap.message = 'Cancelling…';
      this.flush(entry);
      entry.abort.abort(new AppError('CANCELLED', 'Cancelled by the user.'));
    }
    return structuredClone(entry.snap);
  }

  dismiss(id: string): void {
    const entry = this.require(id);
    if (!isFinished(entry.snap.status))
      throw new AppError('CONFLICT', 'A running task cannot be dismissed; cancel it first.');
    this.tasks.delete(id);
    this.emit('removed', { id });
  }

  /** Aborts every running or waiting task (host shutdown) and waits for them to settle. */
  async shutdown(): Promise<void> {
    const running = [...this.tasks.values()].filter((e) => !isFinished(e.snap.status));
    for (const e of running) this.cancel(e.snap.id);
    await Promise.all(running.map((e) => this.waitFor(e.snap.id)));
  }

  private require(id: string): Entry {
    const entry = this.tasks.get(id);
    if (!entry) throw new AppError('NOT_FOUND', `No task with id ${id}.`);
    return entry;
  }

  private contextFor(entry: Entry): TaskContext {
    const snap = entry.snap;
    const live = () => !isFinished(snap.status);
    return {
      id: snap.id,
      signal: entry.abort.signal,
      progress: (p) => {
        if (!live()) return;
        const next = { ...snap.progress, ...p };
        if (next.rate === undefined || p.rate === undefined) this.estimateRate(entry, next);
        snap.progress = next;
        this.schedule(entry);
      },
      counter: (name, value, unit, level) => {
        if (!live()) return;
        snap.counters[name] = { value, ...(unit ? { unit } : {}), ...(level ? { level } : {}) };
        this.schedule(entry);
      },
      message: (text) => {
        if (!live() || snap.status === 'cancelling') return;
        snap.message = text;
        this.schedule(entry);
      },
      detail: (d) => {
        if (!live()) return;
        snap.detail = d;
        this.schedule(entry);
      },
      warn: (text) => {
        if (!live()) return;
        entry.warningCount += 1;
        if (snap.warnings.length < MAX_WARNINGS) snap.warnings.push(text);
        snap.counters.warnings = { value: entry.warningCount, unit: 'count', level: 'warning' };
        this.schedule(entry);
      },
      waitForUser: <T>(text: string, waiting: Omit<TaskWaiting, 'since'>) =>
        new Promise<T>((resolve, reject) => {
          const signal = entry.abort.signal;
          if (signal.aborted) return reject(signal.reason);
          if (snap.status !== 'running')
            return reject(new AppError('CONFLICT', `Task "${snap.title}" is ${snap.status}; it cannot wait.`));
          const onAbort = () => {
            entry.resumeWith = null;
            reject(signal.reason);
          };
          signal.addEventListener('abort', onAbort, { once: true });
          entry.resumeWith = (input) => {
            signal.removeEventListener('abort', onAbort);
            entry.resumeWith = null;
            resolve(input as T);
          };
          snap.status = 'waiting';
          snap.message = text;
          snap.waiting = { ...waiting, since: this.now().toISOString() };
          delete snap.progress.rate;
          delete snap.progress.etaSeconds;
          entry.rateSamples = [];
          this.flush(entry);
        }),
    };
  }

  /** Rate over the last ~10 s of samples, ETA from the remaining total. */
  private estimateRate(entry: Entry, p: TaskProgress): void {
    const t = Date.now();
    const samples = entry.rateSamples;
    samples.push({ t, done: p.done });
    while (samples.length > 2 && t - samples[0].t > 10_000) samples.shift();
    const first = samples[0];
    const dt = (t - first.t) / 1000;
    if (dt >= 0.5 && p.done >= first.done) {
      p.rate = (p.done - first.done) / dt;
      if (p.total !== undefined && p.rate > 0) p.etaSeconds = Math.max(0, (p.total - p.done) / p.rate);
      else delete p.etaSeconds;
    }
  }

  private schedule(entry: Entry): void {
    if (entry.timer) return;
    const wait = entry.lastEmit + this.minIntervalMs - Date.now();
    if (wait <= 0) {
      this.flush(entry);
      return;
    }
    entry.timer = setTimeout(() => this.flush(entry), wait);
    entry.timer.unref?.();
  }

  private flush(entry: Entry): void {
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = null;
    entry.lastEmit = Date.now();
    this.emit('updated', structuredClone(entry.snap));
  }

  private finish(
    entry: Entry,
    status: TaskSnapshot['status'],
    error?: TaskSnapshot['error'],
    result?: Record<string, unknown>,
  ): void {
    const snap = entry.snap;
    snap.status = status;
    snap.endedAt = this.now().toISOString();
    delete snap.progress.etaSeconds;
    delete snap.waiting;
    entry.resumeWith = null;
    if (error) snap.error = error;
    if (result) snap.result = result;
    if (status === 'cancelled') snap.message = 'Cancelled.';
    this.flush(entry);
    this.prune();
  }

  private prune(): void {
    const finished = [...this.tasks.values()].filter((e) => isFinished(e.snap.status));
    for (const e of finished.slice(0, Math.max(0, finished.length - this.historyLimit))) {
      this.tasks.delete(e.snap.id);
      this.emit('removed', { id: e.snap.id });
    }
  }
}
