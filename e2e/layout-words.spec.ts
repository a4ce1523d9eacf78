import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { withWorkDir } from './helpers/sandbox.ts';
import { invoke } from './helpers/ipc.ts';
import { midWordBreaks } from './helpers/layout.ts';
import { shotThemes } from './helpers/themes.ts';
import { ScheduleBackupPage } from './pages/schedule-backup-page.ts';
import { startConsoleHost } from './host.ts';

/**
 * Issue 18, "Layout and words": long messages wrap, the wizard footer stays in view, no word breaks in the middle,
 * Back/Cancel are disabled once a wizard finished, Disk Prep's buttons say what they do, one date format from the
 * OS locale, no error codes in text, the Encryption tab's wording, no backslashes on Linux, and the global cloud's
 * no-client-id paragraph. Screens in light, dark and high contrast: test-results/screens/layout-*.png.
 */

const PASSPHRASE = 'layout words passphrase 0123456789';

/** Schedule Backup to the end with "over the network" (no Azure needed): items, schedule, retention, passphrase. */
async function scheduleOnline(page: Page, source: string): Promise<ScheduleBackupPage> {
  const w = new ScheduleBackupPage(page);
  await w.open();
  await w.goNext('items');
  await w.fill('sb-item-path', source);
  await page.getByTestId('sb-item-add').click();
  await w.goNext('schedule');
  await w.goNext('retention');
  await w.goNext('initialType');
  await page.getByTestId('sb-type-online').click();
  await w.goNext('passphrase');
  await w.fill('sb-passphrase', PASSPHRASE);
  await w.fill('sb-passphrase-confirm', PASSPHRASE);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('sb-passphrase-copy').click();
  await w.goNext('confirm');
  await w.next.click();
  await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
  return w;
}

test('the sign-in error of the global cloud without a client id wraps, and the page says how to register the app', async ({
  consolePage: page,
  shot,
}) => {
  await page.setViewportSize({ width: 1366, height: 860 });
  await page.getByTestId('action-signIn').click();
  await expect(page.getByTestId('account-status')).toContainText('Not signed in to Azure');
  await page.getByTestId('account-signin').click();
  const error = page.getByTestId('account-signin-error');
  await expect(error).toContainText('No application (client) ID is configured');
  // Wrapped: nothing reaches past the window's right edge, so Retry is on screen (it was 3,300 px to the right).
  for (const el of [error, page.getByTestId('account-signin-error-retry')]) {
    const box = (await el.boundingBox())!;
    expect(box.x + box.width).toBeLessThanOrEqual(1366);
  }
  // One paragraph: how an organisation registers the app, where to paste its id, a link to Microsoft's steps.
  const panel = page.getByTestId('client-id-panel');
  await expect(panel).toContainText('App registrations → New registration');
  await expect(page.getByTestId('client-id-steps-link')).toHaveAttribute(
    'href',
    /^https:\/\/learn\.microsoft\.com\/.*register-app/,
  );
  await page.getByTestId('client-id-input').fill('not-a-guid');
  await page.getByTestId('client-id-save').click();
  await expect(page.getByTestId('client-id-error')).toContainText('is not an Application (client) ID');
  await shotThemes(page, shot, 'layout-signin-no-client-id');
  await page.getByTestId('client-id-input').fill('11111111-2222-3333-4444-555555555555');
  await page.getByTestId('client-id-save').click();
  await expect(panel).toHaveCount(0);
  expect((await invoke<{ clientId?: string }>(page, 'settings:get', {})).clientId).toBe(
    '11111111-2222-3333-4444-555555555555',
  );
});

test('the wizard footer stays in view at 1400×900, Back and Cancel are disabled after Finish', async ({
  consolePage: page,
  shot,
}) => {
  await withWorkDir('obc-e2e-layout-', async (work) => {
    const source = join(work, 'source folder');
    await mkdir(source, { recursive: true });
    await writeFile(join(source, 'a.txt'), 'a\n');
    await page.setViewportSize({ width: 1400, height: 900 });
    const w = new ScheduleBackupPage(page);
    await w.open();
    await w.goNext('items');
    await w.fill('sb-item-path', source);
    await page.getByTestId('sb-item-add').click();
    await expect(w.next).toBeInViewport();
    await w.goNext('schedule');
    await w.goNext('retention');
    await expect(w.next).toBeInViewport();
    await shotThemes(page, shot, 'layout-wizard-1400x900');
    await page.getByTestId('wizard-cancel').click();

    const done = await scheduleOnline(page, source);
    await expect(done.back).toBeDisabled();
    await expect(page.getByTestId('wizard-cancel')).toBeDisabled();
    await shotThemes(page, shot, 'layout-wizard-finished');
    await page.getByTestId('sb-progress-close').click();

    // Disk Prep: the footer closes the screen ("Close"), never the same word as stopping the copy.
    await page.getByTestId('action-prepareDisks').click();
    await expect(page.getByTestId('wizard-cancel')).toHaveText('Close');
  });
});

