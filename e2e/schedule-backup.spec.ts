import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test as base, expect } from './fixtures.ts';
import { startConsoleHost, type ConsoleHost } from './host.ts';
import { ScheduleBackupPage } from './pages/schedule-backup-page.ts';
import { startSandbox, type SandboxHandle } from '../electron/services/sandbox/index.ts';
import { defaultRetention } from '../shared/retention-rules.ts';

/**
 * Schedule Backup wizard in browser mode: own disks against the local sandbox cloud (sign-in through the sandbox
 * login page, provider registration, container and Entra app creation, policy saved, then edited); every field's bad
 * value with its message blocking Next; a keyboard-only walk-through. Screenshots of each page in test-results/screens.
 */
const test = base.extend<{ sandbox: SandboxHandle; sandboxHost: ConsoleHost }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  sandbox: async ({}, use) => {
    const sb = await startSandbox({ registrationDelayMs: 200 });
    await use(sb);
    await sb.stop();
  },
  sandboxHost: async ({ sandbox }, use) => {
    const dir = join(sandbox.dataDir, 'cloud.json');
    const host = await startConsoleHost({ OBC_SANDBOX_CLOUD: dir });
    await use(host);
    await host.stop();
  },
});
test.use({ ignoreHTTPSErrors: true });

async function makeSource(root: string): Promise<void> {
  await mkdir(join(root, 'docs'), { recursive: true });
  await writeFile(join(root, 'docs', 'report.txt'), 'quarterly numbers\n'.repeat(2000));
  await writeFile(join(root, 'notes.txt'), 'hello\n');
}

/** Calls a channel through the page's own token (the UI equivalent is Settings → Cloud). */
async function invoke(page: Page, channel: string, payload: unknown): Promise<unknown> {
  return page.evaluate(
    async ({ channel, payload }) => {
      const ws = new WebSocket(
        `ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`,
      );
      await new Promise((r, j) => {
        ws.onopen = r;
        ws.onerror = j;
      });
      const result = await new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve) => {
        ws.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data));
          if (msg.t === 'result' && msg.id === 1) resolve(msg.result);
        };
        ws.send(JSON.stringify({ t: 'invoke', id: 1, channel, payload }));
      });
      ws.close();
      if (!result.ok) throw new Error(result.error?.message ?? 'failed');
      return result.value;
    },
    { channel, payload },
  );
}

