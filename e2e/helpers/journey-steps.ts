import { expect } from '@playwright/test';
import { ScheduleBackupPage } from '../pages/schedule-backup-page.ts';
import { addRehearsalDisk, confirmErase } from '../pages/disk-prep-page.ts';
import { JOURNEY, type Journey, type JourneyPaths } from './journey-setup.ts';

/** The journey's first half: cloud choice, Schedule Backup with own disks (signing in), Back Up Now, Disk Prep. */

/** Sign in / out screen: choose the Local sandbox cloud (not signed in yet). */
export async function chooseSandboxCloud(j: Journey): Promise<void> {
  const { page } = j;
  await page.getByTestId('action-signIn').click();
  await expect(page.getByTestId('account-screen')).toBeVisible();
  await page.getByTestId('account-cloud').click();
  await page.getByTestId('account-cloud-option-LocalSandbox').click();
  await expect(page.getByTestId('account-status')).toContainText('Not signed in to Local sandbox');
  await j.shot('account-signed-out');
}

/** Schedule Backup with own disks: items, schedule, retention, own disks (signs in there), provider, Entra app, passphrase. */
export async function scheduleBackup(j: Journey, p: JourneyPaths): Promise<void> {
  const { page } = j;
  const w = new ScheduleBackupPage(page);
  await w.open();
  await w.expectStep('gettingStarted');
  await j.shot('schedule-getting-started');
  await w.goNext('items');
  await w.fill('sb-item-path', p.source);
  await page.getByTestId('sb-item-add').click();
  await expect(page.getByTestId('sb-item-size-0')).toHaveText(/MiB · 6 files/, { timeout: 30_000 });
  await j.shot('schedule-items');
  await w.goNext('schedule');
  await expect(page.getByTestId('sb-next-runs').locator('li')).toHaveCount(3);
  await j.shot('schedule-schedule');
  await w.goNext('retention');
  await j.shot('schedule-retention');
  await w.goNext('initialType');
  await expect(page.getByTestId('sb-type-ownDisks')).toBeChecked();
  await j.shot('schedule-initial-type');
  await w.goNext('ownDisk');

  // Sign in from the own-disk page: the pickers then fill from the subscription.
  await j.signIn(() => page.getByTestId('sb-azure-signin').click());
  await expect(page.locator('button[data-testid="sb-subscription"]')).toHaveText(/Local sandbox/, { timeout: 60_000 });
  await page.locator('button[data-testid="sb-account"]').click();
  await page.getByRole('option', { name: new RegExp(JOURNEY.storageAccount) }).click();
  await expect(page.getByTestId('sb-account-rg')).toHaveValue(JOURNEY.resourceGroup);
  await w.fill('sb-container', JOURNEY.container);
  await expect(page.getByText('This container will be created when you finish the wizard.')).toBeVisible();
  // Decision 1 (revised): a Data Box customer-disk job unless Import/Export is chosen.
  await expect(page.getByTestId('sb-job-type-DataBox')).toBeChecked();
  await w.fill('sb-job-name', JOURNEY.job);
  await w.fill('sb-staging', p.stagingLocation);
  await expect(page.getByTestId('sb-staging-result')).toContainText('is writable');
  await j.shot('schedule-own-disk');
  await w.goNext('signIn');

  await expect(page.getByTestId('sb-signin-status')).toHaveText(/Signed in as owner@/);
  await page.getByTestId('sb-provider-register').click();
  await expect(page.getByTestId('sb-provider-status')).toHaveAttribute('data-registered', 'yes', { timeout: 60_000 });
  await page.getByTestId('sb-entra-create').click();
  await expect(page.getByTestId('sb-entra-result')).toContainText('AzureOfflineBackup_', { timeout: 60_000 });
  await j.shot('schedule-sign-in');
  await w.goNext('passphrase');

  await w.fill('sb-passphrase', JOURNEY.passphrase);
  await w.fill('sb-passphrase-confirm', JOURNEY.passphrase);
  await page.getByTestId('sb-passphrase-copy').click();
  await expect(page.getByTestId('sb-passphrase-saved')).toHaveAttribute('data-saved', 'yes');
  await j.shot('schedule-passphrase');
  await w.goNext('confirm');
  await expect(page.getByTestId('sb-confirm-ownDisk')).toContainText(
    `Import job: ${JOURNEY.job} (resource group ${JOURNEY.resourceGroup})`,
  );
  await j.shot('schedule-confirm');
  await expect(w.next).toHaveText('Finish');
  await w.next.click();
  await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sb-run-container-message')).toHaveText(
    `Container "${JOURNEY.container}" created in ${JOURNEY.storageAccount}.`,
  );
  await expect(page.getByTestId('sb-run-policy-message')).toHaveText(/^Policy saved\. Next backup: /);
  await j.shot('schedule-done');
  await page.getByTestId('sb-progress-close').click();
  await expect(w.wizard).toHaveCount(0);
}

