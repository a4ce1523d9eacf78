import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/core-auth';
import { StorageImportExport, type PutJobParameters } from '@azure/arm-storageimportexport';
import { ResourceManagementClient } from '@azure/arm-resources';
import { StorageManagementClient } from '@azure/arm-storage';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { startSandbox, type SandboxHandle } from './index.ts';
import { createCaTrustingHttpClient } from './ca-http-client.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';

/** The ARM emulator through the real SDK clients: SPEC §6.4 rules, RBAC, Graph, faults, api-version. */
let sb: SandboxHandle;
let ownerToken: string;
let readerToken: string;

const cred = (token: () => string): TokenCredential => ({
  getToken: async () => ({ token: token(), expiresOnTimestamp: Date.now() + 3600_000 }),
});

function sdk(token = () => ownerToken) {
  const httpClient = createCaTrustingHttpClient(sb.caCertPem);
  const scopes = [`${sb.armUrl}/.default`];
  const base = { endpoint: sb.armUrl, httpClient, retryOptions: { maxRetries: 0 } };
  return {
    ie: new StorageImportExport(cred(token), sb.subscriptionId, { ...base, credentialScopes: scopes }),
    res: new ResourceManagementClient(cred(token), sb.subscriptionId, { ...base, credentials: { scopes } }),
    storage: new StorageManagementClient(cred(token), sb.subscriptionId, { ...base, credentials: { scopes } }),
    auth: new AuthorizationManagementClient(cred(token), sb.subscriptionId, { ...base, credentialScopes: scopes }),
  };
}

const key = (n: number) =>
  Array.from({ length: 8 }, (_, i) => String((n * 7 + i * 111111) % 1000000).padStart(6, '0')).join('-');

function jobBody(drives: number, tracking?: string): PutJobParameters {
  return {
    location: 'West US',
    properties: {
      storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
      jobType: 'Import',
      returnAddress: {
        recipientName: 'IT Ops',
        streetAddress1: '1 Main St',
        city: 'Redmond',
        postalCode: '98052',
        countryOrRegion: 'USA',
        phone: '4250000000',
        email: 'it@example.com',
      },
      returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
      diagnosticsPath: 'waimportexport',
      logLevel: 'Verbose',
      backupDriveManifest: true,
      driveList: Array.from({ length: drives }, (_, i) => ({
        driveId: `DRIVE${i}${randomUUID().slice(0, 4)}`,
        bitLockerKey: key(i + 1),
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '0123456789ABCDEF0123456789ABCDEF',
      })),
      ...(tracking
        ? {
            deliveryPackage: {
              carrierName: 'FedEx',
              trackingNumber: tracking,
              driveCount: drives,
              shipDate: '2026-11-22',
            },
          }
        : {}),
    },
  };
}

async function azureError(p: Promise<unknown>): Promise<{ statusCode?: number; code?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return e as { statusCode?: number; code?: string; message: string };
  }
  throw new Error('expected the call to fail');
}

beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
  ownerToken = await mintToken(
    sb,
    sb.users.find((u) => u.role === 'Owner')!,
  );
  readerToken = await mintToken(
    sb,
    sb.users.find((u) => u.role === 'Reader')!,
  );
});
afterAll(async () => {
  await sb?.stop();
});