test('own disks against the sandbox: sign in, register provider, create container and Entra app, save; then edit and pause', async ({
  page,
  sandbox,
  sandboxHost: host,
  shot,
}) => {
  test.setTimeout(240_000);
  const source = join(host.tmpDir, 'source');
  const stagingLocation = join(host.tmpDir, 'staging');
  await makeSource(source);
  await mkdir(stagingLocation);
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto(host.consoleUrl);
  await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const w = new ScheduleBackupPage(page);
  await w.open();
  await w.expectStep('gettingStarted');
  await shot('sb-01-getting-started');
  await w.goNext('items');

  await w.fill('sb-item-path', source);
  await page.getByTestId('sb-item-add').click();
  await expect(page.getByTestId('sb-item-size-0')).toHaveText(/KiB · 2 files/);
  await w.fill('sb-ex-pattern', '*.tmp');
  await page.getByTestId('sb-ex-pattern-add').click();
  await w.fill('sb-ex-folder-path', join(source, 'docs', 'cache'));
  await page.getByTestId('sb-ex-folder-add').click();
  await shot('sb-02-items');
  await w.goNext('schedule');
  await expect(page.getByTestId('sb-next-runs').locator('li')).toHaveCount(3);
  await shot('sb-03-schedule');
  await w.goNext('retention');
  await shot('sb-04-retention');
  await w.goNext('initialType');
  await shot('sb-05-initial-type');
  await w.goNext('ownDisk');

  // Sign in from the own-disk page so the pickers fill from the subscription.
  const popupPromise = page.context().waitForEvent('page');
  await page.getByTestId('sb-azure-signin').click();
  const popup = await popupPromise;
  // The sandbox login page, as a user would fill it (no consent page for the owner user).
  await popup.locator('#username').fill(sandbox.users[0].username);
  await popup.locator('#password').fill(sandbox.users[0].password);
  await popup.locator('#signin').click();
  await expect(page.locator('button[data-testid="sb-subscription"]')).toHaveText(/Local sandbox/, { timeout: 60_000 });
  await page.locator('button[data-testid="sb-account"]').click();
  await expect(page.getByRole('option', { name: /obcblobonly — not usable/ })).toHaveAttribute('aria-disabled', 'true');
  await page.getByRole('option', { name: /obcseedv2/ }).click();
  await expect(page.getByTestId('sb-account-rg')).toHaveValue('backup-rg');
  await w.fill('sb-container', 'seed-e2e');
  await expect(page.getByText('This container will be created when you finish the wizard.')).toBeVisible();
  await w.fill('sb-job-name', 'seed-e2e-1');
  await w.fill('sb-staging', stagingLocation);
  await expect(page.getByTestId('sb-staging-result')).toContainText('is writable');
  await page.getByTestId('sb-copy-reminder').click();
  await expect(page.getByTestId('sb-copy-result')).toHaveText('Copied to the clipboard.');
  await shot('sb-06-own-disk');
  await w.goNext('signIn');

  await expect(page.getByTestId('sb-signin-status')).toHaveText(/Signed in as owner@/);
  await expect(page.getByTestId('sb-provider-status')).toHaveAttribute('data-registered', 'no');
  await expect(w.next).toBeDisabled();
  await page.getByTestId('sb-provider-register').click();
  await expect(page.getByTestId('sb-provider-status')).toHaveAttribute('data-registered', 'yes', { timeout: 60_000 });
  await page.getByTestId('sb-entra-create').click();
  await expect(page.getByTestId('sb-entra-result')).toContainText('AzureOfflineBackup_', { timeout: 60_000 });
  await shot('sb-07-sign-in');
  await w.goNext('passphrase');

  await w.fill('sb-passphrase', 'e2e passphrase: correct horse battery');
  await w.fill('sb-passphrase-confirm', 'e2e passphrase: correct horse battery');
  await expect(w.error('sb-passphrase-saved')).toBeVisible();
  await expect(w.next).toBeDisabled();
  const download = page.waitForEvent('download');
  await page.getByTestId('sb-passphrase-save').click();
  expect((await download).suggestedFilename()).toBe('obc-passphrase.txt');
  await shot('sb-08-passphrase');
  await w.goNext('confirm');
  await expect(page.getByTestId('sb-confirm-ownDisk')).toContainText(
    'Import job: seed-e2e-1 (resource group backup-rg)',
  );
  await shot('sb-09-confirm');
  await expect(w.next).toHaveText('Finish');
  await w.next.click();
  await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sb-run-container-message')).toHaveText('Container "seed-e2e" created in obcseedv2.');
  await expect(page.getByTestId('sb-run-app')).toHaveAttribute('data-status', 'succeeded');
  await expect(page.getByTestId('sb-run-policy-message')).toHaveText(/^Policy saved\. Next backup: /);
  await shot('sb-10-progress');
  await page.getByTestId('sb-progress-close').click();

  const file = JSON.parse(await readFile(join(host.dataDir, 'policies.json'), 'utf8'));
  expect(file.policy.initialBackup.ownDisk).toMatchObject({
    storageAccount: 'obcseedv2',
    container: 'seed-e2e',
    importJobName: 'seed-e2e-1',
    jobResourceGroup: 'backup-rg',
  });
  expect(file.policy.exclusions.patterns).toEqual(['*.tmp']);
  expect(JSON.stringify(file)).not.toContain('correct horse');

  // Edit: the existing policy opens; the passphrase page is gone; the container now exists.
  await w.open();
  await expect(page.getByTestId('sb-policy-state')).toHaveAttribute('data-state', 'active');
  await shot('sb-11-modify');
  await w.goNext('items');
  await w.fill('sb-ex-pattern', '*.mp3');
  await page.getByTestId('sb-ex-pattern-add').click();
  await w.goNext('schedule');
  await page.getByTestId('sb-frequency-weekly').click();
  await page.getByTestId('sb-day-wednesday').click();
  await w.fill('sb-every-weeks', '2');
  await w.goNext('retention');
  await w.goNext('initialType');
  await w.goNext('ownDisk');
  await expect(page.getByText('This container exists and will be used.')).toBeVisible();
  await w.goNext('signIn');
  await expect(page.getByTestId('wizard-step-passphrase')).toHaveCount(0);
  await w.goNext('confirm');
  await w.next.click();
  await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  await expect(page.getByTestId('sb-run-container-message')).toHaveText(
    'Container "seed-e2e" already exists in obcseedv2; it will be used.',
  );
  await page.getByTestId('sb-progress-close').click();
  const edited = JSON.parse(await readFile(join(host.dataDir, 'policies.json'), 'utf8'));
  expect(edited.policy.exclusions.patterns).toEqual(['*.tmp', '*.mp3']);
  expect(edited.policy.schedule).toMatchObject({ frequency: 'weekly', days: ['sunday', 'wednesday'], everyWeeks: 2 });

  await w.open();
  await page.getByTestId('sb-pause').click();
  await expect(page.getByTestId('sb-policy-state')).toHaveAttribute('data-state', 'paused');
  await expect(page.getByTestId('sb-action-message')).toHaveText('Scheduled backups are paused.');
  await shot('sb-12-paused');
});

