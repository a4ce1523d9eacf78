/**
 * Every official example in ../shared/azure-examples/ that concerns this layer, exercised through it: a small
 * HTTPS replay server answers with the example's documented response (unchanged, except that a paged example's
 * absolute nextLink is pointed back at the replay server, which then serves an empty last page), and the request the
 * layer sent is compared with the example's parameters. The real SDK packages and our HttpClient do all the work.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandboxTls } from '../sandbox/ca.ts';
import { repoRoot } from '../paths.ts';
import { AZURE_PUBLIC } from './clouds.ts';
import { AzureClients } from './clients.ts';
import { ensureRole } from './entra-app.ts';
import { CloudHttp } from './http.ts';
import { ImportExportBackend } from './jobs/import-export.ts';
import * as res from './resources.ts';
import type { CloudAuth } from './signin.ts';

const DIR = process.env.OBC_AZURE_EXAMPLES ?? join(repoRoot, '..', 'shared', 'azure-examples');
type Example = { parameters: Record<string, unknown>; responses: Record<string, { body?: unknown }> };
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json'));
const load = (f: string): Example => JSON.parse(readFileSync(join(DIR, f), 'utf8'));
const covered = new Set<string>();
const ex = (suffix: string, folder = ''): [string, Example] => {
  const f = FILES.find((x) => x.endsWith(suffix) && x.includes(folder));
  if (!f) throw new Error(`example ${folder} ${suffix} missing`);
  covered.add(f);
  return [f, load(f)];
};
const all = (suffix: string): Array<[string, Example]> =>
  FILES.filter((f) => f.endsWith(suffix)).map((f) => (covered.add(f), [f, load(f)]));

interface Seen {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}
let server: Server;
let origin = '';
let queue: Array<{ status: number; body?: unknown }> = [];
let seen: Seen[] = [];
let clients: AzureClients;

beforeAll(async () => {
  const tls = await createSandboxTls();
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, resp) => {
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      const u = new URL(`${origin}${req.url ?? '/'}`);
      seen.push({
        method: req.method ?? '',
        path: decodeURIComponent(u.pathname),
        query: u.searchParams,
        body: raw ? JSON.parse(raw) : undefined,
      });
      const next = queue.shift() ?? { status: 200, body: { value: [] } };
      let text = next.body === undefined ? '' : JSON.stringify(next.body);
      text = text.replace(/"nextLink":"https:\/\/[^/"]+/g, `"nextLink":"${origin}`);
      resp.writeHead(next.status, { 'content-type': 'application/json' }).end(text);
    });
  }) as unknown as Server;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const cloud = {
    ...AZURE_PUBLIC,
    name: 'Replay',
    armEndpoint: origin,
    graphEndpoint: origin,
    caCertPem: tls.caCertPem,
  };
  const http = new CloudHttp(cloud, { retry: { maxRetries: 0 } });
  const token = async () => ({ token: 'replay-token', expiresOnTimestamp: Date.now() + 3_600_000 });
  const auth = { credential: () => ({ getToken: token }), getToken: token } as unknown as CloudAuth;
  clients = new AzureClients(auth, http);
});
afterAll(async () => {
  clients?.http.dispose();
  await new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  // A new example file must be placed in one of the two lists, so nobody forgets it.
  const notUsedByThisLayer = ['ResourceGroups_Get.json', 'StorageAccountListKeys.json', 'ListOperations.json'];
  const left = FILES.filter((f) => !covered.has(f) && !notUsedByThisLayer.some((n) => f.endsWith(n)));
  expect(left).toEqual([]);
});

const serve = (...r: Array<{ status: number; body?: unknown }>) => {
  queue = r;
  seen = [];
};
const body200 = (e: Example) => ({ status: 200, body: e.responses['200'].body });

describe('official examples through the Azure layer', () => {
  it('Subscriptions_List (GetSubscriptions)', async () => {
    const [, e] = ex('GetSubscriptions.json');
    serve(body200(e));
    const subs = await res.listSubscriptions(clients);
    const value = (
      e.responses['200'].body as {
        value: Array<{ subscriptionId: string; displayName: string; state: string; tenantId: string }>;
      }
    ).value;
    expect(subs).toEqual(
      value.map((s) => ({
        subscriptionId: s.subscriptionId,
        displayName: s.displayName,
        state: s.state,
        tenantId: s.tenantId,
      })),
    );
    expect(seen).toHaveLength(1); // "http://nextlink" is not on the ARM endpoint: not followed
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/subscriptions' });
    expect(seen[0].query.get('api-version')).toBe(e.parameters['api-version']);
  });

  it('StorageAccounts_List (StorageAccountList)', async () => {
    const [, e] = ex('StorageAccountList.json');
    serve(body200(e));
    const sub = String(e.parameters.subscriptionId);
    const list = await res.listStorageAccounts(clients, sub);
    const value = (e.responses['200'].body as { value: Array<{ name: string; kind: string; location: string }> }).value;
    expect(list.map((a) => a.name).sort()).toEqual(value.map((v) => v.name).sort());
    for (const v of value) {
      const a = list.find((x) => x.name === v.name)!;
      expect(a).toMatchObject({
        kind: v.kind,
        location: v.location,
        pageBlobEligible: v.kind === 'StorageV2' || v.kind === 'Storage',
      });
      expect(a.resourceGroup).not.toBe('');
    }
    expect(seen[0]).toMatchObject({
      method: 'GET',
      path: `/subscriptions/${sub}/providers/Microsoft.Storage/storageAccounts`,
    });
    // @azure/arm-storage 21 sends its own newer api-version (2026-09-01); the example documents 2025-08-01.
    expect(seen[0].query.get('api-version')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('BlobContainers_List (BlobContainersList), following nextLink', async () => {
    const [, e] = ex('BlobContainersList.json');
    serve(body200(e), { status: 200, body: { value: [] } });
    const p = e.parameters as Record<string, string>;
    const list = await res.listContainers(clients, p.subscriptionId, p.resourceGroupName, p.accountName);
    expect(list.map((c) => c.name).sort()).toEqual(
      (e.responses['200'].body as { value: Array<{ name: string }> }).value.map((v) => v.name).sort(),
    );
    expect(seen).toHaveLength(2);
    expect(seen[0].path).toBe(
      `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.Storage/storageAccounts/${p.accountName}/blobServices/default/containers`,
    );
    expect(seen[0].query.get('api-version')).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it('BlobContainers_Create (BlobContainersPut) after a 404 on get', async () => {
    const [, e] = ex('BlobContainersPut.json');
    const p = e.parameters as Record<string, string>;
    serve(
      {
        status: 404,
        body: { error: { code: 'ContainerNotFound', message: 'The specified container does not exist.' } },
      },
      { status: 201, body: e.responses['201'].body },
    );
    const made = await res.ensureContainer(
      clients,
      p.subscriptionId,
      p.resourceGroupName,
      p.accountName,
      p.containerName,
    );
    expect(made).toEqual({ name: p.containerName, created: true });
    expect(seen[1]).toMatchObject({ method: 'PUT', body: e.parameters.blobContainer });
    expect(seen[1].path.endsWith(`/containers/${p.containerName}`)).toBe(true);
    serve({ status: 200, body: e.responses['200'].body });
    expect(
      await res.ensureContainer(clients, p.subscriptionId, p.resourceGroupName, p.accountName, p.containerName),
    ).toEqual({ name: p.containerName, created: false });
  });

  it('Providers_Get (GetProvider)', async () => {
    const [, e] = ex('GetProvider.json');
    serve(body200(e));
    const p = e.parameters as Record<string, string>;
    const st = await res.providerStatus(clients, p.subscriptionId, p.resourceProviderNamespace);
    expect(st).toEqual({ namespace: p.resourceProviderNamespace, registrationState: 'Registering', registered: false });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      path: `/subscriptions/${p.subscriptionId}/providers/${p.resourceProviderNamespace}`,
    });
    expect(seen[0].query.get('api-version')).toBe(p['api-version']);
  });

  it('RoleAssignments_Create (RoleAssignments_CreateForResource)', async () => {
    const [, e] = ex('RoleAssignments_CreateForResource.json');
    const p = e.parameters as {
      scope: string;
      parameters: { properties: { roleDefinitionId: string; principalId: string; principalType: 'User' } };
    };
    const sub = /subscriptions\/([^/]+)/.exec(p.scope)![1];
    const scope = `/${p.scope}`;
    serve(
      {
        status: 200,
        body: {
          value: [{ id: p.parameters.properties.roleDefinitionId, name: 'x', properties: { roleName: 'Reader' } }],
        },
      },
      { status: 200, body: { value: [] } },
      { status: 201, body: e.responses['201'].body },
    );
    const r = await ensureRole(
      { clients },
      sub,
      'Reader',
      scope,
      p.parameters.properties.principalId,
      'user',
      'app',
      'User',
    );
    expect(r).toEqual({ role: 'Reader', scope, created: true });
    const put = seen.find((s) => s.method === 'PUT')!;
    expect(put.path).toMatch(new RegExp(`^${scope}/providers/Microsoft.Authorization/roleAssignments/[0-9a-f-]{36}$`));
    expect(put.body).toEqual(p.parameters);
    expect(put.query.get('api-version')).toBe(e.parameters['api-version']);
  });

  it.each(all('ListLocations.json'))('Locations_List (%s)', async (_f, e) => {
    serve(body200(e));
    const locs = await res.listLocations(clients);
    const value = (
      e.responses['200'].body as {
        value: Array<{
          id: string;
          name: string;
          properties: { supportedCarriers: string[]; alternateLocations: string[]; phone: string; city: string };
        }>;
      }
    ).value;
    expect(locs.map((l) => l.id)).toEqual(value.map((v) => v.id));
    for (const [i, v] of value.entries())
      expect(locs[i]).toMatchObject({
        name: v.name,
        city: v.properties.city,
        phone: v.properties.phone,
        supportedCarriers: v.properties.supportedCarriers,
        alternateLocations: v.properties.alternateLocations,
      });
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/providers/Microsoft.ImportExport/locations' });
  });

  it.each(all('GetLocation.json'))('Locations_Get (%s)', async (_f, e) => {
    serve(body200(e));
    const l = await res.getLocation(clients, String(e.parameters.locationName));
    const b = e.responses['200'].body as {
      id: string;
      name: string;
      properties: { supportedCarriers: string[]; streetAddress1: string };
    };
    expect(l).toMatchObject({
      id: b.id,
      name: b.name,
      streetAddress1: b.properties.streetAddress1,
      supportedCarriers: b.properties.supportedCarriers,
    });
    expect(seen[0].path).toBe(`/providers/Microsoft.ImportExport/locations/${e.parameters.locationName}`);
  });

  const backend = () => new ImportExportBackend(clients);
  const jobRef = (e: Example) => ({
    subscriptionId: String(e.parameters.subscriptionId),
    resourceGroup: String(e.parameters.resourceGroupName),
    jobName: String(e.parameters.jobName ?? ''),
  });
  type JobBody = {
    name: string;
    location: string;
    properties: {
      state: string;
      storageAccountId: string;
      driveList?: Array<{ driveId: string; state: string }>;
      deliveryPackage?: { trackingNumber: string };
    };
  };
  const expectJob = (j: Awaited<ReturnType<ImportExportBackend['get']>>, b: JobBody) => {
    expect(j).toMatchObject({
      name: b.name,
      location: b.location,
      state: b.properties.state,
      storageAccountId: b.properties.storageAccountId,
    });
    expect(j.drives.map((d) => [d.driveId, d.state])).toEqual(
      (b.properties.driveList ?? []).map((d) => [d.driveId, d.state]),
    );
    if (b.properties.deliveryPackage)
      expect(j.deliveryPackage?.trackingNumber).toBe(b.properties.deliveryPackage.trackingNumber);
  };

  it.each(all('GetJob.json'))('Jobs_Get (%s)', async (_f, e) => {
    serve(body200(e));
    const r = jobRef(e);
    expectJob(await backend().get(r), e.responses['200'].body as JobBody);
    expect(seen[0].path).toBe(
      `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ImportExport/jobs/${r.jobName}`,
    );
  });

  it.each([...all('ListJobsInResourceGroup.json'), ...all('ListJobsInSubscription.json')])(
    'Jobs_List (%s)',
    async (f, e) => {
      serve(body200(e));
      const r = jobRef(e);
      const inRg = f.endsWith('ListJobsInResourceGroup.json');
      const jobs = await backend().list(r.subscriptionId, inRg ? r.resourceGroup : undefined);
      const value = (e.responses['200'].body as { value: JobBody[] }).value;
      expect(jobs).toHaveLength(value.length);
      value.forEach((v, i) => expectJob(jobs[i], v));
      expect(seen[0].path).toBe(
        inRg
          ? `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ImportExport/jobs`
          : `/subscriptions/${r.subscriptionId}/providers/Microsoft.ImportExport/jobs`,
      );
    },
  );

  it.each(all('CreateJob.json'))('Jobs_Create (%s): the layer sends exactly the example body', async (_f, e) => {
    const body = e.parameters.body as {
      location: string;
      properties: {
        storageAccountId: string;
        returnAddress: Record<string, string>;
        returnShipping: { carrierName: string; carrierAccountNumber: string };
        driveList: Array<{
          driveId: string;
          bitLockerKey: string;
          manifestFile: string;
          manifestHash: string;
          driveHeaderHash: string;
        }>;
      };
    };
    const status = e.responses['201'] ? 201 : 200;
    serve({ status, body: e.responses[String(status)].body });
    const r = jobRef(e);
    const a = body.properties.returnAddress;
    const job = await backend().create({
      ...r,
      location: body.location,
      storageAccountId: body.properties.storageAccountId,
      drives: body.properties.driveList,
      returnAddress: {
        contactName: a.recipientName,
        streetAddress1: a.streetAddress1,
        streetAddress2: a.streetAddress2,
        city: a.city,
        stateOrProvince: a.stateOrProvince,
        postalCode: a.postalCode,
        countryOrRegion: a.countryOrRegion,
        phone: a.phone,
        email: a.email,
      },
      returnShipping: body.properties.returnShipping,
    });
    expect(seen[0]).toMatchObject({
      method: 'PUT',
      path: `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ImportExport/jobs/${r.jobName}`,
    });
    expect(seen[0].body).toEqual(body);
    expectJob(job, e.responses[String(status)].body as JobBody);
  });

  it.each(all('UpdateJob.json'))('Jobs_Update (%s): response parsed after a tracking update', async (_f, e) => {
    serve(body200(e));
    const r = jobRef(e);
    const job = await backend().updateTracking(r, {
      carrierName: 'FedEx',
      trackingNumber: '123456789',
      driveCount: 1,
      shipDate: '2026-11-20',
    });
    expectJob(job, e.responses['200'].body as JobBody);
    // The example PATCH sets logLevel/backupDriveManifest; the console only ever PATCHes tracking, return details or cancel.
    expect(seen[0]).toMatchObject({
      method: 'PATCH',
      body: {
        properties: {
          state: 'Shipping',
          deliveryPackage: { carrierName: 'FedEx', trackingNumber: '123456789', driveCount: 1, shipDate: '2026-11-20' },
        },
      },
    });
  });

  it.each(all('DeleteJob.json'))('Jobs_Delete (%s)', async (_f, e) => {
    serve({ status: 200 });
    const r = jobRef(e);
    await backend().delete(r);
    expect(seen[0]).toMatchObject({
      method: 'DELETE',
      path: `/subscriptions/${r.subscriptionId}/resourceGroups/${r.resourceGroup}/providers/Microsoft.ImportExport/jobs/${r.jobName}`,
    });
  });

  it.each(all('ListBitLockerKeys.json'))('BitLockerKeys_List (%s)', async (_f, e) => {
    serve(body200(e));
    const keys = await backend().listBitLockerKeys(jobRef(e));
    expect(keys).toEqual(
      (e.responses['200'].body as { value: Array<{ driveId: string; bitLockerKey: string }> }).value.map((k) => ({
        driveId: k.driveId,
        bitLockerKey: k.bitLockerKey,
      })),
    );
    expect(seen[0]).toMatchObject({ method: 'POST' });
    expect(seen[0].path.endsWith('/listBitLockerKeys')).toBe(true);
  });
});
