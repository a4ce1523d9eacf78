import type { Page } from '@playwright/test';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import type { SandboxStatusView } from '../shared/contract/sandbox.ts';
import { expect, test } from './fixtures.ts';
import { invoke } from './helpers/ipc.ts';
import { setUpImportJob } from './helpers/import-job-setup.ts';
import { withWorkDir } from './helpers/sandbox.ts';

/**
 * Rehearsal from inside the console: no separately started sandbox and no OBC_SANDBOX_CLOUD — the user starts the
 * Local sandbox on the Sign in / out screen (sandbox:start), reads a seeded user there, signs in on its login page.
 */
test.use({ ignoreHTTPSErrors: true });

/** Sign in / out screen → Sign in → the sandbox login page in the popup. */
async function signIn(page: Page, username: string, password: string): Promise<void> {
  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('account-signin').click();
  const popup = await popupP;
  const url = await page.getByTestId('account-signin-link').getAttribute('href');
  await completeSignInPage(popup, url ?? '', { username, password }, { timeoutMs: 60_000 });
  await expect(page.getByTestId('account-status')).toHaveAttribute('data-signed-in', 'true');
}

test('start the Local sandbox from the console and sign in to it with a user shown there', async ({
  consolePage: page,
  shot,
}) => {
  // The newcomer's first-run panel leads to the sandbox.
  await page.getByTestId('first-run-rehearse').click();
  await expect(page.getByTestId('account-screen')).toBeVisible();
  const panel = page.getByTestId('sandbox-panel');
  await expect(panel).toHaveAttribute('data-running', 'false');
  await expect(page.getByTestId('account-cloud-option-LocalSandbox')).toHaveCount(0);
  await shot('rehearsal-sandbox-stopped');

  await page.getByTestId('sandbox-start').click();
  await expect(panel).toHaveAttribute('data-running', 'true', { timeout: 90_000 });
  // Starting it switches the console to the Local sandbox cloud.
  await expect(page.getByTestId('account-cloud')).toContainText('Local sandbox');
  await expect(page.getByTestId('account-status')).toContainText('Not signed in to Local sandbox');
  const owner = page.getByTestId('sandbox-user-0');
  await expect(owner).toContainText('Owner');
  const username = (await owner.locator('code').nth(0).textContent()) ?? '';
  const password = (await owner.locator('code').nth(1).textContent()) ?? '';
  expect(username).toMatch(/@sandbox\.obc\.local$/);
  await shot('rehearsal-sandbox-running');

  await signIn(page, username, password);
  await expect(page.getByTestId('account-status')).toContainText(`Signed in to Local sandbox`);
  await expect(page.getByTestId('account-status')).toContainText(username);
  await expect(page.getByTestId('account-area')).toHaveAttribute('data-signed-in', 'true');
  await shot('rehearsal-signed-in');

  await page.getByTestId('sandbox-stop').click();
  await expect(panel).toHaveAttribute('data-running', 'false');
});

test('play the datacenter from the job details: the prepared disk arrives, the data is copied', async ({
  consolePage: page,
  shot,
}) => {
  test.setTimeout(180_000);
  const PASSPHRASE = 'rehearsal e2e passphrase: seven tidy otters';
  const job = 'seed-rehearsal';
  await withWorkDir('obc-e2e-rehearsal-', async (work) => {
    await page.getByTestId('action-signIn').click();
    await page.getByTestId('sandbox-start').click();
    await expect(page.getByTestId('sandbox-panel')).toHaveAttribute('data-running', 'true', { timeout: 90_000 });
    const sb = await invoke<SandboxStatusView>(page, 'sandbox:status', {});
    await signIn(page, sb.users[0].username, sb.users[0].password);
    const { subscriptionId } = sb;
    if (!subscriptionId) throw new Error('sandbox:status names no subscription while the sandbox is running');

    // A small real backup, Disk Prep onto one folder disk, the import job created and shipped (as in disk-prep.spec).
    const { stagingLocation, diskPath, ref } = await setUpImportJob(page, {
      subscriptionId,
      work,
      job,
      passphrase: PASSPHRASE,
      serial: 'REH1',
      mib: [2, 1],
    });
    await invoke(page, 'settings:set', { lastStagingLocation: stagingLocation });
    await invoke(page, 'jobs:updateShipping', {
      ...ref,
      deliveryPackage: {
        carrierName: 'FedEx',
        trackingNumber: 'REH12345',
        driveCount: 1,
        shipDate: new Date().toISOString().slice(0, 10),
      },
    });

    // The rehearsal box plays the datacenter; the job page follows through its normal refresh.
    await page.getByTestId('action-importJobs').click();
    await page.getByTestId(`ij-open-${job}`).click();
    await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Shipping');
    const box = page.getByTestId('ij-rehearsal');
    await expect(box).toContainText('Rehearsal: play the datacenter');
    await expect(page.getByTestId('ij-rehearsal-disk-0')).toContainText(diskPath);
    await expect(page.getByTestId('ij-rehearsal-transfer')).toBeDisabled();
    await box.scrollIntoViewIfNeeded();
    await shot('rehearsal-datacenter-shipping');
    await page.getByTestId('ij-rehearsal-receive').click();
    await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Received');
    await expect(page.getByTestId('ij-drive-REH1')).toHaveAttribute('data-state', 'Received');
    await page.getByTestId('ij-rehearsal-transfer').click();
    await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Completed', { timeout: 60_000 });
    await expect(page.getByTestId('ij-drive-REH1')).toHaveAttribute('data-percent', '100');
    await expect(page.getByTestId('ij-drive-copy-REH1')).toHaveAttribute('data-severity', 'ok');
    await expect(page.getByTestId('ij-rehearsal-reason')).toContainText("the datacenter's part is over");
    await shot('rehearsal-datacenter-completed');
  });
});
