/**
 * Fault suite 3 (cloud): creating the import job while the sandbox answers 429 (Retry-After), 500, 503, drops
 * connections (a TCP proxy in front of its ARM endpoint closes them), or while the access token expires mid-job.
 * Transient faults are retried and the job is created once; persistent ones end with a clear message (code and
 * text asserted), no job half-created, and a rerun that succeeds once the fault is gone. The test signs in with
 * tokens minted like the sandbox's identity server does (no browser), so expiry is exact, not waited for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { createJobSchema, type CreateJobInput } from '../../shared/contract/azure.ts';
import { startSandbox, type SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { mintToken } from '../../electron/services/sandbox/test-tokens.ts';
import { sandboxAdmin } from '../../electron/services/azure/test-azure-env.ts';
import { CloudHttp, type RetryEvent } from '../../electron/services/azure/http.ts';
import { AzureClients } from '../../electron/services/azure/clients.ts';
import type { CloudAuth } from '../../electron/services/azure/signin.ts';
import { ImportExportBackend } from '../../electron/services/azure/jobs/import-export.ts';
import { sbRequest } from '../../electron/services/sandbox/test-http.ts';

const RG = 'backup-rg';
let sb: SandboxHandle;
let proxy: Server;
let dropNext = 0;
let dropped = 0;
const sockets = new Set<Socket>();
/** What the fake sign-in hands out: a fresh token, or (after "expiry") an expired one. */
let tokenState: 'fresh' | 'expired' = 'fresh';
const retries: RetryEvent[] = [];
let ie: ImportExportBackend;
let http: CloudHttp;

const input = (jobName: string): CreateJobInput =>
  createJobSchema.parse({
    subscriptionId: sb.subscriptionId,
    resourceGroup: RG,
    jobName,
    location: 'West US',
    storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
    drives: [
      {
        driveId: '9CA995BB',
        bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076',
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '109B21108597EF36D5785F08303F3638',
      },
    ],
    returnAddress: {
      contactName: 'Ada Admin',
      phone: '+1 425 555 0100',
      email: 'ada@example.com',
      streetAddress1: '1 Main Street',
      city: 'Redmond',
      stateOrProvince: 'WA',
      postalCode: '98052',
      countryOrRegion: 'USA',
    },
    returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
  });
const ref = (jobName: string) => ({ subscriptionId: sb.subscriptionId, resourceGroup: RG, jobName });
const fault = (spec: object) => sandboxAdmin(sb, '/faults', spec);
const clearFaults = () =>
  fetch(`${sb.admin.url}/faults`, { method: 'DELETE', headers: { authorization: `Bearer ${sb.admin.token}` } });

beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0, azurite: false });
  const armPort = Number(new URL(sb.armUrl).port);
  // TCP proxy in front of ARM: closes the next `dropNext` connections as they arrive (a dropped connection).
  proxy = createServer((c) => {
    sockets.add(c);
    c.on('close', () => sockets.delete(c));
    if (dropNext > 0) {
      dropNext--;
      dropped++;
      c.destroy();
      return;
    }
    const up = connect(armPort, '127.0.0.1');
    sockets.add(up);
    up.on('close', () => sockets.delete(up));
    c.pipe(up).pipe(c);
    c.on('error', () => up.destroy());
    up.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const port = (proxy.address() as { port: number }).port;
  const cloud = { ...sb.cloud, armEndpoint: `https://127.0.0.1:${port}` };
  const user = sb.users[0];
  const auth = {
    credential: () => ({
      getToken: async () => ({
        token: await mintToken(sb, user, { expiresInSeconds: tokenState === 'fresh' ? 3600 : -120 }),
        expiresOnTimestamp: Date.now() + 3_600_000,
        tokenType: 'Bearer' as const,
      }),
    }),
  } as unknown as CloudAuth;
  http = new CloudHttp(cloud, {
    retry: { baseDelayMs: 20, maxDelayMs: 200, maxRetries: 4 },
    onRetry: (e) => retries.push(e),
  });
  ie = new ImportExportBackend(new AzureClients(auth, http));
  const token = await mintToken(sb, user);
  await sbRequest(
    `${sb.armUrl}/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`,
    { method: 'POST', token, ca: sb.caCertPem },
  );
});
afterAll(async () => {
  http?.dispose();
  for (const s of sockets) s.destroy();
  await new Promise((r) => proxy?.close(r));
  await sb?.stop();
});

async function absent(jobName: string): Promise<void> {
  const err = await ie.get(ref(jobName)).catch((e) => e);
  expect(err?.code, `job ${jobName} must not exist`).toBe('NOT_FOUND');
}