/** Sign in / out screen after the wizard: signed in, the account in the title bar. */
export async function expectSignedIn(j: Journey): Promise<void> {
  const { page } = j;
  await page.getByTestId('action-signIn').click();
  await expect(page.getByTestId('account-status')).toHaveAttribute('data-signed-in', 'true');
  await expect(page.getByTestId('account-area')).toContainText(j.sandbox.users[0].displayName);
  await j.shot('account-signed-in');
}

/** Back Up Now from the policy: its items, staging location, job and protected passphrase; verify the result. */
export async function backUpNow(j: Journey, p: JourneyPaths): Promise<void> {
  const { page } = j;
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('action-backUpNow').click();
  await expect(page.getByTestId('bun-wizard')).toBeVisible();
  await expect(page.getByTestId('bun-source-note')).toHaveAttribute('data-source', 'policy');
  // Before the seed is imported, Back Up Now writes the initial backup to staging, and says so.
  await expect(page.getByTestId('bun-target-note')).toHaveAttribute('data-target', 'staging');
  await expect(page.getByTestId('bun-staging')).toHaveValue(p.stagingLocation);
  await expect(page.getByTestId('bun-job-name')).toHaveValue(JOURNEY.job);
  await j.shot('backup-items');
  await expect(next).toBeEnabled();
  await next.click();
  await expect(page.getByTestId('bun-retain')).toBeVisible();
  await j.shot('backup-retain');
  await next.click();
  // The policy keeps the passphrase (protected on this machine): Back Up Now uses it without asking.
  await expect(page.getByTestId('bun-use-policy-passphrase')).toBeChecked();
  await expect(page.getByTestId('bun-passphrase')).toHaveCount(0);
  await j.shot('backup-passphrase');
  await expect(next).toBeEnabled();
  await next.click();
  await expect(page.getByTestId('bun-estimate')).toHaveAttribute('data-fits', 'true', { timeout: 30_000 });
  await expect(page.getByTestId('bun-summary-job')).toHaveText(JOURNEY.job);
  await j.shot('backup-confirm');
  await page.getByTestId('bun-start').click();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 180_000 });
  await expect(page.getByTestId('bun-counter-filesProcessed')).toContainText('6');
  await page.getByTestId('bun-verify').click();
  await expect(page.getByTestId('bun-verify-status')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await j.shot('backup-done-verified');
  await next.click(); // Close
  await expect(page.getByTestId('bun-wizard')).toBeHidden();
}

/** Disk Prep: the job from the staging folder onto one rehearsal disk, then a second one when it asks (spanning). */
export async function prepareDisks(j: Journey, p: JourneyPaths): Promise<void> {
  const { page } = j;
  const next = page.getByTestId('wizard-next');
  const [d1, d2] = JOURNEY.disks;
  await page.getByTestId('action-prepareDisks').click();
  await expect(page.getByTestId('disk-prep-screen')).toBeVisible();
  // The staging location comes from the policy (or the last one used) and its only finished job is chosen.
  await expect(page.getByTestId('dp-staging')).toHaveValue(p.stagingLocation);
  await page.getByTestId(`dp-job-${JOURNEY.job}`).click();
  await expect(next).toBeEnabled();
  await j.shot('diskprep-staging');
  await next.click();

  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'disks');
  await addRehearsalDisk(page, d1.serial, d1.capacity);
  await expect(page.getByTestId(`disk-row-${d1.serial}`)).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('dp-capacity-text')).toContainText('then asks for another of at least');
  await page.getByTestId('dp-passphrase').fill(JOURNEY.passphrase);
  await j.shot('diskprep-disks');
  await expect(next).toBeEnabled();
  await next.click();
  await expect(page.getByTestId(`dp-erase-disk-${d1.serial}`)).toContainText('70.0 MiB');
  await j.shot('diskprep-erase');
  await confirmErase(page, JOURNEY.job);

  // Signed in already (Schedule Backup): Disk Prep skips its sign-in step and starts copying.
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'copy');

  await expect(page.getByTestId('dp-needs-disk')).toBeVisible({ timeout: 180_000 });
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', 'waiting'); // paused for the disk, not failed
  await j.shot('diskprep-needs-disk');
  await addRehearsalDisk(page, d2.serial, d2.capacity);
  await expect(page.getByTestId(`dp-erase-disk-${d2.serial}`)).toContainText('24.0 MiB');
  await confirmErase(page, JOURNEY.job);
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 180_000 });
  for (const d of JOURNEY.disks)
    await expect(page.getByTestId(`dp-disk-progress-${d.serial}`)).toHaveAttribute('data-phase', 'done');
  await j.shot('diskprep-copied');
  await next.click();
}
