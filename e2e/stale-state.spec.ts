import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_RETENTION } from '../shared/policy-schema.ts';
import { expect, test as plain } from './fixtures.ts';
import { invoke } from './helpers/ipc.ts';
import { admin, sandboxTest as test, withWorkDir } from './helpers/sandbox.ts';
import { signInThroughApi } from './helpers/sign-in.ts';
import { setUpImportJob } from './helpers/import-job-setup.ts';
import { shotThemes } from './helpers/themes.ts';
import { fillShipping } from './pages/disk-prep-page.ts';
import { ScheduleBackupPage } from './pages/schedule-backup-page.ts';

/**
 * Issue 18, "Stale state": every screen reads fresh state when it opens and when the policy, a job or a task
 * changes (events, not reloads). Screens in light, dark and high contrast: test-results/screens/stale-*.png.
 */
const PASSPHRASE = 'stale state e2e passphrase: nine brass keys';

const policyOf = (item: string) => ({
  items: [{ path: item, kind: 'folder' }],
  exclusions: { folders: [], patterns: [] },
  schedule: { frequency: 'daily', times: ['21:00'], days: ['sunday'], everyWeeks: 1, timeZone: 'UTC' },
  retention: DEFAULT_RETENTION,
  initialBackup: { type: 'online' },
});

plain(
  'Back Up Now follows the policy without a reload; Schedule Backup after Stop and delete shows the passphrase page',
  async ({ consolePage: page, shot }) => {
    await withWorkDir('obc-e2e-stale-', async (work) => {
      const src = join(work, 'data');
      await mkdir(src);
      await writeFile(join(src, 'a.txt'), 'a\n');
      // No policy: Back Up Now asks for a schedule first. Close it, create a policy elsewhere, open it again.
      await page.getByTestId('action-backUpNow').click();
      await expect(page.getByTestId('bun-no-schedule')).toBeVisible();
      await shotThemes(page, shot, 'stale-backup-no-schedule');
      await page.getByTestId('wizard-cancel').click();
      await invoke(page, 'policy:save', { policy: policyOf(src), passphrase: PASSPHRASE });
      await page.getByTestId('action-backUpNow').click();
      await expect(page.getByTestId('bun-source-note')).toHaveAttribute('data-source', 'policy');
      await expect(page.getByTestId('bun-items')).toContainText(src);
      // Deleted while the wizard is open (policy:changed): it says so at once.
      await invoke(page, 'policy:delete', { confirm: 'DELETE', deleteStagingData: false });
      await expect(page.getByTestId('bun-no-schedule')).toBeVisible();
      await page.getByTestId('wizard-cancel').click();

      // Schedule Backup again, a passphrase kept on this machine: its page says the kept one is used.
      await invoke(page, 'policy:save', { policy: policyOf(src) });
      const w = new ScheduleBackupPage(page);
      await w.open();
      await page.getByTestId('sb-delete').click();
      await page.getByTestId('sb-delete-confirm').fill('DELETE');
      await page.getByTestId('sb-delete-submit').click();
      await expect(page.getByTestId('sb-action-message')).toContainText('deleted');
      await w.goNext('items');
      await w.fill('sb-item-path', src);
      await page.getByTestId('sb-item-add').click();
      await w.goNext('schedule');
      await w.goNext('retention');
      await w.goNext('initialType');
      await page.getByTestId('sb-type-online').click();
      await w.goNext('passphrase');
      await expect(page.getByTestId('sb-passphrase-kept')).toContainText('uses the same passphrase');
      await shotThemes(page, shot, 'stale-schedule-kept-passphrase');
      await w.goNext('confirm');
      await w.next.click();
      await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done', { timeout: 30_000 });
    });
  },
);

// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });

test('a reopened Prepare Disks shows the import job as it is now; Import Jobs is Updated after tracking is saved', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(240_000);
  const job = 'seed-stale';
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { stagingLocation, diskPath } = await setUpImportJob(page, {
    subscriptionId: sandbox.subscriptionId,
    work,
    job,
    passphrase: PASSPHRASE,
    serial: 'STALE1',
    mib: [2, 1],
    signIn: () => signInThroughApi(page, sandbox),
    createJob: false,
  });

  // Prepare Disks: the prepared job → shipping → the import job is created (Creating).
  await page.getByTestId('action-prepareDisks').click();
  await page.getByTestId('dp-staging').fill(stagingLocation);
  await page.getByTestId('dp-find-jobs').click();
  await expect(page.getByTestId('dp-already-prepared')).toBeVisible();
  await page.getByTestId('dp-prepared-passphrase').fill(PASSPHRASE);
  await page.getByTestId('dp-skip-to-shipping').click();
  await expect(page.getByTestId('dp-target')).toContainText('obcseedv2');
  await fillShipping(page);
  // This test follows an Import/Export job (its states and its datacenter address); new jobs default to Data Box.
  await page.getByTestId('dp-job-type').click();
  await page.getByRole('option', { name: 'Azure Import/Export job' }).click();
  await page.getByTestId('dp-create-job').click();
  await expect(page.getByTestId('dp-result-job')).toHaveAttribute('data-state', 'Creating', { timeout: 60_000 });
  // The datacenter's address in the US order: "Santa Clara, CA 95050".
  await expect(page.getByTestId('dp-shipto')).toContainText('Santa Clara, CA 95050');

  // Import Jobs: saving tracking reads the list again (its Updated time moves).
  await page.getByTestId('dp-track-job').click();
  const updated = page.getByTestId('ij-last-refresh');
  await expect(updated).toHaveAttribute('data-at', /.+/);
  const before = (await updated.getAttribute('data-at')) ?? '';
  await page.getByTestId('ij-action-tracking').click();
  await page.getByTestId('ij-track-number').fill('STALE 12345');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Shipping');
  await expect.poll(async () => (await updated.getAttribute('data-at')) ?? '').not.toBe(before);
  await shotThemes(page, shot, 'stale-import-jobs-updated');

  // The datacenter completes the job while Prepare Disks is closed: reopened, it shows Completed, not Creating.
  await admin(sandbox, `/jobs/backup-rg/${job}/receive`, { disks: [{ path: diskPath }] });
  await admin(sandbox, `/jobs/backup-rg/${job}/transfer`, {});
  await page.getByTestId('action-prepareDisks').click();
  await expect(page.getByTestId('dp-result-job')).toHaveAttribute('data-state', 'Completed', { timeout: 30_000 });
  await expect(page.getByTestId('dp-result-job')).toContainText('State Completed');
  await shotThemes(page, shot, 'stale-diskprep-result');
});
