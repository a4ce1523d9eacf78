import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/core-auth';
import { DataBoxManagementClient } from '@azure/arm-databox';
import { repoRoot } from '../paths.ts';
import { createSandboxTls } from './ca.ts';
import { createCaTrustingHttpClient } from './ca-http-client.ts';
import { lostLeaves, shapeGaps } from './contract-util.ts';
import { startSandbox, type SandboxHandle } from './index.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';
import { swaggerOracle } from './test-swagger.ts';
import type { Exchange } from './arm.ts';

/**
 * The official Microsoft.DataBox 2025-07-01 examples of the operations the product calls (tests/swagger/examples),
 * replayed three ways: (1) the oracle accepts each example's request and answers (it is not stricter than what
 * Microsoft publishes); (2) @azure/arm-databox sends the example's request and reads its answers without loss;
 * (3) the sandbox answers the example's request with the example's fields and types. Every example is a Data Box
 * *device* order (sku DataBox / DataBoxDisk): there is none of a customer-disk job, the only kind the sandbox serves,
 * so (3) runs each request on a customer-disk job and `optional` names the device-only fields, each with its reason.
 */
type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Example {
  parameters: Params;
  responses: Record<string, { body?: unknown; headers?: Record<string, string> }>;
}
const DIR = join(repoRoot, 'tests', 'swagger', 'examples', 'databox', '2025-07-01');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const load = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Example;
const V = '2025-07-01';
const JOB = (p: Params, name = p.jobName) =>
  `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.DataBox/jobs/${name}`;
// The wire body (`properties` bag) as the SDK's flattened model takes it.
const flat = ({ properties, ...rest }: Params) => ({ ...rest, ...properties });
const first = async <T>(it: { byPage(): AsyncIterableIterator<T[]> }) => (await it.byPage().next()).value as T[];
const DEVICE_DETAILS = [
  // Notification preferences the product never sets, the device's return label, and the packages: the example's are
  // empty strings before anything shipped, the sandbox sends a package once there is one.
  '$.properties.details.contactDetails.notificationPreference',
  '$.properties.details.reverseShipmentLabelSasKey',
  '$.properties.details.deliveryPackage',
  '$.properties.details.returnPackage',
];
// Device scheduling (deliveryType/deliveryInfo), a lost device, a system-assigned identity the product never asks for,
// the service's own cancellation of a stale order, the device generation (sku.model), and a second page.
const DEVICE_PROPS = [
  '$.identity',
  '$.value[].identity.principalId',
  '$.value[].identity.tenantId',
  '$.properties.deliveryInfo',
  '$.properties.deliveryType',
  '$.properties.allDevicesLost',
  '$.properties.cancellationReason',
  '$.value[].identity',
  '$.value[].properties.deliveryInfo',
  '$.value[].properties.deliveryType',
  '$.value[].properties.cancellationReason',
  '$.sku.model',
  '$.value[].sku.model',
  '$.nextLink',
];

interface Case {
  method: string;
  path: (p: Params) => string;
  /** Name of the body parameter in the example. */
  body?: string;
  sdk: (c: DataBoxManagementClient, p: Params) => Promise<unknown>;
  /** Fields @azure/arm-databox 5.0.0 (models of 2022-12-01) does not know: it drops them, with the reason. */
  sdkUnknown?: string[];
  /** Sandbox side: the request sent (on a customer-disk job `job`), and fields the sandbox may lack. */
  sandbox: {
    path: (job: string) => string;
    body?: (p: Params) => unknown;
    state?: 'cancelled' | 'none';
    optional?: string[];
    refused?: { status: number; code: string; why: string };
  };
}

