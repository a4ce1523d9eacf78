import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { createJobSchema } from '../../../../shared/contract/azure.ts';
import { caTrustingPipeline } from '../../sandbox/blob-access.ts';
import { runDiskPrep } from '../../diskprep/engine.ts';
import { azureManifestCredential } from '../../diskprep/manifest-credential.ts';
import { FolderDiskProvider } from '../../diskprep/folder-disk.ts';
import { createJobFromDrives, passphraseProtector } from '../../diskprep/drives-file.ts';
import { stateDirFor } from '../../diskprep/session.ts';
import { findJob } from '../../diskprep/jobs.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging, tempDir } from '../../diskprep/test-staging.ts';
import { sandboxAdmin, startAzureTestEnv, type AzureTestEnv } from '../test-azure-env.ts';
import type { AzureService } from '../azure-service.ts';
import { swaggerReview } from '../../sandbox/test-swagger.ts';

/**
 * End to end through a Data Box customer-disk job: Disk Prep's folder disks, the job created by DataBoxBackend (the
 * real SDK) from drives.json, tracking, the sandbox datacenter (receive → manifest/key/MD5 checks → page blobs), and
 * the outcome read back through the backend in the common shape with Data Box copy statuses.
 */
let env: AzureTestEnv;
let svc: AzureService;
let work: string;
let accountKey: string;
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
const ref = (jobName: string) => ({
  subscriptionId: env.sb.subscriptionId,
  resourceGroup: RG,
  jobName,
  backend: 'DataBox' as const,
});
const blob = (path: string) =>
  new BlobClient(
    `${env.sb.blobUrl}/obcseedv2/${path}`,
    caTrustingPipeline(new StorageSharedKeyCredential('obcseedv2', accountKey), env.sb.caCertPem),
  );

/** Disk Prep prepares `disks` folder disks for a staged job; the Data Box job is created from drives.json. */
async function preparedDataBoxJob(job: string, lengths: number[], diskPrefix: string) {
  const stagingLocation = join(work, job, 'staging');
  const seed = await makeStaging(stagingLocation, job, lengths, { container: 'seed', storageAccount: 'obcseedv2' });
  const disks = await makeDisks(join(work, job), [8 * MiB, 8 * MiB], diskPrefix);
  await runDiskPrep({
    stagingLocation,
    job,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: azureManifestCredential(svc),
    passphrase: TEST_PASSPHRASE,
  });
  const protector = await passphraseProtector(TEST_PASSPHRASE, (await findJob(stagingLocation, job)).seed);
  await createJobFromDrives(stateDirFor(stagingLocation, job), protector, async (req) => {
    expect(req.rehearsal).toBe(true);
    const created = await svc.createJob(
      createJobSchema.parse({
        subscriptionId: env.sb.subscriptionId,
        resourceGroup: RG,
        jobName: req.jobName,
        backend: 'DataBox',
        location: 'West US',
        storageAccountId: `/subscriptions/${env.sb.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/obcseedv2`,
        drives: req.driveList,
        returnAddress: contact,
        returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
      }),
    );
    expect(created.drives.map((d) => d.driveId).sort()).toEqual(req.driveList.map((d) => d.driveId).sort());
    return { created: true };
  });
  return { stagingLocation, seed, disks };
}

beforeAll(async () => {
  work = await tempDir('obc-dbx-dc-');
  env = await startAzureTestEnv();
  env.as.user = env.sb.users[0];
  svc = await env.service();
  await svc.signIn({ timeoutMs: 30_000 });
  await svc.registerProvider(env.sb.subscriptionId, 'Microsoft.DataBox');
  const keys = await (
    await svc.session_()
  ).clients
    .storage(env.sb.subscriptionId)
    .storageAccounts.listKeys(RG, 'obcseedv2');
  accountKey = keys.keys![0].value!;
});
afterAll(async () => {
  await env?.close();
  if (work) await rm(work, { recursive: true, force: true });
});

