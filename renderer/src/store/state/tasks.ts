/**
 * State and actions of the tasks slice (slices/tasks.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { TaskSnapshot } from '../../../../shared/task.ts';

export interface TasksState {
  tasks: Record<string, TaskSnapshot>;
  tasksLoaded: boolean;
  tasksError: string | null;
  /** Task ids with a cancel or dismiss call in flight. */
  taskBusyIds: string[];
}

export interface TasksActions {
  refreshTasks(): Promise<void>;
  upsertTask(task: TaskSnapshot): void;
  removeTask(id: string): void;
  cancelTask(id: string): Promise<void>;
  dismissTask(id: string): Promise<void>;
  dismissFinishedTasks(): Promise<void>;
}

export type TasksSlice = TasksState & TasksActions;
