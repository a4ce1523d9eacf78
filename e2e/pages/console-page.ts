import { expect, type Locator, type Page } from '@playwright/test';

/** Page object for the console shell (title bar, Actions pane, Jobs view, status bar). */
export class ConsolePage {
  readonly page: Page;
  readonly root: Locator;
  readonly jobs: Locator;
  constructor(page: Page) {
    this.page = page;
    this.root = page.getByTestId('app-root');
    this.jobs = page.getByTestId('jobs-table');
  }

  async chooseTheme(choice: 'system' | 'light' | 'dark' | 'highContrast'): Promise<void> {
    await this.page.getByTestId('theme-switch').click();
    await this.page.getByTestId(`theme-option-${choice}`).click();
  }

  async openAction(id: string): Promise<void> {
    await this.page.getByTestId(`action-${id}`).click();
  }

  /** Starts the test-only demo task through the page's own connection (exists only with OBC_TEST_HOOKS=1). */
  async startDemoTask(steps: number, intervalMs: number): Promise<string> {
    return this.page.evaluate(
      async ({ steps, intervalMs }) => {
        const ws = new WebSocket(
          `ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`,
        );
        await new Promise((r, j) => {
          ws.onopen = r;
          ws.onerror = j;
        });
        const result = await new Promise<{ ok: boolean; value?: { taskId: string } }>((resolve) => {
          ws.onmessage = (ev) => {
            const msg = JSON.parse(String(ev.data));
            if (msg.t === 'result' && msg.id === 1) resolve(msg.result);
          };
          ws.send(JSON.stringify({ t: 'invoke', id: 1, channel: 'test:demoTask', payload: { steps, intervalMs } }));
        });
        ws.close();
        if (!result.ok || !result.value) throw new Error('demo task refused');
        return result.value.taskId;
      },
      { steps, intervalMs },
    );
  }

  row(taskId: string): Locator {
    return this.page.getByTestId(`job-row-${taskId}`);
  }

  async expectConnected(): Promise<void> {
    await expect(this.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  }
}
