import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import {
  AZ,
  PYTHON,
  run,
  runMicrosoftClients,
  startConformance,
  type Conformance,
  type StepRecord,
} from './test-harness.ts';
import { sbRequest } from '../../electron/services/sandbox/test-http.ts';

/**
 * Issue 19: Microsoft's own clients (Debian python3-azure and azure-cli) drive the Local sandbox. ms_clients.py runs
 * every operation the product uses on Import/Export, Data Box, Resources and Storage and reports, per step, the HTTP
 * statuses the client saw and anything the swagger or the docs do not allow; `az` registers the sandbox as a cloud
 * from its ARM endpoint alone and reads through `az rest`. The named tests are the seven disagreements of issue 19
 * (and two of issue 14): each failed against the sandbox before its fix.
 */
const haveClients = existsSync(PYTHON) && existsSync(AZ);
if (!haveClients && process.env.CI)
  throw new Error(
    `The conformance suite needs ${PYTHON} with python3-azure and ${AZ}: apt-get install -y python3-azure azure-cli (.ci/run does).`,
  );

let c: Conformance;
let steps: StepRecord[] = [];
const step = (provider: string, operation: string, apiVersion?: string): StepRecord => {
  const s = steps.find(
    (x) => x.provider === provider && x.operation === operation && (!apiVersion || x.apiVersion === apiVersion),
  );
  if (!s)
    throw new Error(`ms_clients.py reported no step ${provider} ${operation}${apiVersion ? ` @ ${apiVersion}` : ''}`);
  return s;
};
const kept = (s: StepRecord) => ({
  operation: `${s.provider} ${s.operation} @ ${s.apiVersion}`,
  statuses: s.statuses,
  problems: s.problems,
});

/** Every operation the product calls (azure/resources.ts, azure/jobs/*.ts), by provider. */
const PRODUCT_OPERATIONS: Record<string, string[]> = {
  ImportExport: [
    'Locations_List',
    'Locations_Get',
    'Jobs_Create',
    'Jobs_Get',
    'Jobs_ListBySubscription',
    'Jobs_ListByResourceGroup',
    'BitLockerKeys_List',
    'Jobs_Update',
    'Jobs_Delete',
  ],
  DataBox: [
    'Jobs_Create',
    'Jobs_Get',
    'Jobs_List',
    'Jobs_ListByResourceGroup',
    'Jobs_ListCredentials',
    'Jobs_Update',
    'Jobs_MarkDevicesShipped',
    'Jobs_Cancel',
    'Jobs_Delete',
  ],
  Resources: ['Subscriptions_List', 'Providers_Register', 'Providers_Get', 'ResourceGroups_Get'],
  Storage: [
    'StorageAccounts_List',
    'StorageAccounts_ListByResourceGroup',
    'StorageAccounts_ListKeys',
    'BlobContainers_Create',
    'BlobContainers_List',
  ],
};

