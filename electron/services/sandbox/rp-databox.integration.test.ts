import { describe, expect, it } from 'vitest';
import { rm } from 'node:fs/promises';
import { startSandbox, type SandboxHandle } from './index.ts';
import { mintToken } from './test-tokens.ts';
import { sbRequest } from './test-http.ts';
import { tempDir } from '../test-temp.ts';

/**
 * The Microsoft.DataBox table at the wire: rules the SDK-level tests cannot reach (the backend always sends a
 * well-formed body), api-version checks, secrets never echoed, and persistence across a restart.
 */
const KEY = '111111-222222-333333-444444-555555-666666-777777-888888';

function body(sb: SandboxHandle, over: Record<string, unknown> = {}, details: Record<string, unknown> = {}) {
  return {
    location: 'westus',
    sku: { name: 'DataBoxCustomerDisk' },
    properties: {
      transferType: 'ImportToAzure',
      details: {
        jobDetailsType: 'DataBoxCustomerDisk',
        contactDetails: { contactName: 'IT', phone: '4250000000', emailList: ['it@example.com'] },
        shippingAddress: { streetAddress1: '1 Main St', city: 'Redmond', postalCode: '98052', country: 'US' },
        dataImportDetails: [
          {
            accountDetails: {
              dataAccountType: 'StorageAccount',
              storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
            },
          },
        ],
        importDiskDetailsCollection: {
          SERIAL1: {
            manifestFile: '\\DriveManifest.xml',
            manifestHash: '00112233445566778899AABBCCDDEEFF',
            bitLockerKey: KEY,
          },
        },
        returnToCustomerPackageDetails: { carrierName: 'FedEx', carrierAccountNumber: '123' },
        ...details,
      },
    },
    ...over,
  };
}