describe('cloud faults while creating the import job', () => {
  it('transient 429 (Retry-After), 500 and 503 are retried; the job is created once', async () => {
    retries.length = 0;
    await fault({
      kind: 'throttle',
      surface: 'arm',
      method: 'PUT',
      pathContains: '/jobs/fault-transient',
      retryAfterSeconds: 1,
      count: 1,
    });
    await fault({ kind: 'error500', surface: 'arm', method: 'PUT', pathContains: '/jobs/fault-transient', count: 1 });
    await fault({ kind: 'error503', surface: 'arm', method: 'PUT', pathContains: '/jobs/fault-transient', count: 1 });
    const job = await ie.create(input('fault-transient'));
    expect(job.name).toBe('fault-transient');
    expect(retries.map((r) => r.status)).toEqual([429, 500, 503]);
    expect(retries[0].delayMs).toBe(1000); // Retry-After honoured
    expect((await ie.list(sb.subscriptionId, RG)).filter((j) => j.name === 'fault-transient')).toHaveLength(1);
  });

  it('persistent 429: THROTTLED naming the operation and when to retry; nothing created; a rerun succeeds', async () => {
    retries.length = 0;
    await fault({
      kind: 'throttle',
      surface: 'arm',
      method: 'PUT',
      pathContains: '/jobs/fault-throttled',
      retryAfterSeconds: 0,
      count: 50,
    });
    const err = await ie.create(input('fault-throttled')).catch((e) => e);
    expect(err.code).toBe('THROTTLED');
    expect(err.message).toMatch(/Create import job fault-throttled.*throttling requests \(429/);
    expect(retries.length).toBe(4);
    await clearFaults();
    await absent('fault-throttled');
    expect((await ie.create(input('fault-throttled'))).name).toBe('fault-throttled');
  });

  it('persistent 500 / 503: AZURE error with the status and the service message; a rerun succeeds', async () => {
    for (const kind of ['error500', 'error503'] as const) {
      const name = `fault-${kind}`;
      await fault({ kind, surface: 'arm', method: 'PUT', pathContains: `/jobs/${name}`, count: 50 });
      const err = await ie.create(input(name)).catch((e) => e);
      expect(err.code, kind).toBe('AZURE');
      expect(err.message).toMatch(
        new RegExp(`Create import job ${name}.*Azure answered ${kind === 'error500' ? 500 : 503}`),
      );
      await clearFaults();
      await absent(name);
      expect((await ie.create(input(name))).name).toBe(name);
    }
  });

  it('dropped connections: a few are retried transparently; when they keep dropping, NETWORK "cannot reach"; a rerun succeeds', async () => {
    retries.length = 0;
    dropped = 0;
    for (const s of sockets) s.destroy(); // no kept-alive connection: the next request must connect (and be dropped)
    dropNext = 2;
    expect((await ie.create(input('fault-drop-once'))).name).toBe('fault-drop-once');
    expect(dropped).toBe(2);
    expect(retries.length).toBeGreaterThanOrEqual(2);

    for (const s of sockets) s.destroy();
    dropNext = 1000;
    const err = await ie.create(input('fault-drop-always')).catch((e) => e);
    dropNext = 0;
    expect(err.code, err.message).toBe('NETWORK');
    expect(err.message).toMatch(
      /Create import job fault-drop-always in resource group backup-rg: cannot reach the service \(ECONNRESET/,
    );
    await absent('fault-drop-always');
    expect((await ie.create(input('fault-drop-always'))).name).toBe('fault-drop-always');
  });

  it('the access token expires mid-job: SIGNIN_REQUIRED with "sign in" advice, nothing half-done; after signing in again the job continues', async () => {
    tokenState = 'fresh';
    await ie.create(input('fault-token'));
    tokenState = 'expired'; // between creating the job and recording the shipment
    const pkg = {
      carrierName: 'FedEx',
      trackingNumber: '1ZTOKEN0001',
      driveCount: 1,
      shipDate: new Date().toISOString().slice(0, 10),
    };
    const err = await ie.updateTracking(ref('fault-token'), pkg).catch((e) => e);
    expect(err.code).toBe('SIGNIN_REQUIRED');
    expect(err.message).toMatch(/refused the sign-in/i);
    tokenState = 'fresh'; // signed in again
    expect((await ie.get(ref('fault-token'))).state).toBe('Creating'); // the refused update changed nothing
    const shipped = await ie.updateTracking(ref('fault-token'), pkg);
    expect(shipped.state).toBe('Shipping');
  });
});
