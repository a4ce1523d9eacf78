/**
 * What a finished task hands back, per task kind: the one map the services return (TaskManager.start checks the
 * body's result against it) and the console reads (renderer/src/components/task-results.ts). Kinds not listed hand
 * back plain data nobody reads by shape.
 */
import type { BackupSummary, RestoreSummary, VerifySummary } from './contract/backup.ts';
import type { TaskKind } from './task.ts';

export interface TaskResults {
  backup: BackupSummary;
  verify: VerifySummary;
  restore: RestoreSummary;
}

export type TaskResultOf<K extends TaskKind> = K extends keyof TaskResults ? TaskResults[K] : Record<string, unknown>;
