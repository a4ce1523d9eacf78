/**
 * Runs the policy's backups while a console or `obc agent` runs. Between runs it sleeps on a timer (at most an hour at
 * a time, so clock changes and sleep are caught). Each due run is one Jobs task and one run record in policies.json
 * (written when it starts and replaced when it ends, so a console opened later shows runs done while it was closed):
 * - an own-disk policy whose import job is not Completed records MARS's waiting message (SPEC §2.2);
 * - otherwise the run is the online backup, through the `OnlineRun` seam (online-run.ts).
 */
import { randomUUID } from 'node:crypto';
import { AppError, toIpcError } from '../../../shared/errors.ts';
import type { Policy, RunRecord } from '../../../shared/policy-schema.ts';
import { nextRuns } from '../../../shared/schedule.ts';
import type { TaskContext } from '../tasks/task-manager.ts';
import type { TaskKind, TaskSnapshot } from '../../../shared/task.ts';
import {
  noOnlineEngine,
  type JobBackendName,
  type OnlineRun,
  type OnlineRunRequest,
  type OnlineRunResult,
  type SeedRef,
} from './online-run.ts';
import type { PolicyStore } from './policy-store.ts';
import { jobDirOf } from '../backup/job-files.ts';

/** MARS's Jobs-view text while the disks are on their way or being imported (DPM-PREV, MARS-IE). */
export const WAITING_FOR_IMPORT =
  'Waiting for Azure Import Job to complete. Please check on Azure Management portal for more information on job status';
/** The Data Box variant (DBX-MARS). */
export const WAITING_FOR_DATA_BOX = 'Waiting for Azure Data Box job to be completed';

/** The Jobs message of a run waiting for the seed's job: MARS's words, then the job and its state. */
export function waitingMessage(jobName: string, state: string, backend?: JobBackendName): string {
  return backend === 'DataBox'
    ? `${WAITING_FOR_DATA_BOX}. Data Box job "${jobName}": ${state}.`
    : `${WAITING_FOR_IMPORT}. Import job "${jobName}": ${state}.`;
}
/** Where an own-disk policy's seed lives (its import job, account, container, staged copy); null for other policies. */
export function seedRefOf(policy: Policy): SeedRef | null {
  const own = policy.initialBackup.type === 'ownDisks' ? policy.initialBackup.ownDisk : undefined;
  if (!own) return null;
  return {
    jobName: own.importJobName,
    ...(policy.seed?.backend ? { backend: policy.seed.backend } : {}),
    subscriptionId: own.subscriptionId,
    resourceGroup: own.jobResourceGroup,
    storageAccount: own.storageAccount,
    container: own.container,
    stagingDir: jobDirOf(own.stagingLocation, own.importJobName),
  };
}

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

/**
 * Seam to the Azure layer: the seed's import job as it is now ("Creating", "Shipping", …, "Completed") and which
 * service holds it (Import/Export or Data Box). Throws `NOT_FOUND` when the job does not exist (yet).
 */
export interface ImportJobProbe {
  check(policy: Policy): Promise<{ state: string; backend?: JobBackendName }>;
}

/** The subset of TaskManager the scheduler needs. */
export interface TaskStarter {
  start(
    kind: TaskKind,
    title: string,
    body: (ctx: TaskContext) => Promise<Record<string, unknown> | void>,
  ): TaskSnapshot;
  waitFor(id: string): Promise<TaskSnapshot>;
}

export interface SchedulerOptions {
  store: PolicyStore;
  tasks: TaskStarter;
  clock?: Clock;
  online?: OnlineRun;
  probe?: ImportJobProbe;
  /** Who runs the schedules here, for the run records: "obc agent on build-7 (pid 4242)". */
  ranBy?: () => string;
  /** Longest single sleep. */
  maxSleepMs?: number;
  /** Asked right before each due run; false skips it (another console holds the data dir's scheduler lease). */
  mayRun?: () => Promise<boolean>;
  /** Where failures nobody waits for go (the activity log); default: a line on stderr. */
  log?: SchedulerLog;
}