describe('Disk Prep → Data Box customer-disk job → sandbox datacenter', () => {
  it('imports the prepared disks as page blobs equal to the staged packs; the job reads Completed', async () => {
    const JOB = 'dbx-e2e-job';
    const { stagingLocation, seed, disks } = await preparedDataBoxJob(
      JOB,
      [5 * MiB + 512, 3 * MiB, 1024, 2 * MiB],
      'DBXE2E',
    );
    const shipped = await svc.updateShipping(ref(JOB), {
      carrierName: 'FedEx',
      trackingNumber: 'T-DBX-E2E',
      driveCount: 2,
      shipDate: '2026-11-22',
    });
    expect(shipped).toMatchObject({ state: 'Shipping', stage: 'ShippedToAzureDC' });

    // The console's rehearsal box calls the same admin API without naming the provider.
    await sandboxAdmin(env.sb, `/jobs/${RG}/${JOB}/receive`, { disks: disks.map((path) => ({ path })) });
    const received = await svc.getJob(ref(JOB));
    expect(received).toMatchObject({ state: 'Received', stage: 'AtAzureDC' });
    for (const d of received.drives) expect(d).toMatchObject({ state: 'Received', copyStatus: 'NotStarted' });

    await sandboxAdmin(env.sb, `/jobs/${RG}/${JOB}/transfer`, {});
    const job = await svc.getJob(ref(JOB));
    expect(job).toMatchObject({ state: 'Completed', stage: 'Completed', percentComplete: 100 });
    expect(job.returnPackage?.trackingNumber).toMatch(/^RET/);
    for (const d of job.drives) {
      expect(d).toMatchObject({ state: 'Completed', copyStatus: 'Completed', percentComplete: 100 });
      expect(d.bytesSucceeded).toBeGreaterThan(0);
      expect(d.verboseLogUri).toMatch(/\/obcseedv2\/databoxcopylog\/dbx-e2e-job_DBXE2E\d_.*_verbose\.xml$/);
      expect(d.manifestUri).toMatch(/_manifest\.xml$/);
      expect(d.errorLogUri).toBeUndefined();
    }
    for (const f of seed.files) {
      const b = blob(`seed/${JOB}/${f.path}`);
      expect((await b.getProperties()).blobType, f.path).toBe('PageBlob');
      expect((await b.downloadToBuffer()).equals(await readFile(join(stagingLocation, JOB, f.path))), f.path).toBe(
        true,
      );
    }
  });

  it('a tampered manifest and a disk that never arrives end the job Closed with Data Box copy statuses and an error log', async () => {
    const JOB = 'dbx-bad-job';
    const { disks } = await preparedDataBoxJob(JOB, [6 * MiB, 5 * MiB], 'DBXBAD');
    await svc.updateShipping(ref(JOB), {
      carrierName: 'FedEx',
      trackingNumber: 'T-DBX-BAD',
      driveCount: 2,
      shipDate: '2026-11-22',
    });
    // Only the first disk arrives, and its manifest was edited after Disk Prep (MD5 no longer matches the job).
    const manifest = join(disks[0], 'DriveManifest.xml');
    await writeFile(manifest, `${await readFile(manifest, 'utf8')}<!-- edited -->`);
    await sandboxAdmin(env.sb, `/jobs/${RG}/${JOB}/receive`, { disks: [{ path: disks[0] }], provider: 'DataBox' });
    await sandboxAdmin(env.sb, `/jobs/${RG}/${JOB}/transfer`, { provider: 'DataBox' });
    const job = await svc.getJob(ref(JOB));
    expect(job).toMatchObject({ state: 'Closed', stage: 'CompletedWithErrors' });
    const byId = Object.fromEntries(job.drives.map((d) => [d.driveId, d]));
    expect(byId.DBXBAD1).toMatchObject({
      state: 'CompletedMoreInfo',
      copyStatus: 'MetadataFilesModifiedOrRemoved',
      bytesSucceeded: 0,
    });
    expect(byId.DBXBAD2).toMatchObject({ state: 'NeverReceived', copyStatus: 'DriveNotReceived' });
    const log = (await blob(byId.DBXBAD1.errorLogUri!.split('/obcseedv2/')[1]).downloadToBuffer()).toString('utf8');
    expect(log).toContain('<Status>ManifestCorrupted</Status>');
  });

  it('every request of these flows and every answer kept to the official swagger of its api-version', () => {
    const r = swaggerReview(env.exchanges);
    expect(r.unchecked).toEqual([]);
    expect(r.operations).toEqual(
      expect.arrayContaining([
        'Jobs_Create @ 2025-07-01',
        'Jobs_Get @ 2025-07-01',
        'Jobs_MarkDevicesShipped @ 2025-07-01',
        'StorageAccounts_ListKeys @ 2026-09-01',
      ]),
    );
    expect(r.problems).toEqual([]);
  });
});
