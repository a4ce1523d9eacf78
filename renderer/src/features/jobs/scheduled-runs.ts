/**
 * Scheduled runs in the Jobs view: each run of the schedule is one row, also after the program that ran it (this
 * console, another one, or `obc agent`) is gone. The rows come from the policy's run history (policy:get /
 * policy:changed); a run this console is running right now shows as its live task instead (progress, Cancel), and
 * a finished run as its record (with its details).
 */
import type { RunRecord } from '../../../../shared/policy-schema.ts';
import { isFinished, type TaskSnapshot, type TaskStatus } from '../../../../shared/task.ts';

export type JobsRow = { kind: 'task'; at: string; task: TaskSnapshot } | { kind: 'run'; at: string; run: RunRecord };

/** How a run's outcome shows in the Status column (waiting for the import completes with a warning, as in DPM/MARS). */
export const RUN_STATUS: Record<RunRecord['outcome'], TaskStatus> = {
  running: 'running',
  succeeded: 'succeeded',
  succeededWithWarnings: 'succeededWithWarnings',
  failed: 'failed',
  waitingForImport: 'succeededWithWarnings',
  skipped: 'succeededWithWarnings',
};

export function jobsRows(tasks: readonly TaskSnapshot[], runs: readonly RunRecord[]): JobsRow[] {
  const live = new Map(tasks.map((t) => [t.id, t]));
  const recorded = new Set(runs.map((r) => r.taskId).filter(Boolean));
  const rows: JobsRow[] = [];
  for (const t of tasks)
    if (!(t.kind === 'scheduled' && isFinished(t.status) && recorded.has(t.id)))
      rows.push({ kind: 'task', at: t.startedAt, task: t });
  for (const r of runs) {
    if (r.hidden) continue;
    const t = r.taskId ? live.get(r.taskId) : undefined;
    if (t && !isFinished(t.status)) continue;
    rows.push({ kind: 'run', at: r.startedAt ?? r.at, run: r });
  }
  return rows.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
}
