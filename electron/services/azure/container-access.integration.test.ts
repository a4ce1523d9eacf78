import { mkdtemp, rm } from 'node:fs/promises';
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
import { openWithApp, openWithSas, type OpenedContainer } from './container-access.ts';
import { CloudHttp } from './http.ts';
import { accountScope, createTestApp, type TestApp } from './test-app.ts';
import { findAppRecord } from './unattended.ts';
import { tempDir } from '../test-temp.ts';

/**
 * Container access for runs nobody watches, against the Local sandbox (its identity server issues the storage token,
 * its blob front checks it and the role assignments, Azurite stores the blobs): the Entra application with this
 * machine's certificate, and a container SAS; every refusal with Azure's code and our words.
 */
const ACCOUNT = 'obcseedv2';
let sb: SandboxHandle;
let dir: string;
let http: CloudHttp;
let app: TestApp;
let key: string;

beforeAll(async () => {
  sb = await startSandbox({ registrationDelayMs: 0 });
  dir = await tempDir('obc-container-access-');
  http = new CloudHttp(sb.cloud, { retry: { maxRetries: 0 } });
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
  for (const c of ['seed-a', 'seed-b', 'seed-sas']) await blob.createContainer(ACCOUNT, c);
}, 120_000);
afterAll(async () => {
  http?.dispose();
  await sb?.stop();
  await rm(dir, { recursive: true, force: true });
});

const target = (container: string) => ({ subscriptionId: sb.subscriptionId, storageAccount: ACCOUNT, container });
const opened = (container: string) =>
  openWithApp({ cloud: sb.cloud, http, protector: app.protector, record: app.record }, target(container));

async function roundTrip(c: OpenedContainer, name: string): Promise<string[]> {
  const b = c.client.getBlockBlobClient(name);
  const id = Buffer.from('block-000001').toString('base64');
  await b.stageBlock(id, Buffer.from('hello '), 6);
  await b.commitBlockList([id]);
  const names: string[] = [];
  for await (const x of c.client.listBlobsFlat()) names.push(x.name);
  expect((await b.downloadToBuffer()).toString()).toBe('hello ');
  await b.delete();
  return names;
}

