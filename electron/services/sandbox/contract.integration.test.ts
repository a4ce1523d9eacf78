import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TokenCredential } from '@azure/core-auth';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { StorageImportExport } from '@azure/arm-storageimportexport';
import { ResourceManagementClient } from '@azure/arm-resources';
import { StorageManagementClient } from '@azure/arm-storage';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { EXAMPLES_DIR } from './contract-paths.ts';
import { createSandboxTls } from './ca.ts';
import { createCaTrustingHttpClient } from './ca-http-client.ts';
import { lostLeaves } from './contract-util.ts';
import { EMULATOR_CASES, runEmulatorCase, setupEmulator, teardownEmulator } from './contract-emulator.ts';

/**
 * Contract with Azure: every official example in ../shared/azure-examples is (1) served and parsed through the real
 * SDK clients without loss and (2) replayed against the emulator, whose answer must carry the example's fields
 * with the same JSON types (contract-emulator.ts).
 */
const haveExamples = existsSync(EXAMPLES_DIR);
const files = haveExamples
  ? readdirSync(EXAMPLES_DIR)
      .filter((f) => f.endsWith('.json'))
      .sort()
  : [];
const load = (f: string) =>
  JSON.parse(readFileSync(join(EXAMPLES_DIR, f), 'utf8')) as {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    parameters: Record<string, any>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    responses: Record<string, { body?: any }>;
  };
const op = (f: string) =>
  f
    .split('__')
    .pop()!
    .replace(/\.json$/, '');

let server: Server;
let base: string;
let ca: string;
let reply: { status: number; body: unknown } = { status: 200, body: {} };
const seen: string[] = [];

