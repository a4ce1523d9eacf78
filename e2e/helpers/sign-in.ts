import type { Browser, Page, Request } from '@playwright/test';
import { expect } from '@playwright/test';
import type { SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { completeSignInPage, type SignInUser } from '../../electron/services/sandbox/test-signin.ts';

/**
 * How a test answers the sandbox sign-in page after a button in the console started a sign-in. `trigger` clicks
 * the button; the driver completes the login page as the user would and returns once the host has the redirect.
 */
export type SignInDriver = (trigger: () => Promise<void>) => Promise<void>;

/**
 * Closes a sign-in window that completeSignInPage has finished with (its loopback answer loaded). A close Chromium
 * acknowledged but never carried out (crbug.com/536385539) fails here by name, not as the test's own timeout later.
 */
export async function closeSignInTab(tab: Page): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stuck = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(new Error(`The sign-in tab at ${tab.url()} did not close within 15 s (Chromium dropped the close).`)),
      15_000,
    );
  });
  try {
    await Promise.race([tab.close(), stuck]);
  } finally {
    clearTimeout(timer);
  }
}

/** Browser mode: the console opens the sign-in page in a new window; it is filled there. */
export function popupSignIn(page: Page, user: SignInUser): SignInDriver {
  return async (trigger) => {
    const ctx = page.context();
    const consoleOrigin = new URL(page.url()).origin;
    let url: string | null = null;
    const onRequest = (r: Request) => {
      if (
        url === null &&
        r.isNavigationRequest() &&
        /^https?:/.test(r.url()) &&
        new URL(r.url()).origin !== consoleOrigin
      )
        url = r.url();
    };
    ctx.on('request', onRequest);
    try {
      const popupP = ctx.waitForEvent('page', { timeout: 30_000 });
      await trigger();
      const popup = await popupP;
      await expect.poll(() => url, { timeout: 30_000 }).not.toBeNull();
      await completeSignInPage(popup, url ?? '', user, { timeoutMs: 60_000 });
      await closeSignInTab(popup);
    } finally {
      ctx.off('request', onRequest);
    }
  };
}

/**
 * Desktop app: the host hands the sign-in page to the system browser (shell.openExternal); the test takes the
 * address from the `auth:signInUrl` event the window receives and completes it in its own browser.
 */
export function externalSignIn(page: Page, browser: Browser, user: SignInUser): SignInDriver {
  return async (trigger) => {
    await page.evaluate(() => {
      const w = window as unknown as {
        api: { on(e: string, l: (p: { url: string }) => void): () => void };
        __obcSignInUrl?: Promise<string>;
      };
      w.__obcSignInUrl = new Promise<string>((resolve) => {
        const off = w.api.on('auth:signInUrl', (p) => {
          off();
          resolve(p.url);
        });
      });
    });
    await trigger();
    const url = await page.evaluate(() => (window as unknown as { __obcSignInUrl: Promise<string> }).__obcSignInUrl);
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true });
    try {
      await completeSignInPage(await ctx.newPage(), url, user, { timeoutMs: 60_000 });
    } finally {
      await ctx.close();
    }
  };
}

/**
 * auth:signIn over a connection of the page's own (the same token and path as the console's); the sign-in page (from
 * the auth:signInUrl event) is completed in a new tab. Fails with the close code if that connection drops first.
 */
export async function signInThroughApi(page: Page, sb: SandboxHandle): Promise<void> {
  const url = await page.evaluate(async () => {
    const ws = new WebSocket(
      `ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`,
    );
    await new Promise((res, rej) => {
      ws.onopen = res;
      ws.onerror = rej;
    });
    const w = window as unknown as { __signIn: Promise<string> };
    let gotUrl: (u: string) => void = () => undefined;
    const urlP = new Promise<string>((r) => (gotUrl = r));
    w.__signIn = new Promise<string>((resolve) => {
      ws.onclose = (ev) => resolve(`the connection closed before the answer (code ${ev.code} ${ev.reason})`);
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data));
        if (msg.t === 'event' && msg.event === 'auth:signInUrl') gotUrl(msg.payload.url);
        if (msg.t === 'result' && msg.id === 1) {
          ws.onclose = null;
          ws.close();
          resolve(msg.result.ok ? 'signed in' : `auth:signIn failed: ${msg.result.error?.message}`);
        }
      };
    });
    ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'auth:signIn', payload: {} }));
    return urlP;
  });
  const tab = await page.context().newPage();
  await completeSignInPage(tab, url, sb.users[0], { timeoutMs: 60_000 });
  await closeSignInTab(tab);
  expect(await page.evaluate(() => (window as unknown as { __signIn: Promise<string> }).__signIn)).toBe('signed in');
}
