import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, mkdir, writeFile } from 'node:fs/promises';
import { networkInterfaces } from 'node:os';
import { connect as netConnect } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createServices, type Services } from '../services/index.ts';
import { startBrowserHost, type BrowserHost, type BrowserHostOptions } from './server.ts';
import type { ServerMessage } from '../../shared/ws-protocol.ts';
import { tempDir } from '../services/test-temp.ts';

/**
 * Issue 9, browser-mode host, the points server.test.ts does not prove on the wire: loopback even when asked
 * otherwise, upgrades on other paths and smuggled paths, every foreign Origin spelling, fragmented and compressed
 * oversized messages, malformed frames, and the plain HTTP side (methods, raw request lines).
 */
let dir: string;
let services: Services;
let host: BrowserHost;

beforeAll(async () => {
  dir = await tempDir('obc-server-hard-');
  const staticRoot = join(dir, 'static');
  await mkdir(staticRoot);
  await writeFile(join(staticRoot, 'index.html'), '<!doctype html><title>t</title>');
  services = await createServices({ dataDir: join(dir, 'data'), testHooks: false });
  // A caller asking for every interface (a field the options do not have) still gets loopback.
  host = await startBrowserHost({
    services,
    staticRoot,
    port: 0,
    host: '0.0.0.0',
    hostname: '::',
  } as BrowserHostOptions);
});
afterAll(async () => {
  await host?.close();
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

function open(
  path: string,
  o: { origin?: string | null; headers?: Record<string, string>; perMessageDeflate?: boolean } = {},
): Promise<WebSocket> {
  const headers: Record<string, string> = { ...o.headers };
  const origin = o.origin === undefined ? `http://127.0.0.1:${host.port}` : o.origin;
  const ws = new WebSocket(`ws://127.0.0.1:${host.port}${path}`, {
    ...(origin === null ? {} : { origin }),
    headers,
    perMessageDeflate: o.perMessageDeflate ?? false,
  });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}
const tok = () => encodeURIComponent(host.token);

/** One raw HTTP exchange on a plain TCP socket; resolves with what the server sent before closing. */
function raw(request: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = netConnect(host.port, '127.0.0.1');
    let got = '';
    const timer = setTimeout(() => {
      s.destroy();
      resolve(got);
    }, timeoutMs);
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (/\r\n\r\n/.test(got) && !/^HTTP\/1\.1 101/.test(got)) s.end();
    });
    s.on('close', () => {
      clearTimeout(timer);
      resolve(got);
    });
    s.on('error', reject);
    s.write(request);
  });
}
const upgradeHeaders = (origin: string) =>
  `Host: 127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: ${origin}\r\n\r\n`;

