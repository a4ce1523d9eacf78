import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { SandboxHandle } from '../electron/services/sandbox/index.ts';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { expect } from './fixtures.ts';
import { invoke } from './helpers/ipc.ts';
import { admin, sandboxTest as test } from './helpers/sandbox.ts';
import { makeBackup as makeStagedBackup } from './helpers/staged-backup.ts';
import { addRehearsalDisk, fillShipping } from './pages/disk-prep-page.ts';
import { signInThroughApi } from './helpers/sign-in.ts';
import { setUpImportJob } from './helpers/import-job-setup.ts';

/**
 * Everything after Back Up Now, in browser mode against the Local sandbox cloud with rehearsal folder disks:
 * prepare two disks from a real backup, fill the shipping form (every field's bad value once), create the job,
 * enter tracking, let the sandbox datacenter receive and import the disks, watch states and drive progress change,
 * and verify the imported data against the staging folder.
 */
const PASSPHRASE = 'e2e disk prep passphrase: purple monkey dishwasher';
const JOB = 'seed-e2e';

// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });

const makeBackup = (page: Page, sb: SandboxHandle, work: string, job = JOB, mib: [number, number] = [40, 32]) =>
  makeStagedBackup(page, sb, work, job, PASSPHRASE, mib);

test('prepare two rehearsal disks, ship, track, import in the sandbox datacenter, verify', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(300_000);
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { stagingLocation } = await makeBackup(page, sandbox, work);
  const next = page.getByTestId('wizard-next');

  // 1. Staging location → the job found in it.
  await page.getByTestId('action-prepareDisks').click();
  await expect(page.getByTestId('disk-prep-screen')).toBeVisible();
  await page.getByTestId('dp-staging').fill(stagingLocation);
  await page.getByTestId('dp-find-jobs').click();
  await expect(page.getByTestId(`dp-job-${JOB}`)).toBeVisible();
  await page.getByTestId(`dp-job-${JOB}`).click();
  await expect(next).toBeEnabled();
  await shot('disk-prep-1-staging');
  await next.click();

  // 2. Disks: one rehearsal disk that holds only part of the job (one dock: the next disk comes later).
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'disks');
  await addRehearsalDisk(page, 'E2EDISK1', '70M');
  await expect(page.getByTestId('disk-row-E2EDISK1')).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('disk-rehearsal-E2EDISK1')).toHaveText('Rehearsal disk');
  await expect(page.getByTestId('dp-capacity-text')).toContainText('then asks for another of at least');
  await page.getByTestId('dp-passphrase').fill(PASSPHRASE);
  await expect(next).toBeEnabled();
  await shot('disk-prep-2-disks');
  await next.click();

  // 3. Erase confirmation names every disk; the job name must be typed.
  const dialog = page.getByTestId('dp-erase-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('dp-erase-disk-E2EDISK1')).toContainText('70.0 MiB');
  await expect(page.getByTestId('dp-erase-confirm')).toBeDisabled();
  await page.getByTestId('dp-erase-confirm-input').fill('wrong-name');
  await expect(page.getByTestId('dp-erase-confirm')).toBeDisabled();
  await page.getByTestId('dp-erase-confirm-input').fill(JOB);
  await shot('disk-prep-3-erase');
  await page.getByTestId('dp-erase-confirm').click();

  // 4. Sign in to the sandbox (the page opens the sign-in window).
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'signin');
  await expect(page.getByTestId('dp-auth-status')).toHaveAttribute('data-signed-in', 'false');
  await shot('disk-prep-4-signin');
  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('dp-signin').click();
  const popup = await popupP;
  const signInUrl = await page.getByTestId('dp-signin-link').getAttribute('href');
  await completeSignInPage(popup, signInUrl ?? '', sandbox.users[0], { timeoutMs: 60_000 });
  await expect(page.getByTestId('dp-auth-status')).toHaveAttribute('data-signed-in', 'true', { timeout: 60_000 });
  await next.click();

  // 5. Copy → manifest → read-back fills the first disk, then the task WAITS for another one (not a failure);
  //    the same task continues on the second disk.
  await expect(page.getByTestId('dp-needs-disk')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', 'waiting');
  await expect(page.getByTestId('dp-needs-disk')).toContainText(
    /At least [\d.]+ MiB more capacity is needed for 1 remaining file/,
  );
  await expect(page.getByTestId('dp-copy-error')).toBeHidden();
  await expect(page.getByTestId('dp-disk-progress-E2EDISK1')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('status-tasks-waiting')).toHaveText('1 waiting for you');
  // Two different actions, two different words: the copy's own button stops the copy, the footer closes the screen.
  await expect(page.getByTestId('dp-copy').getByTestId('task-progress-cancel')).toHaveText('Stop copying');
  await expect(page.getByTestId('wizard-cancel')).toHaveText('Close');
  await shot('disk-prep-5-needs-disk');
  const waitingId =
    (await invoke<{ waitingTaskId?: string }>(page, 'diskprep:status', { stagingLocation, job: JOB })).waitingTaskId ??
    '';
  expect(waitingId).not.toBe('');

  // The Jobs view shows the same task as waiting, in the attention colour, with what it waits for.
  await page.getByTestId('wizard-cancel').click();
  const row = page.getByTestId(`job-row-${waitingId}`);
  await expect(row).toHaveAttribute('data-status', 'waiting');
  await expect(row.getByTestId('job-status')).toHaveText('Waiting for you');
  await expect(row.getByTestId('job-message')).toContainText(
    /^Waiting for another disk: at least [\d.]+ MiB more \(1 file, [\d.]+ MiB left\)/,
  );
  await expect(row.getByTestId('task-progress-cancel')).toBeEnabled();
  await expect(row.getByTestId('job-dismiss')).toHaveCount(0);
  await expect(page.locator('[data-testid^="job-row-"][data-status="failed"]')).toHaveCount(0);
  await row.scrollIntoViewIfNeeded();
  await shot('jobs-waiting-for-disk');

  // "Attach another disk" leads back to the copy step; the new disk continues the same task.
  await row.getByTestId('job-open-diskprep').click();
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'copy');
  await expect(page.getByTestId('dp-needs-disk')).toBeVisible();
  await addRehearsalDisk(page, 'E2EDISK2', '24M');
  await expect(page.getByTestId('dp-erase-disk-E2EDISK2')).toContainText('24.0 MiB');
  await page.getByTestId('dp-erase-confirm-input').fill(JOB);
  await page.getByTestId('dp-erase-confirm').click();
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 120_000 });
  expect((await invoke<{ status: string }>(page, 'task:get', { id: waitingId })).status).toMatch(/succeeded/);
  await expect(page.getByTestId('status-tasks-waiting')).toHaveCount(0);
  await expect(page.getByTestId('dp-disk-progress-E2EDISK2')).toHaveAttribute('data-phase', 'done');
  await shot('disk-prep-5-copy');
  await next.click();

  // 6. Shipping form: every field's bad value once, then good values.
  await expect(page.getByTestId('dp-target')).toContainText('obcseedv2');
  await expect(page.getByTestId('dp-create-job')).toBeDisabled();
  await page.getByTestId('dp-provider-register').click();
  await expect(page.getByTestId('dp-provider')).toBeHidden();
  const bad: Array<[string, string, RegExp]> = [
    ['contactName', '', /Contact name is required/],
    ['phone', 'call me', /must be a phone number/],
    ['email', 'not-an-email', /is not an email address/],
    ['streetAddress1', '', /Street address is required/],
    ['streetAddress2', 'x'.repeat(101), /too long/],
    ['city', '', /City is required/],
    ['stateOrProvince', '', /State or province is required/],
    ['postalCode', '#', /Postal code "#" must be/],
    ['carrierAccountNumber', '!!', /must be 4 to 40/],
  ];
  for (const [field, value, message] of bad) {
    await page.getByTestId(`ship-${field}`).fill(value);
    await page.getByTestId(`ship-${field}`).blur();
    await expect(page.getByTestId(`ship-${field}-error`)).toHaveText(message);
  }
  await page.getByTestId('dp-create-job').click();
  await expect(page.getByTestId('ship-countryOrRegion-error')).toHaveText(/Country or region is required/);
  await expect(page.getByTestId('ship-carrierName-error')).toHaveText(/Return carrier is required/);
  await shot('disk-prep-6-shipping-errors');
  await fillShipping(page);
  // seed.json records no job type: Data Box by default (decision 1); Import/Export stays selectable (the journey ships Data Box).
  await expect(page.getByTestId('dp-job-type')).toHaveText(/Azure Data Box customer-disk job/);
  await page.getByTestId('dp-job-type').click();
  await page.getByRole('option', { name: 'Azure Import/Export job' }).click();
  await expect(page.getByTestId('dp-job-type')).toHaveText(/Azure Import\/Export job/);
  // Another job type, another resource provider: Microsoft.ImportExport is registered here too.
  await page.getByTestId('dp-provider-register').click();
  await expect(page.getByTestId('dp-provider')).toBeHidden({ timeout: 60_000 });
  await shot('disk-prep-6-shipping');
  await page.getByTestId('dp-create-job').click();

  // 7. Result: disks, datacenter address, carriers, rules, keys hidden; printable summary without secrets.
  await expect(page.getByTestId('dp-result-job')).toHaveAttribute('data-state', 'Creating');
  await expect(page.getByTestId('dp-shipto')).toContainText('2045 Lafayette Street');
  await expect(page.getByTestId('dp-carriers')).toHaveText('FedEx, DHL');
  await expect(page.getByTestId('dp-rules')).toContainText('ONE package with ONE tracking number');
  await expect(page.getByTestId('dp-key-E2EDISK1')).toHaveText('••••••');
  await page.getByTestId('dp-show-keys').click();
  await expect(page.getByTestId('dp-keys-warning')).toBeVisible();
  await expect(page.getByTestId('dp-key-E2EDISK1')).toHaveText(/^\d{6}(-\d{6}){7}$/);
  const key = (await page.getByTestId('dp-key-E2EDISK1').textContent()) ?? '';
  const summary = await page.getByTestId('print-summary').innerHTML();
  expect(summary).toContain('2045 Lafayette Street');
  expect(summary).not.toContain(key);
  expect(summary).not.toContain('123456789');
  await shot('disk-prep-7-result');
  await page.emulateMedia({ media: 'print' });
  await shot('disk-prep-7-print');
  await page.emulateMedia({ media: 'screen' });

  // 8. Import Jobs: the job with its deadline; enter tracking (a bad value once).
  await page.getByTestId('dp-track-job').click();
  await expect(page.getByTestId('import-jobs-screen')).toBeVisible();
  await expect(page.getByTestId(`ij-row-${JOB}`)).toHaveAttribute('data-state', 'Creating');
  await expect(page.getByTestId(`ij-deadline-${JOB}`)).toHaveText(/14 days left/);
  await expect(page.getByTestId('ij-step-Creating')).toHaveAttribute('data-status', 'current');
  await expect(page.getByTestId('ij-action-delete')).toBeEnabled();
  await shot('import-jobs-1-created');
  await page.getByTestId('ij-action-tracking').click();
  await page.getByTestId('ij-track-number').fill('12');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-track-number-error')).toHaveText(/must be 5 to 40 letters and digits/);
  await page.getByTestId('ij-track-number').fill('7946 1234 5678');
  await shot('import-jobs-2-tracking');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-tracking-dialog')).toBeHidden();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Shipping');
  await expect(page.getByTestId('ij-delivery')).toContainText('794612345678');
  // Import/Export allows a cancel until Packaging ("Canceling and deleting Import/Export jobs").
  await expect(page.getByTestId('ij-action-cancel')).toBeEnabled();
  await expect(page.getByTestId('ij-action-delete-reason')).toContainText('Shipping');

  // 9. The sandbox datacenter receives the disks, then imports them.
  const appInfo = await invoke<{ dataDir: string }>(page, 'app:info', {});
  const disks = ['E2EDISK1', 'E2EDISK2'].map((s) => ({ path: join(appInfo.dataDir, 'rehearsal-disks', s) }));
  await admin(sandbox, `/jobs/backup-rg/${JOB}/receive`, { disks });
  await page.getByTestId('ij-refresh').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Received');
  await expect(page.getByTestId('ij-notice-0')).toContainText(`changed from Shipping to Received`);
  await expect(page.getByTestId('ij-drive-E2EDISK1')).toHaveAttribute('data-state', 'Received');
  await admin(sandbox, `/jobs/backup-rg/${JOB}/transfer`, {});
  await page.getByTestId('ij-refresh').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Completed');
  await expect(page.getByTestId('ij-drive-E2EDISK1')).toHaveAttribute('data-percent', '100');
  await expect(page.getByTestId('ij-drive-copy-E2EDISK2')).toHaveAttribute('data-severity', 'ok');
  await expect(page.getByTestId('ij-step-Completed')).toHaveAttribute('data-status', 'done');
  await page.getByTestId('ij-log-E2EDISK1-verbose').click();
  await expect(page.getByTestId('ij-log-summary')).toContainText('Completed — The disk was processed without errors.');
  // The verbose log is read out as the files it lists, not one summary line.
  await expect(page.getByTestId('ij-log-counts')).toContainText(/The log lists \d+ files: 0 with problems/);
  await shot('import-jobs-3-completed');

  // 10. Verify imported data against the staging folder, then clean it up.
  await expect(page.getByTestId('ij-verify-staging')).toHaveValue(stagingLocation);
  await page.getByTestId('ij-verify-start').click();
  await expect(page.getByTestId('ij-verify-report')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await page.getByTestId('ij-verify-report').scrollIntoViewIfNeeded();
  await shot('import-jobs-4-verified');
  await page.getByTestId('ij-cleanup-confirm').fill(JOB);
  await page.getByTestId('ij-cleanup').click();
  await expect(page.getByTestId('ij-cleanup-done')).toContainText(join(stagingLocation, JOB));
});

