import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { createFakeTransport } from '../test-transport.ts';
import { createApiClient } from './client.ts';

describe('api client envelope handling', () => {
  it('returns the value of an ok envelope', async () => {
    const t = createFakeTransport();
    t.handle('task:list', () => ({ ok: true, value: [] }));
    await expect(createApiClient(t).invoke('task:list', {})).resolves.toEqual([]);
    expect(t.calls).toEqual([{ channel: 'task:list', req: {} }]);
  });

  it('throws an AppError carrying the code, message and details of an error envelope', async () => {
    const t = createFakeTransport();
    t.handle('task:cancel', () => ({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No task with id x.', details: { id: 'x' } },
    }));
    const err = await createApiClient(t)
      .invoke('task:cancel', { id: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'No task with id x.', details: { id: 'x' } });
  });

  it('maps an unknown code to INTERNAL and a non-envelope to an INTERNAL error naming the channel', async () => {
    const t = createFakeTransport();
    t.handle('app:info', () => ({ ok: false, error: { code: 'BOGUS' as never, message: 'odd' } }));
    await expect(createApiClient(t).invoke('app:info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'odd' });
    t.handle('app:info', () => 'nonsense' as never);
    await expect(createApiClient(t).invoke('app:info', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('app:info'),
    });
  });

  it('turns a throwing bridge into an AppError', async () => {
    const t = createFakeTransport();
    t.handle('settings:get', () => {
      throw new Error('bridge broke');
    });
    await expect(createApiClient(t).invoke('settings:get', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('bridge broke'),
    });
  });

  it('passes events through and unsubscribes', () => {
    const t = createFakeTransport();
    const api = createApiClient(t);
    const seen: string[] = [];
    const off = api.on('task:removed', (p) => seen.push(p.id));
    t.emit('task:removed', { id: 'a' });
    off();
    t.emit('task:removed', { id: 'b' });
    expect(seen).toEqual(['a']);
  });
});