const CASES: Record<string, Case> = {
  'JobsCreate.json': {
    method: 'PUT',
    path: (p) => JOB(p),
    body: 'jobResource',
    sdk: (c, p) => c.jobs.beginCreateAndWait(p.resourceGroupName, p.jobName, flat(p.jobResource) as never),
    // sku.model (2025-02-01) names a Data Box device generation; a customer-disk job has none and the product sends none.
    sdkUnknown: ['$.sku.model'],
    sandbox: {
      path: (j) => j,
      body: (p) => p.jobResource,
      state: 'none',
      refused: {
        status: 400,
        code: 'InvalidSku',
        why: 'a Data Box device order: the sandbox serves DataBoxCustomerDisk jobs only',
      },
    },
  },
  'JobsGet.json': {
    method: 'GET',
    path: (p) => `${JOB(p)}?$expand=details`,
    sdk: (c, p) => c.jobs.get(p.resourceGroupName, p.jobName, { expand: p.$expand }),
    // allDevicesLost (2025-02-01) is about Data Box devices; the product reads neither it nor sku.model.
    sdkUnknown: ['$.(flattened)properties.allDevicesLost'],
    sandbox: {
      path: (j) => `${j}?$expand=details`,
      optional: [
        ...DEVICE_PROPS,
        ...DEVICE_DETAILS,
        '$.properties.details.copyProgress[]',
        '$.properties.details.copyLogDetails[]',
      ],
    },
  },
  'JobsList.json': {
    method: 'GET',
    path: (p) => `/subscriptions/${p.subscriptionId}/providers/Microsoft.DataBox/jobs`,
    sdk: (c) => first(c.jobs.list()),
    sandbox: {
      path: (j) => j.replace(/\/resourceGroups\/.*$/, '/providers/Microsoft.DataBox/jobs'),
      optional: DEVICE_PROPS,
    },
  },
  'JobsListByResourceGroup.json': {
    method: 'GET',
    path: (p) =>
      `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroupName}/providers/Microsoft.DataBox/jobs`,
    sdk: (c, p) => first(c.jobs.listByResourceGroup(p.resourceGroupName)),
    sandbox: { path: (j) => j.slice(0, j.lastIndexOf('/')), optional: DEVICE_PROPS },
  },
  'JobsPatch.json': {
    method: 'PATCH',
    path: (p) => JOB(p),
    body: 'jobResourceUpdateParameter',
    sdk: (c, p) => c.jobs.beginUpdateAndWait(p.resourceGroupName, p.jobName, flat(p.jobResourceUpdateParameter)),
    sandbox: { path: (j) => j, body: (p) => p.jobResourceUpdateParameter, optional: ['$.sku.model'] },
  },
  'JobsCancelPost.json': {
    method: 'POST',
    path: (p) => `${JOB(p)}/cancel`,
    body: 'cancellationReason',
    sdk: (c, p) => c.jobs.cancel(p.resourceGroupName, p.jobName, p.cancellationReason),
    sandbox: { path: (j) => `${j}/cancel`, body: (p) => p.cancellationReason },
  },
  'JobsDelete.json': {
    method: 'DELETE',
    path: (p) => JOB(p),
    sdk: (c, p) => c.jobs.beginDeleteAndWait(p.resourceGroupName, p.jobName),
    sandbox: { path: (j) => j, state: 'cancelled' },
  },
  'JobsListCredentials.json': {
    method: 'POST',
    path: (p) => `${JOB(p)}/listCredentials`,
    sdk: (c, p) => first(c.jobs.listCredentials(p.resourceGroupName, p.jobName)),
    // A device's pod secrets (device password, share credentials) have no customer-disk counterpart: its secrets are
    // each disk's BitLocker key (diskSecrets) and the return carrier's account number.
    sandbox: {
      path: (j) => `${j}/listCredentials`,
      optional: ['$.value[].jobSecrets.podSecrets', '$.value[].jobSecrets.dcAccessSecurityCode'],
    },
  },
  'MarkDevicesShipped.json': {
    method: 'POST',
    path: (p) => `${JOB(p)}/markDevicesShipped`,
    body: 'markDevicesShippedRequest',
    sdk: (c, p) => c.jobs.markDevicesShipped(p.jobName, p.resourceGroupName, p.markDevicesShippedRequest),
    sandbox: { path: (j) => `${j}/markDevicesShipped`, body: (p) => p.markDevicesShippedRequest },
  },
};

describe('Data Box 2025-07-01 examples', () => {
  it('has a case for every example kept, and an example for every Jobs operation the product calls', () => {
    expect(files.sort()).toEqual(Object.keys(CASES).sort());
  });

  for (const f of files) {
    it(`${f}: the oracle accepts the published request and answers`, () => {
      const ex = load(f);
      const c = CASES[f];
      const [path, query = ''] = c.path(ex.parameters).split('?');
      for (const [code, r] of Object.entries(ex.responses)) {
        const exchange: Exchange = {
          method: c.method,
          path,
          query: `?api-version=${V}${query ? `&${query}` : ''}`,
          requestBody: c.body ? ex.parameters[c.body] : undefined,
          status: Number(code),
          responseBody: r.body,
          responseHeaders: r.headers ?? {},
        };
        expect(swaggerOracle().validate(exchange)?.problems, `${f} ${code}`).toEqual([]);
      }
    });
  }
});

let server: Server;
let base: string;
let ca: string;
let reply: { status: number; body: unknown } = { status: 200, body: null };
let sent: { method: string; url: string; body: unknown } | undefined;

