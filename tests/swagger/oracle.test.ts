import { describe, expect, it } from 'vitest';
import { SwaggerOracle } from '../../electron/services/sandbox/swagger-oracle.ts';

/** The oracle itself: it must see the mistakes the swagger forbids (each of these is one the sandbox once made). */
const oracle = new SwaggerOracle();
const JOB = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/seed-1';
const Q = '?api-version=2020-08-01';

describe('swagger oracle (ajv over the official swagger files)', () => {
  it('holds the Import/Export 2020-08-01 operations with their common-types references resolved', () => {
    expect(oracle.versions()).toContain('storageimportexport@2020-08-01');
    const ok = oracle.validate({
      method: 'GET',
      path: JOB,
      query: Q,
      status: 200,
      responseBody: { name: 'seed-1', systemData: { createdByType: 'User' }, properties: { state: 'Creating' } },
    });
    expect(ok).toEqual({ operation: 'Jobs_Get @ 2020-08-01', problems: [] });
  });

  it('refuses an undocumented status, a wrong type, a missing required field and an enum value out of range', () => {
    const gone = oracle.validate({ method: 'DELETE', path: JOB, query: Q, status: 204 });
    expect(gone?.problems.join()).toMatch(/status 204 is not among the documented 200\/default/);
    const patch = oracle.validate({
      method: 'PATCH',
      path: JOB,
      query: Q,
      requestBody: { properties: { cancelRequested: 'yes' } },
      status: 200,
      responseBody: {},
    });
    expect(patch?.problems.join()).toMatch(/request \/properties\/cancelRequested must be boolean/);
    const put = oracle.validate({
      method: 'PUT',
      path: JOB,
      query: Q,
      requestBody: { location: 'West US', properties: { returnShipping: { carrierName: 'FedEx' } } },
      status: 201,
      responseBody: {},
    });
    expect(put?.problems.join()).toMatch(/returnShipping must have required property 'carrierAccountNumber'/);
    const sys = oracle.validate({
      method: 'GET',
      path: JOB,
      query: Q,
      status: 200,
      responseBody: { systemData: { createdByType: 'Robot' } },
    });
    expect(sys?.problems.join()).toMatch(/systemData\/createdByType must be equal to one of the allowed values/);
  });

  it('says when it holds no swagger for a version (the caller decides whether that is allowed)', () => {
    expect(
      oracle.validate({ method: 'GET', path: JOB, query: '?api-version=2016-11-01', status: 200 }),
    ).toBeUndefined();
  });
});
