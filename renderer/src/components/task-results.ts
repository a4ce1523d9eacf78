import type { TaskKind, TaskSnapshot } from '../../../shared/task.ts';
import type { TaskResults } from '../../../shared/task-results.ts';

/**
 * A finished task's result read as its kind's type (shared/task-results.ts, the map the services are checked
 * against when they return it): the one place the console reads `task.result`, so pages do not cast.
 */
export function taskResult<K extends keyof TaskResults & TaskKind>(
  task: TaskSnapshot | undefined,
  kind: K,
): TaskResults[K] | undefined {
  if (!task || task.kind !== kind || !task.result) return undefined;
  return task.result as unknown as TaskResults[K];
}
