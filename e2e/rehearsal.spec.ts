import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { expect, test } from './fixtures.ts';

/**
 * Rehearsal from inside the console: no separately started sandbox and no OBC_SANDBOX_CLOUD — the user starts the
 * Local sandbox on the Sign in / out screen (sandbox:start), reads a seeded user there, signs in on its login page.
 */
test.use({ ignoreHTTPSErrors: true });

test('start the Local sandbox from the console and sign in to it with a user shown there', async ({ consolePage: page, shot }) => {
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

  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('account-signin').click();
  const popup = await popupP;
  const url = await page.getByTestId('account-signin-link').getAttribute('href');
  await completeSignInPage(popup, url ?? '', { username, password }, { timeoutMs: 60_000 });
  await expect(page.getByTestId('account-status')).toHaveAttribute('data-signed-in', 'true');
  await expect(page.getByTestId('account-status')).toContainText(`Signed in to Local sandbox`);
  await expect(page.getByTestId('account-status')).toContainText(username);
  await expect(page.getByTestId('account-area')).toHaveAttribute('data-signed-in', 'true');
  await shot('rehearsal-signed-in');

  await page.getByTestId('sandbox-stop').click();
  await expect(panel).toHaveAttribute('data-running', 'false');
});