test('every field: a bad value shows its message and blocks Next', async ({ consolePage: page, host, shot }) => {
  const source = join(host.tmpDir, 'source');
  await makeSource(source);
  const w = new ScheduleBackupPage(page);
  await w.open();
  // Every step label starts at the same x (Fluent centres labels in a bold-width cell unless told otherwise).
  const lefts = await page.locator('[data-testid^="wizard-step-"] .fui-Tab__content').evaluateAll((els) =>
    els.map((e) => {
      const r = document.createRange();
      r.selectNodeContents(e);
      return Math.round(r.getBoundingClientRect().left);
    }),
  );
  expect(lefts.length).toBeGreaterThan(5);
  expect(new Set(lefts).size, `step label x positions: ${lefts.join(', ')}`).toBe(1);
  await w.goNext('items');
  await expect(w.next).toBeDisabled();
  await w.fill('sb-item-path', 'relative/folder');
  await page.getByTestId('sb-item-add').click();
  await expect(w.error('sb-item-path')).toHaveText(/must be a full path/);
  await w.fill('sb-item-path', source);
  await page.getByTestId('sb-item-add').click();
  await w.fill('sb-item-path', join(source, 'docs'));
  await page.getByTestId('sb-item-add').click();
  await expect(w.error('sb-items')).toHaveText(
    `"${join(source, 'docs')}" is already included in "${source}"; remove one of them.`,
  );
  await expect(w.next).toBeDisabled();
  await page.getByTestId('sb-item-remove-1').click();
  await w.fill('sb-ex-pattern', 'a/b.mp3');
  await page.getByTestId('sb-ex-pattern-add').click();
  await expect(w.error('sb-ex-pattern')).toHaveText(/may not contain/);
  await w.fill('sb-ex-folder-path', '/not/inside');
  await page.getByTestId('sb-ex-folder-add').click();
  await expect(w.error('sb-ex-folder-0')).toHaveText(/not inside any selected item/);
  await expect(w.next).toBeDisabled();
  await shot('sb-bad-items');
  await page.getByTestId('sb-ex-folder-remove-0').click();
  await w.goNext('schedule');

  await w.expectRejected(
    'sb-time-0',
    '10:15',
    'Time 10:15 is not on a 30-minute boundary; use 10:00 or 10:30.',
    '21:30',
    'sb-times',
  );
  await w.expectRejected(
    'sb-time-0',
    '9pm',
    'Time "9pm" must be a time of day as HH:MM (00:00–23:30).',
    '21:00',
    'sb-times',
  );
  await page.getByTestId('sb-frequency-weekly').click();
  await page.getByTestId('sb-day-sunday').click();
  await expect(w.error('sb-days')).toHaveText('Choose at least one day of the week.');
  await expect(w.next).toBeDisabled();
  await page.getByTestId('sb-day-friday').click();
  await w.fill('sb-every-weeks', '5');
  await expect(w.error('sb-every-weeks')).toHaveText('"Every 5 weeks" is out of range: choose every 1 to 4 weeks.');
  await shot('sb-bad-schedule');
  await w.fill('sb-every-weeks', '1');
  await page.getByTestId('sb-frequency-daily').click();
  await w.goNext('retention');

  await w.expectRejected('sb-ret-daily', '10000', 'Daily retention must be 1 to 9999 days (got 10000).', '30');
  await page.getByTestId('sb-ret-weekly-enabled').click();
  await w.expectRejected('sb-ret-weekly', '5164', 'Weekly retention must be 1 to 5163 weeks (got 5164).', '4');
  await page.getByTestId('sb-ret-monthly-enabled').click();
  await w.expectRejected('sb-ret-monthly', '0', 'Monthly retention must be 1 to 1188 months (got 0).', '12');
  await page.getByTestId('sb-ret-yearly-enabled').click();
  await w.expectRejected('sb-ret-yearly', '100', 'Yearly retention must be 1 to 99 years (got 100).', '10');
  await w.fill('sb-ret-daily', '9999');
  await w.fill('sb-ret-weekly', '5163');
  await expect(w.error('sb-ret-total')).toHaveText(
    /keeps up to 15,184 recovery points; Azure Backup keeps at most 9,999/,
  );
  await expect(w.next).toBeDisabled();
  await shot('sb-bad-retention');
  await w.fill('sb-ret-weekly', '4');
  await w.fill('sb-ret-daily', '30');
  await w.goNext('initialType');
  await w.goNext('ownDisk');

  await w.fill('sb-staging', 'relative');
  await expect(w.error('sb-staging')).toHaveText(/must be a full path/);
  await expect(w.next).toBeDisabled();
  await w.fill('sb-staging', join(host.tmpDir, 'missing'));
  await expect(w.error('sb-staging')).toHaveText(/does not exist\. Create the folder/);
  await w.fill('sb-staging', host.tmpDir);
  await expect(page.getByTestId('sb-staging-result')).toContainText('is writable');
  await w.expectRejected('sb-subscription', 'abc', /is not a GUID/, '11111111-2222-3333-4444-555555555555');
  await w.expectRejected(
    'sb-account',
    'Bad_Account',
    'Storage account name "Bad_Account" must be 3 to 24 lowercase letters and digits.',
    'seedacct01',
  );
  await w.expectRejected('sb-account-rg', 'rg.', 'Resource group name "rg." may not end with a period.', 'backup-rg');
  // Decision 10: one rule, quoted whole in every message (shared/validators/azure-names.ts).
  for (const bad of ['Bad_Container', 'a--b', 'x'])
    await w.expectRejected(
      'sb-container',
      bad,
      new RegExp(
        `^Container name "${bad}" .*: a container name is 3 to 63 characters of lowercase letters, digits and single hyphens, starting and ending with a letter or digit\\.$`,
      ),
      'seed-data',
    );
  await w.expectRejected('sb-job-name', '9job', 'Job name "9job" must start with a lowercase letter.', 'seed-1');
  await w.expectRejected('sb-job-rg', '', 'Import job resource group is required.', 'backup-rg');
  await w.fill('sb-job-name', 'UPPER');
  await expect(w.error('sb-job-name')).toBeVisible();
  await shot('sb-bad-own-disk');
  await w.fill('sb-job-name', 'seed-1');
  await w.goNext('signIn');
  await expect(page.getByTestId('sb-signin-status')).toHaveText('Sign in to Azure to continue.');
  await expect(w.next).toBeDisabled();
  await shot('sb-bad-signin');

  // Online instead: no Azure pages; the passphrase page rules.
  await page.getByTestId('wizard-step-initialType').click();
  await page.getByTestId('sb-type-online').click();
  await expect(page.getByTestId('sb-type-note')).toContainText('no vault transfer');
  await w.goNext('passphrase');
  await w.expectRejected(
    'sb-passphrase',
    'too short',
    'The passphrase is 9 characters long; at least 16 are required.',
    'sixteen chars ok!',
  );
  await w.fill('sb-passphrase-confirm', 'something else entirely');
  await expect(w.error('sb-passphrase-confirm')).toHaveText('The two passphrases do not match.');
  await w.fill('sb-passphrase-confirm', 'sixteen chars ok!');
  await expect(w.error('sb-passphrase-saved')).toHaveText(/Save the passphrase to a file or copy it/);
  await expect(w.next).toBeDisabled();
  await shot('sb-bad-passphrase');
});