describe('ARM emulator via the SDK clients', () => {
  it('lists locations and operations; jobs need the provider registered first', async () => {
    const { ie, res } = sdk();
    const locs = [];
    for await (const l of ie.locations.list()) locs.push(l);
    expect(locs.length).toBeGreaterThanOrEqual(5);
    const west = await ie.locations.get('West US');
    expect(west).toMatchObject({ name: 'West US', supportedCarriers: ['FedEx', 'DHL'], city: 'Santa Clara' });
    expect((await ie.locations.get('northeurope')).alternateLocations).toEqual([
      '/providers/Microsoft.ImportExport/locations/westeurope',
    ]);
    const ops = [];
    for await (const o of ie.operations.list()) ops.push(o.name);
    expect(ops).toContain('Microsoft.ImportExport/jobs/write');

    const e = await azureError(ie.jobs.create('job-before-reg', 'backup-rg', jobBody(1)));
    expect(e).toMatchObject({ statusCode: 409, code: 'MissingSubscriptionRegistration' });
    expect((await res.providers.get('Microsoft.ImportExport')).registrationState).toBe('NotRegistered');
    expect((await res.providers.register('Microsoft.ImportExport')).registrationState).toBe('Registering');
    expect((await res.providers.get('Microsoft.ImportExport')).registrationState).toBe('Registered');
    expect((await res.providers.get('Microsoft.DataBox')).registrationState).toBe('NotRegistered');
    // The admin API can put a registration back (e.g. to rehearse the registration step again).
    await sbRequest(`${sb.admin.url}/providers/Microsoft.DataBox`, {
      method: 'POST',
      body: { state: 'Registered' },
      token: sb.admin.token,
    });
    expect((await res.providers.get('Microsoft.DataBox')).registrationState).toBe('Registered');
  });

  it('creates, updates, lists (paged) and guards jobs by the §6.4 rules', async () => {
    const { ie } = sdk();
    const created = await ie.jobs.create('seed-job-1', 'backup-rg', jobBody(2));
    expect(created).toMatchObject({ name: 'seed-job-1', type: 'Microsoft.ImportExport/jobs', location: 'West US' });
    expect(created.properties).toMatchObject({
      state: 'Creating',
      provisioningState: 'Succeeded',
      cancelRequested: false,
    });
    expect(created.properties?.driveList?.[0]).toMatchObject({ state: 'Specified' });
    expect(created.properties?.driveList?.[0].bitLockerKey).toBeUndefined();
    expect(created.properties?.shippingInformation?.city).toBe('Santa Clara');
    const keys = [];
    for await (const k of ie.bitLockerKeys.list('seed-job-1', 'backup-rg')) keys.push(k);
    expect(keys.map((k) => k.bitLockerKey)).toEqual([key(1), key(2)]);

    // Shipping needs a delivery package; then it can no longer be deleted, but canceled until Packaging.
    expect(await azureError(ie.jobs.update('seed-job-1', 'backup-rg', { state: 'Shipping' }))).toMatchObject({
      statusCode: 400,
      code: 'DeliveryPackageRequired',
    });
    const shipped = await ie.jobs.update('seed-job-1', 'backup-rg', {
      state: 'Shipping',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'TRK-0001', driveCount: 2, shipDate: '2026-11-22' },
    });
    expect(shipped.properties?.state).toBe('Shipping');
    expect(await azureError(ie.jobs.delete('seed-job-1', 'backup-rg'))).toMatchObject({
      statusCode: 409,
      code: 'JobCannotBeDeleted',
    });
    expect(await azureError(ie.jobs.update('seed-job-1', 'backup-rg', { state: 'Received' as never }))).toMatchObject({
      statusCode: 400,
      code: 'InvalidJobState',
    });
    // Microsoft's generated clients send the swagger defaults on every PATCH: they change nothing.
    const same = await ie.jobs.update('seed-job-1', 'backup-rg', {
      cancelRequested: false,
      backupDriveManifest: false,
      logLevel: 'Verbose',
    });
    expect(same.properties).toMatchObject({ state: 'Shipping', cancelRequested: false, backupDriveManifest: true });
    const canceled = await ie.jobs.update('seed-job-1', 'backup-rg', { cancelRequested: true });
    expect(canceled.properties).toMatchObject({ state: 'Completed', cancelRequested: true });
    expect(await azureError(ie.jobs.update('seed-job-1', 'backup-rg', { cancelRequested: true }))).toMatchObject({
      statusCode: 409,
      code: 'CancelNotAllowed',
    });
    expect(
      await azureError(
        ie.jobs.update('seed-job-1', 'backup-rg', {
          returnShipping: { carrierName: 'UPS', carrierAccountNumber: '1' },
        }),
      ),
    ).toMatchObject({ statusCode: 409, code: 'JobCannotBeUpdated' });
    expect((await ie.jobs.update('seed-job-1', 'backup-rg', { tags: { why: 'rehearsal' } })).tags).toEqual({
      why: 'rehearsal',
    });

    // Refusals.
    expect(await azureError(ie.jobs.create('too-many', 'backup-rg', jobBody(11)))).toMatchObject({
      statusCode: 400,
      code: 'TooManyDrives',
    });
    expect(await azureError(ie.jobs.create('dup-track', 'backup-rg', jobBody(1, 'TRK-0001')))).toMatchObject({
      statusCode: 409,
      code: 'DuplicateTrackingNumber',
    });
    expect(await azureError(ie.jobs.create('9starts-with-digit', 'backup-rg', jobBody(1)))).toMatchObject({
      statusCode: 400,
      code: 'InvalidResourceName',
    });
    expect(await azureError(ie.jobs.create('no-drives', 'backup-rg', jobBody(0)))).toMatchObject({
      statusCode: 400,
      code: 'DriveListRequired',
    });
    // The swagger requires neither returnAddress nor returnShipping at creation; Shipping needs the return address.
    const noReturn = jobBody(1, 'TRK-NORET');
    delete noReturn.properties!.returnShipping;
    delete noReturn.properties!.returnAddress;
    delete noReturn.properties!.deliveryPackage;
    expect((await ie.jobs.create('no-return', 'backup-rg', noReturn)).properties?.returnAddress).toBeUndefined();
    expect(
      await azureError(
        ie.jobs.update('no-return', 'backup-rg', {
          state: 'Shipping',
          deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'TRK-NORET' },
        }),
      ),
    ).toMatchObject({ statusCode: 400, code: 'ReturnInformationRequired' });
    await ie.jobs.delete('no-return', 'backup-rg');
    expect(await azureError(ie.jobs.get('missing-job', 'backup-rg'))).toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });
    expect(await azureError(ie.jobs.delete('missing-job', 'backup-rg'))).toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound',
    });

    // Cancel before shipping, delete in Creating.
    await ie.jobs.create('cancel-me', 'backup-rg', jobBody(1));
    expect((await ie.jobs.update('cancel-me', 'backup-rg', { cancelRequested: true })).properties).toMatchObject({
      cancelRequested: true,
      state: 'Completed',
    });
    await ie.jobs.create('delete-me', 'backup-rg', jobBody(1));
    await ie.jobs.delete('delete-me', 'backup-rg');
    expect(await azureError(ie.jobs.get('delete-me', 'backup-rg'))).toMatchObject({ statusCode: 404 });

    // Paging: $top ≤ 100, nextLink followed by the SDK.
    for (let i = 0; i < 3; i++) await ie.jobs.create(`page-job-${i}`, 'archive-rg', jobBody(1));
    const all = [];
    for await (const j of ie.jobs.listBySubscription({ top: 2 })) all.push(j.name);
    expect(all).toHaveLength(5);
    const inRg = [];
    for await (const j of ie.jobs.listByResourceGroup('archive-rg', { top: 2 })) inRg.push(j.name);
    expect(inRg.sort()).toEqual(['page-job-0', 'page-job-1', 'page-job-2']);
    const first = await sbRequest(
      `${sb.armUrl}/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01&$top=2`,
      { token: ownerToken, ca: sb.caCertPem },
    );
    expect(first.json.value).toHaveLength(2);
    expect(first.json.nextLink).toContain('$skiptoken=2');
    const tooMany = await sbRequest(
      `${sb.armUrl}/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/jobs?api-version=2021-01-01&$top=101`,
      { token: ownerToken, ca: sb.caCertPem },
    );
    expect(tooMany.status).toBe(400);
    expect(tooMany.json.error.code).toBe('InvalidQueryParameterValue');
  });

  it('serves storage accounts of three kinds and creates containers in Azurite', async () => {
    const { storage } = sdk();
    const accounts = [];
    for await (const a of storage.storageAccounts.list()) accounts.push(a);
    expect(accounts.map((a) => a.kind).sort()).toEqual(['BlobStorage', 'Storage', 'StorageV2']);
    const v2 = await storage.storageAccounts.getProperties('backup-rg', 'obcseedv2');
    expect(v2.primaryEndpoints?.blob).toBe(`${sb.blobUrl}/obcseedv2/`);
    const created = await storage.blobContainers.create('backup-rg', 'obcseedv2', 'seed-data', {});
    expect(created.name).toBe('seed-data');
    const names = [];
    for await (const c of storage.blobContainers.list('backup-rg', 'obcseedv2')) names.push(c.name);
    expect(names).toContain('seed-data');
    const bad = await azureError(storage.blobContainers.create('backup-rg', 'obcseedv2', 'Bad--Name', {}));
    expect(bad).toMatchObject({ statusCode: 400, code: 'ContainerOperationFailure' });
    const keys = await storage.storageAccounts.listKeys('backup-rg', 'obcseedv2');
    expect(keys.keys?.[0]).toMatchObject({ keyName: 'key1', permissions: 'Full' });
  });

  it('refuses writes by a Reader with AuthorizationFailed and lets the Owner assign roles', async () => {
    const reader = sdk(() => readerToken);
    const e = await azureError(reader.ie.jobs.create('reader-job', 'backup-rg', jobBody(1)));
    expect(e).toMatchObject({ statusCode: 403, code: 'AuthorizationFailed' });
    expect(e.message).toContain("does not have authorization to perform action 'Microsoft.ImportExport/jobs/write'");
    const scope = `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`;
    const params = {
      roleDefinitionId: `/subscriptions/${sb.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/ba92f5b4-2d11-453d-a403-e96b0029c9fe`,
      principalId: randomUUID(),
      principalType: 'ServicePrincipal',
    };
    expect(await azureError(reader.auth.roleAssignments.create(scope, randomUUID(), params))).toMatchObject({
      statusCode: 403,
      code: 'AuthorizationFailed',
    });
    const owner = sdk();
    const ra = await owner.auth.roleAssignments.create(scope, randomUUID(), params);
    expect(ra).toMatchObject({ principalId: params.principalId, scope });
    expect(await azureError(owner.auth.roleAssignments.create(scope, randomUUID(), params))).toMatchObject({
      statusCode: 409,
      code: 'RoleAssignmentExists',
    });
    const list = [];
    for await (const r of owner.auth.roleAssignments.listForScope(scope, {
      filter: `principalId eq '${params.principalId}'`,
    }))
      list.push(r);
    expect(list).toHaveLength(1);
  });

  it('answers Graph /me, applications and service principals', async () => {
    const g = await mintToken(sb, sb.users[0], { audience: sb.graphUrl });
    const call = (path: string, method = 'GET', body?: unknown) =>
      sbRequest(`${sb.graphUrl}/v1.0${path}`, { method, body, token: g, ca: sb.caCertPem });
    expect((await call('/me')).json).toMatchObject({
      id: sb.users[0].objectId,
      userPrincipalName: sb.users[0].username,
    });
    const cert = Buffer.from('not-a-real-certificate').toString('base64');
    const app = await call('/applications', 'POST', {
      displayName: 'AzureOfflineBackup_x',
      keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert }],
    });
    expect(app.status).toBe(201);
    const found = await call(`/applications?$filter=${encodeURIComponent("displayName eq 'AzureOfflineBackup_x'")}`);
    expect(found.json.value).toHaveLength(1);
    expect(found.json.value[0].keyCredentials[0].key).toBeNull();
    const withKeys = await call(`/applications/${app.json.id}?$select=keyCredentials`);
    expect(withKeys.json.keyCredentials[0].key).toBe(cert);
    const changed = await call(`/applications/${app.json.id}`, 'PATCH', {
      keyCredentials: [{ ...found.json.value[0].keyCredentials[0] }],
    });
    expect(changed.json.error.code).toBe('Request_BadRequest');
    const added = await call(`/applications/${app.json.id}`, 'PATCH', {
      keyCredentials: [
        ...withKeys.json.keyCredentials,
        { type: 'AsymmetricX509Cert', usage: 'Verify', key: cert + 'AA' },
      ],
    });
    expect(added.status).toBe(204);
    expect((await call('/servicePrincipals', 'POST', { appId: app.json.appId })).status).toBe(201);
    expect(
      (await call(`/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${app.json.appId}'`)}`)).json.value,
    ).toHaveLength(1);
    // A Graph token is not an ARM token and vice versa.
    expect((await sbRequest(`${sb.graphUrl}/v1.0/me`, { token: ownerToken, ca: sb.caCertPem })).json.error.code).toBe(
      'InvalidAuthenticationTokenAudience',
    );
  });

  it('checks api-version and injects faults through the admin API', async () => {
    const u = `${sb.armUrl}/subscriptions/${sb.subscriptionId}/resourcegroups`;
    expect((await sbRequest(u, { token: ownerToken, ca: sb.caCertPem })).json.error.code).toBe(
      'MissingApiVersionParameter',
    );
    expect(
      (await sbRequest(`${u}?api-version=1999-01-01`, { token: ownerToken, ca: sb.caCertPem })).json.error.code,
    ).toBe('InvalidApiVersionParameter');
    const admin = (body: unknown) =>
      sbRequest(`${sb.admin.url}/faults`, { method: 'POST', body, token: sb.admin.token });
    expect(
      (await sbRequest(`${sb.admin.url}/faults`, { method: 'POST', body: { kind: 'throttle' }, token: 'wrong' }))
        .status,
    ).toBe(401);
    await admin({ kind: 'throttle', retryAfterSeconds: 7, pathContains: '/resourcegroups' });
    const t = await sbRequest(`${u}?api-version=2025-04-01`, { token: ownerToken, ca: sb.caCertPem });
    expect(t.status).toBe(429);
    expect(t.headers['retry-after']).toBe('7');
    expect(t.json.error.code).toBe('TooManyRequests');
    await admin({ kind: 'error503' });
    expect((await sbRequest(`${u}?api-version=2025-04-01`, { token: ownerToken, ca: sb.caCertPem })).status).toBe(503);
    await admin({ kind: 'slow', delayMs: 120 });
    const t0 = Date.now();
    const ok = await sbRequest(`${u}?api-version=2025-04-01`, { token: ownerToken, ca: sb.caCertPem });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    expect(ok.status).toBe(200);
    expect(ok.json.value.map((r: { name: string }) => r.name)).toEqual(['archive-rg', 'backup-rg']);
  });
});
