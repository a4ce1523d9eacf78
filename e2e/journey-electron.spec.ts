import { join, resolve } from 'node:path';
import { _electron as electron } from '@playwright/test';
import { launchSignInBrowser } from '../electron/services/sandbox/test-signin.ts';
import { findElectronBinary } from '../scripts/lib/electron-binary.ts';
import { buildElectron } from '../scripts/lib/build-steps.ts';
import { expect, screensDir } from './fixtures.ts';
import { numberedShots, runJourney } from './helpers/journey.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';
import { externalSignIn } from './helpers/sign-in.ts';

/**
 * The acceptance journey (see journey.spec.ts) in the desktop app through Playwright's `_electron.launch`, with the
 * same steps. It needs a real Electron binary, which machines without internet cannot download: there it is
 * reported as skipped with the reason. Screens: test-results/screens/journey-electron-NN-<screen>.png.
 */
const binary = findElectronBinary();
const repoRoot = resolve(import.meta.dirname, '..');
if (binary.path === null) console.log(`Electron journey skipped: Electron cannot run here (${binary.reason}).`);

test.describe('desktop app (Electron)', () => {
  test.skip(binary.path === null, `Electron cannot run here: ${binary.path === null ? binary.reason : ''}`);

  test('the whole journey in the desktop app: schedule, back up, prepare disks, ship, import, verify, recover from the container', async ({
    sandbox,
    work,
  }) => {
    test.setTimeout(600_000);
    await buildElectron();
    const app = await electron.launch({
      ...(binary.path ? { executablePath: binary.path } : {}),
      args: [repoRoot],
      env: {
        ...process.env,
        OBC_DATA_DIR: join(work, 'data'),
        OBC_TEST_HOOKS: '1',
        OBC_SANDBOX_CLOUD: join(sandbox.dataDir, 'cloud.json'),
      },
    });
    // The desktop host hands sign-in pages to the system browser; the test completes them in its own browser instead.
    const signInBrowser = await launchSignInBrowser();
    try {
      await app.evaluate(({ shell }) => {
        shell.openExternal = async () => undefined;
      });
      const page = await app.firstWindow();
      page.setDefaultTimeout(30_000); // every click and fill bounded, as in the browser journey
      await page.waitForLoadState('domcontentloaded');
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
      const shot = await numberedShots(async (name) => {
        await page.screenshot({ path: join(screensDir, `${name}.png`), fullPage: true });
      }, 'journey-electron');
      await runJourney({ page, sandbox, work, shot, signIn: externalSignIn(page, signInBrowser, sandbox.users[0]) });
    } finally {
      await signInBrowser.close();
      await app.close();
    }
  });
});
