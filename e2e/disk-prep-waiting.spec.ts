import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from './fixtures.ts';
import { startConsoleHost, type ConsoleHost } from './host.ts';
import { invoke } from './helpers/ipc.ts';
import { signInThroughApi } from './helpers/sign-in.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';
import { makeBackup } from './helpers/staged-backup.ts';

/**
 * Disk Prep one disk short, outside the happy path: the task waits (not failed), Cancel from the Jobs view while it
 * waits keeps the prepared disk and its journal, and a restarted console offers the job for resume, which waits for
 * the next disk again.
 */
const PASSPHRASE = 'e2e disk prep passphrase: purple monkey dishwasher';
const JOB = 'seed-wait';

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