test('keyboard only: the wizard completes with Tab, arrows, Space and Enter', async ({
  consolePage: page,
  host,
  shot,
}) => {
  const source = join(host.tmpDir, 'source');
  await makeSource(source);
  const w = new ScheduleBackupPage(page);
  await page.getByTestId('action-scheduleBackup').focus();
  await page.keyboard.press('Enter');
  await w.expectStep('gettingStarted');
  await w.tabTo('wizard-next');
  await page.keyboard.press('Enter');
  await w.expectStep('items');
  await w.tabTo('sb-item-path');
  await page.keyboard.type(source);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sb-item-0')).toContainText(source);
  await w.tabTo('sb-ex-pattern');
  await page.keyboard.type('*.iso');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sb-ex-pattern-0')).toContainText('*.iso');
  for (const [from, to] of [
    ['items', 'schedule'],
    ['schedule', 'retention'],
  ] as const) {
    await w.expectStep(from);
    await w.tabTo('wizard-next');
    await page.keyboard.press('Enter');
    await w.expectStep(to);
  }
  await w.tabTo('sb-ret-weekly-enabled');
  await page.keyboard.press('Space');
  await w.tabTo('sb-ret-weekly');
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('8');
  await w.tabTo('wizard-next');
  await page.keyboard.press('Enter');
  await w.expectStep('initialType');
  await w.tabTo('sb-type-ownDisks');
  await page.keyboard.press('ArrowUp');
  await expect(page.getByTestId('sb-type-online')).toBeChecked();
  await w.tabTo('wizard-next');
  await page.keyboard.press('Enter');
  await w.expectStep('passphrase');
  await w.tabTo('sb-passphrase-generate');
  await page.keyboard.press('Enter');
  await w.tabTo('sb-passphrase-save');
  const download = page.waitForEvent('download');
  await page.keyboard.press('Enter');
  await download;
  await expect(page.getByTestId('sb-passphrase-saved')).toHaveAttribute('data-saved', 'yes');
  await w.tabTo('wizard-next');
  await page.keyboard.press('Enter');
  await w.expectStep('confirm');
  await shot('sb-keyboard-confirm');
  await w.tabTo('wizard-next');
  await expect(w.next).toHaveText('Finish');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('sb-progress')).toHaveAttribute('data-state', 'done');
  await w.tabTo('sb-progress-close');
  await page.keyboard.press('Enter');
  await expect(w.wizard).toHaveCount(0);
  const file = JSON.parse(await readFile(join(host.dataDir, 'policies.json'), 'utf8'));
  expect(file.policy).toMatchObject({
    initialBackup: { type: 'online' },
    retention: { weekly: { enabled: true, count: 8 } },
    exclusions: { patterns: ['*.iso'] },
  });
});

