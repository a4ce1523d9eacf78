import { mkdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test as plain } from './fixtures.ts';
import { invoke } from './helpers/ipc.ts';
import { sandboxTest as test, withWorkDir } from './helpers/sandbox.ts';
import { popupSignIn, signInThroughApi } from './helpers/sign-in.ts';
import { setUpImportJob } from './helpers/import-job-setup.ts';
import { makeBackup } from './helpers/staged-backup.ts';
import { shotThemes } from './helpers/themes.ts';
import { addRehearsalDisk } from './pages/disk-prep-page.ts';
import { ScheduleBackupPage } from './pages/schedule-backup-page.ts';

/**
 * Issue 18, "Checks that come too late": each bad input is refused on the page where it is typed, before anything
 * is written or erased. Screens in light, dark and high contrast: test-results/screens/checks-*.png.
 */
const PASSPHRASE = 'early checks e2e passphrase: twelve green doors';

plain(
  'the staging check refuses a prepared disk, the source folder itself and a folder inside it, and leaves no trace',
  async ({ consolePage: page, shot }) => {
    await withWorkDir('obc-e2e-checks-', async (work) => {
      const src = join(work, 'source');
      await mkdir(join(src, 'sub'), { recursive: true });
      await writeFile(join(src, 'a.txt'), 'a\n');
      const disk = join(work, 'disk1');
      await invoke(page, 'diskprep:initFolderDisk', { path: disk, serial: 'CHECK1', capacity: '64M' });
      await mkdir(join(disk, 'staging'));
      const good = join(work, 'staging');
      await mkdir(good);
      const then = new Date('2025-03-04T05:06:07Z');
      await utimes(good, then, then);

      const w = new ScheduleBackupPage(page);
      await w.open();
      await w.goNext('items');
      await w.fill('sb-item-path', src);
      await page.getByTestId('sb-item-add').click();
      await w.goNext('schedule');
      await w.goNext('retention');
      await w.goNext('initialType');
      await w.goNext('ownDisk');
      const error = page.getByTestId('sb-staging-error');
      await w.fill('sb-staging', src);
      await expect(error).toContainText('is the backup item itself');
      await w.fill('sb-staging', join(src, 'sub'));
      await expect(error).toContainText(`is inside the backup item "${src}"`);
      await w.fill('sb-staging', join(disk, 'staging'));
      await expect(error).toContainText('is on a rehearsal disk');
      await shotThemes(page, shot, 'checks-staging-prepared-disk');
      await w.fill('sb-staging', good);
      await expect(page.getByTestId('sb-staging-result')).toContainText('is writable');
      // The probe left nothing: the folder's modification time is the one it had.
      expect((await stat(good)).mtime.getTime()).toBe(then.getTime());
      await page.getByTestId('wizard-cancel').click();

      // Back Up Now (one-off): the same refusal before leaving its first page.
      await page.getByTestId('action-backUpNow').click();
      await page.getByTestId('bun-no-schedule-continue').click();
      await page.getByTestId('bun-item-path').fill(src);
      await page.getByTestId('bun-item-add').click();
      await page.getByTestId('bun-staging').fill(join(disk, 'staging'));
      await page.getByTestId('bun-job-name').fill('checks-job');
      await page.getByTestId('wizard-next').click();
      await expect(page.getByTestId('bun-staging-error')).toContainText('is on a rehearsal disk');
      await expect(page.getByTestId('bun-retain')).toHaveCount(0);
    });
  },
);

// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });

test("the import job's resource group is checked on its own page, and the error goes once the field is fixed", async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  const src = join(work, 'source');
  await mkdir(src);
  await writeFile(join(src, 'a.txt'), 'a\n');
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const w = new ScheduleBackupPage(page);
  await w.open();
  await w.goNext('items');
  await w.fill('sb-item-path', src);
  await page.getByTestId('sb-item-add').click();
  await w.goNext('schedule');
  await w.goNext('retention');
  await w.goNext('initialType');
  await w.goNext('ownDisk');
  await popupSignIn(page, sandbox.users[0])(() => page.getByTestId('sb-azure-signin').click());
  await expect(page.locator('button[data-testid="sb-subscription"]')).toHaveText(/Local sandbox/, { timeout: 60_000 });
  await page.locator('button[data-testid="sb-account"]').click();
  await page.getByRole('option', { name: /obcseedv2/ }).click();
  await w.fill('sb-container', 'checks');
  await w.fill('sb-job-name', 'checks-job');
  await w.fill('sb-staging', join(work, 'staging-ok'));
  await w.fill('sb-job-rg', 'no-such-rg');
  await expect(page.getByTestId('sb-job-rg-error')).toContainText('Resource group "no-such-rg" does not exist');
  await expect(w.next).toBeDisabled();
  await shotThemes(page, shot, 'checks-job-resource-group');
  await w.fill('sb-job-rg', 'backup-rg');
  await expect(page.getByTestId('sb-job-rg-error')).toHaveCount(0);
  await expect(page.getByTestId('sb-job-rg-check')).toHaveAttribute('data-state', 'ok');
});

