import { mkdir, open, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test as plain } from './fixtures.ts';
import { invoke } from './helpers/ipc.ts';
import { admin, sandboxTest as test, withWorkDir } from './helpers/sandbox.ts';
import { signInThroughApi } from './helpers/sign-in.ts';
import { setUpImportJob } from './helpers/import-job-setup.ts';
import { shotThemes } from './helpers/themes.ts';

/**
 * Issue 18, "Visibility": a job that finished with warnings (or failed) lists its files and the reasons, as MARS
 * shows its failed files; a drive's verbose log is read out as the files it lists with their status explained.
 * Screens in light, dark and high contrast: test-results/screens/visibility-*.png.
 */
const PASSPHRASE = 'visibility e2e passphrase: eleven quiet lanterns';

plain(
  'a backup that skipped an item lists it with the reason in the job details',
  async ({ consolePage: page, shot }) => {
    await withWorkDir('obc-e2e-vis-', async (work) => {
      const src = join(work, 'source');
      await mkdir(src);
      await writeFile(join(src, 'a.txt'), 'kept\n');
      const missing = join(work, 'gone folder');
      const { taskId } = await invoke<{ taskId: string }>(page, 'backup:start', {
        items: [src, missing],
        stagingLocation: join(work, 'staging'),
        job: { name: 'vis-job' },
        passphrase: PASSPHRASE,
      });
      const row = page.getByTestId(`job-row-${taskId}`);
      await expect(row).toHaveAttribute('data-status', 'succeededWithWarnings', { timeout: 60_000 });
      await row.getByTestId('job-details').click();
      const dialog = page.getByTestId('job-details-dialog');
      await expect(dialog).toBeVisible();
      await expect(page.getByTestId('job-details-status')).toHaveAttribute('data-status', 'succeededWithWarnings');
      await expect(page.getByTestId('job-details-file-0')).toContainText(missing);
      await expect(page.getByTestId('job-details-file-0').locator('td').nth(1)).not.toBeEmpty();
      await expect(page.getByTestId('job-details-counters')).toBeVisible();
      await shotThemes(page, shot, 'visibility-job-details');
      await page.getByTestId('job-details-close').click();
      await expect(dialog).toBeHidden();
    });
  },
);

// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });

test("a drive's verbose log lists its files with their status explained, the damaged one first", async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  const job = 'seed-vis';
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { diskPath, ref } = await setUpImportJob(page, {
    subscriptionId: sandbox.subscriptionId,
    work,
    job,
    passphrase: PASSPHRASE,
    serial: 'VIS1',
    mib: [2, 1],
    signIn: () => signInThroughApi(page, sandbox),
  });
  // One byte flipped in the largest data file after read-back: that file fails the datacenter's check.
  const files: Array<{ path: string; size: number }> = [];
  const walk = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else files.push({ path: p, size: (await stat(p)).size });
    }
  };
  // The data on the disk is what the datacenter imports: every file in the session folder (packs, catalog, descriptor).
  await walk(join(diskPath, 'obc-session-1'));
  const target = files.sort((a, b) => b.size - a.size)[0];
  const fh = await open(target.path, 'r+');
  const b = Buffer.alloc(1);
  await fh.read(b, 0, 1, 1000);
  b[0] ^= 0xff;
  await fh.write(b, 0, 1, 1000);
  await fh.close();
  await invoke(page, 'jobs:updateShipping', {
    ...ref,
    deliveryPackage: {
      carrierName: 'FedEx',
      trackingNumber: 'VIS12345',
      driveCount: 1,
      shipDate: new Date().toISOString().slice(0, 10),
    },
  });
  await admin(sandbox, `/jobs/backup-rg/${job}/receive`, { disks: [{ path: diskPath }] });
  await admin(sandbox, `/jobs/backup-rg/${job}/transfer`, {});

  await page.getByTestId('action-importJobs').click();
  await page.getByTestId(`ij-open-${job}`).click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Closed');
  await page.getByTestId('ij-log-VIS1-verbose').click();
  const log = page.locator('[data-testid="ij-log-summary"][data-kind="verbose"]');
  await expect(log).toBeVisible();
  // Every data file of the disk is in the verbose log, the damaged one first with what its status means.
  await expect(log.locator('[data-testid^="ij-log-row-"]')).toHaveCount(files.length);
  await expect(log.getByTestId('ij-log-row-0')).not.toHaveAttribute('data-status', 'Completed');
  await expect(log.getByTestId('ij-log-row-0')).toContainText('Corrupted');
  await expect(log.getByTestId('ij-log-row-1')).toHaveAttribute('data-status', 'Completed');
  await expect(log.getByTestId('ij-log-counts')).toContainText(`The log lists ${files.length} files: 1 with problems`);
  await log.scrollIntoViewIfNeeded();
  await shotThemes(page, shot, 'visibility-verbose-log');
});
