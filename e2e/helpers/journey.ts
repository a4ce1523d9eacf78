import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { fillShipping } from '../pages/disk-prep-page.ts';
import { expectSameTree } from './files.ts';
import { invoke } from './ipc.ts';
import { JOURNEY, makeJourneySource, type Journey, type JourneyPaths } from './journey-setup.ts';
import { backUpNow, chooseSandboxCloud, expectSignedIn, prepareDisks, scheduleBackup } from './journey-steps.ts';
import { admin } from './sandbox.ts';

export { numberedShots, type Journey, type JourneyPaths } from './journey-setup.ts';

/**
 * The product's whole journey as steps shared by the browser and the desktop (Electron) acceptance specs:
 * Schedule Backup with own disks (signing in) → Back Up Now → Disk Prep onto two rehearsal folder disks (the job
 * spans them) → shipping form → import job → tracking → the sandbox datacenter imports the disks → verify the
 * imported data (then clean the staging folder up) → Recover Data from the blob container → the restored files
 * equal the source byte for byte. Each step waits on UI state and saves a screenshot of every screen it passes.
 * The first half (up to Disk Prep) is in journey-steps.ts; names and context in journey-setup.ts.
 */

/** Shipping form → import job created (Creating), disks and datacenter address shown. */
export async function createImportJob(j: Journey): Promise<void> {
  const { page } = j;
  await expect(page.getByTestId('dp-target')).toContainText(JOURNEY.storageAccount);
  // The provider was registered in Schedule Backup.
  await expect(page.getByTestId('dp-provider')).toBeHidden();
  await fillShipping(page);
  await j.shot('shipping-form');
  await page.getByTestId('dp-create-job').click();
  await expect(page.getByTestId('dp-result-job')).toHaveAttribute('data-state', 'Creating', { timeout: 60_000 });
  await expect(page.getByTestId('dp-shipto')).toContainText('2045 Lafayette Street');
  for (const d of JOURNEY.disks) await expect(page.getByTestId(`dp-key-${d.serial}`)).toHaveText('••••••');
  await j.shot('job-created');
}

/** Import Jobs: the new job, then its tracking number → Shipping. */
export async function enterTracking(j: Journey): Promise<void> {
  const { page } = j;
  await page.getByTestId('dp-track-job').click();
  await expect(page.getByTestId('import-jobs-screen')).toBeVisible();
  await expect(page.getByTestId(`ij-row-${JOURNEY.job}`)).toHaveAttribute('data-state', 'Creating');
  await expect(page.getByTestId(`ij-row-${JOURNEY.job}`)).toContainText('Data Box');
  await expect(page.getByTestId(`ij-deadline-${JOURNEY.job}`)).toHaveText(/14 days left/);
  await j.shot('import-job-creating');
  await page.getByTestId('ij-action-tracking').click();
  await page.getByTestId('ij-track-number').fill('7946 1234 5678');
  await j.shot('import-job-tracking');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-tracking-dialog')).toBeHidden();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Shipping');
  await expect(page.getByTestId('ij-delivery')).toContainText('794612345678');
  await j.shot('import-job-shipping');
}

/** The sandbox datacenter receives both disks and imports them; the console follows to Completed. */
export async function datacenterImport(j: Journey): Promise<void> {
  const { page, sandbox } = j;
  const { dataDir } = await invoke<{ dataDir: string }>(page, 'app:info', {});
  const disks = JOURNEY.disks.map((d) => ({ path: join(dataDir, 'rehearsal-disks', d.serial) }));
  // Every manifest carries the container SAS the datacenter imports with (decision 14).
  for (const d of disks)
    expect(await readFile(join(d.path, 'DriveManifest.xml'), 'utf8')).toMatch(
      new RegExp(`<ContainerSas>${JOURNEY.container}\\?(?=[^<]*\\bsr=c\\b)(?=[^<]*\\bsi=obc-${JOURNEY.job}\\b)`),
    );
  await admin(sandbox, `/jobs/${JOURNEY.resourceGroup}/${JOURNEY.job}/receive`, { disks });
  await page.getByTestId('ij-refresh').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Received');
  await j.shot('import-job-received');
  await admin(sandbox, `/jobs/${JOURNEY.resourceGroup}/${JOURNEY.job}/transfer`, {});
  await page.getByTestId('ij-refresh').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Completed', { timeout: 60_000 });
  await expect(page.getByTestId('ij-step-Completed')).toHaveAttribute('data-status', 'done');
  for (const d of JOURNEY.disks) {
    await expect(page.getByTestId(`ij-drive-${d.serial}`)).toHaveAttribute('data-percent', '100');
    await expect(page.getByTestId(`ij-drive-copy-${d.serial}`)).toHaveAttribute('data-severity', 'ok');
  }
  await j.shot('import-job-completed');
}