describe('sandbox Microsoft.DataBox jobs', () => {
  it('applies the customer-disk rules, hides the keys, and keeps jobs across a restart', async () => {
    const dir = await tempDir('obc-sbdbx-');
    let sb = await startSandbox({ dataDir: dir, registrationDelayMs: 0, azurite: false });
    try {
      let token = await mintToken(sb, sb.users[0]);
      const sub = `/subscriptions/${sb.subscriptionId}`;
      const call = (path: string, method = 'GET', b?: unknown) =>
        sbRequest(`${sb.armUrl}${path}`, { method, body: b, token, ca: sb.caCertPem });
      const job = (name: string, v = '2022-12-01') =>
        `${sub}/resourceGroups/backup-rg/providers/Microsoft.DataBox/jobs/${name}?api-version=${v}`;
      const action = (name: string, op: string) =>
        `${sub}/resourceGroups/backup-rg/providers/Microsoft.DataBox/jobs/${name}/${op}?api-version=2022-12-01`;

      expect((await call(job('dbx-a'), 'PUT', body(sb))).json.error.code).toBe('MissingSubscriptionRegistration');
      await call(`${sub}/providers/Microsoft.DataBox/register?api-version=2025-04-01`, 'POST');
      expect((await call(job('dbx-a', '2016-11-01'))).json.error.code).toBe('InvalidApiVersionParameter');

      const refused = async (b: unknown, name = 'dbx-bad') => {
        const r = await call(job(name), 'PUT', b);
        expect(r.status, JSON.stringify(r.json)).toBeGreaterThanOrEqual(400);
        return r.json.error as { code: string; message: string; target?: string };
      };
      expect(await refused(body(sb), 'x')).toMatchObject({ code: 'InvalidResourceName' });
      expect(await refused(body(sb, { sku: { name: 'DataBox' } }))).toMatchObject({ code: 'InvalidSku' });
      expect(
        await refused(body(sb, { properties: { ...body(sb).properties, transferType: 'ExportFromAzure' } })),
      ).toMatchObject({ code: 'InvalidTransferType' });
      expect(await refused(body(sb, {}, { jobDetailsType: 'DataBoxDisk' }))).toMatchObject({
        code: 'InvalidJobDetailsType',
      });
      expect(await refused(body(sb, {}, { contactDetails: { contactName: 'IT', phone: '1' } }))).toMatchObject({
        code: 'InvalidRequestContent',
        target: 'properties.details.contactDetails.emailList',
      });
      expect(await refused(body(sb, {}, { shippingAddress: { streetAddress1: '1 Main St' } }))).toMatchObject({
        code: 'InvalidRequestContent',
        target: 'properties.details.shippingAddress.country',
      });
      expect(await refused(body(sb, {}, { returnToCustomerPackageDetails: undefined }))).toMatchObject({
        code: 'ReturnInformationRequired',
      });
      const disk = {
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '00112233445566778899AABBCCDDEEFF',
        bitLockerKey: KEY,
      };
      expect(await refused(body(sb, {}, { importDiskDetailsCollection: { ABC: disk, abc: disk } }))).toMatchObject({
        code: 'DuplicateDiskSerialNumber',
      });
      expect(
        await refused(
          body(sb, {}, { importDiskDetailsCollection: { ABC: { ...disk, manifestHash: '0011223344556677' } } }),
        ),
      ).toMatchObject({ code: 'InvalidManifestHash' });
      expect(
        await refused(body(sb, {}, { importDiskDetailsCollection: { ABC: { ...disk, manifestFile: '' } } })),
      ).toMatchObject({ code: 'InvalidRequestContent' });

      // Jobs_Create is a long-running operation: 202, no body, Azure-AsyncOperation + Location + Retry-After.
      const put = await call(job('dbx-a'), 'PUT', body(sb));
      expect(put.status).toBe(202);
      expect(put.text).toBe('');
      expect(put.headers['retry-after']).toBe('1');
      const status = await call(
        new URL(String(put.headers['azure-asyncoperation'])).pathname +
          new URL(String(put.headers['azure-asyncoperation'])).search,
      );
      expect(status.json).toMatchObject({ status: 'Succeeded' });
      const final = await call(
        new URL(String(put.headers.location)).pathname + new URL(String(put.headers.location)).search,
      );
      expect(final.status).toBe(200);
      expect(final.json.properties).toMatchObject({
        status: 'DeviceOrdered',
        isCancellable: true,
        isDeletable: false,
        transferType: 'ImportToAzure',
      });
      expect(final.json.properties.details).toBeUndefined();
      // Details (disks, addresses, stages) only with $expand=details.
      expect((await call(job('dbx-a'))).json.properties.details).toBeUndefined();
      const full = await call(`${job('dbx-a')}&$expand=details`);
      expect(full.json.properties.details.jobStages[0]).toMatchObject({
        stageName: 'DeviceOrdered',
        stageStatus: 'InProgress',
      });
      expect(full.text).not.toContain(KEY);
      expect((await call(job('dbx-a'), 'PUT', body(sb))).json.error.code).toBe('JobAlreadyExists');
      const creds = await call(action('dbx-a', 'listCredentials'), 'POST');
      expect(creds.json.value[0].jobSecrets).toMatchObject({
        jobSecretsType: 'DataBoxCustomerDisk',
        diskSecrets: [{ diskSerialNumber: 'SERIAL1', bitLockerKey: KEY }],
        carrierAccountNumber: '123',
      });
      expect((await call(action('dbx-a', 'cancel'), 'POST', {})).json.error).toMatchObject({
        code: 'InvalidRequestContent',
        target: 'reason',
      });
      expect(
        (
          await call(action('dbx-a', 'markDevicesShipped'), 'POST', {
            deliverToDcPackageDetails: { carrierName: 'FedEx', trackingId: 'T1' },
          })
        ).status,
      ).toBe(204);
      expect(
        (await call(`${sub}/providers/Microsoft.DataBox/jobs?api-version=2022-12-01`)).json.value.map(
          (j: { name: string }) => j.name,
        ),
      ).toEqual(['dbx-a']);
      await sb.stop();

      sb = await startSandbox({ dataDir: dir, registrationDelayMs: 0, azurite: false });
      token = await mintToken(sb, sb.users[0]);
      const again = (await call(`${job('dbx-a')}&$expand=details`)).json;
      expect(again.properties).toMatchObject({
        status: 'ShippedToAzureDC',
        details: { deliverToDcPackageDetails: { carrierName: 'FedEx', trackingId: 'T1' } },
      });
      expect(again.properties.details.jobStages.map((s: { stageStatus: string }) => s.stageStatus)).toEqual([
        'Succeeded',
        'InProgress',
        'None',
        'None',
        'None',
      ]);
    } finally {
      await sb.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
