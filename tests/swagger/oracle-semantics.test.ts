import { describe, expect, it } from 'vitest';
import { swaggerOracle } from '../../electron/services/sandbox/test-swagger.ts';
import type { Exchange } from '../../electron/services/sandbox/arm.ts';

/**
 * The Swagger 2.0 semantics the oracle adds to plain JSON Schema, each shown failing on the shape it forbids:
 * polymorphism (discriminator), x-ms-secret in answers, path parameters, long-running operations and their polls.
 */
const oracle = swaggerOracle();
const RG = '/subscriptions/s/resourceGroups/rg';
const JOB = `${RG}/providers/Microsoft.DataBox/jobs/dbx-job`;
const Q = '?api-version=2025-07-01';
const contact = { contactName: 'Ada', phone: '1', emailList: ['a@b.c'] };
const job = (details: Record<string, unknown>) => ({
  location: 'westus',
  sku: { name: 'DataBoxCustomerDisk' },
  properties: { transferType: 'ImportToAzure', details },
});
const customerDisk = (extra: Record<string, unknown> = {}) => ({
  jobDetailsType: 'DataBoxCustomerDisk',
  contactDetails: contact,
  returnToCustomerPackageDetails: { carrierName: 'FedEx' },
  ...extra,
});
const problems = (ex: Exchange) => oracle.validate(ex)?.problems.join('\n') ?? 'no swagger';

