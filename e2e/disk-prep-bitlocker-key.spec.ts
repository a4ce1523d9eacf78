import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import type { SandboxHandle } from '../electron/services/sandbox/index.ts';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { expect } from './fixtures.ts';
import { invoke } from './helpers/ipc.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';
import { makeBackup } from './helpers/staged-backup.ts';
import { testCredential, writeSasFile } from '../electron/services/diskprep/test-staging.ts';
import { addRehearsalDisk } from './pages/disk-prep-page.ts';

/**
 * Disk Prep with a disk that is already BitLocker-encrypted (issue 6): on the Disks step the user gives the disk's
 * recovery password instead of erasing it. The dialog checks the key as it is typed, the row says the disk keeps its
 * volume (key masked, never shown in full again), no erase confirmation is asked, and the copy uses the key — the
 * rehearsal disk records it as its BitLocker key.
 */
const PASSPHRASE = 'e2e disk prep passphrase: purple monkey dishwasher';
const JOB = 'seed-key';
const KEY = '238810-662376-448998-450120-652806-203390-606320-483076';
/** Another valid-looking recovery password (every group 11 × a 16-bit number) — not the disk's. */
const OTHER_KEY = '111111-222222-333333-444444-555555-666666-000011-123453';
const SCREENS = process.env.OBC_E2E_KEY_SCREENS;
const CLI = resolve(import.meta.dirname, '..', 'electron', 'cli', 'index.ts');

test.use({ ignoreHTTPSErrors: true });

async function signIn(page: Page, sandbox: SandboxHandle): Promise<void> {
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'signin');
  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('dp-signin').click();
  const popup = await popupP;
  const signInUrl = await page.getByTestId('dp-signin-link').getAttribute('href');
  await completeSignInPage(popup, signInUrl ?? '', sandbox.users[0], { timeoutMs: 60_000 });
  await expect(page.getByTestId('dp-auth-status')).toHaveAttribute('data-signed-in', 'true', { timeout: 60_000 });
}

/** `obc diskprep … --bitlocker-key` stopped (kill -9) right after the first file is committed: the disk is this job's, unfinished. */
async function cliStoppedMidCopy(
  dataDir: string,
  stagingLocation: string,
  job: string,
  disk: string,
  key: string,
): Promise<void> {
  const env = {
    ...process.env,
    OBC_DATA_DIR: dataDir,
    OBC_PASSPHRASE: PASSPHRASE,
    OBC_TEST_HOOKS: '1',
    OBC_DISKPREP_HALT_AT: 'committed:0',
  } as Record<string, string>;
  // The manifests' container SAS from a file (--no-job without a sign-in); the console's later run signs its own.
  const sas = await writeSasFile(dataDir, testCredential, job, 'backups');
  const child = spawn(
    process.execPath,
    [
      CLI,
      'diskprep',
      `s:${stagingLocation}`,
      '--job',
      job,
      '--disk',
      disk,
      '--bitlocker-key',
      `${disk}=${key}`,
      '--no-job',
      '--container-sas',
      sas,
      '--json',
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((res, rej) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('"type":"halt"')) res();
    });
    child.on('exit', (code) => rej(new Error(`obc diskprep ended (${code}) before the halt point: ${out}${err}`)));
  });
  child.removeAllListeners('exit');
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await gone;
}