test('Disk Prep: a disk smaller than one pack is warned about, the capacity line counts right, the passphrase is checked before the erase confirmation', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  const job = 'seed-checks';
  const { stagingLocation } = await makeBackup(page, sandbox, work, job, PASSPHRASE);
  await page.getByTestId('action-prepareDisks').click();
  await page.getByTestId('dp-staging').fill(stagingLocation);
  await page.getByTestId('dp-find-jobs').click();
  await page.getByTestId(`dp-job-${job}`).click();
  await page.getByTestId('wizard-next').click();
  await addRehearsalDisk(page, 'TINY1', '20M');
  await expect(page.getByTestId('disk-row-TINY1')).toHaveAttribute('data-selected', 'true');
  await expect(page.getByTestId('dp-small-disk')).toContainText(
    /TINY1 \(20\.0 MiB\) is smaller than one pack of this backup \(6\d\.\d MiB\)/,
  );
  // 72 MiB of data: the 20 MiB disk takes none of the packs; what remains and the next disk's size add up.
  const cap = page.getByTestId('dp-capacity-text');
  await expect(cap).toContainText('20.0 MiB selected on 1 disk for 72.0 MiB of data');
  await expect(cap).toContainText(
    /they take [\d.]+ (B|KiB|MiB), [\d.]+ MiB remain — Disk Prep fills these disks, then asks for another of at least [\d.]+ MiB/,
  );
  await page.getByTestId('dp-passphrase').fill('not the passphrase of this backup');
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('dp-passphrase-error')).toContainText(/passphrase/i);
  await expect(page.getByTestId('dp-erase-dialog')).toHaveCount(0);
  await shotThemes(page, shot, 'checks-diskprep-disks');
  await page.getByTestId('dp-passphrase').fill(PASSPHRASE);
  await expect(page.getByTestId('dp-passphrase-error')).toHaveCount(0);
  await page.getByTestId('wizard-next').click();
  await expect(page.getByTestId('dp-erase-dialog')).toBeVisible();
  await page.getByTestId('dp-erase-cancel').click();
});

test('the tracking dialog says what is missing and refuses a ship date before the job existed; addresses follow their country', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  const job = 'seed-track';
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  await setUpImportJob(page, {
    subscriptionId: sandbox.subscriptionId,
    work,
    job,
    passphrase: PASSPHRASE,
    serial: 'TRACK1',
    mib: [2, 1],
    signIn: () => signInThroughApi(page, sandbox),
  });
  await page.getByTestId('action-importJobs').click();
  await page.getByTestId(`ij-open-${job}`).click();

  await page.getByTestId('ij-action-tracking').click();
  await page.getByTestId('ij-track-number').fill('');
  await page.getByTestId('ij-track-count').fill('');
  await page.getByTestId('ij-track-date').fill('');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-track-missing')).toHaveText(
    'Nothing was saved: check the tracking number, number of disks, ship date.',
  );
  await expect(page.getByTestId('ij-track-number-error')).toHaveText('Tracking number is required.');
  await shotThemes(page, shot, 'checks-tracking-blank');
  const yesterday = new Date(Date.now() - 86_400_000);
  const day = `${yesterday.getFullYear()}-${String(yesterday.getMonth() + 1).padStart(2, '0')}-${String(yesterday.getDate()).padStart(2, '0')}`;
  await page.getByTestId('ij-track-number').fill('TRACK 12345');
  await page.getByTestId('ij-track-count').fill('1');
  await page.getByTestId('ij-track-date').fill(day);
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-track-date-error')).toContainText('is before the import job was created');
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Creating');
  await page.getByRole('button', { name: 'Close' }).click();

  // The return address: a US postal code and state are checked as the US post writes them.
  await page.getByTestId('ij-action-return').click();
  await page.getByTestId('ship-postalCode').fill('ABCDE');
  await page.getByTestId('ship-stateOrProvince').fill('ZZ');
  await page.getByTestId('ij-return-save').click();
  await expect(page.getByTestId('ship-postalCode-error')).toHaveText(
    'Postal code "ABCDE" is not a postal code of United States.',
  );
  await expect(page.getByTestId('ship-stateOrProvince-error')).toContainText('"ZZ" is not a state of United States');
  await shotThemes(page, shot, 'checks-return-address');
});
