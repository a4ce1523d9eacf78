import type { TaskSnapshot } from '../../../../shared/task.ts';
import { isFinished } from '../../../../shared/task.ts';
import { api, errorMessage } from '../../api/client.ts';
import type { AppStore, SliceCreator } from '../types.ts';
import type { TasksState, TasksSlice } from '../state/tasks.ts';

export const initTasksState: TasksState = { tasks: {}, tasksLoaded: false, tasksError: null, taskBusyIds: [] };

/** A finished snapshot never goes back to running (a late list reply must not undo a status event). */
const keepNewer = (prev: TaskSnapshot | undefined, next: TaskSnapshot): TaskSnapshot =>
  prev && isFinished(prev.status) && !isFinished(next.status) ? prev : next;

export const createTasksSlice: SliceCreator<TasksSlice> = (set, get) => {
  const withBusy = async (id: string, fn: () => Promise<void>) => {
    set((s) => ({ taskBusyIds: [...s.taskBusyIds, id], tasksError: null }));
    try {
      await fn();
    } catch (err) {
      set({ tasksError: errorMessage(err) });
    } finally {
      set((s) => ({ taskBusyIds: s.taskBusyIds.filter((x) => x !== id) }));
    }
  };
  return {
    ...initTasksState,
    async refreshTasks() {
      try {
        const list = await api.invoke('task:list', {});
        set((s) => {
          const tasks: Record<string, TaskSnapshot> = {};
          for (const t of list) tasks[t.id] = keepNewer(s.tasks[t.id], t);
          return { tasks, tasksLoaded: true, tasksError: null };
        });
      } catch (err) {
        set({ tasksError: errorMessage(err) });
      }
    },
    upsertTask(task) {
      set((s) => ({ tasks: { ...s.tasks, [task.id]: keepNewer(s.tasks[task.id], task) } }));
    },
    removeTask(id) {
      set((s) => {
        if (!(id in s.tasks)) return s;
        const tasks = { ...s.tasks };
        delete tasks[id];
        return { tasks };
      });
    },
    cancelTask: (id) =>
      withBusy(id, async () => {
        const snap = await api.invoke('task:cancel', { id });
        get().upsertTask(snap);
      }),
    dismissTask: (id) =>
      withBusy(id, async () => {
        await api.invoke('task:dismiss', { id });
        get().removeTask(id);
      }),
    async dismissFinishedTasks() {
      const done = Object.values(get().tasks).filter((t) => isFinished(t.status));
      for (const t of done) await get().dismissTask(t.id);
    },
  };
};

const byStartDesc = (a: TaskSnapshot, b: TaskSnapshot) =>
  a.startedAt < b.startedAt ? 1 : a.startedAt > b.startedAt ? -1 : 0;

export const tasksSelectors = {
  /** Newest first. Use with useShallow (returns a fresh array of the same snapshot objects). */
  list: (s: AppStore): TaskSnapshot[] => Object.values(s.tasks).sort(byStartDesc),
  byId:
    (id: string) =>
    (s: AppStore): TaskSnapshot | undefined =>
      s.tasks[id],
  /** Tasks at work (running or cancelling); a task waiting for the user counts in waitingCount instead. */
  runningCount: (s: AppStore): number =>
    Object.values(s.tasks).filter((t) => !isFinished(t.status) && t.status !== 'waiting').length,
  waitingCount: (s: AppStore): number => Object.values(s.tasks).filter((t) => t.status === 'waiting').length,
  /** The message of the newest task waiting for the user (what it waits for), if any. */
  firstWaiting: (s: AppStore): TaskSnapshot | undefined =>
    Object.values(s.tasks)
      .filter((t) => t.status === 'waiting')
      .sort(byStartDesc)[0],
  finishedCount: (s: AppStore): number => Object.values(s.tasks).filter((t) => isFinished(t.status)).length,
  isBusy:
    (id: string) =>
    (s: AppStore): boolean =>
      s.taskBusyIds.includes(id),
};
