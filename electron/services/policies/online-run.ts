/**
 * The seam for online backups (SPEC decision 15, issue 16): what a due run does once the seed is in the container
 * (or at once, for a policy whose first backup goes over the network). The scheduler calls `OnlineRun.run` inside
 * the run's Jobs task and records what it returns as the run's outcome; the console's Jobs view and `obc policy
 * show` show that record, also after the program that ran it (a console or `obc agent`) is gone.
 *
 * The online engine's implementation (services/online/policy-run.ts) is passed to `PolicyService.connect({ online })`
 * in the composition root (services/policies/connect.ts), which both hosts and `obc agent` use.
 * `noOnlineEngine` is only what a scheduler built without one does (unit tests): it records the run plainly and sends
 * nothing. docs/ARCHITECTURE.md describes the seam.
 */
import type { CounterUnit, TaskProgress } from '../../../shared/task.ts';
import type { Policy } from '../../../shared/policy-schema.ts';

export type JobBackendName = 'ImportExport' | 'DataBox';

/** The seed a run continues from: the own-disk import job (Completed) and where its staged copy lives. */
export interface SeedRef {
  jobName: string;
  /** Which service holds the job, when the scheduler's check found out. */
  backend?: JobBackendName;
  subscriptionId: string;
  resourceGroup: string;
  storageAccount: string;
  container: string;
  /** `<staging location>/<job name>`: seed.json, the packs and the catalog as staged. */
  stagingDir: string;
}

export interface OnlineRunProgress extends Partial<TaskProgress> {
  /** Current phase or file, in words. */
  message?: string;
  counters?: Record<string, { value: number; unit?: CounterUnit }>;
}

export interface OnlineRunRequest {
  policy: Policy;
  /** Null when the policy's first backup goes over the network (no seed). */
  seed: SeedRef | null;
  /** The schedule's instant this run is for (ISO); a restore point made by it should carry this time. */
  dueAt: string;
  /** Who started it: the schedule (default), or Back Up Now in a console (then `dueAt` is when it was selected). */
  trigger?: 'schedule' | 'backUpNow';
  /** Back Up Now's Retain Backup Till (YYYY-MM-DD): the point is kept through that date whatever the retention. */
  retainUntil?: string;
  /** The machine's encryption passphrase (null when none is stored: say so and fail). Never log it. */
  passphrase(): Promise<string | null>;
  /** Aborted when the user cancels the Jobs task or the program stops (SIGTERM, console closing). */
  signal: AbortSignal;
  /** Progress for the Jobs row: bytes scanned, new, uploaded, rate, ETA (rate and ETA are estimated when omitted). */
  progress(p: OnlineRunProgress): void;
  /** A non-fatal problem (a file skipped, a point kept longer); the run ends "completed with warnings". */
  warn(text: string): void;
}

export interface OnlineRunResult {
  /** `skipped`: nothing was backed up, on purpose (shown as a warning, never as success). */
  outcome: 'succeeded' | 'succeededWithWarnings' | 'failed' | 'skipped';
  /** One sentence for the Jobs row's Message column. */
  message: string;
  /** Facts for the run's details (restore point id, bytes uploaded, points pruned…). */
  details?: Record<string, string | number | boolean>;
}

/** A due online run. Throwing (an AppError with a clear message) is the same as returning outcome 'failed'. */
export interface OnlineRun {
  run(req: OnlineRunRequest): Promise<OnlineRunResult>;
}

export const NO_ONLINE_ENGINE =
  'No online backup engine is connected to this scheduler: the run was recorded and no data left this machine.';

/** A scheduler without the online engine (unit tests): records the run honestly, sends nothing. */
export const noOnlineEngine: OnlineRun = {
  async run() {
    return { outcome: 'skipped', message: NO_ONLINE_ENGINE };
  },
};
