import { expect, type Page } from '@playwright/test';

/**
 * One contract call from the test through the page's own transport: `window.api.invoke` in the desktop app, the
 * page's authenticated WebSocket in browser mode (the same paths the renderer uses). Throws the host's message.
 */
export async function invoke<T>(page: Page, channel: string, payload: unknown): Promise<T> {
  const r = await page.evaluate(
    async ({ channel, payload }) => {
      const desktop = (window as unknown as { api?: { invoke(c: string, p: unknown): Promise<unknown> } }).api;
      if (desktop)
        return (await desktop.invoke(channel, payload)) as {
          ok: boolean;
          value?: unknown;
          error?: { message: string };
        };
      const ws = new WebSocket(
        `ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`,
      );
      await new Promise((res, rej) => {
        ws.onopen = res;
        ws.onerror = rej;
      });
      const out = await new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve) => {
        ws.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data));
          if (msg.t === 'result' && msg.id === 1) resolve(msg.result);
        };
        ws.send(JSON.stringify({ t: 'invoke', id: 1, channel, payload }));
      });
      ws.close();
      return out;
    },
    { channel, payload },
  );
  if (!r.ok) throw new Error(`${channel}: ${r.error?.message}`);
  return r.value as T;
}

/** Waits until a task ends (bounded) and expects it to have succeeded; returns its result. A task that waits for the user (e.g. another disk) fails this at once with its message. */
export async function waitTask<R = unknown>(page: Page, taskId: string, timeout = 60_000): Promise<R> {
  await expect
    .poll(async () => (await invoke<{ status: string }>(page, 'task:get', { id: taskId })).status, { timeout })
    .toMatch(/succeeded|failed|cancelled|waiting/);
  const t = await invoke<{ status: string; result?: R; error?: { message: string }; message?: string }>(
    page,
    'task:get',
    { id: taskId },
  );
  expect(t.status, t.error?.message ?? t.message).toBe('succeeded');
  return t.result as R;
}