test('Change Properties: throttling bounds, proxy, passphrase change, container access; no secret in the policy file', async ({
  consolePage: page,
  host,
  shot,
}) => {
  const OLD = 'old e2e passphrase 0123456789';
  const NEW = 'new e2e passphrase 9876543210';
  await invoke(page, 'policy:save', {
    passphrase: OLD,
    policy: {
      items: [{ path: host.tmpDir, kind: 'folder' }],
      exclusions: { folders: [], patterns: [], fileTypes: [] },
      schedule: { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' },
      retention: defaultRetention({ frequency: 'daily', days: [], times: ['21:00'] }),
      initialBackup: { type: 'online' },
    },
  });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.getByTestId('action-changeProperties').click();
  await page.getByTestId('cp-throttle-enabled').click();
  const save = page.getByTestId('cp-throttle-save');
  for (const [id, bad, msg] of [
    ['cp-work-kbps', '511', 'Work-hours bandwidth must be 512 Kbps to 1,023 Mbps (got 511 Kbps).'],
    ['cp-nonwork-kbps', '1047553', 'Non-work-hours bandwidth must be 512 Kbps to 1,023 Mbps (got 1047553 Kbps).'],
    ['cp-work-start', '9', 'Time "9" must be a time of day as HH:MM (00:00–23:30).'],
  ] as const) {
    const f = page.getByTestId(id);
    const before = await f.inputValue();
    await f.fill(bad);
    await f.blur();
    await expect(page.getByTestId(`${id}-error`)).toHaveText(msg);
    await expect(save).toBeDisabled();
    await f.fill(id === 'cp-work-kbps' ? '512' : before);
    await f.blur();
  }
  await shot('cp-01-throttling');
  await save.click();
  await expect(page.getByTestId('cp-result')).toHaveText('Throttling settings saved.');
  await page.getByTestId('cp-tab-proxy').click();
  await page.getByTestId('cp-proxy-manual').click();
  await page.getByTestId('cp-proxy-host').fill('http://proxy');
  await page.getByTestId('cp-proxy-host').blur();
  await expect(page.getByTestId('cp-proxy-host-error')).toContainText('must be a host name or IP address');
  await page.getByTestId('cp-proxy-host').fill('proxy.contoso.local');
  await page.getByTestId('cp-proxy-port').fill('3128');
  await page.getByTestId('cp-proxy-password').fill('proxy-secret');
  await shot('cp-02-proxy');
  await page.getByTestId('cp-proxy-save').click();
  await expect(page.getByTestId('cp-result')).toHaveText('Proxy settings saved.');
  await page.getByTestId('cp-tab-passphrase').click();
  await page.getByTestId('cp-pass-current').fill('not the passphrase 000');
  await page.getByTestId('cp-pass-new').fill(NEW);
  await page.getByTestId('cp-pass-confirm').fill(NEW);
  await page.getByTestId('cp-pass-copy').click();
  await page.getByTestId('cp-pass-change').click();
  await expect(page.getByTestId('cp-result')).toHaveText('The current passphrase is not the one set on this machine.');
  await page.getByTestId('cp-pass-current').fill(OLD);
  await page.getByTestId('cp-pass-change').click();
  await expect(page.getByTestId('cp-result')).toHaveText('New backups use the new passphrase.');
  await shot('cp-03-encryption');
  // Container access: this policy's first backup goes over the network, so no container SAS applies (said by the host).
  await page.getByTestId('cp-tab-containerAccess').click();
  await expect(page.getByTestId('cp-ca-current')).toContainText(
    "The Entra application with this machine's certificate",
  );
  await expect(page.getByTestId('cp-ca-note')).toContainText(
    'Scheduled runs after the import use it to upload their restore points',
  );
  await page.getByTestId('cp-ca-sas').click();
  const sasUrl =
    'https://seedacct01.blob.core.windows.net/seed-data?sv=2025-11-05&sr=c&sp=rwdl&se=2099-01-01T00:00:00Z&sig=e2e-container-sas-signature';
  await page.getByTestId('cp-ca-url').fill(sasUrl);
  await page.getByTestId('cp-ca-save').click();
  await expect(page.getByTestId('cp-result')).toContainText('there is no container for a SAS URL to open');
  await expect(page.getByTestId('cp-result')).toHaveAttribute('data-ok', 'no');
  const file = JSON.parse(await readFile(join(host.dataDir, 'policies.json'), 'utf8'));
  expect(file.properties).toMatchObject({
    throttling: { enabled: true, workKbps: 512 },
    proxy: { mode: 'manual', host: 'proxy.contoso.local', port: 3128 },
  });
  const text = JSON.stringify(file);
  for (const secret of [OLD, NEW, 'proxy-secret', 'e2e-container-sas-signature']) expect(text).not.toContain(secret);
});