test('a byte flipped on a disk before shipping shows up as a drive error in the job details', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  const job = 'seed-flip';
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { diskPath, ref } = await setUpImportJob(page, {
    subscriptionId: sandbox.subscriptionId,
    work,
    job,
    passphrase: PASSPHRASE,
    serial: 'FLIP1',
    mib: [2, 1],
    signIn: () => signInThroughApi(page, sandbox),
  });
  // Flip one byte in the largest data file on the disk, after read-back and before "shipping".
  const files: Array<{ path: string; size: number }> = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (!e.name.startsWith('obc-') && e.name !== 'DriveManifest.xml')
        files.push({ path: p, size: (await stat(p)).size });
    }
  };
  await walk(diskPath);
  const target = files.sort((a, b) => b.size - a.size)[0];
  const fh = await open(target.path, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, 1000);
  b[0] ^= 0xff;
  await fh.write(b, 0, 1, 1000);
  await fh.close();
  await invoke(page, 'jobs:updateShipping', {
    ...ref,
    deliveryPackage: {
      carrierName: 'FedEx',
      trackingNumber: 'FLIP12345',
      driveCount: 1,
      shipDate: new Date().toISOString().slice(0, 10),
    },
  });
  await admin(sandbox, `/jobs/backup-rg/${job}/receive`, { disks: [{ path: diskPath }] });
  await admin(sandbox, `/jobs/backup-rg/${job}/transfer`, {});

  await page.getByTestId('action-importJobs').click();
  await page.getByTestId(`ij-open-${job}`).click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Closed');
  await expect(page.getByTestId('ij-step-Closed')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('ij-drive-copy-FLIP1')).toHaveAttribute('data-severity', 'error');
  await page.getByTestId('ij-log-FLIP1-error').click();
  await expect(page.getByTestId('ij-log-summary')).toContainText('Corrupted');
  await page.getByTestId('ij-log-summary').scrollIntoViewIfNeeded();
  await shot('import-jobs-5-flipped-byte');
});
