import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobSchema, type CreateJobInput } from '../../../../shared/contract/azure.ts';
import { sandboxAdmin, startAzureTestEnv, type AzureTestEnv } from '../test-azure-env.ts';
import type { AzureService } from '../azure-service.ts';
import type { ImportJobBackend } from './backend.ts';
import type { Exchange } from '../../sandbox/arm.ts';
import { SwaggerOracle } from '../../sandbox/swagger-oracle.ts';

/** Microsoft.ImportExport jobs through @azure/arm-storageimportexport against the sandbox, including its refusals. */
let env: AzureTestEnv;
let svc: AzureService;
let ie: ImportJobBackend;
let sub: string;
const RG = 'backup-rg';
/** Every ARM request of this file's flows and the sandbox's answer, checked against the swagger at the end. */
const exchanges: Exchange[] = [];

const contact = {
  contactName: 'Ada Admin',
  phone: '+1 425 555 0100',
  email: 'ada@example.com',
  streetAddress1: '1 Main Street',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'USA',
};
const drive = (n: number) => ({
  driveId: `9CA995B${n.toString(16).toUpperCase()}`,
  bitLockerKey: '238810-662376-448998-450120-652806-203390-606320-483076',
  manifestFile: '\\DriveManifest.xml',
  manifestHash: '109B21108597EF36D5785F08303F3638',
});
const input = (jobName: string, drives = [drive(1)]): CreateJobInput =>
  createJobSchema.parse({
    subscriptionId: sub,
    resourceGroup: RG,
    jobName,
    location: 'West US',
    storageAccountId: `/subscriptions/${sub}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
    drives,
    returnAddress: contact,
    returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
  });
const ref = (jobName: string) => ({ subscriptionId: sub, resourceGroup: RG, jobName });
const pkg = (trackingNumber: string) => ({
  carrierName: 'FedEx',
  trackingNumber,
  driveCount: 1,
  shipDate: new Date().toISOString().slice(0, 10),
});

beforeAll(async () => {
  env = await startAzureTestEnv({ azurite: false, onArmExchange: (ex) => exchanges.push(ex) });
  env.as.user = env.sb.users[0];
  svc = await env.service();
  await svc.signIn({ timeoutMs: 30_000 });
  sub = env.sb.subscriptionId;
  ie = await svc.backend('ImportExport');
});
afterAll(async () => {
  await env?.close();
});

describe('import jobs (Microsoft.ImportExport)', () => {
  it('refuses to create a job while the provider is not registered, naming the fix', async () => {
    const err = await svc.createJob(input('seed-early')).catch((e) => e);
    expect(err.details?.azureCode).toBe('MissingSubscriptionRegistration');
    expect(err.message).toMatch(/Register the Microsoft.ImportExport resource provider/);
    expect(await svc.registerProvider(sub, 'Microsoft.ImportExport')).toMatchObject({ registered: true });
  });

  it('creates, gets and lists a job with the service-side defaults the console relies on', async () => {
    const j = await svc.createJob(input('seed-one'));
    expect(j).toMatchObject({
      backend: 'ImportExport',
      name: 'seed-one',
      resourceGroup: RG,
      subscriptionId: sub,
      state: 'Creating',
      jobType: 'Import',
      diagnosticsPath: 'waimportexport',
      cancelRequested: false,
    });
    expect(j.shipTo).toMatchObject({ city: 'Santa Clara', stateOrProvince: 'CA' });
    expect(Date.parse(j.trackingDueBy!) - Date.parse(j.createdAt!)).toBe(14 * 86_400_000);
    expect(j.returnAddress).toMatchObject({ recipientName: 'Ada Admin', email: 'ada@example.com' });
    expect(j.drives).toEqual([
      expect.objectContaining({
        driveId: '9CA995B1',
        state: 'Specified',
        manifestHash: '109B21108597EF36D5785F08303F3638',
      }),
    ]);
    expect((await svc.getJob(ref('seed-one'))).state).toBe('Creating');
    expect((await svc.listJobs(sub)).map((x) => x.name)).toContain('seed-one');
    expect((await svc.listJobs(sub, RG)).map((x) => x.name)).toContain('seed-one');
    expect(await ie.listBitLockerKeys(ref('seed-one'))).toEqual([
      { driveId: '9CA995B1', bitLockerKey: drive(1).bitLockerKey },
    ]);
    await expect(svc.getJob(ref('no-such-job'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('the contract refuses bad input before Azure sees it', () => {
    expect(() => input('Bad_Name')).toThrow(/lowercase/);
    expect(() =>
      input(
        'seed-many',
        Array.from({ length: 11 }, (_, i) => drive(i)),
      ),
    ).toThrow(/at most 10 drives/);
    expect(() => input('seed-none', [])).toThrow(/at least one drive/);
    expect(() => input('seed-key', [{ ...drive(1), bitLockerKey: '1234' }])).toThrow(/48-digit recovery password/);
  });

  it.each([
    ['InvalidResourceName', (i: CreateJobInput) => ({ ...i, jobName: 'Bad_Name' })],
    ['TooManyDrives', (i: CreateJobInput) => ({ ...i, drives: Array.from({ length: 11 }, (_, n) => drive(n)) })],
    ['DriveListRequired', (i: CreateJobInput) => ({ ...i, drives: [] })],
    ['InvalidBitLockerKey', (i: CreateJobInput) => ({ ...i, drives: [{ ...drive(1), bitLockerKey: '1234' }] })],
    ['DuplicateDriveId', (i: CreateJobInput) => ({ ...i, drives: [drive(1), drive(1)] })],
    ['InvalidDriveId', (i: CreateJobInput) => ({ ...i, drives: [{ ...drive(1), driveId: 'WD 123' }] })],
    ['InvalidManifestHash', (i: CreateJobInput) => ({ ...i, drives: [{ ...drive(1), manifestHash: 'not-hex' }] })],
    ['InvalidLocation', (i: CreateJobInput) => ({ ...i, location: 'Atlantis' })],
    [
      'InvalidStorageAccount',
      (i: CreateJobInput) => ({ ...i, storageAccountId: i.storageAccountId.replace('obcseedv2', 'nosuchaccount') }),
    ],
  ])('the service refuses %s and the layer reports its code', async (code, tweak) => {
    const bad = tweak(input('seed-refused'));
    const err = await ie.create(bad).catch((e) => e);
    expect(err).toMatchObject({ code: 'AZURE', details: expect.objectContaining({ azureCode: code, status: 400 }) });
    expect(err.message).toMatch(/Create import job/);
  });

  it('updates the return address, records tracking (→ Shipping), and enforces unique tracking numbers', async () => {
    const upd = await svc.updateReturn(ref('seed-one'), {
      returnAddress: { ...contact, streetAddress2: 'Building 4' },
    });
    expect(upd.returnAddress?.streetAddress2).toBe('Building 4');
    const shipped = await svc.updateShipping(ref('seed-one'), pkg('1Z999AA10123456784'));
    expect(shipped).toMatchObject({
      state: 'Shipping',
      deliveryPackage: { carrierName: 'FedEx', trackingNumber: '1Z999AA10123456784', driveCount: 1 },
    });

    await svc.createJob(input('seed-two', [drive(2)]));
    const mine = await svc.updateShipping(ref('seed-two'), pkg('1Z999AA10123456784')).catch((e) => e);
    expect(mine).toMatchObject({ code: 'CONFLICT', details: { otherJob: 'seed-one' } });
    const theirs = await ie.updateTracking(ref('seed-two'), pkg('1Z999AA10123456784')).catch((e) => e);
    expect(theirs).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'DuplicateTrackingNumber' }),
    });
    expect(theirs.message).toMatch(/own tracking number/);
  });

  it('delete only while Creating or Completed; a job that is not there says so', async () => {
    const noDelete = await svc.deleteJob(ref('seed-one')).catch((e) => e);
    expect(noDelete).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'JobCannotBeDeleted' }),
    });
    expect(noDelete.message).toMatch(/deleted only while it is Creating, or once it is Completed/);

    await svc.createJob(input('seed-three', [drive(3)]));
    expect(await svc.deleteJob(ref('seed-three'))).toEqual({ deleted: true });
    await expect(svc.getJob(ref('seed-three'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const gone = await svc.deleteJob(ref('seed-three')).catch((e) => e);
    expect(gone).toMatchObject({
      code: 'NOT_FOUND',
      details: expect.objectContaining({ azureCode: 'ResourceNotFound' }),
    });
    expect(gone.message).toMatch(/does not exist/);
    expect(gone.message).not.toMatch(/only while/);
  });

  it('cancels until Packaging: the canceled job reads Completed, keeps its tags and can be deleted', async () => {
    // seed-two is Creating; cancel it (allowed in Creating, Shipping, Received and Transferring).
    const canceled = await svc.cancelJob(ref('seed-two'));
    expect(canceled).toMatchObject({ state: 'Completed', cancelRequested: true });
    const again = await svc.cancelJob(ref('seed-two')).catch((e) => e);
    expect(again).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'CancelNotAllowed' }),
    });
    expect(again.message).toMatch(/before it reaches Packaging/);
    const frozen = await svc
      .updateReturn(ref('seed-two'), { returnShipping: { carrierName: 'DHL', carrierAccountNumber: '555666' } })
      .catch((e) => e);
    expect(frozen).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'JobCannotBeUpdated' }),
    });
    expect(await svc.deleteJob(ref('seed-two'))).toEqual({ deleted: true });

    // A job in Packaging can no longer be canceled.
    await sandboxAdmin(env.sb, `/jobs/${RG}/seed-one/state`, { state: 'Packaging' });
    const packed = await svc.cancelJob(ref('seed-one')).catch((e) => e);
    expect(packed).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'CancelNotAllowed' }),
    });
    await sandboxAdmin(env.sb, `/jobs/${RG}/seed-one/state`, { state: 'Shipping' });
  });

  it('refuses changes the job state no longer allows, and allows delete once Completed', async () => {
    // The datacenter received seed-one: its delivery package can no longer change.
    await sandboxAdmin(env.sb, `/jobs/${RG}/seed-one/state`, { state: 'Received' });
    expect((await svc.getJob(ref('seed-one'))).state).toBe('Received');
    const late = await ie.updateTracking(ref('seed-one'), pkg('LATE12345')).catch((e) => e);
    expect(late).toMatchObject({
      code: 'CONFLICT',
      details: expect.objectContaining({ azureCode: 'JobCannotBeUpdated' }),
    });
    await sandboxAdmin(env.sb, `/jobs/${RG}/seed-one/state`, { state: 'Completed' });
    expect(await svc.deleteJob(ref('seed-one'))).toEqual({ deleted: true });
  });

  it('every Import/Export request the product sent and every answer kept to the official swagger (2020-08-01)', () => {
    const oracle = new SwaggerOracle();
    const ie = exchanges.filter((e) =>
      /\/providers\/Microsoft\.ImportExport\/(jobs|locations|operations)/i.test(e.path),
    );
    expect(new Set(ie.map((e) => new URLSearchParams(e.query).get('api-version')))).toEqual(new Set(['2020-08-01']));
    const results = ie.map((e) => oracle.validate(e));
    expect(results.filter((r) => !r)).toEqual([]);
    const seen = new Set(results.map((r) => r!.operation.split(' ')[0]));
    for (const op of [
      'Jobs_Create',
      'Jobs_Get',
      'Jobs_ListBySubscription',
      'Jobs_ListByResourceGroup',
      'Jobs_Update',
      'Jobs_Delete',
    ])
      expect(seen, op).toContain(op);
    expect(results.flatMap((r) => r!.problems)).toEqual([]);
  });

  it('has one interface for every backend (Data Box: data-box.integration.test.ts)', async () => {
    expect(await svc.backend('DataBox')).toMatchObject({ name: 'DataBox', providerNamespace: 'Microsoft.DataBox' });
    expect(ie).toMatchObject({ name: 'ImportExport', providerNamespace: 'Microsoft.ImportExport' });
  });
});
