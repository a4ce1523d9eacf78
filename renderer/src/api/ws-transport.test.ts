import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWsTransport, STALE_TOKEN_TEXT, tokenChecker } from './ws-transport.ts';
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
    await expect(p).resolves.toMatchObject({
      ok: false,
      error: { code: 'NETWORK', message: expect.stringContaining('task:list') },
    });
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

  describe('a failed handshake asks the host whether the token is still its own', () => {
    /** Lets the check's promise chain settle (no timers involved). */
    const flush = async () => {
      for (let i = 0; i < 5; i++) await Promise.resolve();
    };
    /** A token check the test answers by hand. */
    function checker() {
      const calls: Array<(v: boolean | null) => void> = [];
      return { calls, fn: () => new Promise<boolean | null>((resolve) => calls.push(resolve)) };
    }
    const withCheck = (fn: () => Promise<boolean | null>) =>
      createWsTransport({
        url: 'ws://127.0.0.1:1/ws?token=old',
        WebSocketImpl: FakeWs as unknown as typeof WebSocket,
        backoffMs: [100, 200],
        checkToken: fn,
      });

    it('the host is up and does not know the token: the address is out of date, no retries, calls refused', async () => {
      const c = checker();
      const t = withCheck(c.fn);
      const queued = t.invoke('app:info', {});
      last().serverClose(1006); // what a browser reports for an HTTP 401 answer to the handshake
      expect(c.calls).toHaveLength(1);
      // While the host is asked, nothing else connects and the call waits.
      t.reconnect();
      vi.advanceTimersByTime(10_000);
      expect(FakeWs.all).toHaveLength(1);
      c.calls[0](false);
      await expect(queued).resolves.toEqual({ ok: false, error: { code: 'UNAUTHORIZED', message: STALE_TOKEN_TEXT } });
      expect(t.status()).toEqual({ state: 'unauthorized', reason: 'tokenMismatch', detail: STALE_TOKEN_TEXT });
      expect(STALE_TOKEN_TEXT).toBe(
        'This console address is out of date (the token does not match the running host): open the address printed by npm start again.',
      );
      await expect(t.invoke('app:info', {})).resolves.toMatchObject({
        ok: false,
        error: { code: 'UNAUTHORIZED', message: STALE_TOKEN_TEXT },
      });
      vi.advanceTimersByTime(60_000);
      t.reconnect();
      expect(FakeWs.all).toHaveLength(1);
    });

    it('nothing answers the check (host down) or the token is valid: unreachable, retried with backoff', async () => {
      const c = checker();
      const t = withCheck(c.fn);
      last().serverClose(1006);
      c.calls[0](null);
      await flush();
      expect(t.status()).toMatchObject({
        state: 'unreachable',
        retryInMs: 100,
        detail: expect.stringContaining('Cannot reach the console host'),
      });
      vi.advanceTimersByTime(100);
      expect(FakeWs.all).toHaveLength(2);
      last().serverClose(1006);
      c.calls[1](true);
      await flush();
      expect(t.status()).toMatchObject({ state: 'unreachable', retryInMs: 200 });
    });

    it('a host restarted while the page was open (new token): reconnecting, then out of date', async () => {
      const c = checker();
      const t = withCheck(c.fn);
      last().open();
      last().serverClose(1006);
      expect(c.calls).toHaveLength(0); // a dropped open connection is not a token question
      expect(t.status().state).toBe('reconnecting');
      vi.advanceTimersByTime(100);
      last().serverClose(1006);
      c.calls[0](false);
      await flush();
      expect(t.status()).toMatchObject({ state: 'unauthorized', reason: 'tokenMismatch' });
    });

    it('a check that ends after the page closed its transport changes nothing', async () => {
      const c = checker();
      const t = withCheck(c.fn);
      const states: string[] = [];
      t.onStatus((s) => states.push(s.state));
      last().serverClose(1006);
      t.close();
      c.calls[0](false);
      await flush();
      expect(states).toEqual([]);
    });
  });

  it('tokenChecker posts the token to /token-check and reads only a boolean "valid"', async () => {
    const seen: Array<{ url: string; init: RequestInit }> = [];
    const answer = (status: number, body: unknown) => (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return Promise.resolve(new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }));
    };
    expect(await tokenChecker('tok', answer(200, { valid: false }) as unknown as typeof fetch)()).toBe(false);
    expect(seen[0]).toMatchObject({
      url: '/token-check',
      init: { method: 'POST', body: 'tok', credentials: 'omit', cache: 'no-store' },
    });
    expect(await tokenChecker('tok', answer(200, { valid: true }) as unknown as typeof fetch)()).toBe(true);
    expect(await tokenChecker('tok', answer(404, 'Not found') as unknown as typeof fetch)()).toBeNull();
    expect(await tokenChecker('tok', answer(200, { valid: 'yes' }) as unknown as typeof fetch)()).toBeNull();
    expect(await tokenChecker('tok', answer(200, 'not json') as unknown as typeof fetch)()).toBeNull();
    expect(
      await tokenChecker('tok', (() => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch)(),
    ).toBeNull();
  });
});
