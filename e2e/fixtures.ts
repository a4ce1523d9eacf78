import { test as base, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { startConsoleHost, type ConsoleHost } from './host.ts';

/** Where every spec's screen shots go (test-results/screens). */
export const screensDir = resolve(import.meta.dirname, '..', 'test-results', 'screens');

export interface Fixtures {
  host: ConsoleHost;
  /** The console page, loaded and connected. */
  consolePage: Page;
  /** Saves a full-page screenshot as test-results/screens/<name>.png. */
  shot: (name: string) => Promise<void>;
}

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  host: async ({}, use) => {
    const host = await startConsoleHost();
    await use(host);
    await host.stop();
  },
  consolePage: async ({ page, host }, use) => {
    await page.goto(host.consoleUrl);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await use(page);
  },
  shot: async ({ page }, use) => {
    await mkdir(screensDir, { recursive: true });
    await use(async (name) => {
      await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true });
    });
  },
});

export { expect };
