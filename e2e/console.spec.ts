import { test, expect } from './fixtures.ts';
import { ConsolePage } from './pages/console-page.ts';

test('the console loads, is interactive quickly and shows the Actions pane and Jobs view', async ({
  page,
  host,
  shot,
}) => {
  const t0 = Date.now();
  await page.goto(host.consoleUrl);
  const c = new ConsolePage(page);
  await c.expectConnected();
  const ms = Date.now() - t0;
  test.info().annotations.push({ type: 'interactive-ms', description: String(ms) });
  console.log(`console interactive after ${ms} ms`);
  await expect(page.getByTestId('actions-pane')).toBeVisible();
  await expect(page.getByTestId('jobs-view')).toBeVisible();
  await expect(page.getByTestId('status-host')).toContainText('browser');
  // The token left the address bar.
  expect(page.url()).not.toContain('token=');
  await shot('console');
});

test('the theme switch applies and persists across a reload', async ({ consolePage: page, shot }) => {
  const c = new ConsolePage(page);
  await c.chooseTheme('dark');
  await expect(c.root).toHaveAttribute('data-theme', 'dark');
  await shot('console-dark');
  await c.chooseTheme('highContrast');
  await expect(c.root).toHaveAttribute('data-theme', 'highContrast');
  await shot('console-high-contrast');
  await page.reload();
  await c.expectConnected();
  await expect(c.root).toHaveAttribute('data-theme', 'highContrast');
  await c.chooseTheme('light');
  await expect(c.root).toHaveAttribute('data-theme', 'light');
});

test('a running task shows progress and can be cancelled from the Jobs view', async ({ consolePage: page, shot }) => {
  const c = new ConsolePage(page);
  const id = await c.startDemoTask(600, 50);
  const row = c.row(id);
  await expect(row.getByTestId('job-status')).toContainText(/running/i);
  await expect(row.getByTestId('task-progress-text')).toContainText(/of 600/);
  await shot('jobs-running');
  await row.getByTestId('task-progress-cancel').click();
  await expect(row.getByTestId('job-status')).toContainText(/cancel/i);
  await shot('jobs-cancelled');
});

test('a finished task can be dismissed', async ({ consolePage: page }) => {
  const c = new ConsolePage(page);
  const id = await c.startDemoTask(2, 5);
  await expect(c.row(id).getByTestId('job-status')).toContainText(/succeeded|completed/i);
  await c.row(id).getByTestId('job-dismiss').click();
  await expect(c.row(id)).toHaveCount(0);
});

test('the Actions pane is reachable by keyboard', async ({ consolePage: page }) => {
  await page.keyboard.press('Tab');
  await expect(page.getByTestId('skip-link')).toBeFocused();
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.closest('[data-testid="actions-pane"]') !== null);
  }
  expect(reached).toBe(true);
});
