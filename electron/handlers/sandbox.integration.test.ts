import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../services/index.ts';
import { runDiskPrep } from '../services/diskprep/engine.ts';
import { FolderDiskProvider } from '../services/diskprep/folder-disk.ts';
import { createJobFromDrives, passphraseProtector } from '../services/diskprep/drives-file.ts';
import { stateDirFor } from '../services/diskprep/session.ts';
import { findJob } from '../services/diskprep/jobs.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging, tempDir } from '../services/diskprep/test-staging.ts';
import { mintToken } from '../services/sandbox/test-tokens.ts';
import { sbRequest } from '../services/sandbox/test-http.ts';
import { sandboxCredential } from '../services/sandbox/test-sas.ts';
import { dispatch } from './dispatch.ts';
import { handlers } from './table.ts';
import type { HandlerCtx } from './types.ts';

/** The sandbox channels end to end: start on demand, cloud handed to the Azure layer, rehearsal datacenter, stop. */
let dir: string;
let services: Services;
let ctx: HandlerCtx;
const call = (channel: string, payload: unknown = {}) => dispatch(handlers, channel, payload, ctx);
type Ok<T = Record<string, unknown>> = { ok: true; value: T };
type Err = { ok: false; error: { code: string; message: string } };

beforeAll(async () => {
  dir = await tempDir('obc-sandbox-ipc-');
  services = await createServices({ dataDir: join(dir, 'data') });
  ctx = { services, host: 'browser' };
});
afterAll(async () => {
  await services?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('sandbox IPC channels', () => {
  it('is not running at boot; validates payloads; refuses datacenter steps while stopped', async () => {
    expect(((await call('sandbox:status')) as Ok).value).toMatchObject({
      running: false,
      cloudName: 'LocalSandbox',
      users: [],
      dataDir: join(dir, 'data', 'sandbox'),
    });
    expect(
      ((await call('sandbox:receiveDisks', { jobName: 'j1', resourceGroup: 'backup-rg', disks: [] })) as Err).error
        .code,
    ).toBe('VALIDATION');
    expect(((await call('sandbox:transfer', { jobName: '1bad', resourceGroup: 'backup-rg' })) as Err).error.code).toBe(
      'VALIDATION',
    );
    const r = (await call('sandbox:transfer', { jobName: 'job-a', resourceGroup: 'backup-rg' })) as Err;
    expect(r.error).toMatchObject({ code: 'CONFLICT' });
    expect(r.error.message).toContain('not running');
  });

  it('starts, lists the cloud and users, receives and copies a prepared folder disk, stops', async () => {
    const st = (
      (await call('sandbox:start')) as Ok<{
        running: boolean;
        users: Array<{ username: string; password: string }>;
        subscriptionId: string;
      }>
    ).value;
    expect(st.running).toBe(true);
    expect(st.users.map((u) => u.username)).toContain('owner@sandbox.obc.local');
    expect(st.users[0].password).toBeTruthy();
    const clouds = ((await call('azure:clouds')) as Ok<{ clouds: Array<{ name: string; rehearsal?: boolean }> }>).value
      .clouds;
    expect(clouds.find((c) => c.name === 'LocalSandbox')).toMatchObject({ rehearsal: true });

    // A job of the rehearsal cloud with one Disk Prep folder disk, created and shipped the way the Azure layer does it.
    const sb = services.sandbox.current()!;
    const token = await mintToken(sb, sb.users[0]);
    const arm = (path: string, method = 'GET', body?: unknown) =>
      sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });
    await sbRequest(`${sb.admin.url}/providers/Microsoft.ImportExport`, {
      method: 'POST',
      body: { state: 'Registered' },
      token: sb.admin.token,
    });
    const JOB = 'rehearsal-ipc';
    const stagingLocation = join(dir, 'staging');
    await makeStaging(stagingLocation, JOB, [MiB, 4096], { container: 'seed' });
    const disks = await makeDisks(dir, [4 * MiB], 'RHDISK');
    const key = (
      await arm(
        `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2/listKeys?api-version=2025-08-01`,
        'POST',
      )
    ).json.keys[0].value as string;
    await runDiskPrep({
      stagingLocation,
      job: JOB,
      disks: disks.map((id) => ({ id })),
      providers: { folder: new FolderDiskProvider() },
      credential: sandboxCredential(sb, key),
      passphrase: TEST_PASSPHRASE,
    });
    const jobPath = `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs/${JOB}?api-version=2021-01-01`;
    const protector = await passphraseProtector(TEST_PASSPHRASE, (await findJob(stagingLocation, JOB)).seed);
    await createJobFromDrives(stateDirFor(stagingLocation, JOB), protector, async (req) => {
      const put = await arm(jobPath, 'PUT', {
        location: 'West US',
        properties: {
          storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
          jobType: 'Import',
          returnAddress: {
            recipientName: 'IT',
            streetAddress1: '1 Main St',
            city: 'Redmond',
            postalCode: '98052',
            countryOrRegion: 'USA',
            phone: '4250000000',
            email: 'it@example.com',
          },
          returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123' },
          diagnosticsPath: 'waimportexport',
          logLevel: 'Verbose',
          driveList: req.driveList,
        },
      });
      expect(put.status, JSON.stringify(put.json)).toBe(201);
      return { created: true };
    });
    const ref = { jobName: JOB, resourceGroup: 'backup-rg', subscriptionId: st.subscriptionId };

    // Not shipped yet: a clear refusal that says what to do.
    const early = (await call('sandbox:receiveDisks', { ...ref, disks })) as Err;
    expect(early.error.code).toBe('CONFLICT');
    expect(early.error.message).toMatch(/state 'Creating'.*tracking number/);
    // Another subscription's job is not the rehearsal datacenter's business.
    const foreign = (await call('sandbox:transfer', {
      ...ref,
      subscriptionId: '00000000-0000-0000-0000-000000000000',
    })) as Err;
    expect(foreign.error.code).toBe('VALIDATION');

    await arm(jobPath, 'PATCH', {
      properties: {
        state: 'Shipping',
        deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'T-RH-IPC', driveCount: 1, shipDate: '2026-11-22' },
      },
    });
    const received = (
      (await call('sandbox:receiveDisks', { ...ref, disks })) as Ok<{
        state: string;
        drives: Array<{ driveId: string; state: string }>;
      }>
    ).value;
    expect(received).toMatchObject({
      jobName: JOB,
      state: 'Received',
      drives: [{ driveId: 'RHDISK1', state: 'Received' }],
    });
    const done = ((await call('sandbox:transfer', ref)) as Ok<{ state: string; drives: unknown[] }>).value;
    expect(done).toMatchObject({
      state: 'Completed',
      drives: [{ driveId: 'RHDISK1', state: 'Completed', copyStatus: 'Completed' }],
    });

    expect(((await call('sandbox:stop')) as Ok).value).toMatchObject({ running: false });
    expect(((await call('sandbox:transfer', ref)) as Err).error.code).toBe('CONFLICT');
  }, 120_000);
});
