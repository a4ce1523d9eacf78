/**
 * Runs the policy's backups while the console runs. Between runs it sleeps on a timer (at most an hour at a
 * time, so clock changes and sleep are caught). A due run of an own-disk policy whose import job is not Completed
 * records a job with the original's message instead of backing up (SPEC §2.2).
 */
import type { Policy, RunRecord } from '../../../shared/policy-schema.ts';
import { nextRuns } from '../../../shared/schedule.ts';
import type { TaskContext } from '../tasks/task-manager.ts';
import type { TaskKind, TaskSnapshot } from '../../../shared/task.ts';
import type { PolicyStore } from './policy-store.ts';

export const WAITING_FOR_IMPORT =
  'Waiting for Azure Import Job to complete. Please check on Azure Management portal for more information on job status';

export interface Clock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

/** Seam to the backup engine's service: one backup of the policy's items into its staging location. */
export interface ScheduledBackupRunner {
  run(req: { policy: Policy; passphrase: string; signal: AbortSignal; ctx: TaskContext }): Promise<Record<string, unknown> | void>;
}

/** Seam to the Azure layer: the current state of the seed's import job ("Creating", "Shipping", …, "Completed"). */
export interface ImportJobProbe {
  state(policy: Policy): Promise<string>;
}

/** The subset of TaskManager the scheduler needs. */
export interface TaskStarter {
  start(kind: TaskKind, title: string, body: (ctx: TaskContext) => Promise<Record<string, unknown> | void>): TaskSnapshot;
  waitFor(id: string): Promise<TaskSnapshot>;
}

export interface SchedulerOptions {
  store: PolicyStore;
  tasks: TaskStarter;
  clock?: Clock;
  runner?: ScheduledBackupRunner;
  probe?: ImportJobProbe;
  /** Longest single sleep. */
  maxSleepMs?: number;
  /** Asked right before each due run; false skips it (another console holds the data dir's scheduler lease). */
  mayRun?: () => Promise<boolean>;
}

const HOUR = 3_600_000;

export class PolicyScheduler {
  private readonly store: PolicyStore;
  private readonly tasks: TaskStarter;
  private readonly clock: Clock;
  private timer: unknown = null;
  private dueAt: number | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly maxSleep: number;
  private readonly mayRun: (() => Promise<boolean>) | undefined;
  runner: ScheduledBackupRunner | undefined;
  probe: ImportJobProbe | undefined;

  constructor(o: SchedulerOptions) {
    this.store = o.store;
    this.tasks = o.tasks;
    this.clock = o.clock ?? systemClock;
    this.runner = o.runner;
    this.probe = o.probe;
    this.maxSleep = o.maxSleepMs ?? HOUR;
    this.mayRun = o.mayRun;
  }

  /** Next runs of the saved policy (empty unless active). */
  upcoming(count = 3): number[] {
    const p = this.store.policy;
    if (!p || p.state !== 'active') return [];
    return nextRuns(p.schedule, this.clock.now(), count, Date.parse(p.createdAt));
  }

  get nextDue(): number | null {
    return this.dueAt;
  }

  /** Started and not stopped: this host runs the due backups. */
  get active(): boolean {
    return !this.stopped;
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.dueAt = null;
  }

  /** Call after the policy changed (saved, paused, deleted). */
  reschedule(): void {
    if (!this.stopped) this.arm();
  }

  /** Resolves when a run in progress (if any) has been recorded. */
  async idle(): Promise<void> {
    await this.running;
  }

  private arm(): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    let next: number | undefined;
    try {
      next = this.upcoming(1)[0];
    } catch {
      next = undefined; // a schedule the runtime cannot compute (unknown zone) never takes the host down
    }
    this.dueAt = this.stopped ? null : (next ?? null);
    if (next === undefined || this.stopped) return;
    const wait = Math.max(0, Math.min(this.maxSleep, next - this.clock.now()));
    this.timer = this.clock.setTimeout(() => this.wake(next), wait);
  }

  private wake(due: number): void {
    this.timer = null;
    if (this.stopped) return;
    if (this.clock.now() < due) return this.arm();
    if (this.running) return this.arm();
    const mayRun = this.mayRun;
    this.running = (async () => {
      if (mayRun && !(await mayRun().catch(() => false))) return;
      if (!this.stopped) await this.runOnce(due);
    })()
      .then(() => undefined, () => undefined)
      .finally(() => {
        this.running = null;
        this.arm();
      });
  }

  /** One due run: waits for the import job, or backs up through the engine's runner. Public for the CLI and tests. */
  async runOnce(dueMs: number = this.clock.now()): Promise<RunRecord | null> {
    const policy = this.store.policy;
    if (!policy || policy.state !== 'active') return null;
    const at = new Date(dueMs).toISOString();
    const own = policy.initialBackup.type === 'ownDisks' ? policy.initialBackup.ownDisk : undefined;
    if (own && !policy.seed?.completed) {
      let state: string;
      try {
        state = this.probe ? await this.probe.state(policy) : 'Unknown (not signed in to Azure)';
      } catch (err) {
        const e = err as { code?: string; message?: string };
        state = e.code === 'NOT_FOUND' ? 'Not created yet' : `Unknown (${e.message ?? String(err)})`;
      }
      const seed = { importJobState: state, checkedAt: new Date(this.clock.now()).toISOString(), completed: state === 'Completed' };
      if (!seed.completed) {
        const message = `${WAITING_FOR_IMPORT}. Import job "${own.importJobName}": ${state}.`;
        const snap = this.tasks.start('scheduled', `Scheduled backup (${at})`, async (ctx) => {
          ctx.message(message);
          ctx.warn(message);
          return { outcome: 'waitingForImport', importJobState: state };
        });
        const rec: RunRecord = { at, outcome: 'waitingForImport', message, taskId: snap.id };
        await this.store.recordRun(rec, seed);
        return rec;
      }
      await this.store.recordRun({ at, outcome: 'skipped', message: `Import job "${own.importJobName}" is Completed; online backups continue from the seed.` }, seed);
    }
    if (!this.runner) {
      const rec: RunRecord = { at, outcome: 'skipped', message: 'Online backups to a Recovery Services vault are not part of this build: the run was recorded and no data left this machine.' };
      await this.store.recordRun(rec);
      return rec;
    }
    const passphrase = await this.store.passphrase();
    if (!passphrase) {
      const rec: RunRecord = { at, outcome: 'failed', message: 'No encryption passphrase is stored on this machine; set one under Change Properties → Encryption.' };
      await this.store.recordRun(rec);
      return rec;
    }
    const runner = this.runner;
    const snap = this.tasks.start('scheduled', `Scheduled backup (${at})`, (ctx) => runner.run({ policy, passphrase, signal: ctx.signal, ctx }));
    const done = await this.tasks.waitFor(snap.id);
    const failed = done.status === 'failed' || done.status === 'cancelled';
    const rec: RunRecord = {
      at,
      outcome: failed ? 'failed' : 'succeeded',
      message: failed ? (done.error?.message ?? `Backup ${done.status}.`) : done.status === 'succeededWithWarnings' ? 'Backup completed with warnings.' : 'Backup completed.',
      taskId: snap.id,
    };
    await this.store.recordRun(rec);
    return rec;
  }
}
