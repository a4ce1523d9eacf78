import type { TaskSnapshot } from '../../shared/task.ts';

export function makeTask(over: Partial<TaskSnapshot> = {}): TaskSnapshot {
  return {
    id: 't1',
    kind: 'backup',
    title: 'Back up D:\\Data to staging',
    status: 'running',
    progress: {
      done: 512 * 1024 * 1024,
      total: 2 * 1024 * 1024 * 1024,
      unit: 'bytes',
      rate: 80 * 1024 * 1024,
      etaSeconds: 19,
    },
    message: 'Reading D:\\Data\\projects',
    counters: {},
    warnings: [],
    startedAt: '2026-11-22T04:00:00.000Z',
    ...over,
  };
}