/** Verify the imported blobs against the staging folder, then clean the staging folder up (only the container is left). */
export async function verifyImportedData(j: Journey, p: JourneyPaths): Promise<void> {
  const { page } = j;
  await expect(page.getByTestId('ij-verify-staging')).toHaveValue(p.stagingLocation);
  await page.getByTestId('ij-verify-start').click();
  await expect(page.getByTestId('ij-verify-report')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
  await page.getByTestId('ij-verify-report').scrollIntoViewIfNeeded();
  await j.shot('import-verified');
  await page.getByTestId('ij-cleanup-confirm').fill(JOURNEY.job);
  await page.getByTestId('ij-cleanup').click();
  await expect(page.getByTestId('ij-cleanup-done')).toContainText(join(p.stagingLocation, JOURNEY.job));
  await j.shot('staging-cleaned-up');
  await expect(access(join(p.stagingLocation, JOURNEY.job, 'seed.json'))).rejects.toThrow();
}

/**
 * Recover Data from the blob container only: the staging job folder is gone (cleaned up after the verify), so the
 * packs can come from nowhere but the imported blobs; seed.json is the copy the clean-up kept.
 */
export async function recoverFromContainer(j: Journey, p: JourneyPaths): Promise<void> {
  const { page, sandbox } = j;
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('action-recoverData').click();
  await expect(page.getByTestId('rec-wizard')).toBeVisible();
  await page.getByTestId('rec-source-blob').click();
  await page.getByTestId('rec-subscription').fill(sandbox.subscriptionId);
  await page.getByTestId('rec-storage-account').fill(JOURNEY.storageAccount);
  await page.getByTestId('rec-container').fill(JOURNEY.container);
  await page.getByTestId('rec-staging').fill('');
  await j.shot('recover-source-container');
  await expect(next).toBeEnabled();
  await next.click();
  await page.getByTestId('rec-job-name').fill(JOURNEY.job);
  // The policy's saved passphrase is offered first; type the one kept aside in Schedule Backup instead, as on a
  // machine without the policy: it must open what Back Up Now wrote with the policy's copy.
  await expect(page.getByTestId('rec-use-policy-passphrase')).toBeChecked();
  await page.getByTestId('rec-use-policy-passphrase').click();
  await page.getByTestId('rec-passphrase').fill(JOURNEY.passphrase);
  await j.shot('recover-job');
  await next.click();

  // Signed in since Schedule Backup: the catalog opens straight from the container.
  await expect(page.getByTestId('rec-tree')).toBeVisible({ timeout: 60_000 });
  const catalogSource = p.source.replace(/^\/+/, '');
  const parts = catalogSource.split('/');
  for (let i = 1; i < parts.length; i++) await page.getByTestId(`rec-expand-${parts.slice(0, i).join('/')}`).click();
  await page.getByTestId(`rec-check-${catalogSource}`).click();
  await expect(page.getByTestId('rec-selection')).toHaveText('Everything in the backup');
  await page.getByTestId(`rec-expand-${catalogSource}`).click();
  await expect(page.getByTestId(`rec-row-${catalogSource}/random-a.bin`)).toContainText('40.0 MiB');
  await j.shot('recover-browse');
  await next.click();

  await page.getByTestId('rec-destination').fill(p.restore);
  await page.getByTestId('rec-conflict-skip').click();
  await j.shot('recover-destination');
  await page.getByTestId('rec-start').click();
  await expect(page.getByTestId('rec-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  await expect(page.getByTestId('rec-result')).toContainText('Recovery completed');
  await j.shot('recover-done');
  await expectSameTree(p.source, join(p.restore, catalogSource));
}

/** The whole journey, in order (each step reported as a Playwright step); returns its folders. */
export async function runJourney(j: Journey): Promise<JourneyPaths> {
  const p = await makeJourneySource(j.work);
  await test.step('Sign in / out: Local sandbox cloud', () => chooseSandboxCloud(j));
  await test.step('Schedule Backup with own disks (signs in)', () => scheduleBackup(j, p));
  await test.step('Signed in', () => expectSignedIn(j));
  await test.step('Back Up Now', () => backUpNow(j, p));
  await test.step('Disk Prep onto two rehearsal disks', () => prepareDisks(j, p));
  await test.step('Shipping form and import job', () => createImportJob(j));
  await test.step('Tracking number', () => enterTracking(j));
  await test.step('Sandbox datacenter: received, completed', () => datacenterImport(j));
  await test.step('Verify imported data, clean up staging', () => verifyImportedData(j, p));
  await test.step('Recover Data from the container', () => recoverFromContainer(j, p));
  return p;
}