test('a disk already BitLocker-encrypted is accepted with its recovery password instead of being erased', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { stagingLocation } = await makeBackup(page, sandbox, work, JOB, PASSPHRASE, [3, 2]);
  const next = page.getByTestId('wizard-next');

  await page.getByTestId('action-prepareDisks').click();
  await page.getByTestId('dp-staging').fill(stagingLocation);
  await page.getByTestId('dp-find-jobs').click();
  await page.getByTestId(`dp-job-${JOB}`).click();
  await next.click();
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'disks');
  await addRehearsalDisk(page, 'KEYDISK1', '64M');
  await expect(page.getByTestId('disk-row-KEYDISK1')).toHaveAttribute('data-selected', 'true');

  // The action on the selected disk opens the dialog; a typo in a group is named as soon as the group is typed.
  await page.getByTestId('disk-key-KEYDISK1').click();
  const dialog = page.getByTestId('dp-key-dialog');
  await expect(dialog).toContainText('not erased');
  await page.getByTestId('dp-key-input').fill('238810-662377-4');
  await expect(page.getByTestId('dp-key-message')).toContainText(
    'Group 2 (662377) is not part of a valid BitLocker recovery password',
  );
  if (SCREENS) await dialog.screenshot({ path: join(SCREENS, 'key-dialog-typo.png') });
  await shot('disk-prep-key-dialog-typo');
  // Pasted without dashes: accepted and normalized.
  await page.getByTestId('dp-key-input').fill(KEY.replace(/-/g, ''));
  await expect(page.getByTestId('dp-key-message')).toHaveCount(0);
  if (SCREENS) await dialog.screenshot({ path: join(SCREENS, 'key-dialog-ok.png') });
  await page.getByTestId('dp-key-accept').click();
  await expect(dialog).toBeHidden();

  // The row keeps its volume; the key is masked and appears nowhere in full.
  await expect(page.getByTestId('disk-keeps-KEYDISK1')).toHaveText(
    'Keeps its BitLocker volume (key given)key ••••••-…-483076',
  );
  await expect(page.getByTestId('disk-key-KEYDISK1')).toHaveText('Change key…');
  expect(await page.locator('body').innerText()).not.toContain(KEY);
  expect(await page.locator('body').innerText()).not.toContain(KEY.replace(/-/g, ''));
  await page.getByTestId('dp-passphrase').fill(PASSPHRASE);
  if (SCREENS) await page.getByTestId('disks-table').screenshot({ path: join(SCREENS, 'disks-table-key.png') });
  await shot('disk-prep-key-disks');

  // Next: no erase confirmation (the only disk keeps its volume) → sign in → copy.
  await next.click();
  await expect(page.getByTestId('dp-erase-dialog')).toBeHidden();
  await signIn(page, sandbox);
  await next.click();
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 120_000 });
  await expect(page.getByTestId('dp-disk-progress-KEYDISK1')).toHaveAttribute('data-phase', 'done');

  // The rehearsal disk took the given key as its BitLocker key (the sealed drives.json holds the same one).
  const appInfo = await invoke<{ dataDir: string }>(page, 'app:info', {});
  const desc = JSON.parse(
    await readFile(join(appInfo.dataDir, 'rehearsal-disks', 'KEYDISK1', 'obc-disk.json'), 'utf8'),
  ) as { bitLockerKey?: string; jobName?: string };
  expect(desc).toMatchObject({ bitLockerKey: KEY, jobName: JOB });
  const drives = await invoke<{ driveList?: Array<{ driveId: string; bitLockerKey: string }> }>(
    page,
    'diskprep:drives',
    { stagingLocation, job: JOB, passphrase: PASSPHRASE, revealKeys: true },
  );
  expect(drives.driveList).toEqual([expect.objectContaining({ driveId: 'KEYDISK1', bitLockerKey: KEY })]);
  await shot('disk-prep-key-copied');
});

test('a key that is not the volume’s is refused by the host and shown on the copy step; the right key continues', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(180_000);
  const job = 'seed-key2';
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { stagingLocation } = await makeBackup(page, sandbox, work, job, PASSPHRASE, [3, 2]);
  const appInfo = await invoke<{ dataDir: string }>(page, 'app:info', {});
  const disk = join(appInfo.dataDir, 'rehearsal-disks', 'KEYDISK2');
  await invoke(page, 'diskprep:initFolderDisk', { path: disk, serial: 'KEYDISK2', capacity: '64M' });
  await cliStoppedMidCopy(join(work, 'cli-data'), stagingLocation, job, disk, KEY);

  const next = page.getByTestId('wizard-next');
  await page.getByTestId('action-prepareDisks').click();
  await page.getByTestId('dp-staging').fill(stagingLocation);
  await page.getByTestId('dp-find-jobs').click();
  await page.getByTestId(`dp-job-${job}`).click();
  await next.click();
  await page.getByTestId('disk-select-KEYDISK2').click();
  await page.getByTestId('disk-key-KEYDISK2').click();
  await page.getByTestId('dp-key-input').fill(OTHER_KEY);
  await page.getByTestId('dp-key-accept').click();
  await page.getByTestId('dp-passphrase').fill(PASSPHRASE);
  // Prepared for this job already: the copy resumes on it, so nothing asks to erase it.
  await next.click();
  await expect(page.getByTestId('dp-erase-dialog')).toBeHidden();
  await signIn(page, sandbox);
  await next.click();

  const error = page.getByTestId('dp-copy-error');
  await expect(error).toHaveAttribute('data-wrong-key', 'true', { timeout: 60_000 });
  await expect(error).toContainText('The BitLocker key does not match');
  await expect(error).toContainText(
    "The BitLocker key given for disk KEYDISK2 does not match the volume's recovery password.",
  );
  expect(await page.locator('body').innerText()).not.toContain(OTHER_KEY);
  if (SCREENS) await page.getByTestId('dp-copy').screenshot({ path: join(SCREENS, 'copy-wrong-key.png') });
  await shot('disk-prep-key-wrong');

  // Back to Disks, the right key, and the copy continues on the same disk.
  await page.getByTestId('dp-wrong-key-retry').click();
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'disks');
  await page.getByTestId('disk-key-KEYDISK2').click();
  await expect(page.getByTestId('dp-key-current')).toContainText('••••••-…-123453');
  await page.getByTestId('dp-key-input').fill(KEY);
  await page.getByTestId('dp-key-accept').click();
  await next.click();
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 120_000 });
  expect(JSON.parse(await readFile(join(disk, 'obc-disk.json'), 'utf8'))).toMatchObject({
    bitLockerKey: KEY,
    jobName: job,
  });
});