export type SchedulerLog = (level: 'error', event: string, fields: Record<string, unknown>) => void;
const stderrLog: SchedulerLog = (level, event, fields) =>
  process.stderr.write(`obc scheduler ${level}: ${event} ${JSON.stringify(fields)}\n`);

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
  online: OnlineRun;
  probe: ImportJobProbe | undefined;
  private readonly ranBy: () => string;
  /** A Back Up Now run in progress (recorded when it settles). */
  private now: Promise<void> | null = null;
  private readonly log: SchedulerLog;
  /**
   * Closing the runs a stopped program left "running" (at start): false when that failed. Retried before this
   * scheduler records a run of its own, since a retry later would close that run too.
   */
  private interrupted: Promise<boolean> = Promise.resolve(true);

  constructor(o: SchedulerOptions) {
    this.store = o.store;
    this.tasks = o.tasks;
    this.clock = o.clock ?? systemClock;
    this.online = o.online ?? noOnlineEngine;
    this.probe = o.probe;
    this.ranBy = o.ranBy ?? (() => `console (pid ${process.pid})`);
    this.maxSleep = o.maxSleepMs ?? HOUR;
    this.mayRun = o.mayRun;
    this.log = o.log ?? stderrLog;
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
    // Runs left "running" by a program that stopped mid-run (killed, power cut) are closed as failed.
    this.interrupted = this.closeInterrupted();
    this.arm();
  }

  /** Closes the runs a stopped program left "running"; a failure is logged and leaves them as they are (false). */
  private async closeInterrupted(): Promise<boolean> {
    try {
      await this.store.closeInterruptedRuns(new Date(this.clock.now()).toISOString());
      return true;
    } catch (err) {
      this.interruptedError = err instanceof Error ? err.message : String(err);
      this.log('error', 'scheduler:close-interrupted-failed', { error: this.interruptedError });
      return false;
    }
  }
  private interruptedError = '';

  /**
   * Before a run records itself: the runs a stopped program left "running" are closed first (tried again if that
   * failed at start). If they still cannot be, the run is not started, so their record is not lost or mixed up.
   */
  private async closeInterruptedFirst(): Promise<void> {
    if (await this.interrupted) return;
    if (await (this.interrupted = this.closeInterrupted())) return;
    throw new AppError(
      'IO',
      `Runs that a stopped program left "running" in this backup's history could not be closed as failed (${this.interruptedError}), so no new run was started. Check that the data folder can be written to; the next run tries again.`,
    );
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
    await this.now;
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
    if (this.running || this.now) return this.arm();
    const mayRun = this.mayRun;
    this.running = (async () => {
      if (mayRun && !(await mayRun().catch(() => false))) return;
      if (!this.stopped) await this.runOnce(due);
    })()
      .then(
        () => undefined,
        (err: unknown) =>
          this.log('error', 'scheduler:run-failed', {
            due: new Date(due).toISOString(),
            error: err instanceof Error ? err.message : String(err),
          }),
      )
      .finally(() => {
        this.running = null;
        this.arm();
      });
  }

  /** One due run: waits for the seed's job, or runs the online backup. Public for the CLI and tests. */
  async runOnce(dueMs: number = this.clock.now()): Promise<RunRecord | null> {
    await this.closeInterruptedFirst();
    const policy = this.store.policy;
    if (!policy || policy.state !== 'active') return null;
    const at = new Date(dueMs).toISOString();
    const nowIso = () => new Date(this.clock.now()).toISOString();
    const base = { id: randomUUID(), at, startedAt: nowIso(), ranBy: this.ranBy() };
    const title = `Scheduled backup (due ${at})`;
    const own = policy.initialBackup.type === 'ownDisks' ? policy.initialBackup.ownDisk : undefined;
    let seed: Policy['seed'] | undefined;
    const seedRef = seedRefOf(policy);
    if (own && seedRef && !policy.seed?.completed) {
      const found = await this.probeSeed(policy);
      seed = {
        importJobState: found.state,
        checkedAt: nowIso(),
        completed: found.state === 'Completed',
        ...(found.backend ? { backend: found.backend } : {}),
      };
      if (found.backend) seedRef.backend = found.backend;
      if (!seed.completed) {
        const message = waitingMessage(own.importJobName, found.state, found.backend);
        const details = {
          importJob: own.importJobName,
          importJobState: found.state,
          checkedAt: seed.checkedAt!,
          ...(found.backend ? { backend: found.backend } : {}),
        };
        const snap = this.tasks.start('scheduled', title, async (ctx) => {
          ctx.message(message);
          ctx.warn(message);
          return { outcome: 'waitingForImport', ...details };
        });
        const done = await this.tasks.waitFor(snap.id);
        const rec: RunRecord = {
          ...base,
          outcome: 'waitingForImport',
          message,
          taskId: snap.id,
          endedAt: done.endedAt ?? nowIso(),
          details,
        };
        await this.store.recordRun(rec, seed);
        return rec;
      }
    }
    return (await this.startOnline(policy, seedRef, seed, base, title)).finished;
  }

  /** The seed's import job as the Azure layer sees it now; a failed check is a state in words, never a throw. */
  private async probeSeed(policy: Policy): Promise<{ state: string; backend?: JobBackendName; failed?: true }> {
    try {
      return this.probe ? await this.probe.check(policy) : { state: 'Unknown (not signed in to Azure)', failed: true };
    } catch (err) {
      const e = err as { code?: string; message?: string };
      return e.code === 'NOT_FOUND'
        ? { state: 'Not created yet' }
        : { state: `Unknown (${e.message ?? String(err)})`, failed: true };
    }
  }

  /**
   * Back Up Now's "Check the import job now": the seed's import job state asked at once and recorded in the policy
   * (so Back Up Now goes online as soon as it is Completed, without waiting for a due run). A failed check records
   * nothing and throws its reason.
   */
  async checkSeed(): Promise<NonNullable<Policy['seed']>> {
    const policy = this.store.policy;
    if (!policy || !seedRefOf(policy))
      throw new AppError(
        'CONFLICT',
        "This backup's first copy does not go through your own disks: there is no import job to check.",
      );
    if (policy.seed?.completed) return policy.seed;
    const found = await this.probeSeed(policy);
    if (found.failed)
      throw new AppError(
        'AZURE',
        `The import job could not be checked: ${found.state}. Sign in to Azure (Sign in / out) and check again.`,
      );
    const seed = {
      importJobState: found.state,
      checkedAt: new Date(this.clock.now()).toISOString(),
      completed: found.state === 'Completed',
      ...(found.backend ? { backend: found.backend } : {}),
    };
    await this.store.recordSeed(seed);
    return seed;
  }

  /**
   * Back Up Now once the seed is in the container (issue 16): one online run at once, through the same `OnlineRun`,
   * Jobs task and run record as a due run; its point carries `retainUntil` (Retain Backup Till). Resolves when the
   * run's task has started (`finished` when it is recorded). Refused, with the reason, when the policy has no seed in
   * a container, when the scheduler has not seen its import job Completed, or when a run is in progress here.
   */
  async startNow(
    o: { retainUntil?: string } = {},
  ): Promise<{ taskId: string; runId: string; finished: Promise<RunRecord> }> {
    const policy = this.store.policy;
    if (!policy) throw new AppError('NOT_FOUND', 'No backup is scheduled yet: run Schedule Backup first.');
    const seedRef = seedRefOf(policy);
    if (!seedRef)
      throw new AppError(
        'CONFLICT',
        "This backup's first copy does not go through your own disks, so it has no seed in a storage account container to continue online.",
      );
    if (!policy.seed?.completed)
      throw new AppError(
        'CONFLICT',
        `The seed's import job "${seedRef.jobName}" is not known to be Completed yet (last seen: ${policy.seed?.importJobState ?? 'not checked'}): until it is, Back Up Now makes the initial backup to the staging location.`,
        { importJob: seedRef.jobName },
      );
    if (this.running || this.now)
      throw new AppError(
        'CONFLICT',
        'A backup of this policy is already running in this program: follow it in Jobs, wait for it to finish or cancel it there, then select Back Up Now again. Nothing was started.',
      );
    await this.closeInterruptedFirst();
    const at = new Date(this.clock.now()).toISOString();
    const base = { id: randomUUID(), at, startedAt: at, ranBy: this.ranBy() };
    const started = await this.startOnline(policy, seedRef, undefined, base, 'Back Up Now (online restore point)', {
      trigger: 'backUpNow',
      ...(o.retainUntil ? { retainUntil: o.retainUntil } : {}),
    });
    const finished = started.finished;
    this.now = finished.then(
      () => undefined,
      () => undefined,
    );
    void this.now.then(() => (this.now = null));
    return { taskId: started.taskId, runId: base.id, finished };
  }

  private async startOnline(
    policy: Policy,
    seedRef: SeedRef | null,
    seed: Policy['seed'] | undefined,
    base: Pick<RunRecord, 'id' | 'at' | 'startedAt' | 'ranBy'>,
    title: string,
    extra: Pick<OnlineRunRequest, 'trigger' | 'retainUntil'> = {},
  ): Promise<{ taskId: string; finished: Promise<RunRecord> }> {
    const seedDetails: Record<string, string> = seedRef
      ? { importJob: seedRef.jobName, importJobState: 'Completed' }
      : {};
    const online = this.online;
    let result: OnlineRunResult | null = null;
    const snap = this.tasks.start('scheduled', title, async (ctx: TaskContext) => {
      ctx.message('Starting the online backup…');
      result = await online.run({
        policy,
        seed: seedRef,
        dueAt: base.at,
        ...extra,
        passphrase: () => this.store.passphrase(),
        signal: ctx.signal,
        progress: ({ message, counters, ...p }) => {
          if (message) ctx.message(message);
          for (const [k, c] of Object.entries(counters ?? {})) ctx.counter(k, c.value, c.unit);
          if (Object.keys(p).length) ctx.progress(p);
        },
        warn: (text) => ctx.warn(text),
      });
      if (result.outcome === 'failed') throw new AppError('INTERNAL', result.message);
      ctx.message(result.message);
      if (result.outcome === 'skipped') ctx.warn(result.message);
      return { outcome: result.outcome, ...result.details };
    });
    const startedFrom: Record<string, string> = extra.trigger === 'backUpNow' ? { startedFrom: 'Back Up Now' } : {};
    await this.store.recordRun(
      {
        ...base,
        outcome: 'running',
        message: 'Running…',
        taskId: snap.id,
        ...(extra.trigger === 'backUpNow' ? { details: startedFrom } : {}),
      },
      seed,
    );
    return { taskId: snap.id, finished: this.finishOnline(snap.id, base, seedDetails, startedFrom, () => result) };
  }

  private async finishOnline(
    taskId: string,
    base: Pick<RunRecord, 'id' | 'at' | 'startedAt' | 'ranBy'>,
    seedDetails: Record<string, string>,
    startedFrom: Record<string, string>,
    resultOf: () => OnlineRunResult | null,
  ): Promise<RunRecord> {
    const nowIso = () => new Date(this.clock.now()).toISOString();
    const done: TaskSnapshot = await this.tasks.waitFor(taskId);
    const r = resultOf();
    const failed = done.status === 'failed' || done.status === 'cancelled';
    const rec: RunRecord = {
      ...base,
      outcome: failed
        ? 'failed'
        : r?.outcome === 'skipped'
          ? 'skipped'
          : done.status === 'succeededWithWarnings'
            ? 'succeededWithWarnings'
            : 'succeeded',
      message: failed
        ? done.status === 'cancelled'
          ? 'The run was cancelled.'
          : toIpcError(done.error ?? new Error('The run failed.')).message
        : (r?.message ?? 'Backup completed.'),
      taskId,
      endedAt: done.endedAt ?? nowIso(),
      details: { ...seedDetails, ...startedFrom, ...(r?.details ?? {}) },
      ...(done.warnings.length && r?.outcome !== 'skipped' ? { warnings: done.warnings.slice(0, 20) } : {}),
    };
    await this.store.recordRun(rec);
    return rec;
  }
}
