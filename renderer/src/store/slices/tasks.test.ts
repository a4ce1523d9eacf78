import { beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { getAppState, resetAppStore } from '../index.ts';
import { wireSubscriptions } from '../subscriptions.ts';
import { tasksSelectors } from './tasks.ts';

let t: FakeTransport;

beforeEach(() => {
  t = createFakeTransport({ state: 'connecting' });
  installTransport(() => t);
  resetAppStore();
});

describe('tasks slice', () => {
  it('loads task:list and sorts newest first', async () => {
    const older = makeTask({ id: 'a', startedAt: '2026-11-22T03:00:00.000Z' });
    const newer = makeTask({ id: 'b', startedAt: '2026-11-22T04:00:00.000Z' });
    t.handle('task:list', () => ({ ok: true, value: [older, newer] }));
    await getAppState().refreshTasks();
    expect(tasksSelectors.list(getAppState()).map((x) => x.id)).toEqual(['b', 'a']);
    expect(getAppState().tasksLoaded).toBe(true);
  });

  it('keeps a finished status when a stale running snapshot arrives later', () => {
    getAppState().upsertTask(makeTask({ status: 'succeeded' }));
    getAppState().upsertTask(makeTask({ status: 'running' }));
    expect(getAppState().tasks.t1.status).toBe('succeeded');
  });

  it('cancels through task:cancel and records a failure message', async () => {
    getAppState().upsertTask(makeTask());
    t.handle('task:cancel', ({ id }) => ({ ok: true, value: makeTask({ id, status: 'cancelling' }) }));
    await getAppState().cancelTask('t1');
    expect(getAppState().tasks.t1.status).toBe('cancelling');
    expect(getAppState().taskBusyIds).toEqual([]);
    t.handle('task:cancel', () => ({ ok: false, error: { code: 'CONFLICT', message: 'Task t1 already finished.' } }));
    await getAppState().cancelTask('t1');
    expect(getAppState().tasksError).toBe('Task t1 already finished.');
  });

  it('dismisses finished tasks only', async () => {
    getAppState().upsertTask(makeTask({ id: 'run' }));
    getAppState().upsertTask(makeTask({ id: 'done', status: 'failed' }));
    t.handle('task:dismiss', () => ({ ok: true, value: undefined }));
    await getAppState().dismissFinishedTasks();
    expect(Object.keys(getAppState().tasks)).toEqual(['run']);
    expect(t.calls.filter((c) => c.channel === 'task:dismiss')).toEqual([
      { channel: 'task:dismiss', req: { id: 'done' } },
    ]);
  });

  it('follows host events and resyncs with task:list on every (re)connect', async () => {
    let listed = 0;
    t.handle('task:list', () => ({ ok: true, value: (listed++, [makeTask({ id: 'from-list' })]) }));
    t.handle('settings:get', () => ({ ok: false, error: { code: 'INTERNAL', message: 'x' } }));
    t.handle('app:info', () => ({ ok: false, error: { code: 'INTERNAL', message: 'x' } }));
    const off = wireSubscriptions();
    expect(listed).toBe(0);
    t.setStatus({ state: 'connected' });
    await Promise.resolve();
    expect(listed).toBe(1);
    t.emit('task:updated', makeTask({ id: 'evt' }));
    expect(getAppState().tasks.evt).toBeDefined();
    t.emit('task:removed', { id: 'evt' });
    expect(getAppState().tasks.evt).toBeUndefined();
    t.setStatus({ state: 'reconnecting' });
    t.setStatus({ state: 'connected' });
    expect(listed).toBe(2);
    expect(getAppState().connection.state).toBe('connected');
    off();
  });
});
