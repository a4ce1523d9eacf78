import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from './fixtures.ts';
import { startConsoleHost, type ConsoleHost } from './host.ts';
import { invoke } from './helpers/ipc.ts';
import { closeSignInTab, signInThroughApi } from './helpers/sign-in.ts';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { addRehearsalDisk, confirmErase } from './pages/disk-prep-page.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';
import { makeBackup } from './helpers/staged-backup.ts';

/**
 * Disk Prep one disk short, outside the happy path: the task waits (not failed), Cancel from the Jobs view while it
 * waits keeps the prepared disk and its journal, and a restarted console offers the job for resume, which waits for
 * the next disk again. Disk Prep started before sign-in waits for sign-in the same way, and signing in continues it.
 */
const PASSPHRASE = 'e2e disk prep passphrase: purple monkey dishwasher';
const JOB = 'seed-wait';

// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });

test('waiting for another disk: cancel keeps the disk; after a restart the job resumes and waits again', async ({
  consolePage: page,
  sandbox,
  work,
  host,
  shot,
}) => {
  test.setTimeout(240_000);
  const { stagingLocation } = await makeBackup(page, sandbox, work, JOB, PASSPHRASE);
  const disk = join(work, 'disk-w1');
  await invoke(page, 'diskprep:initFolderDisk', { path: disk, serial: 'WAIT1', capacity: '70M' });
  // Disk Prep signs the manifests' container SAS through the Azure layer: signed in first.
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  await signInThroughApi(page, sandbox);
  const { taskId } = await invoke<{ taskId: string }>(page, 'diskprep:start', {
    stagingLocation,
    job: JOB,
    disks: [{ id: disk, confirmErase: true }],
    passphrase: PASSPHRASE,
  });

  // The Jobs view (console home): the task waits for the user; nothing is red.
  const row = page.getByTestId(`job-row-${taskId}`);
  await expect(row).toHaveAttribute('data-status', 'waiting', { timeout: 120_000 });
  await expect(row.getByTestId('job-message')).toContainText('Waiting for another disk: at least');
  await expect(page.getByTestId('status-tasks-waiting')).toHaveText('1 waiting for you');
  const journal = await readFile(join(disk, 'obc-journal.json'), 'utf8');
  const manifest = await readFile(join(disk, 'DriveManifest.xml'), 'utf8');
  expect(journal).toContain('"verified"');

  // Cancel while waiting: cancelled (not failed), the disk and its journal as they were.
  await row.getByTestId('task-progress-cancel').click();
  await expect(row).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('status-tasks')).toHaveCount(0);
  await expect(page.locator('[data-testid^="job-row-"][data-status="failed"]')).toHaveCount(0);
  expect(await readFile(join(disk, 'obc-journal.json'), 'utf8')).toBe(journal);
  expect(await readFile(join(disk, 'DriveManifest.xml'), 'utf8')).toBe(manifest);
  await shot('jobs-waiting-cancelled');

  // Restart: a new console host (Disk Prep's state lives beside the staging folder).
  const host2: ConsoleHost = await startConsoleHost({ OBC_SANDBOX_CLOUD: join(sandbox.dataDir, 'cloud.json') });
  try {
    await host.stop();
    await page.goto(host2.consoleUrl);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    // A new host on a new data folder: signed out, so sign in again before resuming (the SAS is signed again, the same token).
    await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
    await signInThroughApi(page, sandbox);
    await page.getByTestId('action-prepareDisks').click();
    await page.getByTestId('dp-staging').fill(stagingLocation);
    await page.getByTestId('dp-find-jobs').click();
    await page.getByTestId(`dp-job-${JOB}`).click();
    const offer = page.getByTestId('dp-resume');
    await expect(offer).toHaveAttribute('data-needs-disk', 'true');
    await expect(offer).toContainText('Waiting for another disk');
    await expect(offer).toContainText(/needs at least [\d.]+ MiB more capacity for 1 remaining file/);
    await shot('disk-prep-resume-after-restart');
    await page.getByTestId('dp-resume-passphrase').fill(PASSPHRASE);
    await page.getByTestId('dp-resume-btn').click();
    await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', 'waiting', { timeout: 60_000 });
    await expect(page.getByTestId('dp-needs-disk')).toContainText('more capacity is needed for 1 remaining file');
    expect(await readFile(join(disk, 'obc-journal.json'), 'utf8')).toBe(journal); // the finished disk is not rewritten
    expect(await readFile(join(disk, 'DriveManifest.xml'), 'utf8')).toBe(manifest); // same SAS token, same manifest
    await page.getByTestId('task-progress-cancel').click();
    await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', 'cancelled');
  } finally {
    await host2.stop();
  }
});