describe.skipIf(!haveClients)("Microsoft's Python SDK and Azure CLI against the sandbox", () => {
  beforeAll(async () => {
    c = await startConformance();
    steps = await runMicrosoftClients(c);
  }, 180_000);
  afterAll(() => c?.stop());

  it('covers every operation the product uses, for each provider', () => {
    for (const [provider, ops] of Object.entries(PRODUCT_OPERATIONS)) {
      for (const op of ops)
        expect(
          steps.some((s) => s.provider === provider && s.operation.split(' ')[0] === op),
          `${provider} ${op}`,
        ).toBe(true);
    }
  });

  for (const provider of Object.keys(PRODUCT_OPERATIONS)) {
    it(`${provider}: every status, body and state is one the swagger and docs allow`, () => {
      const bad = steps.filter((s) => s.provider === provider && s.problems.length).map(kept);
      expect(bad).toEqual([]);
    });
  }

  it('19.1 Data Box Jobs_Create answers 202 with polling headers, and the poller reaches the job', () => {
    const s = step('DataBox', 'Jobs_Create (documented customer-disk body through the SDK pipeline and ARMPolling)');
    expect(kept(s)).toEqual({ ...kept(s), statuses: [202], problems: [] });
  });

  it('19.2 Import/Export PATCH takes the model defaults cancelRequested=false and backupDriveManifest=false without changing anything', () => {
    const s = step(
      'ImportExport',
      'Jobs_Update (tracking: the model sends cancelRequested=false, backupDriveManifest=false)',
    );
    expect(kept(s)).toEqual({ ...kept(s), statuses: [200], problems: [] });
  });

  it('19.3 Data Box reads at 2020-11-01 (the Python package) are served', () => {
    for (const op of [
      'Jobs_Get (package api-version, no $expand)',
      'Jobs_List',
      'Jobs_ListByResourceGroup',
      'Jobs_Cancel',
    ]) {
      const s = step('DataBox', op, '2020-11-01');
      expect(kept(s)).toEqual({ ...kept(s), problems: [] });
      expect(s.statuses[0]).toBeLessThan(300);
    }
  });

  it('19.4 Data Box details come only with $expand=details', () => {
    for (const op of ['Jobs_Get (package api-version, no $expand)', 'Jobs_Get ($expand=details)', 'Jobs_List']) {
      const s = step('DataBox', op, '2020-11-01');
      expect(kept(s)).toEqual({ ...kept(s), statuses: [200], problems: [] });
    }
  });

  it('19.5 deleting an Import/Export job that does not exist is an error (404), not 204', () => {
    const s = step('ImportExport', 'Jobs_Delete (a job that does not exist)');
    expect(kept(s)).toEqual({ ...kept(s), statuses: [404], problems: [] });
  });

  it('19.6 /metadata/endpoints is anonymous, and az cloud register finds the sandbox from its ARM endpoint alone', async () => {
    const anon = await sbRequest(`${c.sb.armUrl}/metadata/endpoints?api-version=2015-01-01`, { ca: c.sb.caCertPem });
    expect(anon.status).toBe(200);
    expect(anon.json.authentication.audiences).toContain(`${c.sb.armUrl}/`);
    const r = await run(
      AZ,
      ['cloud', 'register', '-n', 'ObcSandbox', '--endpoint-resource-manager', c.sb.armUrl],
      c.env,
    );
    expect({ code: r.code, stderr: r.stderr.trim() }).toEqual({ code: 0, stderr: '' });
    const show = await run(AZ, ['cloud', 'show', '-n', 'ObcSandbox', '-o', 'json'], c.env);
    expect(JSON.parse(show.stdout).endpoints.activeDirectory).toBe(`${c.sb.identityUrl}/`);
  });

  it('19.7 a canceled Import/Export job moves to Completed and can then be updated and deleted', () => {
    for (const op of [
      'Jobs_Update (cancelRequested=true while Shipping)',
      'Jobs_Update (tags on the canceled job)',
      'Jobs_Delete (the canceled job)',
    ]) {
      const s = step('ImportExport', op);
      expect(kept(s)).toEqual({ ...kept(s), statuses: [200], problems: [] });
    }
  });

  it('14.5 the sandbox is not stricter than the swagger: Import/Export create without returnShipping, Data Box address with only the required fields', () => {
    const s = step('ImportExport', 'Jobs_Create (no returnShipping, as the swagger allows)');
    expect(kept(s)).toEqual({ ...kept(s), statuses: [201], problems: [] });
    expect(step('DataBox', 'Jobs_Create (a second job, to cancel)').problems).toEqual([]);
  });

  it('az rest reads Import/Export locations, an Import/Export job list and a Data Box job list', async () => {
    const auth = ['--skip-authorization-header', '--headers', `Authorization=Bearer ${c.env.OBC_TOKEN}`];
    const sub = `${c.sb.armUrl}/subscriptions/${c.sb.subscriptionId}`;
    for (const [url, check] of [
      [
        `${c.sb.armUrl}/providers/Microsoft.ImportExport/locations?api-version=2020-08-01`,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (j: any) => j.value.length > 0,
      ],
      [
        `${sub}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs?api-version=2020-08-01`,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (j: any) => Array.isArray(j.value),
      ],
      [
        `${sub}/providers/Microsoft.DataBox/jobs?api-version=2025-07-01`,
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        (j: any) => j.value.every((x: any) => !x.properties.details),
      ],
    ] as const) {
      const r = await run(AZ, ['rest', '--method', 'get', '--url', url, ...auth], c.env);
      expect({ url, code: r.code, stderr: r.stderr.trim() }).toEqual({ url, code: 0, stderr: '' });
      expect(check(JSON.parse(r.stdout)), url).toBe(true);
    }
  });
});
