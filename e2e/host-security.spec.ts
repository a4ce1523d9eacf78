import { test, expect } from './fixtures.ts';

/** The browser-mode host as a page would meet it: token, origin, bad payloads, survival. */
test('a page without the token cannot connect and says so', async ({ page, host, shot }) => {
  await page.goto(host.origin + '/');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'unauthorized');
  await expect(page.getByTestId('connection-status')).toHaveText('Not authorized');
  await shot('host-no-token');
});

test('a page with a stale token (the host was restarted since) says its address is out of date, not that the host is unreachable', async ({
  page,
  host,
  shot,
}) => {
  // The token of an earlier run of `npm start`: the WebSocket handshake is refused (HTTP 401) by the running host.
  await page.goto(`${host.origin}/#token=${'A'.repeat(host.token.length)}`);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'unauthorized');
  await expect(page.getByTestId('connection-status')).toHaveText('Address out of date');
  const banner = page.getByTestId('connection-banner');
  await expect(banner).toHaveAttribute('data-reason', 'tokenMismatch');
  await expect(banner).toContainText(
    'This console address is out of date (the token does not match the running host): open the address printed by npm start again.',
  );
  await expect(page.getByTestId('connection-retry')).toHaveCount(0);
  await shot('host-stale-token');
  // The address printed by this run works in the same tab.
  await page.goto(host.consoleUrl);
  await page.reload();
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
});

test('a bad payload gets a validation error and the server keeps serving', async ({ consolePage: page }) => {
  const result = await page.evaluate(async () => {
    const ws = new WebSocket(
      `ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`,
    );
    await new Promise((r, j) => {
      ws.onopen = r;
      ws.onerror = j;
    });
    const call = (id: number, channel: string, payload: unknown) =>
      new Promise<unknown>((resolve) => {
        ws.addEventListener('message', function onMsg(ev) {
          const msg = JSON.parse(String(ev.data));
          if (msg.t === 'result' && msg.id === id) {
            ws.removeEventListener('message', onMsg);
            resolve(msg.result);
          }
        });
        ws.send(JSON.stringify({ t: 'invoke', id, channel, payload }));
      });
    const bad = await call(1, 'task:cancel', { id: 42 });
    const good = await call(2, 'app:info', {});
    ws.close();
    return { bad, good };
  });
  expect(result.bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
  expect(result.good).toMatchObject({ ok: true, value: { host: 'browser' } });
});
