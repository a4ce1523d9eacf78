import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rm, mkdir, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { join } from 'node:path';
import { createServices, type Services } from '../services/index.ts';
import { startBrowserHost, type BrowserHost } from './server.ts';
import { TOKEN_CHECK_PATH } from '../../shared/ws-protocol.ts';
import { tempDir } from '../services/test-temp.ts';

/**
 * POST /token-check: a page whose WebSocket handshake failed asks whether its token is the running host's, so it
 * can say "this console address is out of date" instead of "host unreachable". It answers yes/no and nothing else,
 * and only to the console's own Origin.
 */
let dir: string;
let services: Services;
let host: BrowserHost;

beforeAll(async () => {
  dir = await tempDir('obc-token-check-');
  const staticRoot = join(dir, 'static');
  await mkdir(staticRoot);
  await writeFile(join(staticRoot, 'index.html'), '<!doctype html><title>t</title>');
  services = await createServices({ dataDir: join(dir, 'data'), testHooks: false });
  host = await startBrowserHost({ services, staticRoot, port: 0 });
});
afterAll(async () => {
  await host?.close();
  await services?.close();
  await rm(dir, { recursive: true, force: true });
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

function post(
  body: string | Buffer[],
  o: { origin?: string | null; method?: string; path?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const origin = o.origin === undefined ? `http://127.0.0.1:${host.port}` : o.origin;
  const headers: Record<string, string> = {
    'Content-Type': 'text/plain;charset=UTF-8',
    ...(origin === null ? {} : { Origin: origin }),
    ...o.headers,
  };
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path: o.path ?? TOKEN_CHECK_PATH, method: o.method ?? 'POST', headers },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
        res.on('error', reject);
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      err.code === 'ECONNRESET' || err.code === 'EPIPE' ? resolve({ status: -1, headers: {}, body: '' }) : reject(err),
    );
    if (Array.isArray(body)) {
      for (const b of body) req.write(b);
      req.end();
    } else req.end(body);
  });
}

describe('POST /token-check', () => {
  it('answers only {"valid":true} for the running token and {"valid":false} for any other, not cached', async () => {
    const ok = await post(host.token);
    expect(ok.status).toBe(200);
    expect(JSON.parse(ok.body)).toEqual({ valid: true });
    expect(ok.headers['cache-control']).toBe('no-store');
    expect(ok.headers['content-security-policy']).toBeTruthy();
    const t = host.token;
    for (const wrong of [
      '',
      'stale-token-of-the-previous-run',
      t.toUpperCase(),
      `${t} `,
      `${t}x`,
      t.slice(0, -1),
      'a'.repeat(1000),
    ]) {
      const r = await post(wrong);
      expect(r.status, wrong).toBe(200);
      expect(r.body, wrong).toBe('{"valid":false}');
    }
    // localhost is the same console.
    expect((await post(host.token, { origin: `http://localhost:${host.port}` })).body).toBe('{"valid":true}');
  });

  it('a foreign or missing Origin gets 403 and no answer about the token', async () => {
    const p = host.port;
    for (const origin of [
      null,
      'null',
      'http://evil.example',
      `http://127.0.0.1:${p + 1}`,
      `https://127.0.0.1:${p}`,
      `http://127.0.0.1:${p}.evil.example`,
    ]) {
      for (const token of [host.token, 'wrong']) {
        const r = await post(token, { origin });
        expect(r.status, String(origin)).toBe(403);
        expect(r.body).toBe('');
      }
    }
  });

  it('other methods, other spellings of the path and oversized bodies are refused', async () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'OPTIONS']) {
      const r = await post('', { method });
      expect(r.status, method).toBe(405);
      expect(r.body).not.toContain('valid');
    }
    for (const path of [
      `${TOKEN_CHECK_PATH}/`,
      `${TOKEN_CHECK_PATH}?x=1`,
      '/TOKEN-CHECK',
      '/%74oken-check',
      `/.${TOKEN_CHECK_PATH}`,
    ]) {
      const r = await post(host.token, { path });
      expect(r.body, path).not.toContain('valid');
    }
    const declared = await post('a'.repeat(2000));
    expect(declared.status).toBe(413);
    // Chunked (no Content-Length): cut off once it passes the limit.
    const chunked = await post([Buffer.alloc(800, 97), Buffer.alloc(800, 97)], {
      headers: { 'Transfer-Encoding': 'chunked' },
    });
    expect(chunked.status).toBe(413);
    // The host keeps answering.
    expect((await post(host.token)).body).toBe('{"valid":true}');
  });
});
