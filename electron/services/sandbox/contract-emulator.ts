import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startSandbox, type SandboxHandle } from './index.ts';
import { EXAMPLES_DIR } from './contract-paths.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';
import { adaptIds, shapeGaps } from './contract-util.ts';

/**
 * Emulator half of the contract test: each example's request (ids rewritten to the sandbox's) is sent to the
 * emulator, after the setup that puts the sandbox in the example's situation (a job in Received, a drive that was
 * copied…); the answer must have every field of the example response with the same JSON type. `optional` lists
 * the few fields that only exist in situations the sandbox does not model, each with its reason.
 */
type Params = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Example {
  parameters: Params;
  responses: Record<string, { body?: unknown }>;
}

let sb: SandboxHandle;
let token: string;
let n = 0;

const sub = () => sb.subscriptionId;
const ACCOUNT = () =>
  `/subscriptions/${sub()}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`;
const JOBS = () => `/subscriptions/${sub()}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs`;
const IE = '?api-version=2021-01-01';

const adapt = (v: unknown) =>
  adaptIds(v, [
    [
      /xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx|00000000-0000-0000-0000-000000000000|\{subscription-id\}|a925f2f7-5c63-4b7b-8799-25a5f97bc3b2/g,
      sub(),
    ],
    [
      /^\/subscriptions\/([^/]+)\/resourceGroups\/[^/]+\/providers\/Microsoft\.(Classic)?Storage\/storageAccounts\/[^/]+$/,
      ACCOUNT(),
    ],
  ]);

async function call(method: string, path: string, body?: unknown) {
  return sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });
}
const admin = (path: string, body: unknown) =>
  sbRequest(`${sb.admin.url}${path}`, { method: 'POST', body, token: sb.admin.token });

/** The 2021-01-01 CreateJob example body (a valid import job), adapted to the sandbox. */
let createBody: unknown;
async function newJob(): Promise<string> {
  const name = `contract-job-${++n}`;
  const r = await call('PUT', `${JOBS()}/${name}${IE}`, createBody);
  if (r.status !== 201) throw new Error(`setup: creating ${name} failed: ${r.text}`);
  return name;
}
async function ship(name: string) {
  const r = await call('PATCH', `${JOBS()}/${name}${IE}`, {
    properties: {
      state: 'Shipping',
      deliveryPackage: {
        carrierName: 'FedEx',
        trackingNumber: `CT-${name}`,
        driveCount: 1,
        shipDate: '8/13/2017 7:32:23 PM',
      },
    },
  });
  if (r.status !== 200) throw new Error(`setup: shipping ${name} failed: ${r.text}`);
}
async function receivedJob(): Promise<string> {
  const name = await newJob();
  await ship(name);
  // The drive arrives (no folder behind it: the copy would then report DiskNotFound).
  const r = await admin(`/jobs/backup-rg/${name}/receive`, {
    disks: [{ path: '/nonexistent/disk', driveId: '9CA995BB' }],
  });
  if (r.status !== 200) throw new Error(`setup: receive ${name} failed: ${r.text}`);
  return name;
}

interface Case {
  method: string;
  path: (p: Params) => string | Promise<string>;
  body?: (p: Params) => unknown;
  setup?: () => Promise<void>;
  /** Example fields the sandbox's answer may lack, with the reason in a comment. */
  optional?: string[];
}

const SYSTEM_DATA_IN_PROPERTIES = [
  // ListJobsInSubscription's second job repeats systemData inside properties (not in the JobDetails schema).
  '$.value[].properties.systemData',
];