describe('the Entra application with this machine’s certificate', () => {
  it('is found for the account its data role was granted on', async () => {
    const rec = await findAppRecord(dir, sb.cloud.name, sb.subscriptionId, ACCOUNT);
    expect(rec?.appId).toBe(app.appId);
  });

  it('is refused with AuthorizationPermissionMismatch until it holds a blob data role, then reads and writes', async () => {
    const c = await opened('seed-a');
    const refused = await c.client
      .getBlockBlobClient('x')
      .upload('x', 1)
      .catch((e: unknown) => e);
    expect(refused).toMatchObject({
      code: 'PERMISSION_DENIED',
      details: {
        azureCode: 'AuthorizationPermissionMismatch',
        credential: 'entraApp',
        missingRole: 'Storage Blob Data Contributor',
      },
    });
    expect((refused as Error).message).toContain(`--assignee ${app.appId} --role "Storage Blob Data Contributor"`);
    // Owner of the subscription is a control-plane role: no data access either (as in Azure).
    const ownerStorage = await mintToken(sb, sb.users[0], { audience: sb.blobUrl });
    const asOwner = await sbRequest(`${sb.blobUrl}/${ACCOUNT}/seed-a?restype=container&comp=list`, {
      token: ownerStorage,
      ca: sb.caCertPem,
      headers: { 'x-ms-version': '2025-11-05' },
    });
    expect(asOwner.status).toBe(403);
    expect(asOwner.headers['x-ms-error-code']).toBe('AuthorizationPermissionMismatch');

    const ra = await app.grant('Storage Blob Data Contributor', accountScope(sb, ACCOUNT));
    expect(await roundTrip(c, 'seed-a-blob')).toEqual(['seed-a-blob']);
    await app.revoke(ra, accountScope(sb, ACCOUNT));
    // The token is the same; the role is looked up at each request, as Azure does.
    await expect(c.client.getBlockBlobClient('y').upload('y', 1)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('follows the scope of the assignment and the role’s permissions (container scope, Reader)', async () => {
    const containerScope = `${accountScope(sb, ACCOUNT)}/blobServices/default/containers/seed-b`;
    const ra = await app.grant('Storage Blob Data Contributor', containerScope);
    expect(await roundTrip(await opened('seed-b'), 'only-here')).toEqual(['only-here']);
    await expect((await opened('seed-a')).client.getBlockBlobClient('z').upload('z', 1)).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    await app.revoke(ra, containerScope);
    const reader = await app.grant('Storage Blob Data Reader', accountScope(sb, ACCOUNT));
    const c = await opened('seed-a');
    const list: string[] = [];
    for await (const x of c.client.listBlobsFlat()) list.push(x.name);
    expect(list).toEqual([]);
    await expect(c.client.getBlockBlobClient('w').upload('w', 1)).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await app.revoke(reader, accountScope(sb, ACCOUNT));
  });

  it('says what to do when the certificate was removed from the application', async () => {
    const other = await createTestApp(sb, await mkdtemp(join(dir, 'other-')));
    await other.removeCertificates();
    const c = await openWithApp(
      { cloud: sb.cloud, http, protector: other.protector, record: other.record },
      target('seed-a'),
    );
    const err = await c.client
      .getBlockBlobClient('v')
      .upload('v', 1)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SIGNIN_REQUIRED' });
    expect((err as Error).message).toMatch(
      /could not sign in with this machine's certificate .*run Schedule Backup again .*or give a container SAS URL/s,
    );
  });
});

describe('a container SAS URL', () => {
  const sas = (perms: string, o: { expiresOn?: Date; identifier?: string } = {}) =>
    `${sb.blobUrl}/${ACCOUNT}/seed-sas?${generateBlobSASQueryParameters(
      {
        containerName: 'seed-sas',
        ...(o.identifier
          ? { identifier: o.identifier }
          : {
              permissions: ContainerSASPermissions.parse(perms),
              expiresOn: o.expiresOn ?? new Date(Date.now() + 3600_000),
            }),
      },
      new StorageSharedKeyCredential(ACCOUNT, key),
    ).toString()}`;

  it('opens the container, and is refused up front when too narrow, expired or for another container', async () => {
    expect(await roundTrip(openWithSas(sas('racwdl'), http, { expect: target('seed-sas') }), 'via-sas')).toEqual([
      'via-sas',
    ]);
    expect(() => openWithSas(sas('rl'), http)).toThrow(/online backups need write \(w\), delete \(d\)/);
    expect(() => openWithSas(sas('rl'), http, { purpose: 'read' })).not.toThrow();
    expect(() => openWithSas(sas('rwdl', { expiresOn: new Date(Date.now() - 60_000) }), http)).toThrow(
      expect.objectContaining({ code: 'SIGNIN_REQUIRED', message: expect.stringMatching(/expired on/) }),
    );
    expect(() => openWithSas(sas('rwdl'), http, { expect: target('seed-a') })).toThrow(
      /for container "seed-sas", not "seed-a"/,
    );
  });

  it('says the stored access policy was revoked, without showing the signature', async () => {
    const admin = openWithSas(sas('racwdl'), http);
    const { ContainerClient } = await import('@azure/storage-blob');
    const byKey = new ContainerClient(
      `${sb.blobUrl}/${ACCOUNT}/seed-sas`,
      (await import('../sandbox/blob-access.ts')).caTrustingPipeline(
        new StorageSharedKeyCredential(ACCOUNT, key),
        sb.caCertPem,
      ),
    );
    await byKey.setAccessPolicy(undefined, [
      { id: 'obc-online', accessPolicy: { permissions: 'rwdl', expiresOn: new Date(Date.now() + 3600_000) } },
    ]);
    const url = sas('', { identifier: 'obc-online' });
    const c = openWithSas(url, http);
    expect(await roundTrip(c, 'via-policy')).toEqual(['via-policy']);
    await byKey.setAccessPolicy(undefined, []);
    const err = await c.client
      .getBlockBlobClient('after')
      .upload('a', 1)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'SIGNIN_REQUIRED',
      details: { credential: 'sas', status: 403, azureCode: 'AuthenticationFailed' },
    });
    expect((err as Error).message).toContain('stored access policy "obc-online"');
    expect((err as Error).message).toMatch(
      /^Azure Storage answered 403 AuthenticationFailed \(Signature did not match\.\): the container SAS was refused\./,
    );
    const sig = new URL(url).searchParams.get('sig')!;
    expect(JSON.stringify(err)).not.toContain(sig);
    expect(c.describe).not.toContain(sig);
    void admin;
  });

  it('that expires during a run gives the expiry, not a bare 403', async () => {
    // A SAS's expiry has whole seconds: this one ends at the start of the second after next.
    const expiresOn = new Date(Math.ceil((Date.now() + 1000) / 1000) * 1000);
    const c = openWithSas(sas('rwdl', { expiresOn }), http);
    await c.client.getBlockBlobClient('early').upload('e', 1);
    // Azurite checks the expiry against its own clock: wait for the real time to pass it.
    await new Promise((r) => setTimeout(r, expiresOn.getTime() - Date.now() + 50));
    const err = await c.client
      .getBlockBlobClient('late')
      .upload('l', 1)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'SIGNIN_REQUIRED',
      details: { azureCode: 'AuthenticationFailed' },
      message: expect.stringMatching(/the container SAS expired on .*enter it again/),
    });
    expect((err as Error).message).toMatch(
      /^Azure Storage answered 403 AuthenticationFailed \(Signature not valid in the specified time frame: Start \[\] - Expiry \[.* GMT\] - Current \[.* GMT\]\): the container SAS expired on /,
    );
  });
});
