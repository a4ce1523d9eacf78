import { test, expect } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';

/**
 * The helpers close the sign-in tab as soon as completeSignInPage returns. Chromium acknowledges a close that races
 * a navigation commit without closing the tab (crbug.com/536385539), and `page.close()` then never returns: that
 * was the e2e "sign-in never ends" flake. So completeSignInPage must return only once the loopback answer has loaded.
 * Here a stand-in login page posts to a stand-in loopback whose answer commits at once and finishes 1.5 s later.
 */
const BODY_DELAY_MS = 1500;

const listen = async (server: Server): Promise<number> => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
};

test('completeSignInPage returns after the loopback answer has loaded, so closing the tab cannot race its commit', async ({
  page,
}) => {
  const loopback = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.write('<!doctype html><title>Signed in</title><p>Signed in.');
      setTimeout(() => res.end('</p>'), BODY_DELAY_MS);
    });
  });
  const loopbackPort = await listen(loopback);
  const login = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
    if (req.method === 'GET')
      return res.end(
        '<form method="post" action="/login"><input id="username"><input id="password" type="password"><button id="signin">Sign in</button></form>',
      );
    req.resume();
    res.end(
      `<form method="post" action="http://localhost:${loopbackPort}/"><input type="hidden" name="code" value="c"><button id="accept">Accept</button></form>`,
    );
  });
  const loginPort = await listen(login);
  try {
    await completeSignInPage(
      page,
      `http://127.0.0.1:${loginPort}/`,
      { username: 'u', password: 'p' },
      { timeoutMs: 30_000 },
    );
    expect(new URL(page.url()).port).toBe(String(loopbackPort));
    expect(await page.evaluate(() => document.readyState)).toBe('complete');
    await page.close();
  } finally {
    loopback.close();
    login.close();
  }
});