export const EMULATOR_CASES: Record<string, Case> = {
  GetSubscriptions: {
    method: 'GET',
    path: () => '/subscriptions?api-version=2022-12-01',
    optional: ['$.nextLink', '$.value[].managedByTenants[]'],
  },
  GetProvider: {
    method: 'GET',
    path: () => `/subscriptions/${sub()}/providers/Microsoft.ImportExport?api-version=2025-04-01`,
    optional: ['$.resourceTypes[].locationMappings'],
  },
  ResourceGroups_Get: {
    method: 'GET',
    path: () => `/subscriptions/${sub()}/resourcegroups/backup-rg?api-version=2025-04-01`,
  },
  BlobContainersList: {
    method: 'GET',
    setup: async () =>
      void (await call('PUT', `${ACCOUNT()}/blobServices/default/containers/contract-list?api-version=2025-08-01`, {})),
    path: () => `${ACCOUNT()}/blobServices/default/containers?api-version=2025-08-01`,
    optional: ['$.nextLink'], // one page only
  },
  BlobContainersPut: {
    method: 'PUT',
    path: (p) => `${ACCOUNT()}/blobServices/default/containers/${p.containerName}?api-version=2025-08-01`,
    body: (p) => p.blobContainer,
  },
  StorageAccountList: {
    method: 'GET',
    path: () => `/subscriptions/${sub()}/providers/Microsoft.Storage/storageAccounts?api-version=2025-08-01`,
    optional: [
      // Scenario-specific parts of the six example accounts: managed identities, geo-secondary, routing
      // preferences, customer-managed keys, ADLS, Azure Files AD auth.
      '$.value[].identity',
      '$.value[].properties.secondaryLocation',
      '$.value[].properties.statusOfSecondary',
      '$.value[].properties.primaryEndpoints.microsoftEndpoints',
      '$.value[].properties.primaryEndpoints.internetEndpoints',
      '$.value[].properties.primaryEndpoints.file',
      '$.value[].properties.primaryEndpoints.queue',
      '$.value[].properties.primaryEndpoints.table',
      '$.value[].properties.routingPreference',
      '$.value[].properties.encryption.keyvaultproperties',
      '$.value[].properties.encryption.keySource',
      '$.value[].properties.azureFilesIdentityBasedAuthentication',
      '$.value[].properties.networkAcls',
      '$.value[].properties.geoReplicationStats',
      '$.value[].properties.keyCreationTime',
      '$.value[].properties.encryption.services.file',
      '$.value[].properties.encryption.services.blob',
    ],
  },
  StorageAccountListKeys: { method: 'POST', path: () => `${ACCOUNT()}/listKeys?api-version=2025-08-01` },
  CreateJob: { method: 'PUT', path: () => `${JOBS()}/contract-create-${++n}${IE}`, body: (p) => adapt(p.body) },
  GetJob: { method: 'GET', path: async () => `${JOBS()}/${await newJob()}${IE}` },
  UpdateJob: { method: 'PATCH', path: async () => `${JOBS()}/${await newJob()}${IE}`, body: (p) => p.body },
  DeleteJob: { method: 'DELETE', path: async () => `${JOBS()}/${await newJob()}${IE}` },
  ListBitLockerKeys: { method: 'POST', path: async () => `${JOBS()}/${await newJob()}/listBitLockerKeys${IE}` },
  ListJobsInResourceGroup: {
    method: 'GET',
    setup: async () => void (await receivedJob()),
    path: () => `${JOBS()}${IE}`,
  },
  ListJobsInSubscription: {
    method: 'GET',
    setup: async () => {
      await receivedJob();
      const copied = await receivedJob();
      const r = await admin(`/jobs/backup-rg/${copied}/transfer`, {});
      if (r.status !== 200) throw new Error(`setup: transfer failed: ${r.text}`);
    },
    path: () => `/subscriptions/${sub()}/providers/Microsoft.ImportExport/jobs${IE}`,
    optional: [
      ...SYSTEM_DATA_IN_PROPERTIES,
      // manifestUri exists only once the datacenter could read the manifest; this setup's drive has no disk behind it.
      '$.value[].properties.driveList[].manifestUri',
    ],
  },
  ListLocations: { method: 'GET', path: () => `/providers/Microsoft.ImportExport/locations${IE}` },
  GetLocation: {
    method: 'GET',
    path: (p) => `/providers/Microsoft.ImportExport/locations/${encodeURIComponent(p.locationName)}${IE}`,
  },
  ListOperations: { method: 'GET', path: () => `/providers/Microsoft.ImportExport/operations${IE}` },
  RoleAssignments_CreateForResource: {
    method: 'PUT',
    path: (p) =>
      `${ACCOUNT()}/providers/Microsoft.Authorization/roleAssignments/${p.roleAssignmentName}?api-version=2022-04-01`,
    body: (p) => adapt(p.parameters),
  },
};

export async function setupEmulator(): Promise<void> {
  sb = await startSandbox({ registrationDelayMs: 0 });
  token = await mintToken(sb, sb.users[0]);
  await call('POST', `/subscriptions/${sub()}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`);
}

export async function teardownEmulator(): Promise<void> {
  await sb?.stop();
}

/** Runs one example against the emulator; returns the list of problems (empty = contract kept). */
export async function runEmulatorCase(op: string, ex: Example, file: string): Promise<string[]> {
  const c = EMULATOR_CASES[op];
  if (!createBody) {
    const create = JSON.parse(
      readFileSync(
        join(
          EXAMPLES_DIR,
          'storageimportexport__resource-manager__Microsoft.ImportExport__preview__2021-01-01__examples__CreateJob.json',
        ),
        'utf8',
      ),
    );
    createBody = adapt(create.parameters.body);
  }
  await c.setup?.();
  const path = await c.path(ex.parameters);
  const res = await call(c.method, path, c.body?.(ex.parameters));
  const codes = Object.keys(ex.responses).map(Number);
  const problems: string[] = [];
  if (!codes.includes(res.status))
    problems.push(
      `${file}: status ${res.status} not among the example's ${codes.join('/')}: ${res.text.slice(0, 300)}`,
    );
  const exBody = ex.responses[String(res.status)]?.body ?? ex.responses[String(codes[0])]?.body;
  if (exBody !== undefined && exBody !== null)
    problems.push(...shapeGaps(exBody, res.json, c.optional ?? []).map((g) => `${file}: ${g}`));
  else if (res.text)
    problems.push(`${file}: the example answers without a body, the emulator with ${res.text.slice(0, 100)}`);
  return problems;
}
