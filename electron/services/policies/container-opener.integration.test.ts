import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type SandboxHandle } from '../sandbox/index.ts';
import { createBlobAccess } from '../sandbox/blob-access.ts';
import { sbRequest } from '../sandbox/test-http.ts';
import { mintToken } from '../sandbox/test-tokens.ts';
import type { StateStore } from '../sandbox/state.ts';
import { AzureService } from '../azure/azure-service.ts';
import { accountScope, createTestApp, type TestApp } from '../azure/test-app.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { policyContainerOpener, type PolicyContainerOpener } from './container-opener.ts';
import { PolicyService } from './index.ts';
import { samplePolicy, testProtector } from './test-policies.ts';
import { tempDir } from '../test-temp.ts';

/**
 * The one opener of the job's container for online runs, against the Local sandbox: the Entra application of this
 * machine (blob front + RBAC), the container SAS stored in Change Properties, and each refusal before anything is sent.
 */
const ACCOUNT = 'obcseedv2';
const PASS = 'passphrase for the opener 0123';
let sb: SandboxHandle;
let dir: string;
let app: TestApp;
let key: string;
let azure: AzureService;
let policies: PolicyService;
let open: PolicyContainerOpener;

beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
  dir = await tempDir('obc-opener-');
  app = await createTestApp(sb, dir, { storageAccounts: [ACCOUNT] });
  const keys = await sbRequest(`${sb.armUrl}${accountScope(sb, ACCOUNT)}/listKeys?api-version=2026-09-01`, {
    method: 'POST',
    token: await mintToken(sb, sb.users[0]),
    ca: sb.caCertPem,
  });
  key = keys.json.keys[0].value;
  const blob = createBlobAccess({
    baseUrl: sb.blobUrl,
    caCertPem: sb.caCertPem,
    store: { state: { storageAccounts: { [ACCOUNT]: { keys: [key, key] } } } } as unknown as StateStore,
  });
  await blob.createContainer(ACCOUNT, 'seed-open');
  azure = new AzureService({
    dataDir: dir,
    settings: () => ({ cloud: sb.cloud.name }),
    openUrl: async () => {
      throw new Error('no sign-in in an unattended run');
    },
    protector: app.protector,
    extraClouds: [sb.cloud],
    http: { retry: { maxRetries: 0 } },
  });
  policies = new PolicyService({
    dataDir: join(dir, 'policies'),
    protector: testProtector,
    tasks: new TaskManager(),
    lease: false,
  });
  await policies.load();
  const base = samplePolicy({}, join(dir, 'staging'));
  await policies.save(
    {
      ...base,
      initialBackup: {
        type: 'ownDisks',
        ownDisk: {
          ...base.initialBackup.ownDisk!,
          subscriptionId: sb.subscriptionId,
          storageAccount: ACCOUNT,
          container: 'seed-open',
          importJobName: 'seed-job-1',
        },
      },
    },
    PASS,
  );
  open = policyContainerOpener({ azure: async () => azure, storedSasUrl: () => policies.store.containerSas() });
}, 120_000);
afterAll(async () => {
  azure?.close();
  await sb?.stop();
  await rm(dir, { recursive: true, force: true });
});

const policy = () => policies.store.policy!;
const signal = () => new AbortController().signal;

describe('policyContainerOpener', () => {
  it('refuses the Entra application without a blob data role before the run sends anything, then opens the job folder', async () => {
    const err = await open({ policy: policy(), seed: null, signal: signal() }).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'PERMISSION_DENIED',
      details: {
        azureCode: 'AuthorizationPermissionMismatch',
        credential: 'entraApp',
        missingRole: 'Storage Blob Data Contributor',
      },
    });
    expect((err as Error).message).toMatch(/Nothing was changed in the container/);

    const ra = await app.grant('Storage Blob Data Contributor', accountScope(sb, ACCOUNT));
    const o = await open({ policy: policy(), seed: null, signal: signal() });
    expect(o).toMatchObject({ job: 'seed-job-1', via: { kind: 'entraApp', appId: app.appId } });
    await o.container.getBlockBlobClient('seed-job-1/probe').upload('p', 1);
    const seed = {
      jobName: 'seed-job-2',
      subscriptionId: sb.subscriptionId,
      resourceGroup: 'backup-rg',
      storageAccount: ACCOUNT,
      container: 'seed-open',
      stagingDir: join(dir, 'staging', 'seed-job-2'),
    };
    expect((await open({ policy: policy(), seed, signal: signal() })).job).toBe('seed-job-2');
    await app.revoke(ra, accountScope(sb, ACCOUNT));
  });

  it('says so when the container is gone', async () => {
    const ra = await app.grant('Storage Blob Data Contributor', accountScope(sb, ACCOUNT));
    const seed = {
      jobName: 'j',
      subscriptionId: sb.subscriptionId,
      resourceGroup: 'backup-rg',
      storageAccount: ACCOUNT,
      container: 'no-such-container',
      stagingDir: dir,
    };
    await expect(open({ policy: policy(), seed, signal: signal() })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/Container "no-such-container" does not exist in storage account obcseedv2/),
    });
    await app.revoke(ra, accountScope(sb, ACCOUNT));
  });

  it('uses the container SAS stored in Change Properties instead, and names its expiry once it has passed', async () => {
    const sas = (expiresOn: Date) =>
      `${sb.blobUrl}/${ACCOUNT}/seed-open?${generateBlobSASQueryParameters({ containerName: 'seed-open', permissions: ContainerSASPermissions.parse('rwdl'), expiresOn }, new StorageSharedKeyCredential(ACCOUNT, key)).toString()}`;
    await policies.setContainerAccess({ mode: 'sas', sasUrl: sas(new Date(Date.now() + 3600_000)) });
    // The application holds no role now: the SAS alone opens the container.
    const o = await open({ policy: policy(), seed: null, signal: signal() });
    expect(o.via.kind).toBe('sas');
    expect(o.describe).toMatch(/^a container SAS, valid until /);
    await o.container.getBlockBlobClient('seed-job-1/via-sas').upload('s', 1);
    // An expired SAS given for this run (--container-url) is refused before any request.
    await expect(
      open({ policy: policy(), seed: null, signal: signal(), sasUrl: sas(new Date(Date.now() - 60_000)) }),
    ).rejects.toMatchObject({ code: 'SIGNIN_REQUIRED', message: expect.stringMatching(/expired on/) });
    await policies.setContainerAccess({ mode: 'entraApp' });
    await expect(open({ policy: policy(), seed: null, signal: signal() })).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('without this machine’s certificate record, says to run the Entra step or give a SAS', async () => {
    const bare = new AzureService({
      dataDir: join(dir, 'bare'),
      settings: () => ({ cloud: sb.cloud.name }),
      openUrl: async () => undefined,
      extraClouds: [sb.cloud],
    });
    const o2 = policyContainerOpener({ azure: async () => bare, storedSasUrl: async () => null });
    await expect(o2({ policy: policy(), seed: null, signal: signal() })).rejects.toMatchObject({
      code: 'SIGNIN_REQUIRED',
      message: expect.stringMatching(/no Entra application certificate .*--container-url/s),
    });
    bare.close();
  });
});