describe('Data Box 2025-07-01 examples through @azure/arm-databox', () => {
  beforeAll(async () => {
    const tls = await createSandboxTls();
    ca = tls.caCertPem;
    server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
      let text = '';
      req.on('data', (d: Buffer) => (text += d.toString()));
      req.on('end', () => {
        sent = { method: req.method ?? '', url: req.url ?? '', body: text ? JSON.parse(text) : undefined };
        const out = reply.body === undefined || reply.body === null ? '' : JSON.stringify(reply.body);
        res.writeHead(reply.status, out ? { 'content-type': 'application/json' } : {});
        res.end(out);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const client = (sub: string) => {
    const credential: TokenCredential = {
      getToken: async () => ({ token: 't', expiresOnTimestamp: Date.now() + 3600_000 }),
    };
    return new DataBoxManagementClient(credential, sub, {
      $host: base,
      endpoint: base,
      apiVersion: V,
      httpClient: createCaTrustingHttpClient(ca),
      retryOptions: { maxRetries: 0 },
      credentialScopes: [`${base}/.default`],
    });
  };

  for (const f of files) {
    it(`${f}: sends the example's request and reads every field of its answers`, async () => {
      const ex = load(f);
      const c = CASES[f];
      // 202 answers name a polling URL the example does not serve: the SDK reads the final (200/204) answers.
      for (const [code, r] of Object.entries(ex.responses).filter(([code]) => code !== '202')) {
        reply = { status: Number(code), body: r.body ?? null };
        const got = await c.sdk(client(ex.parameters.subscriptionId), ex.parameters);
        expect(sent?.method).toBe(c.method);
        expect(sent?.url.split('?')[0]).toBe(c.path(ex.parameters).split('?')[0]);
        expect(new URLSearchParams(sent?.url.split('?')[1]).get('api-version')).toBe(V);
        const known = (lost: string[]) => lost.filter((l) => !(c.sdkUnknown ?? []).includes(l));
        if (c.body)
          expect(
            known(lostLeaves(ex.parameters[c.body], sent?.body)),
            `${f}: request fields the SDK did not send`,
          ).toEqual([]);
        const want = (r.body as Params | undefined)?.value ?? r.body;
        if (want) expect(known(lostLeaves(want, got)), `${f} ${code}: fields lost by the SDK`).toEqual([]);
      }
    });
  }
});

let sb: SandboxHandle;
let token: string;
let n = 0;
const call = (method: string, path: string, body?: unknown) =>
  sbRequest(`${sb.armUrl}${path}${path.includes('?') ? '&' : '?'}api-version=${V}`, {
    method,
    body,
    token,
    ca: sb.caCertPem,
  });

/** A customer-disk job of the sandbox (the examples' requests are run on it). */
async function customerDiskJob(state?: 'cancelled' | 'none'): Promise<string> {
  const path = `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.DataBox/jobs/ex-job-${++n}`;
  if (state === 'none') return path;
  const details = {
    jobDetailsType: 'DataBoxCustomerDisk',
    contactDetails: { contactName: 'IT', phone: '4250000000', phoneExtension: '', emailList: ['it@example.com'] },
    shippingAddress: {
      streetAddress1: '1 Main St',
      streetAddress2: 'Bldg 4',
      city: 'Redmond',
      stateOrProvince: 'WA',
      postalCode: '98052',
      country: 'US',
      companyName: 'Contoso',
      addressType: 'Commercial',
    },
    dataImportDetails: [
      {
        accountDetails: {
          dataAccountType: 'StorageAccount',
          storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
        },
      },
    ],
    importDiskDetailsCollection: {
      [`EXSER${n}`]: {
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '00112233445566778899AABBCCDDEEFF',
        bitLockerKey: '111111-222222-333333-444444-555555-666666-777777-888888',
      },
    },
    returnToCustomerPackageDetails: { carrierName: 'FedEx', carrierAccountNumber: '123' },
  };
  const r = await call('PUT', path, {
    location: 'westus',
    sku: { name: 'DataBoxCustomerDisk' },
    properties: { transferType: 'ImportToAzure', details },
  });
  if (r.status !== 202) throw new Error(`setup: ${r.status} ${r.text}`);
  if (state === 'cancelled') await call('POST', `${path}/cancel`, { reason: 'example setup' });
  return path;
}

describe('Data Box 2025-07-01 examples against the sandbox', () => {
  const exchanges: Exchange[] = [];
  beforeAll(async () => {
    sb = await startSandbox({ azurite: false, registrationDelayMs: 0, onArmExchange: (e) => exchanges.push(e) });
    token = await mintToken(sb, sb.users[0]);
    await sbRequest(
      `${sb.armUrl}/subscriptions/${sb.subscriptionId}/providers/Microsoft.DataBox/register?api-version=2025-04-01`,
      { method: 'POST', token, ca: sb.caCertPem },
    );
  });
  afterAll(async () => sb?.stop());

  for (const f of files) {
    it(`${f}: answered with the example's fields and types`, async () => {
      const ex = load(f);
      const c = CASES[f].sandbox;
      const res = await call(CASES[f].method, c.path(await customerDiskJob(c.state)), c.body?.(ex.parameters));
      if (c.refused) {
        expect({ status: res.status, code: res.json?.error?.code }, c.refused.why).toEqual({
          status: c.refused.status,
          code: c.refused.code,
        });
        return;
      }
      expect(Object.keys(ex.responses), res.text).toContain(String(res.status));
      const want = ex.responses[String(res.status)]?.body;
      if (want) expect(shapeGaps(want, res.json, c.optional ?? []), JSON.stringify(res.json)).toEqual([]);
      else expect(res.text).toBe('');
    });
  }

  it('and every one of those answers kept to the swagger', () => {
    const r = swaggerOracle().review(exchanges);
    expect(r.problems).toEqual([]);
    expect(r.unchecked.filter((e) => !/\/register$/.test(e.path))).toEqual([]);
  });
});