describe('swagger oracle: what Swagger 2.0 says beyond JSON Schema', () => {
  it('holds Data Box 2025-07-01 and checks a customer-disk job against DataBoxCustomerDiskJobDetails, not only the base JobDetails', () => {
    expect(oracle.versions()).toContain('databox@2025-07-01');
    expect(
      oracle.validate({
        method: 'GET',
        path: JOB,
        query: `${Q}&$expand=details`,
        status: 200,
        responseBody: job(customerDisk()),
      }),
    ).toEqual({ operation: 'Jobs_Get @ 2025-07-01', problems: [] });
    // returnToCustomerPackageDetails is required by the subtype only: a DataBox (device) job does without it.
    const { returnToCustomerPackageDetails: _r, ...noReturn } = customerDisk();
    expect(problems({ method: 'GET', path: JOB, query: Q, status: 200, responseBody: job(noReturn) })).toMatch(
      /details must have required property 'returnToCustomerPackageDetails'/,
    );
    expect(
      problems({
        method: 'GET',
        path: JOB,
        query: Q,
        status: 200,
        responseBody: job({ ...noReturn, jobDetailsType: 'DataBox' }),
      }),
    ).toBe('');
    // A subtype's own field with the wrong type, and an import disk without its manifest hash in a request.
    expect(
      problems({
        method: 'GET',
        path: JOB,
        query: Q,
        status: 200,
        responseBody: job(customerDisk({ enableManifestBackup: 'yes' })),
      }),
    ).toMatch(/enableManifestBackup must be boolean/);
    const disks = { importDiskDetailsCollection: { SER1: { manifestFile: '\\m.xml', bitLockerKey: 'k' } } };
    expect(
      problems({
        method: 'PUT',
        path: JOB,
        query: Q,
        requestBody: job(customerDisk(disks)),
        status: 202,
        responseHeaders: { location: 'https://x/op' },
      }),
    ).toMatch(
      /request \/properties\/details\/importDiskDetailsCollection\/SER1 must have required property 'manifestHash'/,
    );
  });

  it('x-ms-secret: required in a request, absent from GET/PUT/PATCH answers, present where a POST action reads secrets', () => {
    const disk = { manifestFile: '\\m.xml', manifestHash: '0'.repeat(32) };
    expect(
      problems({
        method: 'PUT',
        path: JOB,
        query: Q,
        requestBody: job(customerDisk({ importDiskDetailsCollection: { SER1: disk } })),
        status: 202,
        responseHeaders: { location: 'https://x/op' },
      }),
    ).toMatch(/SER1 must have required property 'bitLockerKey'/);
    expect(
      problems({
        method: 'GET',
        path: JOB,
        query: Q,
        status: 200,
        responseBody: job(customerDisk({ importDiskDetailsCollection: { SER1: disk } })),
      }),
    ).toBe('');
    expect(
      problems({
        method: 'GET',
        path: JOB,
        query: Q,
        status: 200,
        responseBody: job(customerDisk({ importDiskDetailsCollection: { SER1: { ...disk, bitLockerKey: 'k' } } })),
      }),
    ).toMatch(/SER1\/bitLockerKey boolean schema is false/);
    expect(
      problems({
        method: 'PATCH',
        path: JOB,
        query: Q,
        requestBody: {},
        status: 200,
        responseBody: job(customerDisk({ returnToCustomerPackageDetails: { carrierAccountNumber: '1' } })),
      }),
    ).toMatch(/returnToCustomerPackageDetails\/carrierAccountNumber boolean schema is false/);
    const creds = {
      value: [
        {
          jobName: 'dbx-job',
          jobSecrets: {
            jobSecretsType: 'DataBoxCustomerDisk',
            diskSecrets: [{ diskSerialNumber: 'SER1', bitLockerKey: 'k' }],
            carrierAccountNumber: '1',
          },
        },
      ],
    };
    expect(
      problems({ method: 'POST', path: `${JOB}/listCredentials`, query: Q, status: 200, responseBody: creds }),
    ).toBe('');
  });

  it('checks path parameters against their pattern and length, and a missing body or answer', () => {
    const long = `${RG}/providers/Microsoft.DataBox/jobs/${'x'.repeat(25)}`;
    expect(
      problems({
        method: 'GET',
        path: long,
        query: Q,
        status: 404,
        responseBody: { error: { code: 'NotFound', message: 'm' } },
      }),
    ).toMatch(/path parameter 'jobName' = 'x{25}' must NOT have more than 24 characters/);
    expect(
      problems({
        method: 'GET',
        path: `${RG}/providers/Microsoft.DataBox/jobs/a b`,
        query: Q,
        status: 200,
        responseBody: job(customerDisk()),
      }),
    ).toMatch(/'jobName' = 'a b' must match pattern/);
    expect(problems({ method: 'POST', path: `${JOB}/cancel`, query: Q, status: 204 })).toMatch(
      /the body the operation requires is missing/,
    );
    expect(problems({ method: 'GET', path: JOB, query: Q, status: 200 })).toMatch(
      /response 200 has no body where the swagger documents one/,
    );
    expect(
      problems({ method: 'GET', path: JOB, query: Q, status: 500, responseBody: { error: { code: 'X' } } }),
    ).toMatch(/response 500 \/error must have required property 'message'/);
  });

  it('follows a long-running operation to its polling URLs: status resource, final state, and a 202 that names neither', () => {
    const put: Exchange = {
      method: 'PUT',
      path: JOB,
      query: Q,
      requestBody: job(customerDisk()),
      status: 202,
      responseHeaders: {
        'Azure-AsyncOperation':
          'https://h/subscriptions/s/providers/Microsoft.DataBox/locations/westus/operationStatuses/1?api-version=2025-07-01',
        Location:
          'https://h/subscriptions/s/providers/Microsoft.DataBox/locations/westus/operationResults/1?api-version=2025-07-01',
      },
    };
    const status = (body: unknown): Exchange => ({
      method: 'GET',
      path: '/subscriptions/s/providers/Microsoft.DataBox/locations/westus/operationStatuses/1',
      query: Q,
      status: 200,
      responseBody: body,
    });
    const result = (code: number, body?: unknown): Exchange => ({
      method: 'GET',
      path: '/subscriptions/s/providers/Microsoft.DataBox/locations/westus/operationResults/1',
      query: Q,
      status: code,
      responseBody: body,
    });
    const ok = oracle.review([
      put,
      status({ id: 'x', name: '1', status: 'InProgress' }),
      result(202),
      status({ status: 'Succeeded' }),
      result(200, job(customerDisk())),
    ]);
    expect(ok.problems).toEqual([]);
    expect(ok.unchecked).toEqual([]);
    expect(ok.operations).toEqual([
      'Jobs_Create @ 2025-07-01',
      'Jobs_Create @ 2025-07-01 (Azure-AsyncOperation poll)',
      'Jobs_Create @ 2025-07-01 (Location poll)',
    ]);
    const bad = oracle.review([put, status({ name: '1' }), result(200, { properties: {} })]);
    expect(bad.problems.join('\n')).toMatch(/Azure-AsyncOperation poll \/ must have required property 'status'/);
    expect(bad.problems.join('\n')).toMatch(/Location poll 200 \/ must have required property 'sku'/);
    expect(problems({ ...put, responseHeaders: {} })).toMatch(
      /long-running 202 without a Location or Azure-AsyncOperation header/,
    );
    // A poll nobody started is not covered by any swagger: the caller sees it as unchecked.
    expect(oracle.review([status({ status: 'Succeeded' })]).unchecked).toHaveLength(1);
  });
  it('holds Resources, Subscriptions and Authorization at the versions the product sends, with their common-types', () => {
    expect(oracle.versions()).toEqual(
      expect.arrayContaining(['resources@2025-04-01', 'resources@2022-12-01', 'authorization@2022-04-01']),
    );
    const provider = '/subscriptions/s/providers/Microsoft.DataBox';
    expect(
      oracle.validate({
        method: 'GET',
        path: provider,
        query: '?api-version=2025-04-01',
        status: 200,
        responseBody: { namespace: 'Microsoft.DataBox', registrationState: 'Registered' },
      }),
    ).toEqual({ operation: 'Providers_Get @ 2025-04-01', problems: [] });
    expect(
      problems({
        method: 'GET',
        path: provider,
        query: '?api-version=2025-04-01',
        status: 200,
        responseBody: { resourceTypes: {} },
      }),
    ).toMatch(/resourceTypes must be array/);
    const ra = `${RG}/providers/Microsoft.Storage/storageAccounts/acct/providers/Microsoft.Authorization/roleAssignments/1b2c`;
    expect(
      problems({
        method: 'PUT',
        path: ra,
        query: '?api-version=2022-04-01',
        requestBody: { properties: { roleDefinitionId: '/x' } },
        status: 201,
        responseBody: {},
      }),
    ).toMatch(/request \/properties must have required property 'principalId'/);
    expect(
      problems({
        method: 'GET',
        path: '/subscriptions',
        query: '?api-version=2022-12-01',
        status: 200,
        responseBody: { value: [{ state: 'Sleeping' }] },
      }),
    ).toMatch(/state must be equal to one of the allowed values/);
  });
  it('holds Storage 2026-09-01 (its common-types references repointed one level up, in memory) and checks accounts and containers', () => {
    expect(oracle.versions()).toContain('storage@2026-09-01');
    const acct = `${RG}/providers/Microsoft.Storage/storageAccounts/acct`;
    const sq = '?api-version=2026-09-01';
    const account = {
      id: acct,
      name: 'acct',
      type: 'Microsoft.Storage/storageAccounts',
      location: 'westus',
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
    };
    expect(oracle.validate({ method: 'GET', path: acct, query: sq, status: 200, responseBody: account })).toEqual({
      operation: 'StorageAccounts_GetProperties @ 2026-09-01',
      problems: [],
    });
    // TrackedResource (common-types v5) requires location: only resolvable once the reference is repointed.
    expect(
      problems({
        method: 'GET',
        path: acct,
        query: sq,
        status: 200,
        responseBody: { ...account, location: undefined },
      }),
    ).toMatch(/must have required property 'location'/);
    expect(
      problems({ method: 'GET', path: acct, query: sq, status: 200, responseBody: { ...account, kind: 'Tape' } }),
    ).toMatch(/kind must be equal to one of the allowed values/);
    expect(
      problems({
        method: 'GET',
        path: `${RG}/providers/Microsoft.Storage/storageAccounts/Not_Valid`,
        query: sq,
        status: 200,
        responseBody: account,
      }),
    ).toMatch(/accountName/);
    const container = `${acct}/blobServices/default/containers/backups`;
    expect(
      problems({
        method: 'PUT',
        path: container,
        query: sq,
        requestBody: { properties: { publicAccess: 'Everyone' } },
        status: 201,
        responseBody: {},
      }),
    ).toMatch(/request \/properties\/publicAccess must be equal to one of the allowed values/);
  });
});
