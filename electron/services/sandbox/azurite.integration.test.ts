import { createServer, type Server } from 'node:http';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { loadOrCreateTls } from './ca.ts';
import { startAzurite, startAzuriteOn, type AzuriteHandle } from './azurite.ts';
import { tempDir } from '../test-temp.ts';

let dir = '';
let other: Server | undefined;
let azurite: AzuriteHandle | undefined;

afterEach(async () => {
  await azurite?.stop();
  azurite = undefined;
  if (other) await new Promise<void>((resolve) => other!.close(() => resolve()));
  other = undefined;
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function options() {
  dir = await tempDir('obc-azurite-');
  await loadOrCreateTls(dir);
  return {
    location: join(dir, 'azurite'),
    accounts: [],
    certPath: join(dir, 'tls', 'server.pem'),
    keyPath: join(dir, 'tls', 'server-key.pem'),
  };
}

// The race seen in CI: another test's plain-HTTP server held the port Azurite was given, a TCP connect succeeded
// against it, and the HTTPS client failed later with "wrong version number". Start-up must see the collision.
test('a port another server holds is an error naming EADDRINUSE, not a running Azurite', async () => {
  const opts = await options();
  other = createServer((_req, res) => res.end('not azurite'));
  await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', () => resolve()));
  const port = (other.address() as { port: number }).port;
  await expect(startAzuriteOn(opts, port)).rejects.toThrow(/EADDRINUSE/);
});

test('started without a port, Azurite answers on the port it reports', async () => {
  azurite = await startAzurite(await options());
  const res = await fetch(`${azurite.baseUrl}/devstoreaccount1?comp=list`).catch((err: Error) => err);
  // The sandbox CA is not trusted by fetch: a TLS error proves a TLS server is there; plain HTTP would not say this.
  expect(String((res as Error).cause ?? res)).toMatch(/certificate|self.signed|UNABLE_TO/i);
});
