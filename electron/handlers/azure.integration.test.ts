import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from '@playwright/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeJsonAtomic } from '../services/store/atomic.ts';
import { createServices, type Services } from '../services/index.ts';
import { startSandbox, type SandboxHandle } from '../services/sandbox/index.ts';
import type { Exchange } from '../services/sandbox/arm.ts';
import { swaggerReview } from '../services/sandbox/test-swagger.ts';
import { launchSignInBrowser, openBrowserAs } from '../services/sandbox/test-signin.ts';
import { dispatch } from './dispatch.ts';
import { handlers } from './table.ts';
import type { HandlerCtx } from './types.ts';
import { tempDir } from '../services/test-temp.ts';

/** The Azure channels end to end: contract validation → handler → Azure service → sandbox, with the auth events. */
let sb: SandboxHandle;
/** Every ARM request of these flows and the sandbox's answer, for the swagger oracle. */
const exchanges: Exchange[] = [];
let browser: Browser;
let dir: string;
let services: Services;
let ctx: HandlerCtx;
const events: Array<{ event: string; payload: unknown }> = [];
const call = (channel: string, payload: unknown = {}) => dispatch(handlers, channel, payload, ctx);

beforeAll(async () => {
  [sb, browser] = await Promise.all([
    startSandbox({ azurite: false, registrationDelayMs: 0, onArmExchange: (ex) => exchanges.push(ex) }),
    launchSignInBrowser(),
  ]);
  dir = await tempDir('obc-azure-ipc-');
  await writeJsonAtomic(join(dir, 'sandbox-cloud.json'), sb.cloud);
  services = await createServices({ dataDir: dir, openUrl: openBrowserAs(browser, sb.users[0]) });
  await services.settings.set({ cloud: 'LocalSandbox' });
  services.events.tap((event, payload) => events.push({ event, payload }));
  ctx = { services, host: 'browser' };
});
afterAll(async () => {
  await services?.close();
  await browser?.close();
  await sb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('azure IPC channels', () => {
  it('lists clouds and signs in through auth:signIn, publishing auth:signInUrl and auth:changed', async () => {
    const clouds = await call('azure:clouds');
    expect(clouds.ok && clouds.value).toMatchObject({ current: 'LocalSandbox' });
    expect(
      clouds.ok &&
        (clouds.value as { clouds: Array<{ name: string; trustsOwnCa: boolean }> }).clouds.find(
          (c) => c.name === 'LocalSandbox',
        ),
    ).toMatchObject({ trustsOwnCa: true });
    expect(await call('auth:status')).toMatchObject({ ok: true, value: { signedIn: false, cloud: 'LocalSandbox' } });
    const r = await call('auth:signIn', { timeoutSeconds: 60 });
    expect(r).toMatchObject({
      ok: true,
      value: { signedIn: true, account: { username: sb.users[0].username, objectId: sb.users[0].objectId } },
    });
    expect(
      events.some(
        (e) =>
          e.event === 'auth:signInUrl' &&
          String((e.payload as { url: string }).url).includes(`client_id=${sb.cloud.clientId}`),
      ),
    ).toBe(true);
    expect(events.some((e) => e.event === 'auth:changed' && (e.payload as { signedIn: boolean }).signedIn)).toBe(true);
    expect(await call('auth:cancelSignIn')).toEqual({ ok: true, value: { cancelled: false } });
  });

  it('validates payloads with the shared validators before anything reaches Azure', async () => {
    const bad = await call('azure:storageAccounts', { subscriptionId: 'not-a-guid' });
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/is not a GUID/) },
    });
    const track = await call('jobs:updateShipping', {
      subscriptionId: sb.subscriptionId,
      resourceGroup: 'backup-rg',
      jobName: 'seed-x',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: '12', driveCount: 11, shipDate: '2026-01-01' },
    });
    expect(track).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    expect(JSON.stringify(track)).toMatch(/5 to 40 letters/);
  });

  it('runs the job flow over the channels', async () => {
    const sub = sb.subscriptionId;
    expect(
      await call('azure:providerStatus', { subscriptionId: sub, namespace: 'Microsoft.ImportExport' }),
    ).toMatchObject({ ok: true, value: { registered: false } });
    expect(
      await call('azure:registerProvider', {
        subscriptionId: sub,
        namespace: 'Microsoft.ImportExport',
        timeoutSeconds: 30,
      }),
    ).toMatchObject({ ok: true, value: { registered: true } });
    const locs = await call('azure:locations');
    expect(locs.ok && (locs.value as unknown[]).length).toBeGreaterThan(0);
    const created = await call('jobs:create', {
      subscriptionId: sub,
      resourceGroup: 'backup-rg',
      jobName: 'seed-ipc',
      location: 'West US',
      storageAccountId: `/subscriptions/${sub}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
      drives: [
        {
          driveId: 'WD123',
          bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076',
          manifestFile: '\\DriveManifest.xml',
          manifestHash: '109B21108597EF36D5785F08303F3638',
        },
      ],
      returnAddress: {
        contactName: 'Ada',
        phone: '+1 425 555 0100',
        email: 'ada@example.com',
        streetAddress1: '1 Main St',
        city: 'Redmond',
        stateOrProvince: 'WA',
        postalCode: '98052',
        countryOrRegion: 'USA',
      },
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
    });
    expect(created).toMatchObject({ ok: true, value: { name: 'seed-ipc', state: 'Creating' } });
    const ref = { subscriptionId: sub, resourceGroup: 'backup-rg', jobName: 'seed-ipc' };
    const shipped = await call('jobs:updateShipping', {
      ...ref,
      deliveryPackage: {
        carrierName: 'FedEx',
        trackingNumber: '7777 8888 9999',
        driveCount: 1,
        shipDate: new Date().toISOString().slice(0, 10),
      },
    });
    expect(shipped).toMatchObject({
      ok: true,
      value: { state: 'Shipping', deliveryPackage: { trackingNumber: '777788889999' } },
    });
    expect(await call('jobs:list', { subscriptionId: sub })).toMatchObject({
      ok: true,
      value: [expect.objectContaining({ name: 'seed-ipc' })],
    });
    expect(await call('jobs:delete', ref)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { azureCode: 'JobCannotBeDeleted' } },
    });
    // Canceled while Shipping (allowed until Packaging): the job moves to Completed and can then be deleted.
    expect(await call('jobs:cancel', ref)).toMatchObject({
      ok: true,
      value: { state: 'Completed', cancelRequested: true },
    });
    expect(await call('jobs:cancel', ref)).toMatchObject({
      ok: false,
      error: { code: 'CONFLICT', details: { azureCode: 'CancelNotAllowed' } },
    });
    expect(await call('jobs:delete', ref)).toMatchObject({ ok: true });
  });

  it('signs out through auth:signOut and publishes the change', async () => {
    expect(await call('auth:signOut')).toMatchObject({ ok: true, value: { signedIn: false } });
    expect((events.at(-1)?.payload as { signedIn: boolean }).signedIn).toBe(false);
    expect(await call('azure:subscriptions')).toMatchObject({ ok: false, error: { code: 'SIGNIN_REQUIRED' } });
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(expect.arrayContaining(['Jobs_Create @ 2020-08-01', 'Jobs_Get @ 2020-08-01']));
    expect(r.problems).toEqual([]);
  });
});
