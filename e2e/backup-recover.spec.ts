import { randomBytes } from 'node:crypto';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { expectSameTree } from './helpers/files.ts';

/**
 * Back Up Now and Recover Data in browser mode on real temp folders: back up a mixed tree, recover it to another
 * folder and compare every byte; and cancel a running backup.
 */
const PASSPHRASE = 'e2e passphrase: correct horse battery staple';

async function makeSource(root: string): Promise<void> {
  await mkdir(join(root, 'docs', 'deep', 'deeper', 'deepest'), { recursive: true });
  await mkdir(join(root, 'empty folder'), { recursive: true });
  await mkdir(join(root, 'Ünïcødé — 日本語'), { recursive: true });
  await writeFile(join(root, 'readme.txt'), 'Offline Backup Console e2e\n'.repeat(500));
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(
    join(root, 'docs', 'report.csv'),
    Array.from({ length: 5000 }, (_, i) => `${i},row ${i},${i * 3.14}`).join('\n'),
  );
  await writeFile(join(root, 'docs', 'deep', 'deeper', 'deepest', 'leaf.bin'), randomBytes(300_000));
  const big = randomBytes(3 * 1024 * 1024 + 17);
  await writeFile(join(root, 'random.bin'), big);
  await writeFile(join(root, 'docs', 'copy of random.bin'), big); // deduplicated
  await writeFile(join(root, 'Ünïcødé — 日本語', 'naïve café 🎉.txt'), 'unicode names round-trip\n');
  await writeFile(join(root, 'Ünïcødé — 日本語', 'Ωμέγα.bin'), randomBytes(4096));
}

/** "1.50 GiB" → bytes (the counters show binary units). */
function toBytes(text: string | null): number {
  const m = /^([\d.]+) (B|KiB|MiB|GiB|TiB)$/.exec(text ?? '');
  if (!m) return 0;
  return Number(m[1]) * 1024 ** ['B', 'KiB', 'MiB', 'GiB', 'TiB'].indexOf(m[2]);
}

/** Adds a folder through the server-side folder browser (browser mode has no native dialog). */
async function browseTo(page: Page, opener: string, path: string): Promise<void> {
  await page.getByTestId(opener).click();
  const dialog = page.getByTestId('folder-browser');
  await expect(dialog).toBeVisible();
  // Let the first listing land: it resets the path field (typing earlier would be overwritten).
  await expect(page.getByTestId('folder-browser-selected')).toContainText('Selected: ');
  await expect(page.getByTestId('folder-browser-go')).toBeEnabled();
  await page.getByTestId('folder-browser-path').fill(path);
  await page.getByTestId('folder-browser-go').click();
  await expect(page.getByTestId('folder-browser-selected')).toContainText(path);
  await page.getByTestId('folder-browser-select').click();
  await expect(dialog).toBeHidden();
}

async function walkBackUpNowToConfirm(
  page: Page,
  opts: { source: string; stagingLocation: string; job: string },
): Promise<void> {
  await page.getByTestId('action-backUpNow').click();
  await expect(page.getByTestId('bun-wizard')).toBeVisible();
  // No schedule: Back Up Now asks for one first (as MARS does); these runs are one-off backups.
  await page.getByTestId('bun-no-schedule-continue').click();
  await expect(page.getByTestId('bun-source-note')).toHaveAttribute('data-source', 'manual');
  const next = page.getByTestId('wizard-next');
  await expect(next).toBeDisabled();
  await browseTo(page, 'bun-add-folder', opts.source);
  await expect(page.getByTestId('bun-item-0')).toHaveText(opts.source);
  await browseTo(page, 'bun-staging-browse', opts.stagingLocation);
  await expect(page.getByTestId('bun-staging')).toHaveValue(opts.stagingLocation);
  await page.getByTestId('bun-job-name').fill('Bad_Name');
  await page.getByTestId('bun-job-name').blur();
  await expect(next).toBeDisabled();
  await page.getByTestId('bun-job-name').fill(opts.job);
  await expect(next).toBeEnabled();
  await next.click();

  await expect(page.getByTestId('bun-retain')).toBeVisible();
  await expect(next).toBeEnabled(); // a year ahead by default
  await next.click();

  await page.getByTestId('bun-passphrase').fill('too short');
  await expect(next).toBeDisabled();
  await page.getByTestId('bun-passphrase').fill(PASSPHRASE);
  await page.getByTestId('bun-passphrase-confirm').fill(PASSPHRASE);
  await expect(next).toBeEnabled();
  await next.click();

  await expect(page.getByTestId('bun-estimate-fits')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('bun-estimate')).toHaveAttribute('data-fits', 'true');
  await expect(page.getByTestId('bun-summary-job')).toHaveText(opts.job);
}