test('no word breaks in the middle at 1024 px, no error codes and no backslashes in the text on Linux', async ({
  consolePage: page,
  shot,
}) => {
  await withWorkDir('obc-e2e-layout-', async (work) => {
    await page.setViewportSize({ width: 1024, height: 768 });
    // A task that fails: the staging location is a file.
    await mkdir(join(work, 'source'));
    await writeFile(join(work, 'source', 'a.txt'), 'a\n');
    await writeFile(join(work, 'staging-file'), 'not a folder\n');
    const { taskId } = await invoke<{ taskId: string }>(page, 'backup:start', {
      items: [join(work, 'source')],
      stagingLocation: join(work, 'staging-file'),
      job: { name: 'layout-job' },
      passphrase: PASSPHRASE,
    });
    const row = page.getByTestId(`job-row-${taskId}`);
    await expect(row).toHaveAttribute('data-status', 'failed', { timeout: 30_000 });
    await expect(row.getByTestId('job-message')).not.toHaveText(/^[A-Z_]{2,}:|\bE[A-Z]{3,}:/);
    expect(await row.getByTestId('job-message').getAttribute('data-code')).toMatch(/^[A-Z_]+$/);
    expect(await midWordBreaks(page.getByTestId('main'))).toEqual([]);
    expect(await midWordBreaks(page.getByTestId('status-bar'))).toEqual([]);
    await shotThemes(page, shot, 'layout-jobs-1024');

    // Back Up Now without a policy, items with spaces and long names in a narrow window.
    await page.getByTestId('action-backUpNow').click();
    await page.getByTestId('bun-wizard').waitFor();
    await page.getByTestId('bun-no-schedule-continue').click();
    for (const name of ['empty folder with a rather long name', 'another folder of documents']) {
      await page.getByTestId('bun-item-path').fill(join(work, name));
      await page.getByTestId('bun-item-add').click();
    }
    expect(await midWordBreaks(page.getByTestId('main'))).toEqual([]);
    await shotThemes(page, shot, 'layout-backup-items-1024');

    // Linux host: paths and examples use /, never \.
    await page.getByTestId('action-prepareDisks').click();
    await expect(page.getByTestId('disk-prep-screen')).toBeVisible();
    await expect(page.getByTestId('main')).not.toContainText('\\');
    await page.getByTestId('dp-staging').fill(join(work, 'empty'));
    await mkdir(join(work, 'empty'));
    await page.getByTestId('dp-find-jobs').click();
    await expect(page.getByTestId('dp-jobs-empty')).toContainText('<job>/seed.json');
    await expect(page.getByTestId('main')).not.toContainText('\\');
    await shotThemes(page, shot, 'layout-diskprep-staging');
  });
});

test('one date format, from the OS locale of the host; the Encryption tab speaks of the passphrase', async ({
  browser,
  shot,
}) => {
  // The host runs in German; the browser in English: dates follow the host (the OS), not the browser.
  const host = await startConsoleHost({ LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' });
  const page = await browser.newPage();
  try {
    await withWorkDir('obc-e2e-layout-', async (work) => {
      await page.goto(host.consoleUrl);
      await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
      const source = join(work, 'src');
      await mkdir(source);
      await writeFile(join(source, 'a.txt'), 'a\n');
      await scheduleOnline(page, source);
      await page.getByTestId('sb-progress-close').click();
      const view = await invoke<{ nextRuns: string[]; policy: { schedule: { timeZone: string } } }>(
        page,
        'policy:get',
        {},
      );
      const de = (iso: string) =>
        new Intl.DateTimeFormat('de-DE', {
          dateStyle: 'medium',
          timeStyle: 'short',
          timeZone: view.policy.schedule.timeZone,
        }).format(new Date(iso));
      await expect(page.getByTestId('next-backup')).toHaveText(`Next backup: ${de(view.nextRuns[0])}`);
      const { taskId } = await invoke<{ taskId: string }>(page, 'test:demoTask', { steps: 1, intervalMs: 1 });
      const task = await invoke<{ startedAt: string }>(page, 'task:get', { id: taskId });
      await expect(page.getByTestId(`job-row-${taskId}`).getByTestId('job-time')).toHaveText(de(task.startedAt));
      await shotThemes(page, shot, 'layout-dates-de');

      await page.getByTestId('action-changeProperties').click();
      await page.getByTestId('cp-tab-passphrase').click();
      const protection = page.getByTestId('cp-pass-protection');
      await expect(protection).toContainText('backup passphrase');
      await expect(protection).not.toContainText('can decrypt your saved sign-in');
      await shotThemes(page, shot, 'layout-encryption-tab');
    });
  } finally {
    await page.close();
    await host.stop();
  }
});
