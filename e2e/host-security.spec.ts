import { test, expect } from './fixtures.ts';

/** The browser-mode host as a page would meet it: token, origin, bad payloads, survival. */
test('a page without the token cannot connect and says so', async ({ page, host, shot }) => {
  await page.goto(host.origin + '/');
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'unauthorized');
  await shot('host-no-token');
});

test('a bad payload gets a validation error and the server keeps serving', async ({ consolePage: page }) => {
  const result = await page.evaluate(async () => {
    const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`);
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
