import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { caTrustingPipeline } from '../electron/services/sandbox/blob-access.ts';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { expect } from './fixtures.ts';
import { expectSameTree } from './helpers/files.ts';
import { invoke, waitTask } from './helpers/ipc.ts';
import { sandboxTest as test } from './helpers/sandbox.ts';

/**
 * Recover Data from the blob container (browser mode + sandbox): a real backup's files are written as page blobs
 * `<job>/<path>` into the sandbox storage account (as the datacenter does at import), the staging packs are moved
 * away, and the wizard — container fields typed, sign-in asked for on SIGNIN_REQUIRED — restores byte for byte.
 */
const PASSPHRASE = 'e2e container passphrase: purple monkey dishwasher';
const JOB = 'e2e-cont';
const ACCOUNT = 'obcseedv2';
test.use({ ignoreHTTPSErrors: true });

test('Recover Data from the blob container after signing in restores byte for byte', async ({
  consolePage: page,
  sandbox,
  work,
  shot,
}) => {
  test.setTimeout(240_000);
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const source = join(work, 'source');
  await mkdir(join(source, 'docs'), { recursive: true });
  await writeFile(join(source, 'random.bin'), randomBytes(2 * 1024 * 1024 + 5));
  await writeFile(join(source, 'docs', 'notes.txt'), 'restore me from the container\n'.repeat(200));
  const stagingLocation = join(work, 'staging');
  await mkdir(stagingLocation);
  const { taskId } = await invoke<{ taskId: string }>(page, 'backup:start', {
    items: [source],
    stagingLocation,
    job: {
      name: JOB,
      subscriptionId: sandbox.subscriptionId,
      resourceGroup: 'backup-rg',
      storageAccount: ACCOUNT,
      container: 'backups',
    },
    passphrase: PASSPHRASE,
  });
  await waitTask(page, taskId);

  // "Import": the staged files become page blobs, written with the account key the sandbox keeps.
  const state = JSON.parse(await readFile(join(sandbox.dataDir, 'state.json'), 'utf8')) as {
    storageAccounts: Record<string, { keys: string[] }>;
  };
  const svc = new BlobServiceClient(
    `${sandbox.blobUrl}/${ACCOUNT}/`,
    caTrustingPipeline(
      new StorageSharedKeyCredential(ACCOUNT, state.storageAccounts[ACCOUNT].keys[0]),
      sandbox.caCertPem,
    ),
  );
  const cc = svc.getContainerClient('backups');
  await cc.createIfNotExists();
  const seed = JSON.parse(await readFile(join(stagingLocation, JOB, 'seed.json'), 'utf8')) as {
    files: Array<{ path: string }>;
  };
  for (const f of seed.files) {
    const bytes = await readFile(join(stagingLocation, JOB, ...f.path.split('/')));
    const blob = cc.getPageBlobClient(`${JOB}/${f.path}`);
    await blob.create(bytes.length);
    for (let o = 0; o < bytes.length; o += 4 << 20)
      await blob.uploadPages(
        bytes.subarray(o, Math.min(bytes.length, o + (4 << 20))),
        o,
        Math.min(4 << 20, bytes.length - o),
      );
  }
  // Only seed.json stays in the staging folder (as after Verify's clean-up the console keeps a copy of it).
  for (const f of seed.files) await writeFile(join(stagingLocation, JOB, ...f.path.split('/')), 'gone');

  await page.getByTestId('action-recoverData').click();
  await page.getByTestId('rec-source-blob').click();
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('rec-subscription').fill(sandbox.subscriptionId);
  await page.getByTestId('rec-storage-account').fill(ACCOUNT);
  await page.getByTestId('rec-container').fill('Bad--Name');
  await expect(next).toBeDisabled();
  await page.getByTestId('rec-container').fill('backups');
  await page.getByTestId('rec-staging').fill(stagingLocation);
  await shot('recover-source-container');
  await next.click();
  await page.getByTestId('rec-job-name').fill(JOB);
  await page.getByTestId('rec-passphrase').fill(PASSPHRASE);
  await next.click();

  // Not signed in: the wizard asks for it, then opens the backup.
  await expect(page.getByTestId('rec-signin')).toBeVisible();
  await shot('recover-container-signin');
  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('rec-container-signin').click();
  const popup = await popupP;
  const url = await page.getByTestId('rec-container-signin-link').getAttribute('href');
  await completeSignInPage(popup, url ?? '', sandbox.users[0], { timeoutMs: 60_000 });
  await expect(page.getByTestId('rec-tree')).toBeVisible({ timeout: 60_000 });

  const catalogSource = source.replace(/^\/+/, '');
  const parts = catalogSource.split('/');
  for (let i = 1; i < parts.length; i++) await page.getByTestId(`rec-expand-${parts.slice(0, i).join('/')}`).click();
  await page.getByTestId(`rec-check-${catalogSource}`).click();
  await next.click();
  const restore = join(work, 'restore');
  await page.getByTestId('rec-destination').fill(restore);
  await page.getByTestId('rec-conflict-skip').click();
  await page.getByTestId('rec-start').click();
  await expect(page.getByTestId('rec-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await shot('recover-container-done');
  await expectSameTree(source, join(restore, catalogSource));
});
