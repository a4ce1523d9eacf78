import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rm, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServices, type Services } from '../services/index.ts';
import { handlers } from '../handlers/table.ts';
import type { HandlerTable } from '../handlers/types.ts';
import { startBrowserHost, type BrowserHost } from './server.ts';
import type { ServerMessage } from '../../shared/ws-protocol.ts';
import { tempDir } from '../services/test-temp.ts';

let dir: string;
let services: Services;
let host: BrowserHost;

beforeEach(async () => {
  dir = await tempDir('obc-server-');
  const staticRoot = join(dir, 'static');
  await mkdir(staticRoot);
  await writeFile(join(staticRoot, 'index.html'), '<!doctype html><title>t</title>');
  services = await createServices({ dataDir: join(dir, 'data'), testHooks: true });
  host = await startBrowserHost({ services, staticRoot, port: 0 });
});

afterEach(async () => {
  await host.close();
  await services.close();
  await rm(dir, { recursive: true, force: true });
});

function connect(opts: { token?: string | null; origin?: string } = {}): Promise<WebSocket> {
  const token = opts.token === undefined ? host.token : opts.token;
  const url = `ws://127.0.0.1:${host.port}/ws${token === null ? '' : `?token=${encodeURIComponent(token)}`}`;
  const ws = new WebSocket(url, { origin: opts.origin ?? `http://127.0.0.1:${host.port}` });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, channel: string, payload: unknown, id = 1): Promise<ServerMessage> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString()) as ServerMessage;
      if ((msg.t === 'result' && msg.id === id) || msg.t === 'protocolError') {
        ws.off('message', onMsg);
        resolve(msg);
      }
    };
    ws.on('message', onMsg);
    ws.send(JSON.stringify({ t: 'invoke', id, channel, payload }));
  });
}

describe('browser-mode host', () => {
  it('listens on loopback only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(host.consoleUrl).toContain(`#token=${host.token}`);
  });

  it('refuses a connection without the token, with a wrong token, and from a foreign origin', async () => {
    await expect(connect({ token: null })).rejects.toThrow('HTTP 401');
    await expect(connect({ token: 'wrong' })).rejects.toThrow('HTTP 401');
    await expect(connect({ origin: 'http://evil.example' })).rejects.toThrow('HTTP 403');
  });

  it('answers a valid call and returns a typed validation error for a bad payload, then keeps serving', async () => {
    const ws = await connect();
    const info = await call(ws, 'app:info', {});
    expect(info).toMatchObject({ t: 'result', result: { ok: true, value: { host: 'browser' } } });
    const bad = await call(ws, 'settings:set', { theme: 'purple' }, 2);
    expect(bad).toMatchObject({ t: 'result', result: { ok: false, error: { code: 'VALIDATION' } } });
    const extra = await call(ws, 'settings:set', { nonsense: 1 }, 3);
    expect(extra).toMatchObject({ result: { ok: false, error: { code: 'VALIDATION' } } });
    const unknown = await call(ws, 'fs:format', {}, 4);
    expect(unknown).toMatchObject({ result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    const garbage = await new Promise<ServerMessage>((resolve) => {
      ws.once('message', (d) => resolve(JSON.parse(d.toString()) as ServerMessage));
      ws.send('{not json');
    });
    expect(garbage).toMatchObject({ t: 'protocolError' });
    const again = await call(ws, 'settings:get', {}, 5);
    expect(again).toMatchObject({ result: { ok: true } });
    ws.close();
  });

  it('answers a result it cannot send as an INTERNAL error, and keeps serving', async () => {
    await host.close();
    // A handler whose value JSON cannot carry: the reply used to throw inside a dropped promise (an unhandled
    // rejection in the server process) and the page's call waited for ever.
    const table = { ...handlers, 'app:info': async () => ({ big: 1n }) } as unknown as HandlerTable;
    host = await startBrowserHost({ services, staticRoot: join(dir, 'static'), port: 0, table });
    const ws = await connect();
    const r = await call(ws, 'app:info', {});
    expect(r).toMatchObject({ t: 'result', id: 1, result: { ok: false, error: { code: 'INTERNAL' } } });
    expect(await call(ws, 'settings:get', {}, 2)).toMatchObject({ result: { ok: true } });
    ws.close();
  });

  it('closes a connection that sends an oversized message', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'app:info', payload: { x: 'a'.repeat(2 * 1024 * 1024) } }));
    expect(await closed).toBe(1009);
  });

  it('keeps every connection that carries the token: a second one (as the e2e helpers open) neither replaces nor closes the first', async () => {
    const first = await connect();
    const second = await connect();
    let firstClosed = false;
    first.once('close', () => (firstClosed = true));
    const events = (ws: WebSocket) =>
      new Promise<void>((resolve) =>
        ws.on('message', (d) => (JSON.parse(d.toString()) as ServerMessage).t === 'event' && resolve()),
      );
    const both = Promise.all([events(first), events(second)]);
    expect(await call(second, 'test:demoTask', { steps: 1, intervalMs: 1 })).toMatchObject({ result: { ok: true } });
    await both;
    second.close();
    expect(await call(first, 'app:info', {})).toMatchObject({ result: { ok: true } });
    expect(firstClosed).toBe(false);
    first.close();
  });

  it('pushes task events to the page', async () => {
    const ws = await connect();
    const seen: string[] = [];
    const finished = new Promise<void>((resolve) => {
      ws.on('message', (d) => {
        const msg = JSON.parse(d.toString()) as ServerMessage;
        if (msg.t === 'event' && msg.event === 'task:updated') {
          const s = msg.payload as { status: string };
          seen.push(s.status);
          if (s.status === 'succeeded') resolve();
        }
      });
    });
    const r = await call(ws, 'test:demoTask', { steps: 3, intervalMs: 5 });
    expect(r).toMatchObject({ result: { ok: true } });
    await finished;
    expect(seen[0]).toBe('running');
    ws.close();
  });

  it('serves index.html with a CSP and refuses path traversal', async () => {
    const res = await fetch(host.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    const trav = await fetch(`${host.url}..%2f..%2fetc%2fpasswd`);
    expect([403, 404]).toContain(trav.status);
  });

  it('hides test-only channels unless test hooks are on', async () => {
    await host.close();
    await services.close();
    services = await createServices({ dataDir: join(dir, 'data2'), testHooks: false });
    host = await startBrowserHost({ services, staticRoot: join(dir, 'static'), port: 0 });
    const ws = await connect();
    const r = await call(ws, 'test:demoTask', { steps: 1, intervalMs: 1 });
    expect(r).toMatchObject({ result: { ok: false, error: { code: 'UNKNOWN_CHANNEL' } } });
    ws.close();
  });
});