test('started before sign-in: the task waits for sign-in, says so, and signing in continues the same task', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(240_000);
  const job = 'seed-signin-later';
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { stagingLocation } = await makeBackup(page, sandbox, work, job, PASSPHRASE, [4, 3]);
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('action-prepareDisks').click();
  await page.getByTestId('dp-staging').fill(stagingLocation);
  await page.getByTestId('dp-find-jobs').click();
  await page.getByTestId(`dp-job-${job}`).click();
  await next.click();
  await addRehearsalDisk(page, 'LATER1', '40M');
  await expect(page.getByTestId('disk-row-LATER1')).toHaveAttribute('data-selected', 'true');
  await page.getByTestId('dp-passphrase').fill(PASSPHRASE);
  await next.click();
  await confirmErase(page, job);

  // Not signed in: "Prepare the disks now, sign in later". The copy waits for sign-in (not running, not failed).
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'signin');
  await page.getByTestId('dp-skip-signin').click();
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', 'waiting', { timeout: 60_000 });
  await expect(page.getByTestId('dp-needs-signin')).toContainText('Waiting for sign-in');
  await expect(page.getByTestId('dp-needs-disk')).toHaveCount(0);
  await expect(page.getByTestId('dp-auth-status')).toHaveAttribute('data-signed-in', 'false');
  await expect(page.getByTestId('status-tasks-waiting')).toHaveText('1 waiting for you');
  await shot('disk-prep-waiting-for-signin');
  const st = await invoke<{ waitingTaskId?: string; waitingFor?: string }>(page, 'diskprep:status', {
    stagingLocation,
    job,
  });
  expect(st.waitingFor).toBe('signIn');
  const taskId = st.waitingTaskId ?? '';
  // Nothing is written to the disk while it waits.
  const listed = await invoke<{ disks: Array<{ id: string; serial: string }> }>(page, 'diskprep:disks', {
    stagingLocation,
    job,
  });
  const diskId = listed.disks.find((d) => d.serial === 'LATER1')?.id ?? '';
  expect(await readdir(diskId)).not.toContain('DriveManifest.xml');

  // The Jobs view: waiting for you, with what it waits for, and the way to continue.
  await page.getByTestId('wizard-cancel').click();
  const row = page.getByTestId(`job-row-${taskId}`);
  await expect(row).toHaveAttribute('data-status', 'waiting');
  await expect(row.getByTestId('job-status')).toHaveText('Waiting for you');
  await expect(row.getByTestId('job-message')).toContainText(/^Waiting for sign-in: every drive manifest carries/);
  await expect(page.locator('[data-testid^="job-row-"][data-status="failed"]')).toHaveCount(0);
  await expect(row.getByTestId('job-open-diskprep')).toHaveText('Sign in to continue');
  await shot('jobs-waiting-for-signin');
  await row.getByTestId('job-open-diskprep').click();
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'copy');
  await expect(page.getByTestId('dp-needs-signin')).toBeVisible();

  // Signing in on the copy page (the sandbox's sign-in window) continues the same task by itself.
  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('dp-signin').click();
  const popup = await popupP;
  const signInUrl = await page.getByTestId('dp-signin-link').getAttribute('href');
  await completeSignInPage(popup, signInUrl ?? '', sandbox.users[0], { timeoutMs: 60_000 });
  await closeSignInTab(popup);
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 120_000 });
  await expect(page.getByTestId('dp-copy-done')).toBeVisible();
  expect((await invoke<{ status: string }>(page, 'task:get', { id: taskId })).status).toMatch(/succeeded/);
  await expect(page.getByTestId('status-tasks-waiting')).toHaveCount(0);
});
