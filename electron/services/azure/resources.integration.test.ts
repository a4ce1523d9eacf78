import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAzureTestEnv, type AzureTestEnv } from './test-azure-env.ts';
import { swaggerReview } from '../sandbox/test-swagger.ts';
import type { AzureService } from './azure-service.ts';

/** Subscriptions, storage accounts, containers, providers, locations and throttling, against the sandbox ARM emulator. */
let env: AzureTestEnv;
let svc: AzureService;
let sub: string;

beforeAll(async () => {
  env = await startAzureTestEnv({ registrationDelayMs: 150 });
  env.as.user = env.sb.users[0];
  svc = await env.service();
  await svc.signIn({ timeoutMs: 30_000 });
  sub = env.sb.subscriptionId;
});
afterAll(async () => {
  await env?.close();
});

describe('resources through the SDK packages', () => {
  it('lists subscriptions', async () => {
    const subs = await svc.subscriptions();
    expect(subs).toEqual(expect.arrayContaining([expect.objectContaining({ subscriptionId: sub, state: 'Enabled' })]));
  });

  it('lists storage accounts with kind, location and resource group, and refuses BlobStorage with the reason', async () => {
    const list = await svc.storageAccounts(sub);
    const by = Object.fromEntries(list.map((a) => [a.name, a]));
    expect(by.obcseedv2).toMatchObject({ kind: 'StorageV2', resourceGroup: 'backup-rg', pageBlobEligible: true });
    expect(by.obcseedv2.location).not.toBe('');
    expect(by.obcclassicv1).toMatchObject({ kind: 'Storage', pageBlobEligible: true });
    expect(by.obcblobonly).toMatchObject({ kind: 'BlobStorage', resourceGroup: 'archive-rg', pageBlobEligible: false });
    expect(by.obcblobonly.ineligibleReason).toMatch(/page blobs/);
    await expect(svc.createContainer(sub, 'archive-rg', 'obcblobonly', 'seed')).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/BlobStorage/),
    });
  });

  it('lists and creates containers (idempotent)', async () => {
    const made = await svc.createContainer(sub, 'backup-rg', 'obcseedv2', 'seed-data');
    expect(made).toEqual({ name: 'seed-data', created: true });
    expect(await svc.createContainer(sub, 'backup-rg', 'obcseedv2', 'seed-data')).toEqual({
      name: 'seed-data',
      created: false,
    });
    expect((await svc.containers(sub, 'backup-rg', 'obcseedv2')).map((c) => c.name)).toContain('seed-data');
    await expect(svc.containers(sub, 'backup-rg', 'nosuchacct')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('checks, registers and waits for the resource providers', async () => {
    const before = await svc.providerStatus(sub, 'Microsoft.DataBox');
    expect(before).toMatchObject({ namespace: 'Microsoft.DataBox', registered: false });
    const states: string[] = [];
    const after = await svc.registerProvider(sub, 'Microsoft.DataBox', { onState: (s) => states.push(s) });
    expect(after).toMatchObject({ registrationState: 'Registered', registered: true });
    expect(states).toContain('Registering');
    expect(await svc.registerProvider(sub, 'Microsoft.DataBox')).toMatchObject({ registered: true });
  });

  it('lists Import/Export locations with address, phone, carriers and alternates', async () => {
    const locs = await svc.locations();
    const west = locs.find((l) => l.name === 'West US')!;
    expect(west).toMatchObject({ id: '/providers/Microsoft.ImportExport/locations/westus', city: 'Santa Clara' });
    expect(west.phone).toBeTruthy();
    expect(west.supportedCarriers.length).toBeGreaterThan(0);
    expect(west.alternateLocations).toContain(west.id);
    const north = locs.find((l) => l.name === 'North Europe')!;
    expect(north.alternateLocations).toEqual(['/providers/Microsoft.ImportExport/locations/westeurope']);
    expect(north.additionalShippingInformation).toMatch(/maintenance/);
  });
});

describe('throttling and transient faults', () => {
  it('retries 429 (honouring Retry-After) and 500/503, then succeeds', async () => {
    env.sb.faults.add({
      kind: 'throttle',
      surface: 'arm',
      pathContains: 'storageAccounts',
      count: 1,
      retryAfterSeconds: 1,
    });
    env.sb.faults.add({ kind: 'error503', surface: 'arm', pathContains: 'storageAccounts', count: 1 });
    env.sb.faults.add({ kind: 'error500', surface: 'arm', pathContains: 'storageAccounts', count: 1 });
    const t0 = Date.now();
    const list = await svc.storageAccounts(sub);
    expect(list.length).toBe(3);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // waited for Retry-After: 1
    expect(env.sb.faults.list()).toEqual([]);
  });

  it('gives up after a bounded number of retries with THROTTLED', async () => {
    const impatient = await env.service({
      dataDir: (svc as AzureService & { dataDir: string }).dataDir,
      http: { retry: { maxRetries: 2, baseDelayMs: 10 } },
    });
    env.sb.faults.add({
      kind: 'throttle',
      surface: 'arm',
      pathContains: '/subscriptions',
      count: 5,
      retryAfterSeconds: 0,
    });
    const err = await impatient.subscriptions().catch((e) => e);
    expect(err).toMatchObject({ code: 'THROTTLED' });
    expect(env.sb.faults.list()[0]?.count).toBe(2); // 1 try + 2 retries consumed 3 of 5
    env.sb.faults.clear();
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(env.exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(
      expect.arrayContaining([
        'Subscriptions_List @ 2022-12-01',
        'Providers_Get @ 2025-04-01',
        'Providers_Register @ 2025-04-01',
        'StorageAccounts_List @ 2026-09-01',
        'StorageAccounts_GetProperties @ 2026-09-01',
        'BlobContainers_List @ 2026-09-01',
        'BlobContainers_Get @ 2026-09-01',
        'BlobContainers_Create @ 2026-09-01',
      ]),
    );
    expect(r.notHeld).toEqual([]);
    expect(r.problems).toEqual([]);
  });
});
