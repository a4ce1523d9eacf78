import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { expect } from './fixtures.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';

/** Sign in / out from the console against the Local sandbox: cloud choice, interactive sign-in, title bar, sign-out. */
test.use({ ignoreHTTPSErrors: true });

test('sign in to the Local sandbox from the console, see the account, sign out', async ({
  consolePage: page,
  sandbox,
  shot,
}) => {
  await page.getByTestId('action-signIn').click();
  await expect(page.getByTestId('account-screen')).toBeVisible();
  await page.getByTestId('account-cloud').click();
  await page.getByTestId('account-cloud-option-LocalSandbox').click();
  await expect(page.getByTestId('account-status')).toContainText('Not signed in');
  await shot('account-signed-out');

  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('account-signin').click();
  const popup = await popupP;
  const url = await page.getByTestId('account-signin-link').getAttribute('href');
  await completeSignInPage(popup, url ?? '', sandbox.users[0], { timeoutMs: 60_000 });
  await expect(page.getByTestId('account-status')).toHaveAttribute('data-signed-in', 'true');
  await expect(page.getByTestId('account-area')).toContainText(sandbox.users[0].displayName);
  await expect(page.getByTestId('account-area')).toHaveAttribute('data-signed-in', 'true');
  await shot('account-signed-in');

  await page.getByTestId('account-signout').click();
  await expect(page.getByTestId('account-status')).toHaveAttribute('data-signed-in', 'false');
  await expect(page.getByTestId('account-area')).toContainText('Not signed in');
});
