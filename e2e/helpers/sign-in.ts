import type { Browser, Page, Request } from '@playwright/test';
import { expect } from '@playwright/test';
import type { SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { completeSignInPage, type SignInUser } from '../../electron/services/sandbox/test-signin.ts';
import { invoke } from './ipc.ts';

/**
 * How a test answers the sandbox sign-in page after a button in the console started a sign-in. `trigger` clicks
 * the button; the driver completes the login page as the user would and returns once the host has the redirect.
 */
export type SignInDriver = (trigger: () => Promise<void>) => Promise<void>;

/** Browser mode: the console opens the sign-in page in a new window; it is filled there. */
export function popupSignIn(page: Page, user: SignInUser): SignInDriver {
  return async (trigger) => {
    const ctx = page.context();
    const consoleOrigin = new URL(page.url()).origin;
    let url: string | null = null;
    const onRequest = (r: Request) => {
      if (url === null && r.isNavigationRequest() && /^https?:/.test(r.url()) && new URL(r.url()).origin !== consoleOrigin) url = r.url();
    };
    ctx.on('request', onRequest);
    try {
      const popupP = ctx.waitForEvent('page', { timeout: 30_000 });
      await trigger();
      const popup = await popupP;
      await expect.poll(() => url, { timeout: 30_000 }).not.toBeNull();
      await completeSignInPage(popup, url ?? '', user, { timeoutMs: 60_000 });
      await popup.close();
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
      const w = window as unknown as { api: { on(e: string, l: (p: { url: string }) => void): () => void }; __obcSignInUrl?: Promise<string> };
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

/** auth:signIn over the page's connection; the sign-in page (from the auth:signInUrl event) is completed in a new tab. */
export async function signInThroughApi(page: Page, sb: SandboxHandle, retry = true): Promise<void> {
  const url = await page.evaluate(async () => {
    const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`);
    await new Promise((res, rej) => {
      ws.onopen = res;
      ws.onerror = rej;
    });
    const w = window as unknown as { __signIn: Promise<boolean> };
    let gotUrl: (u: string) => void = () => undefined;
    const urlP = new Promise<string>((r) => (gotUrl = r));
    w.__signIn = new Promise<boolean>((resolve) => {
      ws.onmessage = (ev) => {
        const msg = JSON.parse(String(ev.data));
        if (msg.t === 'event' && msg.event === 'auth:signInUrl') gotUrl(msg.payload.url);
        if (msg.t === 'result' && msg.id === 1) {
          ws.close();
          resolve(Boolean(msg.result.ok));
        }
      };
    });
    ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'auth:signIn', payload: {} }));
    return urlP;
  });
  const tab = await page.context().newPage();
  await completeSignInPage(tab, url, sb.users[0], { timeoutMs: 60_000 });
  await tab.close();
  // Rarely (about 1 run in 8 under load) MSAL's one-shot loopback refused the redirect and the sign-in never ended:
  // give it 45 s, then cancel it and sign in once more, as a user would.
  const ok = await page.evaluate(() =>
    Promise.race([(window as unknown as { __signIn: Promise<boolean> }).__signIn, new Promise<null>((r) => setTimeout(() => r(null), 45_000))]),
  );
  if (ok === null && retry) {
    await invoke(page, 'auth:cancelSignIn', {});
    return signInThroughApi(page, sb, false);
  }
  expect(ok).toBe(true);
}