describe('browser-mode host hardening', () => {
  it('binds 127.0.0.1 only, even when options ask for every interface', async () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/`);
    // Every non-loopback address of this machine refuses the connection.
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const addr of others) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = netConnect(host.port, addr);
        s.once('connect', () => (s.destroy(), resolve(false)));
        s.once('error', () => resolve(true));
      });
      expect(refused, `reachable on ${addr}`).toBe(true);
    }
    // ::1 (IPv6 loopback) is not bound either; only the one address printed in the Console line.
    const v6 = await new Promise<boolean>((resolve) => {
      const s = netConnect({ port: host.port, host: '::1' });
      s.once('connect', () => (s.destroy(), resolve(false)));
      s.once('error', () => resolve(true));
    });
    expect(v6).toBe(true);
  });

  it('upgrades only on /ws: other paths and smuggled spellings of the path are refused even with the token', async () => {
    for (const p of ['/', '/index.html', '/ws/', '/WS', '/%77s', '//ws', '/ws;x', '/api/ws', '/ws%00']) {
      await expect(open(`${p}?token=${tok()}`), p).rejects.toThrow(/HTTP (400|401|404)/);
    }
    // Absolute-form and a dot-segment request line on a raw socket, with a valid token and origin: no 101.
    for (const line of [
      `GET http://evil.example/x/../../ws?token=${tok()} HTTP/1.1`,
      `GET /static/..%2fws?token=${tok()} HTTP/1.1`,
      `GET /./ws?token=${tok()} HTTP/1.1`,
      `GET /ws/.?token=${tok()} HTTP/1.1`,
    ]) {
      const res = await raw(`${line}\r\n${upgradeHeaders(`http://127.0.0.1:${host.port}`)}`);
      expect(res, line).not.toMatch(/^HTTP\/1\.1 101/);
    }
  });

  it('the token must be exact: case, padding, a second parameter or a prefix do not pass', async () => {
    const t = host.token;
    for (const q of [
      `token=${encodeURIComponent(t.toUpperCase())}`,
      `token=${tok()}%20`,
      `token=${tok()}x`,
      `token=${encodeURIComponent(t.slice(0, -1))}`,
      `token=wrong&token=${tok()}`,
      `TOKEN=${tok()}`,
      `token[]=${tok()}`,
    ]) {
      await expect(open(`/ws?${q}`), q).rejects.toThrow('HTTP 401');
    }
  });

  it('refuses every foreign or missing Origin', async () => {
    const p = host.port;
    for (const origin of [
      null,
      'null',
      'file://',
      `https://127.0.0.1:${p}`,
      `http://127.0.0.1:${p + 1}`,
      `http://127.0.0.1:${p}.evil.example`,
      `http://evil.example#http://127.0.0.1:${p}`,
      `http://localhost.evil.example:${p}`,
      `http://127.0.0.2:${p}`,
      `http://[::1]:${p}`,
      `chrome-extension://abc`,
    ]) {
      await expect(open(`/ws?token=${tok()}`, { origin }), String(origin)).rejects.toThrow('HTTP 403');
    }
  });

  it('does not negotiate compression (no decompression bomb) and closes fragmented oversized messages', async () => {
    const ws = await open(`/ws?token=${tok()}`, { perMessageDeflate: true });
    expect(ws.extensions).toBe('');
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    const part = 'a'.repeat(400 * 1024);
    ws.send(`{"t":"invoke","id":1,"channel":"app:info","payload":"${part}`, { fin: false });
    ws.send(part, { fin: false });
    ws.send(part, { fin: false });
    ws.send('"}', { fin: true });
    expect(await closed).toBe(1009);
  });

  it('malformed messages get a protocol error and the connection keeps working', async () => {
    const ws = await open(`/ws?token=${tok()}`);
    const next = () =>
      new Promise<ServerMessage>((resolve) =>
        ws.once('message', (d) => resolve(JSON.parse(d.toString()) as ServerMessage)),
      );
    const bad: Array<string | Buffer> = [
      Buffer.from([0xff, 0xfe, 0x00]),
      '',
      'null',
      '[]',
      '"invoke"',
      '{"t":"invoke","id":"1","channel":"app:info"}',
      '{"t":"invoke","id":1e309,"channel":"app:info"}',
      '{"t":"invoke","id":9007199254740993,"channel":"app:info"}',
      '{"t":"invoke","id":1,"channel":{"toString":"x"}}',
      '{"t":"result","id":1,"result":{"ok":true}}',
      '{"__proto__":{"t":"invoke"},"id":1,"channel":"app:info"}',
    ];
    for (const m of bad) {
      const reply = next();
      ws.send(m, { binary: Buffer.isBuffer(m) });
      expect(await reply, String(m)).toMatchObject({ t: 'protocolError' });
    }
    // A deeply nested payload (well under 1 MiB) is answered with an error value, not a crash.
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    let reply = next();
    ws.send(`{"t":"invoke","id":7,"channel":"settings:set","payload":${deep}}`);
    expect(await reply).toMatchObject({ t: 'result', id: 7, result: { ok: false } });
    reply = next();
    ws.send(JSON.stringify({ t: 'invoke', id: 8, channel: 'app:info', payload: {} }));
    expect(await reply).toMatchObject({ t: 'result', id: 8, result: { ok: true } });
    expect(({} as Record<string, unknown>).t).toBeUndefined();
    ws.close();
  });

  it('plain HTTP: only GET and HEAD, security headers, no directory listing, smuggling attempts do not reach the socket layer', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']) {
      const res = await raw(`${method} / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\n\r\n`);
      expect(res, method).toMatch(/^HTTP\/1\.1 (400|405)/);
    }
    // CONNECT (a proxy tunnel) has no handler: the socket is closed without an answer.
    expect(await raw(`CONNECT 127.0.0.1:${host.port} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`)).not.toMatch(
      /^HTTP\/1\.1 2/,
    );
    const res = await fetch(host.url);
    for (const h of ['content-security-policy', 'x-content-type-options', 'x-frame-options', 'referrer-policy'])
      expect(res.headers.get(h), h).toBeTruthy();
    // Content-Length together with Transfer-Encoding (request smuggling) is rejected by Node's parser.
    const smuggle = await raw(
      `POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /ws?token=${tok()} HTTP/1.1\r\n${upgradeHeaders(`http://127.0.0.1:${host.port}`)}`,
    );
    expect(smuggle).toMatch(/^HTTP\/1\.1 400/);
    expect(smuggle).not.toMatch(/HTTP\/1\.1 101/);
    for (const p of [
      '/..%2f..%2fetc%2fpasswd',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/..\\..\\etc\\passwd',
      '/static/',
      '/%00',
    ]) {
      const r = await fetch(`${host.url.slice(0, -1)}${p}`);
      expect([400, 403, 404], p).toContain(r.status);
    }
  });
});