beforeAll(async () => {
  const tls = await createSandboxTls();
  ca = tls.caCertPem;
  server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    seen.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => {
      const text = reply.body === undefined || reply.body === null ? '' : JSON.stringify(reply.body);
      res.writeHead(reply.status, text ? { 'content-type': 'application/json' } : {});
      res.end(text);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

function clients() {
  const credential: TokenCredential = {
    getToken: async () => ({ token: 'contract-test', expiresOnTimestamp: Date.now() + 3600_000 }),
  };
  const o = { endpoint: base, httpClient: createCaTrustingHttpClient(ca), retryOptions: { maxRetries: 0 } };
  const scopes = [`${base}/.default`];
  const sub = '00000000-0000-0000-0000-000000000000';
  return {
    ie: new StorageImportExport(credential, sub, { ...o, credentialScopes: scopes }),
    res: new ResourceManagementClient(credential, sub, { ...o, credentials: { scopes } }),
    st: new StorageManagementClient(credential, sub, { ...o, credentials: { scopes } }),
    auth: new AuthorizationManagementClient(credential, sub, { ...o, credentialScopes: scopes }),
    raw: o.httpClient,
  };
}

async function firstPage<T>(it: { byPage(): AsyncIterableIterator<T[]> }): Promise<T[]> {
  const r = await it.byPage().next();
  return r.value as T[];
}

/** For each example operation: the SDK call, and which part of the response body it returns. */
type Sdk = ReturnType<typeof clients>;
const SDK_CALLS: Record<
  string,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  { call: (c: Sdk, p: Record<string, any>) => Promise<unknown>; part: (body: any) => unknown }
> = {
  RoleAssignments_CreateForResource: {
    call: (c, p) => c.auth.roleAssignments.create(p.scope, p.roleAssignmentName, p.parameters.properties),
    part: (b) => b,
  },
  GetProvider: { call: (c, p) => c.res.providers.get(p.resourceProviderNamespace), part: (b) => b },
  ResourceGroups_Get: { call: (c, p) => c.res.resourceGroups.get(p.resourceGroupName), part: (b) => b },
  // No Subscriptions SDK in this project: the console lists subscriptions through its own pipeline (raw JSON).
  GetSubscriptions: {
    call: async (c) =>
      JSON.parse(
        (await c.raw.sendRequest(createPipelineRequest({ url: `${base}/subscriptions?api-version=2022-12-01` })))
          .bodyAsText ?? '',
      ),
    part: (b) => b,
  },
  BlobContainersList: {
    call: (c, p) => firstPage(c.st.blobContainers.list(p.resourceGroupName, p.accountName)),
    part: (b) => b.value,
  },
  BlobContainersPut: {
    call: (c, p) => c.st.blobContainers.create(p.resourceGroupName, p.accountName, p.containerName, p.blobContainer),
    part: (b) => b,
  },
  StorageAccountList: { call: (c) => firstPage(c.st.storageAccounts.list()), part: (b) => b.value },
  StorageAccountListKeys: {
    call: (c, p) => c.st.storageAccounts.listKeys(p.resourceGroupName, p.accountName),
    part: (b) => b,
  },
  CreateJob: { call: (c, p) => c.ie.jobs.create(p.jobName, p.resourceGroupName, p.body), part: (b) => b },
  GetJob: { call: (c, p) => c.ie.jobs.get(p.jobName, p.resourceGroupName), part: (b) => b },
  UpdateJob: {
    call: (c, p) => c.ie.jobs.update(p.jobName, p.resourceGroupName, { ...p.body.properties, tags: p.body.tags }),
    part: (b) => b,
  },
  DeleteJob: {
    call: async (c, p) => (await c.ie.jobs.delete(p.jobName, p.resourceGroupName)) ?? null,
    part: () => null,
  },
  ListJobsInResourceGroup: {
    call: (c, p) => firstPage(c.ie.jobs.listByResourceGroup(p.resourceGroupName)),
    part: (b) => b.value,
  },
  ListJobsInSubscription: { call: (c) => firstPage(c.ie.jobs.listBySubscription()), part: (b) => b.value },
  ListLocations: { call: (c) => firstPage(c.ie.locations.list()), part: (b) => b.value },
  GetLocation: { call: (c, p) => c.ie.locations.get(p.locationName), part: (b) => b },
  ListBitLockerKeys: {
    call: (c, p) => firstPage(c.ie.bitLockerKeys.list(p.jobName, p.resourceGroupName)),
    part: (b) => b.value,
  },
  ListOperations: { call: (c) => firstPage(c.ie.operations.list()), part: (b) => b.value },
};

describe.skipIf(!haveExamples)('contract: official examples through the SDK clients', () => {
  it('has an SDK mapping and an emulator case for every example file', () => {
    expect(files.length).toBeGreaterThanOrEqual(28);
    for (const f of files) {
      expect(SDK_CALLS[op(f)], `no SDK mapping for ${f}`).toBeDefined();
      expect(EMULATOR_CASES[op(f)], `no emulator case for ${f}`).toBeDefined();
    }
  });

  for (const f of files) {
    it(`parses ${op(f)} (${f.split('__').slice(-3, -2)[0]}) without loss`, async () => {
      const ex = load(f);
      const map = SDK_CALLS[op(f)];
      for (const [code, resp] of Object.entries(ex.responses)) {
        reply = { status: Number(code), body: resp.body ?? null };
        const got = await map.call(clients(), ex.parameters);
        const expected = map.part(resp.body ?? null);
        const lost = expected === null ? [] : lostLeaves(expected, got);
        expect(lost, `${f} ${code}: fields lost by the SDK`).toEqual([]);
      }
    });
  }
});

describe.skipIf(!haveExamples)('contract: example requests against the emulator', () => {
  beforeAll(setupEmulator);
  afterAll(teardownEmulator);
  for (const f of files) {
    it(`answers ${op(f)} (${f.split('__').slice(-3, -2)[0]}) with the example's fields and types`, async () => {
      const gaps = await runEmulatorCase(op(f), load(f), f);
      expect(gaps).toEqual([]);
    });
  }
});
