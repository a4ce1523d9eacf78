import { describe, expect, it, vi } from 'vitest';
import { TaskManager, type TaskContext } from './task-manager.ts';
import type { TaskSnapshot } from '../../../shared/task.ts';

describe('TaskManager', () => {
  it('runs a task to success and returns its result', async () => {
    const tm = new TaskManager();
    const snap = await tm.run('demo', 'x', async (t) => {
      t.progress({ done: 1, total: 1, unit: 'steps' });
      return { answer: 42 };
    });
    expect(snap.status).toBe('succeeded');
    expect(snap.result).toEqual({ answer: 42 });
    expect(snap.endedAt).toBeDefined();
  });

  it('ends succeededWithWarnings when a warning was recorded', async () => {
    const tm = new TaskManager();
    const snap = await tm.run('demo', 'x', async (t) => t.warn('skipped a.txt: permission denied'));
    expect(snap.status).toBe('succeededWithWarnings');
    expect(snap.warnings).toEqual(['skipped a.txt: permission denied']);
    expect(snap.counters.warnings.value).toBe(1);
  });

  it('reports failure with a typed error', async () => {
    const tm = new TaskManager();
    const snap = await tm.run('demo', 'x', async () => {
      throw Object.assign(new Error('disk full'), { code: 'ENOSPC' });
    });
    expect(snap.status).toBe('failed');
    expect(snap.error?.code).toBe('NO_SPACE');
  });

  it('cancels through the AbortSignal', async () => {
    const tm = new TaskManager();
    const started = tm.start(
      'demo',
      'x',
      (t) => new Promise((_res, rej) => t.signal.addEventListener('abort', () => rej(t.signal.reason))),
    );
    expect(tm.cancel(started.id).status).toBe('cancelling');
    const done = await tm.waitFor(started.id);
    expect(done.status).toBe('cancelled');
    expect(done.error).toBeUndefined();
  });

  it('waits for the user and continues the same task with the input resume() gives', async () => {
    const tm = new TaskManager({ minIntervalMs: 1000 });
    const events: TaskSnapshot[] = [];
    tm.on('updated', (s) => events.push(s));
    const started = tm.start('demo', 'x', async (t) => {
      t.progress({ done: 5, total: 10, unit: 'steps', rate: 2, etaSeconds: 3 });
      const more = await t.waitForUser<{ n: number }>('Waiting for another disk', {
        reason: 'anotherDisk',
        details: { neededBytes: 7 },
      });
      t.progress({ done: 10 });
      return { n: more.n };
    });
    await vi.waitFor(() => expect(tm.get(started.id).status).toBe('waiting'));
    const waiting = tm.get(started.id);
    expect(waiting).toMatchObject({
      message: 'Waiting for another disk',
      waiting: { reason: 'anotherDisk', details: { neededBytes: 7 } },
    });
    expect(waiting.progress).toEqual({ done: 5, total: 10, unit: 'steps' });
    expect(waiting.endedAt).toBeUndefined();
    expect(events.at(-1)?.status).toBe('waiting'); // status changes are sent at once despite minIntervalMs
    expect(() => tm.dismiss(started.id)).toThrow(/cancel it first/);
    expect(tm.resume(started.id, { n: 3 }).status).toBe('running');
    expect(tm.get(started.id).waiting).toBeUndefined();
    const done = await tm.waitFor(started.id);
    expect(done).toMatchObject({ status: 'succeeded', result: { n: 3 } });
    expect(() => tm.resume(started.id, {})).toThrow(/not waiting/);
  });

  it('cancels a waiting task (cancelled, not failed) and shutdown ends waiting tasks too', async () => {
    const tm = new TaskManager();
    const body = async (t: TaskContext) => {
      await t.waitForUser('Waiting', { reason: 'test' });
      throw new Error('must not continue');
    };
    const a = tm.start('demo', 'a', body);
    const b = tm.start('demo', 'b', body);
    await vi.waitFor(() => expect([tm.get(a.id).status, tm.get(b.id).status]).toEqual(['waiting', 'waiting']));
    expect(tm.cancel(a.id)).toMatchObject({ status: 'cancelling' });
    const done = await tm.waitFor(a.id);
    expect(done).toMatchObject({ status: 'cancelled', message: 'Cancelled.' });
    expect(done.error).toBeUndefined();
    expect(done.waiting).toBeUndefined();
    await tm.shutdown();
    expect(tm.get(b.id).status).toBe('cancelled');
  });

  it('coalesces progress events but always sends status changes', async () => {
    const tm = new TaskManager({ minIntervalMs: 1000 });
    const events: TaskSnapshot[] = [];
    tm.on('updated', (s) => events.push(s));
    await tm.run('demo', 'x', async (t) => {
      for (let i = 0; i < 10_000; i++) t.progress({ done: i, total: 10_000, unit: 'steps' });
    });
    // start + at most one coalesced progress + final status
    expect(events.length).toBeLessThanOrEqual(3);
    expect(events[0].status).toBe('running');
    expect(events.at(-1)?.status).toBe('succeeded');
  });

  it('keeps a bounded history', async () => {
    const tm = new TaskManager({ historyLimit: 3 });
    for (let i = 0; i < 6; i++) await tm.run('demo', `t${i}`, async () => undefined);
    expect(tm.list().map((s) => s.title)).toEqual(['t3', 't4', 't5']);
  });

  it('refuses unknown ids with NOT_FOUND', () => {
    const tm = new TaskManager();
    expect(() => tm.get('nope')).toThrowError(/No task/);
  });
});
