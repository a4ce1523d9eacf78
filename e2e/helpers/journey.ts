import { randomBytes } from 'node:crypto';
import { access, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import type { SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { screensDir } from '../fixtures.ts';
import { ScheduleBackupPage } from '../pages/schedule-backup-page.ts';
import { addRehearsalDisk, confirmErase, fillShipping } from '../pages/disk-prep-page.ts';
import { expectSameTree } from './files.ts';
import { invoke } from './ipc.ts';
import { admin } from './sandbox.ts';
import type { SignInDriver } from './sign-in.ts';

/**
 * The product's whole journey as steps shared by the browser and the desktop (Electron) acceptance specs:
 * Schedule Backup with own disks (signing in) → Back Up Now → Disk Prep onto two rehearsal folder disks (the job
 * spans them) → shipping form → import job → tracking → the sandbox datacenter imports the disks → verify the
 * imported data (then clean the staging folder up) → Recover Data from the blob container → the restored files
 * equal the source byte for byte. Each step waits on UI state and saves a screenshot of every screen it passes.
 */
export const JOURNEY = {
  job: 'seed-journey',
  container: 'seed-journey',
  storageAccount: 'obcseedv2',
  resourceGroup: 'backup-rg',
  passphrase: 'journey passphrase: correct horse battery staple',
  disks: [
    { serial: 'JOURNEY1', capacity: '70M' },
    { serial: 'JOURNEY2', capacity: '24M' },
  ],
} as const;

export interface Journey {
  page: Page;
  sandbox: SandboxHandle;
  /** The test's own temp folder: source, staging and restore live below it. */
  work: string;
  shot: (name: string) => Promise<void>;
  signIn: SignInDriver;
}

export interface JourneyPaths {
  source: string;
  staging: string;
  restore: string;
}

/**
 * Numbers the screenshots in the order the journey passes the screens: <prefix>-01-<name>, <prefix>-02-…; the
 * previous run's <prefix>-NN-* files are removed first, so the folder shows exactly one journey.
 */
export async function numberedShots(save: (name: string) => Promise<void>, prefix: string): Promise<(name: string) => Promise<void>> {
  await mkdir(screensDir, { recursive: true });
  const old = new RegExp(`^${prefix}-\\d\\d-.*\\.png$`);
  for (const f of await readdir(screensDir)) if (old.test(f)) await rm(join(screensDir, f), { force: true });
  let n = 0;
  return (name) => save(`${prefix}-${String(++n).padStart(2, '0')}-${name}`);
}

/**
 * ~72 MiB of incompressible data plus small and oddly named files. Packs are 64 MiB, so the backup has two packs
 * and the job needs more than one 70 MiB disk.
 */
export async function makeJourneySource(work: string): Promise<JourneyPaths> {
  const source = join(work, 'source');
  await mkdir(join(source, 'docs', 'deep'), { recursive: true });
  await mkdir(join(source, 'empty folder'), { recursive: true });
  await mkdir(join(source, 'Ünïcødé — 日本語'), { recursive: true });
  await writeFile(join(source, 'random-a.bin'), randomBytes(40 * 1024 * 1024));
  await writeFile(join(source, 'docs', 'random-b.bin'), randomBytes(32 * 1024 * 1024 + 13));
  await writeFile(join(source, 'docs', 'notes.txt'), 'offline backup journey\n'.repeat(2000));
  await writeFile(join(source, 'docs', 'deep', 'leaf.bin'), randomBytes(100_000));
  await writeFile(join(source, 'empty.txt'), '');
  await writeFile(join(source, 'Ünïcødé — 日本語', 'naïve café 🎉.txt'), 'unicode names round-trip\n');
  const staging = join(work, 'staging');
  await mkdir(staging, { recursive: true });
  return { source, staging, restore: join(work, 'restore') };
}

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
  await w.fill('sb-job-name', JOURNEY.job);
  await w.fill('sb-staging', p.staging);
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
  await expect(page.getByTestId('sb-confirm-ownDisk')).toContainText(`Import job: ${JOURNEY.job} (resource group ${JOURNEY.resourceGroup})`);
  await j.shot('schedule-confirm');
  await expect(w.next).toHaveText('Finish');
  await w.next.click();
  await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sb-run-container-message')).toHaveText(`Container "${JOURNEY.container}" created in ${JOURNEY.storageAccount}.`);
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

/** Back Up Now from the policy: its items, staging location and job; a new passphrase; verify the result. */
export async function backUpNow(j: Journey, p: JourneyPaths): Promise<void> {
  const { page } = j;
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('action-backUpNow').click();
  await expect(page.getByTestId('bun-wizard')).toBeVisible();
  await expect(page.getByTestId('bun-source-note')).toHaveAttribute('data-source', 'policy');
  await expect(page.getByTestId('bun-staging')).toHaveValue(p.staging);
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
  await expect(page.getByTestId('dp-staging')).toHaveValue(p.staging);
  await page.getByTestId(`dp-job-${JOURNEY.job}`).click();
  await expect(next).toBeEnabled();
  await j.shot('diskprep-staging');
  await next.click();

  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'disks');
  await addRehearsalDisk(page, d1.serial, d1.capacity);
  await expect(page.getByTestId(`disk-row-${d1.serial}`)).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('dp-capacity-text')).toContainText('more needed');
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
  await j.shot('diskprep-needs-disk');
  await addRehearsalDisk(page, d2.serial, d2.capacity);
  await expect(page.getByTestId(`dp-erase-disk-${d2.serial}`)).toContainText('24.0 MiB');
  await confirmErase(page, JOURNEY.job);
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 180_000 });
  for (const d of JOURNEY.disks) await expect(page.getByTestId(`dp-disk-progress-${d.serial}`)).toHaveAttribute('data-phase', 'done');
  await j.shot('diskprep-copied');
  await next.click();
}

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
  await expect(page.getByTestId('ij-verify-staging')).toHaveValue(p.staging);
  await page.getByTestId('ij-verify-start').click();
  await expect(page.getByTestId('ij-verify-report')).toHaveAttribute('data-ok', 'true', { timeout: 120_000 });
  await page.getByTestId('ij-verify-report').scrollIntoViewIfNeeded();
  await j.shot('import-verified');
  await page.getByTestId('ij-cleanup-confirm').fill(JOURNEY.job);
  await page.getByTestId('ij-cleanup').click();
  await expect(page.getByTestId('ij-cleanup-done')).toContainText(join(p.staging, JOURNEY.job));
  await j.shot('staging-cleaned-up');
  await expect(access(join(p.staging, JOURNEY.job, 'seed.json'))).rejects.toThrow();
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

/** The whole journey, in order (each step reported as a Playwright step). */
export async function runJourney(j: Journey): Promise<void> {
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
}
