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
import { runDiskPrep } from '../services/diskprep/engine.ts';
import { FolderDiskProvider } from '../services/diskprep/folder-disk.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  TEST_SHIPPING,
  makeDisks,
  makeStaging,
  testCredential,
} from '../services/diskprep/test-staging.ts';
import { dispatch } from './dispatch.ts';
import { handlers } from './table.ts';
import type { HandlerCtx } from './types.ts';
import { tempDir } from '../services/test-temp.ts';

/** diskprep:createJob end to end: contract → handler → Disk Prep + Azure services → sandbox; keys never in the reply. */
let sb: SandboxHandle;
/** Every ARM request of these flows and the sandbox's answer, for the swagger oracle. */
const exchanges: Exchange[] = [];
let browser: Browser;
let dir: string;
let services: Services;
let ctx: HandlerCtx;
const call = (channel: string, payload: unknown = {}) => dispatch(handlers, channel, payload, ctx);
const SHIPPING = TEST_SHIPPING;

beforeAll(async () => {
  [sb, browser] = await Promise.all([
    startSandbox({ azurite: false, registrationDelayMs: 0, onArmExchange: (ex) => exchanges.push(ex) }),
    launchSignInBrowser(),
  ]);
  dir = await tempDir('obc-dp-createjob-');
  await writeJsonAtomic(join(dir, 'data', 'sandbox-cloud.json'), sb.cloud);
  services = await createServices({ dataDir: join(dir, 'data'), openUrl: openBrowserAs(browser, sb.users[0]) });
  await services.settings.set({ cloud: 'LocalSandbox' });
  ctx = { services, host: 'browser' };
  expect(await call('auth:signIn', { timeoutSeconds: 60 })).toMatchObject({ ok: true });
}, 120_000);
afterAll(async () => {
  await services?.close();
  await browser?.close();
  await sb?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('diskprep:createJob', () => {
  it('creates the job for the prepared disks (registering the provider), then finds it again; bad input is refused first', async () => {
    const stagingLocation = join(dir, 'staging');
    await makeStaging(stagingLocation, 'ipc-job', [2 * MiB, 1 * MiB], { storageAccount: 'obcseedv2' });
    const disks = await makeDisks(join(dir, 'disks'), [8 * MiB], 'IPCJOB');
    const base = { stagingLocation, job: 'ipc-job', passphrase: TEST_PASSPHRASE };

    // Nothing prepared yet: named, not a crash.
    expect(await call('diskprep:createJob', { ...base, shipping: SHIPPING })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: expect.stringMatching(/No prepared disks yet/) },
    });
    await runDiskPrep({
      stagingLocation,
      job: 'ipc-job',
      disks: disks.map((id) => ({ id })),
      providers: { folder: new FolderDiskProvider() },
      credential: testCredential,
      passphrase: TEST_PASSPHRASE,
    });

    expect(await call('diskprep:createJob', { ...base, shipping: { ...SHIPPING, email: 'nope' } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringMatching(/email: Email "nope" is not an email address/) },
    });
    expect(
      await call('diskprep:createJob', { ...base, shipping: { ...SHIPPING, carrierName: 'Pigeon' } }),
    ).toMatchObject({ ok: false, error: { code: 'VALIDATION', message: expect.stringMatching(/carrierName/) } });
    expect(await call('diskprep:createJob', { ...base, shipping: { ...SHIPPING, extra: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });
    expect(
      await call('diskprep:createJob', { ...base, passphrase: 'wrong passphrase for sure', shipping: SHIPPING }),
    ).toMatchObject({ ok: false, error: { code: 'WRONG_PASSPHRASE' } });

    const made = await call('diskprep:createJob', { ...base, shipping: SHIPPING, backend: 'ImportExport' });
    expect(made).toMatchObject({
      ok: true,
      value: {
        created: true,
        job: { name: 'ipc-job', state: 'Creating', drives: [{ driveId: 'IPCJOB1' }] },
        target: { storageAccount: 'obcseedv2', resourceGroup: 'backup-rg', providerRegistered: true },
      },
    });
    expect(JSON.stringify(made)).not.toMatch(/\d{6}(-\d{6}){7}/);
    const again = await call('diskprep:createJob', { ...base, shipping: SHIPPING, backend: 'ImportExport' });
    expect(again).toMatchObject({ ok: true, value: { created: false, job: { name: 'ipc-job' } } });
    expect(await call('shipping:getDefaults')).toMatchObject({ ok: true, value: { contactName: 'Ada Admin' } });
    // Without a job type (seed.json records none): Data Box (decision 1), but these disks already have an Import/Export
    // job of that name — refused, not a second job for the same disks (Microsoft.DataBox registered on the way).
    const dbx = await call('diskprep:createJob', { ...base, shipping: SHIPPING });
    expect(dbx).toMatchObject({
      ok: false,
      error: {
        code: 'CONFLICT',
        message: expect.stringMatching(
          /An Import\/Export job named ipc-job already exists in resource group backup-rg \(state Creating\); these disks belong to it/,
        ),
      },
    });
    expect(await call('diskprep:createJob', { ...base, shipping: SHIPPING, backend: 'Pigeon' })).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION' },
    });

    // Another staged job, no job type asked for and none in seed.json: a Data Box customer-disk job.
    await makeStaging(stagingLocation, 'ipc-dbx', [1 * MiB], { storageAccount: 'obcseedv2' });
    const dbxDisks = await makeDisks(join(dir, 'dbx-disks'), [4 * MiB], 'IPCDBX');
    await runDiskPrep({
      stagingLocation,
      job: 'ipc-dbx',
      disks: dbxDisks.map((id) => ({ id })),
      providers: { folder: new FolderDiskProvider() },
      credential: testCredential,
      passphrase: TEST_PASSPHRASE,
    });
    const made2 = await call('diskprep:createJob', {
      stagingLocation,
      job: 'ipc-dbx',
      passphrase: TEST_PASSPHRASE,
      shipping: SHIPPING,
    });
    expect(made2).toMatchObject({
      ok: true,
      value: {
        created: true,
        job: { name: 'ipc-dbx', backend: 'DataBox', drives: [{ driveId: 'IPCDBX1' }] },
        target: { backend: 'DataBox', providerNamespace: 'Microsoft.DataBox', providerRegistered: true },
      },
    });
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(expect.arrayContaining(['Jobs_Create @ 2020-08-01', 'Jobs_Create @ 2025-07-01']));
    expect(r.problems).toEqual([]);
  });
});
