import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobSchema, type CreateJobInput } from '../../../../shared/contract/azure.ts';
import { sandboxAdmin, startAzureTestEnv, type AzureTestEnv } from '../test-azure-env.ts';
import type { AzureService } from '../azure-service.ts';
import type { ImportJobBackend } from './backend.ts';
import { swaggerReview } from '../../sandbox/test-swagger.ts';

/** Microsoft.DataBox DataBoxCustomerDisk jobs through @azure/arm-databox against the sandbox, including its refusals. */
let env: AzureTestEnv;
let svc: AzureService;
let db: ImportJobBackend;
let sub: string;
const RG = 'backup-rg';

const contact = {
  contactName: 'Ada Admin',
  phone: '+1 425 555 0100',
  email: 'ada@example.com',
  streetAddress1: '1 Main Street',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'US',
};
const drive = (n: number) => ({
  driveId: `DBX995B${n.toString(16).toUpperCase()}`,
  bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076',
  manifestFile: '\\DriveManifest.xml',
  manifestHash: '109B21108597EF36D5785F08303F3638',
});
const account = (name = 'obcseedv2', rg = RG) =>
  `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
const input = (jobName: string, drives = [drive(1)]): CreateJobInput =>
  createJobSchema.parse({
    subscriptionId: sub,
    resourceGroup: RG,
    jobName,
    backend: 'DataBox',
    location: 'West US',
    storageAccountId: account(),
    drives,
    returnAddress: contact,
    returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
  });
const ref = (jobName: string) => ({ subscriptionId: sub, resourceGroup: RG, jobName, backend: 'DataBox' as const });
const pkg = (trackingNumber: string) => ({
  carrierName: 'FedEx',
  trackingNumber,
  driveCount: 1,
  shipDate: new Date().toISOString().slice(0, 10),
});

beforeAll(async () => {
  env = await startAzureTestEnv({ azurite: false });
  env.as.user = env.sb.users[0];
  svc = await env.service();
  await svc.signIn({ timeoutMs: 30_000 });
  sub = env.sb.subscriptionId;
  db = await svc.backend('DataBox');
});
afterAll(async () => {
  await env?.close();
});

describe('import jobs (Microsoft.DataBox, DataBoxCustomerDisk)', () => {
  it('is a backend of its own, and refuses to create a job while Microsoft.DataBox is not registered, naming the fix', async () => {
    expect(db).toMatchObject({ name: 'DataBox', providerNamespace: 'Microsoft.DataBox' });
    const err = await svc.createJob(input('dbx-early')).catch((e) => e);
    expect(err.details?.azureCode).toBe('MissingSubscriptionRegistration');
    expect(err.message).toMatch(/Register the Microsoft.DataBox resource provider/);
    // Listing every backend while none is registered reports the problem instead of an empty list.
    await expect(svc.listJobs(sub)).rejects.toMatchObject({
      details: expect.objectContaining({ azureCode: 'MissingSubscriptionRegistration' }),
    });
    expect(await svc.providerStatus(sub, db.providerNamespace)).toMatchObject({ registered: false });
    expect(await svc.registerProvider(sub, db.providerNamespace)).toMatchObject({ registered: true });
  });

  it('creates, gets and lists a customer-disk job in the same shape as Import/Export jobs', async () => {
    const j = await svc.createJob(input('dbx-one'));
    expect(j).toMatchObject({
      backend: 'DataBox',
      name: 'dbx-one',
      resourceGroup: RG,
      subscriptionId: sub,
      location: 'westus',
      state: 'Creating',
      stage: 'DeviceOrdered',
      jobType: 'Import',
      cancelRequested: false,
      storageAccountId: account(),
    });
    expect(j.shipTo).toMatchObject({
      city: 'Santa Clara',
      stateOrProvince: 'CA',
      streetAddress1: '2045 Lafayette Street',
    });
    expect(Date.parse(j.trackingDueBy!) - Date.parse(j.createdAt!)).toBe(14 * 86_400_000);
    expect(j.returnAddress).toMatchObject({
      recipientName: 'Ada Admin',
      email: 'ada@example.com',
      countryOrRegion: 'US',
      phone: '+1 425 555 0100',
    });
    // The carrier account number is an x-ms-secret of the swagger: GET never sends it back (listCredentials does).
    expect(j.returnShipping).toEqual({ carrierName: 'FedEx' });
    expect(JSON.stringify(j)).not.toContain('123456789');
    expect(j.drives).toEqual([
      {
        driveId: 'DBX995B1',
        state: 'Specified',
        manifestFile: '\\DriveManifest.xml',
        manifestHash: '109B21108597EF36D5785F08303F3638',
      },
    ]);
    expect(JSON.stringify(j)).not.toContain(drive(1).bitLockerKey);
    expect(await svc.getJob(ref('dbx-one'))).toMatchObject({ state: 'Creating', backend: 'DataBox' });
    // A caller that knows only the name (the scheduler's import-job check) still finds it.
    expect(await svc.getJob({ subscriptionId: sub, resourceGroup: RG, jobName: 'dbx-one' })).toMatchObject({
      backend: 'DataBox',
      name: 'dbx-one',
    });
    expect((await svc.listJobs(sub, RG, 'DataBox')).map((x) => x.name)).toEqual(['dbx-one']);
    // Without a backend: every backend's jobs (Import/Export is not registered yet, so it has none).
    expect((await svc.listJobs(sub)).map((x) => `${x.backend}:${x.name}`)).toEqual(['DataBox:dbx-one']);
    expect(await db.listBitLockerKeys(ref('dbx-one'))).toEqual([
      { driveId: 'DBX995B1', bitLockerKey: drive(1).bitLockerKey },
    ]);
    await expect(svc.getJob(ref('no-such-job'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a job name Data Box cannot take before calling Azure', async () => {
    const err = await svc.createJob(input('a-job-name-longer-than-24-chars')).catch((e) => e);
    expect(err).toMatchObject({ code: 'VALIDATION', details: { maxLength: 24 } });
    expect(err.message).toMatch(/3 to 24 characters/);
  });

  it.each([
    [
      'TooManyDisks',
      (i: CreateJobInput) => ({ ...i, drives: Array.from({ length: 11 }, (_, n) => drive(n)) }),
      /at most 10 disks/,
    ],
    ['ImportDiskDetailsRequired', (i: CreateJobInput) => ({ ...i, drives: [] }), /1 to 10 disks keyed by serial/],
    [
      'InvalidBitLockerKey',
      (i: CreateJobInput) => ({ ...i, drives: [{ ...drive(1), bitLockerKey: '1234' }] }),
      /recovery password/,
    ],
    [
      'InvalidDiskSerialNumber',
      (i: CreateJobInput) => ({ ...i, drives: [{ ...drive(1), driveId: 'WD 123' }] }),
      /serial number 'WD 123'/,
    ],
    [
      'InvalidManifestHash',
      (i: CreateJobInput) => ({ ...i, drives: [{ ...drive(1), manifestHash: 'not-hex' }] }),
      /Base16 \(hexadecimal\) MD5/,
    ],
    ['InvalidLocation', (i: CreateJobInput) => ({ ...i, location: 'Atlantis' }), /atlantis/],
    [
      'InvalidStorageAccount',
      (i: CreateJobInput) => ({ ...i, storageAccountId: account('nosuchaccount') }),
      /does not exist/,
    ],
    [
      'StorageAccountNotSupported',
      (i: CreateJobInput) => ({ ...i, storageAccountId: account('obcblobonly', 'archive-rg') }),
      /cannot hold page blobs/,
    ],
  ])('the service refuses %s and the layer reports its code and reason', async (code, tweak, why) => {
    const err = await db.create(tweak(input('dbx-refused'))).catch((e) => e);
    expect(err).toMatchObject({ code: 'AZURE', details: expect.objectContaining({ azureCode: code, status: 400 }) });
    expect(err.message).toMatch(/^Create Data Box job dbx-refused in resource group backup-rg: Azure answered 400/);
    expect(err.message).toMatch(why);
    await expect(svc.getJob(ref('dbx-refused'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('updates the return address and carrier, records tracking (→ Shipping), and keeps tracking numbers unique over both backends', async () => {
    const upd = await svc.updateReturn(ref('dbx-one'), {
      returnAddress: { ...contact, streetAddress2: 'Building 4' },
      returnShipping: { carrierName: 'DHL', carrierAccountNumber: '555666' },
    });
    expect(upd.returnAddress?.streetAddress2).toBe('Building 4');
    expect(upd.returnShipping).toEqual({ carrierName: 'DHL' });
    const shipped = await svc.updateShipping(ref('dbx-one'), pkg('1Z999AA10123456784'));
    expect(shipped).toMatchObject({
      state: 'Shipping',
      stage: 'ShippedToAzureDC',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: '1Z999AA10123456784' },
    });
    expect(shipped.trackingDueBy).toBeUndefined();

    await svc.createJob(input('dbx-two', [drive(2)]));
    const mine = await svc.updateShipping(ref('dbx-two'), pkg('1Z999AA10123456784')).catch((e) => e);
    expect(mine).toMatchObject({ code: 'CONFLICT', details: { otherJob: 'dbx-one' } });
    const theirs = await db.updateTracking(ref('dbx-two'), pkg('1z999aa10123456784')).catch((e) => e);
    expect(theirs).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'DuplicateTrackingNumber' }),
    });
    expect(theirs.message).toMatch(/own tracking number/);

    // An Import/Export job's tracking number is taken for Data Box jobs too.
    await svc.registerProvider(sub, 'Microsoft.ImportExport');
    await svc.createJob({ ...input('ie-side'), backend: 'ImportExport' });
    await svc.updateShipping({ ...ref('ie-side'), backend: 'ImportExport' }, pkg('TRACK-IE-1'));
    expect(await svc.updateShipping(ref('dbx-two'), pkg('TRACK-IE-1')).catch((e) => e)).toMatchObject({
      code: 'CONFLICT',
      details: { otherJob: 'ie-side' },
    });
    expect(await svc.getJob({ subscriptionId: sub, resourceGroup: RG, jobName: 'dbx-two' })).toMatchObject({
      backend: 'DataBox',
    });
    expect(await svc.getJob({ subscriptionId: sub, resourceGroup: RG, jobName: 'ie-side' })).toMatchObject({
      backend: 'ImportExport',
    });
    await expect(svc.getJob({ subscriptionId: sub, resourceGroup: RG, jobName: 'neither' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/^Read import job neither/),
    });
    const both = await svc.listJobs(sub);
    expect(both.map((x) => `${x.backend}:${x.name}`).sort()).toEqual([
      'DataBox:dbx-one',
      'DataBox:dbx-two',
      'ImportExport:ie-side',
    ]);
  });

  it('cancel only before the disks ship; delete only once cancelled or completed', async () => {
    const noCancel = await svc.cancelJob(ref('dbx-one')).catch((e) => e);
    expect(noCancel).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'CancelNotAllowed' }),
    });
    expect(noCancel.message).toMatch(/only before its disks are marked shipped/);
    const noDelete = await svc.deleteJob(ref('dbx-two')).catch((e) => e);
    expect(noDelete).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'JobCannotBeDeleted' }),
    });
    expect(noDelete.message).toMatch(/cancel it first/);

    // By name only (as `obc jobs cancel` sends it): the job is found in Data Box.
    const cancelled = await svc.cancelJob({ subscriptionId: sub, resourceGroup: RG, jobName: 'dbx-two' });
    expect(cancelled).toMatchObject({ state: 'Canceled', stage: 'Cancelled', cancelRequested: true });
    const frozen = await svc
      .updateReturn(ref('dbx-two'), { returnShipping: { carrierName: 'DHL', carrierAccountNumber: '555666' } })
      .catch((e) => e);
    expect(frozen).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'JobCannotBeUpdated' }),
    });
    expect(await svc.deleteJob({ subscriptionId: sub, resourceGroup: RG, jobName: 'dbx-two' })).toEqual({
      deleted: true,
    });
    await expect(svc.getJob(ref('dbx-two'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses late tracking once the datacenter has the disks, and allows delete once Completed', async () => {
    await sandboxAdmin(env.sb, `/jobs/${RG}/dbx-one/state`, { state: 'Received', provider: 'DataBox' });
    expect(await svc.getJob(ref('dbx-one'))).toMatchObject({ state: 'Received', stage: 'AtAzureDC' });
    const late = await db.updateTracking(ref('dbx-one'), pkg('LATE12345')).catch((e) => e);
    expect(late).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'JobCannotBeUpdated' }),
    });
    await sandboxAdmin(env.sb, `/jobs/${RG}/dbx-one/state`, { state: 'Completed', provider: 'DataBox' });
    expect(await svc.getJob(ref('dbx-one'))).toMatchObject({
      state: 'Completed',
      stage: 'Completed',
      percentComplete: 100,
    });
    expect(await svc.deleteJob(ref('dbx-one'))).toEqual({ deleted: true });
  });

  it('a Reader can see Data Box jobs but not create or change them, and is told which role is missing', async () => {
    await svc.createJob(input('dbx-reader'));
    const reader = env.sb.users.find((u) => u.role === 'Reader')!;
    env.as.user = reader;
    const rsvc = await env.service();
    await rsvc.signIn({ timeoutMs: 30_000 });
    expect((await rsvc.listJobs(sub, RG, 'DataBox')).map((j) => j.name)).toContain('dbx-reader');
    const err = await rsvc.createJob(input('dbx-by-reader')).catch((e) => e);
    expect(err).toMatchObject({
      code: 'PERMISSION_DENIED',
      details: expect.objectContaining({ azureCode: 'AuthorizationFailed', missingRole: 'Contributor', status: 403 }),
    });
    expect(err.message).toMatch(/Microsoft\.DataBox\/jobs\/write/);
    expect(err.message).toMatch(/needs the Contributor \(or Owner\) role on resource group backup-rg/);
    const cancel = await rsvc.cancelJob(ref('dbx-reader')).catch((e) => e);
    expect(cancel).toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(cancel.message).toMatch(/Microsoft\.DataBox\/jobs\/cancel\/action/);
    await expect((await rsvc.backend('DataBox')).listBitLockerKeys(ref('dbx-reader'))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
    });
  });

  it('every Data Box request the product sent and every answer, polls included, kept to the official swagger (2025-07-01)', () => {
    const r = swaggerReview(env.exchanges, /\/providers\/Microsoft\.DataBox\/(jobs|locations)/i);
    expect(r.unchecked).toEqual([]);
    for (const op of [
      'Jobs_Create',
      'Jobs_Get',
      'Jobs_List',
      'Jobs_ListByResourceGroup',
      'Jobs_Update',
      'Jobs_Delete',
      'Jobs_Cancel',
      'Jobs_MarkDevicesShipped',
      'Jobs_ListCredentials',
    ]) {
      expect(r.operations, op).toContain(`${op} @ 2025-07-01`);
    }
    expect(r.operations).toContain('Jobs_Create @ 2025-07-01 (Azure-AsyncOperation poll)');
    expect(r.problems).toEqual([]);
  });
});