test('Back Up Now then Recover Data round-trips a mixed tree byte for byte', async ({
  consolePage: page,
  host,
  shot,
}) => {
  const source = join(host.tmpDir, 'source');
  const stagingLocation = join(host.tmpDir, 'staging');
  const restore = join(host.tmpDir, 'restore');
  await makeSource(source);
  await mkdir(stagingLocation);

  await walkBackUpNowToConfirm(page, { source, stagingLocation, job: 'e2e-seed' });
  await shot('backup-confirm');
  await page.getByTestId('bun-start').click();
  await expect(page.getByTestId('bun-progress')).toBeVisible();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('bun-result')).toContainText('Backup completed');
  await expect(page.getByTestId('bun-counter-dedupSavedBytes')).not.toHaveText('0 B');
  await expect(page.getByTestId('bun-counter-filesProcessed')).toContainText('8');
  await page.getByTestId('bun-verify').click();
  await expect(page.getByTestId('bun-verify-result')).toContainText('The backup is intact', { timeout: 30_000 });
  await expect(page.getByTestId('bun-verify-status')).toHaveAttribute('data-ok', 'true');
  await shot('backup-progress-done');
  await page.getByTestId('wizard-next').click(); // Close
  await expect(page.getByTestId('bun-wizard')).toBeHidden();

  // Recover Data: staging folder → job + passphrase → select the source folder → destination → progress.
  await page.getByTestId('action-recoverData').click();
  await expect(page.getByTestId('rec-wizard')).toBeVisible();
  await expect(page.getByTestId('rec-source-disks')).toBeEnabled();
  await expect(page.getByTestId('rec-source-blob')).toBeEnabled();
  await expect(page.getByTestId('rec-staging')).toHaveValue(stagingLocation); // remembered from Back Up Now
  await shot('recover-source');
  const next = page.getByTestId('wizard-next');
  await next.click();

  await expect(page.getByTestId('rec-job-e2e-seed')).toBeChecked();
  await page.getByTestId('rec-passphrase').fill('not the passphrase at all');
  await next.click();
  await expect(page.getByTestId('rec-unlock-error')).toHaveAttribute('data-code', 'WRONG_PASSPHRASE');
  await shot('recover-wrong-passphrase');
  await page.getByTestId('rec-passphrase').fill(PASSPHRASE);
  await next.click();

  await expect(page.getByTestId('rec-tree')).toBeVisible();
  await expect(next).toBeDisabled();
  const catalogSource = source.replace(/^\/+/, '');
  const parts = catalogSource.split('/');
  for (let i = 1; i < parts.length; i++) await page.getByTestId(`rec-expand-${parts.slice(0, i).join('/')}`).click();
  await page.getByTestId(`rec-check-${catalogSource}`).click();
  await page.getByTestId(`rec-expand-${catalogSource}`).click();
  await expect(page.getByTestId(`rec-row-${catalogSource}/random.bin`)).toContainText('3.00 MiB');
  await expect(page.getByTestId(`rec-check-${catalogSource}/readme.txt`)).toBeChecked();
  // The source is the backup's only top folder, so ticking it selects everything.
  await expect(page.getByTestId('rec-selection')).toHaveText('Everything in the backup');
  await page.getByTestId(`rec-check-${catalogSource}/docs`).click();
  await expect(page.getByTestId(`rec-check-${catalogSource}/readme.txt`)).toBeChecked();
  await expect(page.getByTestId('rec-selection')).toHaveText('5 items selected');
  await page.getByTestId(`rec-check-${catalogSource}/docs`).click();
  await expect(page.getByTestId('rec-selection')).toHaveText('Everything in the backup');
  await shot('recover-browse');
  await next.click();

  await page.getByTestId('rec-destination').fill(restore);
  await page.getByTestId('rec-conflict-skip').click();
  await shot('recover-destination');
  await page.getByTestId('rec-start').click();
  await expect(page.getByTestId('rec-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(page.getByTestId('rec-result')).toContainText('Recovery completed');
  await shot('recover-done');

  await expectSameTree(source, join(restore, catalogSource));
  const t0 = (await stat(join(source, 'readme.txt'))).mtimeMs;
  const t1 = (await stat(join(restore, catalogSource, 'readme.txt'))).mtimeMs;
  expect(Math.abs(t1 - t0)).toBeLessThan(2000);
});

test('a running backup can be cancelled, then resumed after a wrong passphrase is refused', async ({
  consolePage: page,
  host,
  shot,
}) => {
  test.setTimeout(300_000); // two runs over 600 MiB; the engine's speed depends on the machine's load
  const source = join(host.tmpDir, 'big');
  const stagingLocation = join(host.tmpDir, 'staging');
  await mkdir(source);
  await mkdir(stagingLocation);
  // 600 MiB of random data (no dedup, no compression): long enough to be caught running after a pack committed.
  for (let f = 0; f < 3; f++) {
    const fh = await open(join(source, `part-${f}.bin`), 'w');
    for (let i = 0; i < 25; i++) await fh.write(randomBytes(8 * 1024 * 1024));
    await fh.close();
  }

  await walkBackUpNowToConfirm(page, { source, stagingLocation, job: 'e2e-cancel' });
  await page.getByTestId('bun-start').click();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'running');
  await expect(page.getByTestId('bun-close-note')).toContainText('does not stop the backup');
  // Close the wizard: the backup keeps running in Jobs; opening Back Up Now again shows its progress.
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('bun-wizard')).toBeHidden();
  await expect(page.locator('[data-testid^="job-row-"][data-status="running"]')).toHaveCount(1);
  await shot('backup-running-in-jobs');
  await page.getByTestId('action-backUpNow').click();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'running');
  // Into the second 64 MiB pack: the writer commits (and reads back) a full pack before it starts the next one,
  // so the cancelled run leaves a committed pack to resume from.
  await expect
    .poll(async () => toBytes(await page.getByTestId('bun-counter-bytesWritten').textContent()), { timeout: 120_000 })
    .toBeGreaterThan(80 * 1024 * 1024);
  await shot('backup-running');
  await page.getByTestId('task-progress-cancel').click();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'cancelled', { timeout: 10_000 });
  await expect(page.getByTestId('bun-result')).toContainText('resume');
  await shot('backup-cancelled');

  // Resume with another passphrase: the engine refuses it with its own message; fix it and the run resumes.
  await page.getByTestId('bun-run-again').click();
  await expect(page.getByTestId('bun-existing-note')).toHaveAttribute('data-existing', 'inProgress');
  await page.getByTestId('wizard-step-passphrase').click();
  await expect(page.getByTestId('bun-passphrase-note')).toHaveAttribute('data-existing', 'inProgress');
  await expect(page.getByTestId('bun-passphrase-confirm')).toHaveCount(0);
  await page.getByTestId('bun-passphrase').fill('a different passphrase of enough length');
  await page.getByTestId('bun-passphrase').press('Enter'); // keyboard: Enter in a valid page's field is Next
  // backup:checkPassphrase checks it against the unfinished job's seed.json before the wizard goes on.
  await expect(page.getByTestId('bun-passphrase-error')).toContainText(
    'does not match the one used for backup job "e2e-cancel"',
  );
  await expect(page.getByTestId('bun-passphrase')).toBeVisible();
  await shot('backup-wrong-passphrase');
  await page.getByTestId('bun-passphrase').fill(PASSPHRASE);
  await expect(page.getByTestId('bun-passphrase-error')).toHaveCount(0);
  await page.getByTestId('bun-passphrase').press('Enter');
  await expect(page.getByTestId('bun-estimate-fits')).toBeVisible({ timeout: 30_000 });
  await page.getByTestId('bun-start').click();
  await expect(page.getByTestId('bun-resume-note')).toBeVisible();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 100_000 });
  await expect(page.getByTestId('bun-resume-note')).toContainText('resumed an unfinished backup');
  await shot('backup-resumed-done');
});
