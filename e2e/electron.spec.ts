import { test, expect, _electron as electron } from '@playwright/test';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { findElectronBinary } from '../scripts/lib/electron-binary.ts';
import { buildElectron } from '../scripts/lib/build-steps.ts';

/**
 * The same console checks in the desktop app. They need a real Electron binary, which machines without
 * internet cannot download: there the tests are reported as skipped with the reason.
 */
const binary = findElectronBinary();
const repoRoot = resolve(import.meta.dirname, '..');
if (binary.path === null) console.log(`Electron specs skipped: Electron cannot run here (${binary.reason}).`);

test.describe('desktop app (Electron)', () => {
  test.skip(binary.path === null, `Electron cannot run here: ${binary.path === null ? binary.reason : ''}`);

  test('the console loads with isolation on and no Node in the page', async () => {
    await buildElectron();
    const dataDir = await mkdtemp(join(tmpdir(), 'obc-electron-'));
    const app = await electron.launch({
      ...(binary.path ? { executablePath: binary.path } : {}),
      args: [repoRoot],
      env: { ...process.env, OBC_DATA_DIR: dataDir, OBC_TEST_HOOKS: '1' },
    });
    try {
      const page = await app.firstWindow();
      await page.waitForLoadState('domcontentloaded');
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
      expect(await page.evaluate(() => typeof (window as unknown as { api?: unknown }).api)).toBe('object');
      expect(await page.evaluate(() => Object.keys((window as unknown as { api: object }).api).sort())).toEqual([
        'invoke',
        'on',
      ]);
      expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe('undefined');
      await page.screenshot({ path: join(repoRoot, 'test-results', 'screens', 'electron-console.png') });
    } finally {
      await app.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
