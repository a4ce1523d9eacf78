import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { expectSameTree } from './helpers/files.ts';
import { invoke, waitTask } from './helpers/ipc.ts';
import { testCredential, writeSasFile } from '../electron/services/diskprep/test-staging.ts';

/**
 * Recover Data from prepared disks in browser mode: a real backup (backup:start in the host), prepared onto two
 * rehearsal folder disks by the real Disk Prep (`obc diskprep`), the staging folder then moved out of reach, and the
 * wizard restores from the disks alone (seed.json from the copy Disk Prep keeps on each disk), compared byte for byte.
 */
const PASSPHRASE = 'e2e passphrase: correct horse battery staple';
const JOB = 'e2e-disks';
const ROOT = resolve(import.meta.dirname, '..');
const run = promisify(execFile);

async function obc(dataDir: string, ...args: string[]): Promise<void> {
  await run(process.execPath, [join(ROOT, 'electron', 'cli', 'index.ts'), ...args], {
    cwd: ROOT,
    env: { ...process.env, OBC_DATA_DIR: dataDir },
    timeout: 120_000,
  });
}

async function browseTo(page: Page, opener: string, path: string): Promise<void> {
  await page.getByTestId(opener).click();
  const dialog = page.getByTestId('folder-browser');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('folder-browser-selected')).toContainText('Selected: ');
  await expect(page.getByTestId('folder-browser-go')).toBeEnabled();
  await page.getByTestId('folder-browser-path').fill(path);
  await page.getByTestId('folder-browser-go').click();
  await expect(page.getByTestId('folder-browser-selected')).toContainText(path);
  await page.getByTestId('folder-browser-select').click();
  await expect(dialog).toBeHidden();
}

test('Recover Data from two prepared disks alone restores byte for byte', async ({ consolePage: page, host, shot }) => {
  test.setTimeout(240_000);
  const source = join(host.tmpDir, 'source');
  const stagingLocation = join(host.tmpDir, 'staging');
  const restore = join(host.tmpDir, 'restore');
  await mkdir(join(source, 'docs', 'deep'), { recursive: true });
  await writeFile(join(source, 'readme.txt'), 'restore from disks\n'.repeat(300));
  await writeFile(join(source, 'docs', 'deep', 'leaf.bin'), randomBytes(200_000));
  // 72 MiB of random data: two packs (64 MiB each at most), so that both disks below carry one.
  for (let i = 0; i < 3; i++) await writeFile(join(source, `part-${i}.bin`), randomBytes(24 * 1024 * 1024));
  await writeFile(join(source, 'docs', 'naïve café.txt'), 'unicode\n');
  await mkdir(stagingLocation);

  const { taskId } = await invoke<{ taskId: string }>(page, 'backup:start', {
    items: [source],
    stagingLocation,
    job: { name: JOB, container: 'seed' },
    passphrase: PASSPHRASE,
  });
  await waitTask(page, taskId);

  // Two rehearsal disks, 70 MiB and 20 MiB: the first takes the 64 MiB pack and the catalog (first fit), the second
  // pack only fits the second disk, so the job's files are spread over both. (A disk smaller than any pack would be
  // refused: it could carry only the catalog.)
  const cliData = join(host.tmpDir, 'cli-data');
  const passFile = join(host.tmpDir, 'pass.txt');
  await writeFile(passFile, PASSPHRASE);
  const disks = [join(host.tmpDir, 'disk1'), join(host.tmpDir, 'disk2')];
  for (const [i, d] of disks.entries())
    await obc(cliData, 'disks', 'init', d, '--serial', `E2EREC${i + 1}`, '--capacity', ['70M', '20M'][i]);
  // No datacenter here: a container SAS of the right shape from a file instead of a sign-in.
  const sas = await writeSasFile(host.tmpDir, testCredential, JOB, 'seed');
  await obc(
    cliData,
    'diskprep',
    `s:${stagingLocation}`,
    '--job',
    JOB,
    '--disk',
    disks[0],
    '--disk',
    disks[1],
    '--passphrase-file',
    passFile,
    '--no-job',
    '--container-sas',
    sas,
  );
  await rename(stagingLocation, `${stagingLocation}-shipped-away`);

  await page.getByTestId('action-recoverData').click();
  await expect(page.getByTestId('rec-wizard')).toBeVisible();
  await page.getByTestId('rec-source-disks').click();
  const next = page.getByTestId('wizard-next');
  await expect(next).toBeDisabled();
  await browseTo(page, 'rec-disk-add', disks[0]);
  await browseTo(page, 'rec-disk-add', disks[1]);
  await expect(page.getByTestId('rec-disk-1')).toHaveValue(disks[1]);
  await page.getByTestId('rec-staging').fill('');
  await shot('recover-source-disks');
  await next.click();

  // Only the first disk: the missing files are named.
  await page.getByTestId('rec-job-name').fill(JOB);
  await page.getByTestId('rec-passphrase').fill(PASSPHRASE);
  await page.getByTestId('wizard-step-source').click();
  await page.getByTestId('rec-disk-remove-1').click();
  await next.click();
  await page.getByTestId('rec-passphrase').fill(PASSPHRASE);
  await next.click();
  await expect(page.getByTestId('rec-unlock-error')).toHaveAttribute('data-code', 'NOT_FOUND');
  await expect(page.getByTestId('rec-unlock-error')).toContainText('on none of the given disks');
  await shot('recover-disks-missing');
  await page.getByTestId('wizard-step-source').click();
  await browseTo(page, 'rec-disk-add', disks[1]);
  await next.click();
  await page.getByTestId('rec-passphrase').fill(PASSPHRASE);
  await next.click();

  await expect(page.getByTestId('rec-tree')).toBeVisible();
  const catalogSource = source.replace(/^\/+/, '');
  const parts = catalogSource.split('/');
  for (let i = 1; i < parts.length; i++) await page.getByTestId(`rec-expand-${parts.slice(0, i).join('/')}`).click();
  await page.getByTestId(`rec-check-${catalogSource}`).click();
  await expect(page.getByTestId('rec-selection')).toHaveText('Everything in the backup');
  await next.click();
  await page.getByTestId('rec-destination').fill(restore);
  await page.getByTestId('rec-conflict-skip').click();
  await page.getByTestId('rec-start').click();
  await expect(page.getByTestId('rec-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await shot('recover-disks-done');
  await expectSameTree(source, join(restore, catalogSource));
});
