import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { invoke, waitTask } from './ipc.ts';
import { makeBackup } from './staged-backup.ts';

/**
 * The setup several specs share before they look at Disk Prep or Import Jobs, all through the host's API: a real
 * backup in <work>/staging → one rehearsal folder disk (<work>/disk-<serial>, 64 MiB) → signed in → Disk Prep
 * fills the disk → the import provider registered → (unless `createJob: false`) an Import/Export job created for
 * the disk with a US return address, in resource group backup-rg on the sandbox storage account obcseedv2.
 */
export interface ImportJobSetup {
  subscriptionId: string;
  work: string;
  job: string;
  passphrase: string;
  /** The folder disk's serial; the disk is <work>/disk-<serial>. */
  serial: string;
  /** Sizes of the backup's two random files in MiB (see makeBackup). */
  mib?: [number, number];
  /**
   * Signs the console in before Disk Prep starts (Disk Prep signs the manifests' container SAS through the Azure
   * layer); left out where the page is signed in already.
   */
  signIn?: () => Promise<void>;
  /** false: stop after the provider is registered, so the spec creates the job itself (default true). */
  createJob?: boolean;
}

export interface ImportJobSetupResult {
  stagingLocation: string;
  diskPath: string;
  /** The import job's reference, as jobs:* channels take it. */
  ref: { subscriptionId: string; resourceGroup: string; jobName: string };
}

export const RETURN_ADDRESS = {
  contactName: 'Dana Admin',
  phone: '+1 425 555 0100',
  email: 'dana@contoso.example',
  streetAddress1: '1 Main Street',
  city: 'Redmond',
  stateOrProvince: 'WA',
  postalCode: '98052',
  countryOrRegion: 'United States',
} as const;

export async function setUpImportJob(page: Page, s: ImportJobSetup): Promise<ImportJobSetupResult> {
  const { subscriptionId, job, passphrase } = s;
  const { stagingLocation } = await makeBackup(page, { subscriptionId }, s.work, job, passphrase, s.mib);
  const diskPath = join(s.work, `disk-${s.serial}`);
  await invoke(page, 'diskprep:initFolderDisk', { path: diskPath, serial: s.serial, capacity: '64M' });
  if (s.signIn) await s.signIn();
  const { taskId } = await invoke<{ taskId: string }>(page, 'diskprep:start', {
    stagingLocation,
    job,
    disks: [{ id: diskPath, confirmErase: true }],
    passphrase,
  });
  await waitTask(page, taskId);
  await invoke(page, 'azure:registerProvider', { subscriptionId, namespace: 'Microsoft.ImportExport' });
  const ref = { subscriptionId, resourceGroup: 'backup-rg', jobName: job };
  if (s.createJob === false) return { stagingLocation, diskPath, ref };

  const drives = await invoke<{
    driveList: Array<{ driveId: string; bitLockerKey: string; manifestFile: string; manifestHash: string }>;
  }>(page, 'diskprep:drives', { stagingLocation, job, revealKeys: true, passphrase });
  const accounts = await invoke<Array<{ name: string; id: string }>>(page, 'azure:storageAccounts', {
    subscriptionId,
  });
  await invoke(page, 'jobs:create', {
    ...ref,
    location: 'westus',
    storageAccountId: accounts.find((a) => a.name === 'obcseedv2')!.id,
    drives: drives.driveList.map(({ driveId, bitLockerKey, manifestFile, manifestHash }) => ({
      driveId,
      bitLockerKey,
      manifestFile,
      manifestHash,
    })),
    returnAddress: RETURN_ADDRESS,
    returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '123456789' },
    diagnosticsPath: 'waimportexport',
  });
  return { stagingLocation, diskPath, ref };
}
