import type { BackupSummary, RestoreSummary, VerifySummary } from '../../../shared/contract/backup.ts';
import type { TaskKind, TaskSnapshot } from '../../../shared/task.ts';

/**
 * What a finished task hands back, per kind, as the contract's result types (shared/contract/backup.ts). The task
 * snapshot carries results as plain data; this is the one place that reads them as those types, by kind, so pages
 * do not cast.
 */
export interface TaskResults {
  backup: BackupSummary;
  verify: VerifySummary;
  restore: RestoreSummary;
}

/** The task's result when the task is of `kind` and has one; undefined otherwise. */
export function taskResult<K extends keyof TaskResults & TaskKind>(task: TaskSnapshot | undefined, kind: K): TaskResults[K] | undefined {
  if (!task || task.kind !== kind || !task.result) return undefined;
  return task.result as unknown as TaskResults[K];
}
