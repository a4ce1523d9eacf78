import { createServer as createHttp, type Server } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { get as httpsGet } from 'node:https';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpHeaders, createPipelineRequest } from '@azure/core-rest-pipeline';
import { createSandboxTls } from '../sandbox/ca.ts';
import { AZURE_PUBLIC } from './clouds.ts';
import { CloudHttp, backoffMs, retryAfterMs, DEFAULT_RETRY } from './http.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

async function listen(s: Server): Promise<string> {
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}

describe('retry rules', () => {
  it('parses Retry-After forms', () => {
    const h = (o: Record<string, string>) => createHttpHeaders(o);
    expect(retryAfterMs(h({ 'retry-after': '2' }))).toBe(2000);
    expect(retryAfterMs(h({ 'retry-after-ms': '150' }))).toBe(150);
    expect(retryAfterMs(h({ 'retry-after': new Date(Date.now() + 3000).toUTCString() }))).toBeGreaterThan(1000);
    expect(retryAfterMs(h({}))).toBeUndefined();
    expect(backoffMs(1, DEFAULT_RETRY, () => 0.5)).toBe(500);
    expect(backoffMs(10, DEFAULT_RETRY, () => 0.5)).toBe(20_000);
  });

  it('retries 429/503 honouring Retry-After, bounded', async () => {
    let n = 0;
    const host = await listen(
      createHttp((req, res) => {
        n++;
        if (n === 1) return res.writeHead(429, { 'retry-after-ms': '20' }).end('{}');
        if (n === 2) return res.writeHead(503).end('{}');
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      }),
    );
    const events: number[] = [];
    const http = new CloudHttp(AZURE_PUBLIC, { retry: { baseDelayMs: 5 }, onRetry: (e) => events.push(e.status ?? 0) });
    const r = await http.sendRequest(
      createPipelineRequest({ url: `http://${host}/x?sig=secret`, method: 'GET', allowInsecureConnection: true }),
    );
    expect(r.status).toBe(200);
    expect(events).toEqual([429, 503]);

    n = 0;
    const always = await listen(
      createHttp((_q, res) => {
        n++;
        res.writeHead(500).end('{}');
      }),
    );
    const h2 = new CloudHttp(AZURE_PUBLIC, { retry: { maxRetries: 2, baseDelayMs: 1 } });
    expect(
      (
        await h2.sendRequest(
          createPipelineRequest({ url: `http://${always}/`, method: 'GET', allowInsecureConnection: true }),
        )
      ).status,
    ).toBe(500);
    expect(n).toBe(3);

    n = 0;
    const long = await listen(
      createHttp((_q, res) => {
        n++;
        res.writeHead(429, { 'retry-after': '3600' }).end('{}');
      }),
    );
    expect(
      (
        await h2.sendRequest(
          createPipelineRequest({ url: `http://${long}/`, method: 'GET', allowInsecureConnection: true }),
        )
      ).status,
    ).toBe(429);
    expect(n).toBe(1);
  });
});

describe('per-cloud CA trust', () => {
  it('trusts the cloud CA for its own client only, never process-wide', async () => {
    const tls = await createSandboxTls();
    const s = createHttps({ cert: tls.certPem, key: tls.keyPem }, (_q, res) =>
      res.writeHead(200).end('{"hello":1}'),
    ) as unknown as Server;
    const host = await listen(s);
    const url = `https://${host}/`;
    const sandboxHttp = new CloudHttp({ ...AZURE_PUBLIC, name: 'LocalSandbox', caCertPem: tls.caCertPem });
    const r = await sandboxHttp.sendRequest(
      createPipelineRequest({ url, method: 'GET', allowInsecureConnection: true }),
    );
    expect(r.status).toBe(200);
    const net = sandboxHttp.msalNetworkModule();
    expect((await net.sendGetRequestAsync<{ hello: number }>(url)).body.hello).toBe(1);
    sandboxHttp.dispose();
    // The public cloud's client and plain Node https do not trust the sandbox CA.
    const publicHttp = new CloudHttp(AZURE_PUBLIC, { retry: { maxRetries: 0 } });
    await expect(
      publicHttp.sendRequest(createPipelineRequest({ url, method: 'GET', allowInsecureConnection: true })),
    ).rejects.toThrow(/certificate|self.signed|issuer/i);
    await expect(new Promise((resolve, reject) => httpsGet(url, resolve).on('error', reject))).rejects.toThrow(
      /certificate|self.signed|issuer/i,
    );
  });
});
