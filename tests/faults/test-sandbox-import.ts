/** Fault-suite helper: ship prepared folder disks through the sandbox datacenter and compare the imported blobs. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { caTrustingPipeline } from '../../electron/services/sandbox/blob-access.ts';
import { sbRequest } from '../../electron/services/sandbox/test-http.ts';
import { createJobFromDrives, passphraseProtector } from '../../electron/services/diskprep/drives-file.ts';
import { stateDirFor } from '../../electron/services/diskprep/session.ts';
import { findJob } from '../../electron/services/diskprep/jobs.ts';

export const ACCOUNT = 'obcseedv2';

export async function accountKey(sb: SandboxHandle, token: string): Promise<string> {
  await sbRequest(
    `${sb.armUrl}/subscriptions/${sb.subscriptionId}/providers/Microsoft.ImportExport/register?api-version=2025-04-01`,
    { method: 'POST', token, ca: sb.caCertPem },
  );
  const r = await sbRequest(
    `${sb.armUrl}/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/${ACCOUNT}/listKeys?api-version=2025-08-01`,
    { method: 'POST', token, ca: sb.caCertPem },
  );
  return r.json.keys[0].value;
}

/**
 * Creates the import job from drives.json, ships, receives the disks and transfers; returns the paths of the staged
 * files whose blob differs from the staged bytes (empty = every blob intact) and the job's final state.
 */
export async function importThroughDatacenter(
  sb: SandboxHandle,
  token: string,
  key: string,
  stagingLocation: string,
  job: string,
  passphrase: string,
  disks: string[],
): Promise<{ state: string; bad: string[]; drives: unknown[] }> {
  const arm = (path: string, method = 'GET', body?: unknown) =>
    sbRequest(`${sb.armUrl}${path}`, { method, body, token, ca: sb.caCertPem });
  const jobPath = `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.ImportExport/jobs/${job}?api-version=2021-01-01`;
  const staged = await findJob(stagingLocation, job);
  const protector = await passphraseProtector(passphrase, staged.seed);
  await createJobFromDrives(stateDirFor(stagingLocation, job), protector, async (req) => {
    const put = await arm(jobPath, 'PUT', {
      location: 'West US',
      properties: {
        storageAccountId: `/subscriptions/${sb.subscriptionId}/resourceGroups/backup-rg/providers/Microsoft.Storage/storageAccounts/${ACCOUNT}`,
        jobType: 'Import',
        returnAddress: {
          recipientName: 'IT',
          streetAddress1: '1 Main St',
          city: 'Redmond',
          postalCode: '98052',
          countryOrRegion: 'USA',
          phone: '4250000000',
          email: 'it@example.com',
        },
        returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123' },
        diagnosticsPath: 'waimportexport',
        logLevel: 'Verbose',
        driveList: req.driveList,
      },
    });
    if (put.status !== 201) throw new Error(`job PUT ${put.status}: ${JSON.stringify(put.json)}`);
    return { created: true };
  });
  await arm(jobPath, 'PATCH', {
    properties: {
      state: 'Shipping',
      deliveryPackage: {
        carrierName: 'FedEx',
        trackingNumber: `T-${job}`,
        driveCount: disks.length,
        shipDate: '2026-11-22',
      },
    },
  });
  const admin = (path: string, body?: unknown) =>
    sbRequest(`${sb.admin.url}${path}`, { method: 'POST', body, token: sb.admin.token });
  const rec = await admin(`/jobs/backup-rg/${job}/receive`, { disks: disks.map((path) => ({ path })) });
  if (rec.status !== 200) throw new Error(`receive ${rec.status}: ${JSON.stringify(rec.json)}`);
  await admin(`/jobs/backup-rg/${job}/transfer`, {});
  const info = (await arm(jobPath)).json;
  const bad: string[] = [];
  for (const f of staged.seed.files) {
    const blob = await new BlobClient(
      `${sb.blobUrl}/${ACCOUNT}/${staged.seed.container}/${job}/${f.path}`,
      caTrustingPipeline(new StorageSharedKeyCredential(ACCOUNT, key), sb.caCertPem),
    )
      .downloadToBuffer()
      .catch(() => null);
    if (!blob || !blob.equals(await readFile(join(stagingLocation, job, f.path)))) bad.push(f.path);
  }
  return { state: info.properties.state, bad, drives: info.properties.driveList };
}
