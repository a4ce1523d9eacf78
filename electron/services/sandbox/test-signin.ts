import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from '@playwright/test';

/**
 * Test helper: drives the sandbox login page with Playwright (Debian chromium, headless) so MSAL's
 * `acquireTokenInteractive({ openBrowser })` completes without a human. Not used by the product.
 *
 *   const browser = await launchSignInBrowser();
 *   const result = await pca.acquireTokenInteractive({ scopes, openBrowser: openBrowserAs(browser, user), ... });
 */
export const CHROMIUM_PATH = process.env.OBC_CHROMIUM ?? '/usr/bin/chromium';

export interface SignInUser {
  username: string;
  password: string;
}

export interface SignInOptions {
  /** On the consent page: accept (default) or cancel. */
  consent?: 'accept' | 'cancel';
  timeoutMs?: number;
}

export async function launchSignInBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with 'apt-get install -y chromium' (or set OBC_CHROMIUM).`,
    );
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Completes one sign-in on an already opened page: fills user name and password, accepts (or cancels) the
 * consent page when it appears, and waits until the loopback redirect (http://localhost:<port>) has loaded.
 * Throws with the page's error text when the login page answers with an error instead.
 *
 * It returns only once MSAL's answer page has fired `load`, not at its commit: callers close the page next, and
 * Chromium acknowledges a Target.closeTarget that races a navigation commit without closing anything
 * (crbug.com/536385539, microsoft/playwright#42366), so `page.close()` then never returns.
 */
export async function completeSignInPage(
  page: Page,
  url: string,
  user: SignInUser,
  opts: SignInOptions = {},
): Promise<void> {
  const timeout = opts.timeoutMs ?? 15_000;
  // MSAL's loopback listener: http://localhost:<port>/ on another origin than the sign-in pages (which may be
  // http://localhost too, see identity.ts browserBaseUrl).
  const signInOrigin = new URL(url).origin;
  const loopback = (u: URL | string) => {
    const x = typeof u === 'string' ? new URL(u) : u;
    return (
      x.protocol === 'http:' && (x.hostname === 'localhost' || x.hostname === '127.0.0.1') && x.origin !== signInOrigin
    );
  };
  await page.goto(url, { timeout });
  const deadline = Date.now() + timeout;
  // The loopback answer has committed: wait until it has loaded (see above).
  const loaded = () => page.waitForURL(loopback, { timeout: Math.max(1, deadline - Date.now()), waitUntil: 'load' });
  let loggedIn = false;
  while (Date.now() < deadline) {
    if (loopback(page.url())) return loaded();
    const which = await Promise.race([
      page.waitForURL(loopback, { timeout: deadline - Date.now(), waitUntil: 'commit' }).then(() => 'done' as const),
      page
        .locator('#username')
        .waitFor({ timeout: deadline - Date.now() })
        .then(() => 'login' as const),
      page
        .locator('#accept')
        .waitFor({ timeout: deadline - Date.now() })
        .then(() => 'consent' as const),
    ]).catch(() => 'timeout' as const);
    if (which === 'done') return loaded();
    if (which === 'timeout') break;
    if (which === 'login') {
      if (loggedIn) {
        const err = await page
          .locator('#error')
          .textContent({ timeout: 1000 })
          .catch(() => null);
        throw new Error(`Sandbox sign-in as ${user.username} failed: ${err ?? 'the login page came back'}`);
      }
      loggedIn = true;
      await page.fill('#username', user.username);
      await page.fill('#password', user.password);
      await Promise.all([
        page.waitForEvent('framenavigated', { timeout: deadline - Date.now() }),
        page.click('#signin'),
      ]);
      await page.waitForLoadState('domcontentloaded', { timeout: deadline - Date.now() }).catch(() => undefined);
      if (await page.locator('#error').count()) {
        throw new Error(`Sandbox sign-in as ${user.username} failed: ${await page.locator('#error').textContent()}`);
      }
      continue;
    }
    await page.click(opts.consent === 'cancel' ? '#cancel' : '#accept');
    if (opts.consent === 'cancel') return loaded();
  }
  throw new Error(
    `Sandbox sign-in as ${user.username} did not reach the loopback redirect within ${timeout} ms (at ${page.url()}).`,
  );
}

/** An MSAL `openBrowser` callback that signs in as `user` in a fresh browser context (no cookies shared). */
export function openBrowserAs(
  browser: Browser,
  user: SignInUser,
  opts: SignInOptions = {},
): (url: string) => Promise<void> {
  return async (url: string) => {
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      const page = await context.newPage();
      await completeSignInPage(page, url, user, opts);
    } finally {
      await context.close();
    }
  };
}
