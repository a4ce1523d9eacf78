import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWsTransport } from './ws-transport.ts';
import type { ConnectionStatus } from './types.ts';

/** Minimal stand-in for the browser WebSocket: the test drives open/close/messages. */
class FakeWs {
  static CONNECTING = 0;
  static OPEN = 1;
  static CLOSING = 2;
  static CLOSED = 3;
  static all: FakeWs[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  url: string;
  constructor(url: string) {
    this.url = url;
    FakeWs.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.serverClose(1000);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  serverClose(code = 1006, reason = '') {
    this.readyState = 3;
    this.onclose?.({ code, reason });
  }
  reply(msg: unknown) {
    this.onmessage?.({ data: JSON.stringify(msg) });
  }
}

const last = () => FakeWs.all[FakeWs.all.length - 1];
const make = (url: string | null = 'ws://127.0.0.1:1/ws?token=abc') =>
  createWsTransport({ url, WebSocketImpl: FakeWs as unknown as typeof WebSocket, backoffMs: [100, 200, 400] });

describe('WebSocket transport', () => {
  beforeEach(() => {
    FakeWs.all = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it('queues a call until the socket opens, then matches the result by id', async () => {
    const t = make();
    expect(last().url).toBe('ws://127.0.0.1:1/ws?token=abc');
    const p = t.invoke('app:info', {});
    expect(last().sent).toEqual([]);
    last().open();
    expect(last().sent).toEqual([{ t: 'invoke', id: 1, channel: 'app:info', payload: {} }]);
    last().reply({ t: 'result', id: 1, result: { ok: true, value: { host: 'browser' } } });
    await expect(p).resolves.toEqual({ ok: true, value: { host: 'browser' } });
    expect(t.status().state).toBe('connected');
  });

  it('delivers events to listeners and stops after unsubscribe', () => {
    const t = make();
    last().open();
    const got: unknown[] = [];
    const off = t.on('task:removed', (p) => got.push(p));
    last().reply({ t: 'event', event: 'task:removed', payload: { id: 'x' } });
    off();
    last().reply({ t: 'event', event: 'task:removed', payload: { id: 'y' } });
    last().onmessage?.({ data: 'not json' });
    expect(got).toEqual([{ id: 'x' }]);
  });

  it('fails in-flight calls with NETWORK when the socket drops, then reconnects with backoff', async () => {
    const t = make();
    const states: ConnectionStatus[] = [];
    t.onStatus((s) => states.push(s));
    last().open();
    const p = t.invoke('task:list', {});
    last().serverClose(1006);
    await expect(p).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK', message: expect.stringContaining('task:list') } });
    expect(t.status()).toMatchObject({ state: 'reconnecting', retryInMs: 100 });
    expect(FakeWs.all).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(FakeWs.all).toHaveLength(2);
    last().serverClose(1006);
    expect(t.status()).toMatchObject({ state: 'reconnecting', retryInMs: 200 });
    vi.advanceTimersByTime(200);
    last().open();
    expect(states.map((s) => s.state)).toEqual(['connected', 'reconnecting', 'reconnecting', 'connected']);
  });

  it('reports unreachable when the first connection never opens, and fails calls at once', async () => {
    const t = make();
    const queued = t.invoke('app:info', {});
    last().serverClose(1006);
    await expect(queued).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    expect(t.status().state).toBe('unreachable');
    expect(t.status().detail).toContain('Cannot reach the console host');
    await expect(t.invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'NETWORK' } });
    t.reconnect();
    expect(FakeWs.all).toHaveLength(2);
  });

  it('is unauthorized without a token and does not connect', async () => {
    const t = make(null);
    expect(FakeWs.all).toHaveLength(0);
    expect(t.status().state).toBe('unauthorized');
    await expect(t.invoke('app:info', {})).resolves.toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
  });

  it('stops retrying when the host refuses the token with a policy close', () => {
    const t = make();
    last().serverClose(4401, 'bad token');
    expect(t.status().state).toBe('unauthorized');
    vi.advanceTimersByTime(10_000);
    expect(FakeWs.all).toHaveLength(1);
  });
});
