import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startSandbox, type SandboxHandle } from '../electron/services/sandbox/index.ts';
import { completeSignInPage } from '../electron/services/sandbox/test-signin.ts';
import { startConsoleHost, type ConsoleHost } from './host.ts';
import { test as base, expect } from './fixtures.ts';

/**
 * Everything after Back Up Now, in browser mode against the Local sandbox cloud with rehearsal folder disks:
 * prepare two disks from a real backup, fill the shipping form (every field's bad value once), create the job,
 * enter tracking, let the sandbox datacenter receive and import the disks, watch states and drive progress change,
 * and verify the imported data against the staging folder.
 */
const PASSPHRASE = 'e2e disk prep passphrase: purple monkey dishwasher';
const JOB = 'seed-e2e';

const test = base.extend<{ sandbox: SandboxHandle; work: string }>({
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  sandbox: async ({}, use) => {
    const sb = await startSandbox({ registrationDelayMs: 0 });
    await use(sb);
    await sb.stop();
  },
  // eslint-disable-next-line no-empty-pattern -- Playwright requires an object pattern here
  work: async ({}, use) => {
    const dir = await mkdtemp(join(tmpdir(), 'obc-e2e-dp-'));
    await use(dir);
    await rm(dir, { recursive: true, force: true });
  },
  host: async ({ sandbox }, use) => {
    const host: ConsoleHost = await startConsoleHost({ OBC_SANDBOX_CLOUD: join(sandbox.dataDir, 'cloud.json') });
    await use(host);
    await host.stop();
  },
});

// The sign-in window shows the sandbox identity server, whose certificate comes from the sandbox's own test CA.
test.use({ ignoreHTTPSErrors: true });

/** One invoke over the page's own authenticated WebSocket (same path the renderer uses). */
async function invoke<T>(page: Page, channel: string, payload: unknown): Promise<T> {
  const r = await page.evaluate(
    async ({ channel, payload }) => {
      const ws = new WebSocket(`ws://${location.host}/ws?token=${encodeURIComponent(sessionStorage.getItem('obc.token') ?? '')}`);
      await new Promise((res, rej) => {
        ws.onopen = res;
        ws.onerror = rej;
      });
      const out = await new Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>((resolve) => {
        ws.onmessage = (ev) => {
          const msg = JSON.parse(String(ev.data));
          if (msg.t === 'result' && msg.id === 1) resolve(msg.result);
        };
        ws.send(JSON.stringify({ t: 'invoke', id: 1, channel, payload }));
      });
      ws.close();
      return out;
    },
    { channel, payload },
  );
  if (!r.ok) throw new Error(`${channel}: ${r.error?.message}`);
  return r.value as T;
}

async function admin(sb: SandboxHandle, path: string, body: unknown): Promise<unknown> {
  const res = await fetch(`${sb.admin.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${sb.admin.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  if (!res.ok) throw new Error(`admin ${path}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A real backup in <work>/staging (Back Up Now's engine through the host), with the sandbox storage account. */
async function makeBackup(page: Page, sb: SandboxHandle, work: string): Promise<{ staging: string }> {
  const src = join(work, 'source');
  await mkdir(join(src, 'docs'), { recursive: true });
  // Packs are 64 MiB: ~72 MiB of incompressible data makes two packs, so the job spans two small disks.
  await writeFile(join(src, 'random-a.bin'), randomBytes(40 * 1024 * 1024));
  await writeFile(join(src, 'docs', 'random-b.bin'), randomBytes(32 * 1024 * 1024));
  await writeFile(join(src, 'docs', 'notes.txt'), 'disk prep e2e\n'.repeat(1000));
  const staging = join(work, 'staging');
  await mkdir(staging, { recursive: true });
  const { taskId } = await invoke<{ taskId: string }>(page, 'backup:start', {
    items: [src],
    staging,
    job: { name: JOB, subscriptionId: sb.subscriptionId, resourceGroup: 'backup-rg', storageAccount: 'obcseedv2', container: 'backups' },
    passphrase: PASSPHRASE,
  });
  await expect.poll(async () => (await invoke<{ status: string }>(page, 'task:get', { id: taskId })).status, { timeout: 60_000 }).toMatch(/succeeded/);
  return { staging };
}

test('prepare two rehearsal disks, ship, track, import in the sandbox datacenter, verify', async ({ consolePage: page, sandbox, work, shot }) => {
  test.setTimeout(300_000);
  await invoke(page, 'settings:set', { cloud: 'LocalSandbox' });
  const { staging } = await makeBackup(page, sandbox, work);
  const next = page.getByTestId('wizard-next');

  // 1. Staging location → the job found in it.
  await page.getByTestId('action-prepareDisks').click();
  await expect(page.getByTestId('disk-prep-screen')).toBeVisible();
  await page.getByTestId('dp-staging').fill(staging);
  await page.getByTestId('dp-find-jobs').click();
  await expect(page.getByTestId(`dp-job-${JOB}`)).toBeVisible();
  await page.getByTestId(`dp-job-${JOB}`).click();
  await expect(next).toBeEnabled();
  await shot('disk-prep-1-staging');
  await next.click();

  // 2. Disks: two rehearsal disks, each too small alone.
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'disks');
  for (const [serial, size] of [['E2EDISK1', '70M'], ['E2EDISK2', '24M']]) {
    await page.getByTestId('dp-add-rehearsal').click();
    await page.getByTestId('dp-rehearsal-serial').fill(serial);
    await page.getByTestId('dp-rehearsal-capacity').fill(size);
    await page.getByTestId('dp-rehearsal-create').click();
    await expect(page.getByTestId(`disk-row-${serial}`)).toHaveAttribute('data-selected', 'true');
    await expect(page.getByTestId(`disk-rehearsal-${serial}`)).toHaveText('Rehearsal disk');
    if (serial === 'E2EDISK1') await expect(page.getByTestId('dp-capacity-text')).toContainText('more needed');
  }
  await expect(page.getByTestId('dp-capacity-text')).toContainText('fits');
  await page.getByTestId('dp-passphrase').fill(PASSPHRASE);
  await expect(next).toBeEnabled();
  await shot('disk-prep-2-disks');
  await next.click();

  // 3. Erase confirmation names every disk; the job name must be typed.
  const dialog = page.getByTestId('dp-erase-dialog');
  await expect(dialog).toBeVisible();
  await expect(page.getByTestId('dp-erase-disk-E2EDISK1')).toContainText('70.0 MiB');
  await expect(page.getByTestId('dp-erase-disk-E2EDISK2')).toBeVisible();
  await expect(page.getByTestId('dp-erase-confirm')).toBeDisabled();
  await page.getByTestId('dp-erase-confirm-input').fill('wrong-name');
  await expect(page.getByTestId('dp-erase-confirm')).toBeDisabled();
  await page.getByTestId('dp-erase-confirm-input').fill(JOB);
  await shot('disk-prep-3-erase');
  await page.getByTestId('dp-erase-confirm').click();

  // 4. Sign in to the sandbox (the page opens the sign-in window).
  await expect(page.getByTestId('disk-prep-screen')).toHaveAttribute('data-step', 'signin');
  await expect(page.getByTestId('dp-auth-status')).toHaveAttribute('data-signed-in', 'false');
  await shot('disk-prep-4-signin');
  const popupP = page.context().waitForEvent('page');
  await page.getByTestId('dp-signin').click();
  const popup = await popupP;
  const signInUrl = await page.getByTestId('dp-signin-link').getAttribute('href');
  await completeSignInPage(popup, signInUrl ?? '', sandbox.users[0]);
  await expect(page.getByTestId('dp-auth-status')).toHaveAttribute('data-signed-in', 'true');
  await next.click();

  // 5. Copy → manifest → read-back on both disks.
  await expect(page.getByTestId('dp-copy')).toHaveAttribute('data-status', /succeeded/, { timeout: 120_000 });
  await expect(page.getByTestId('dp-disk-progress-E2EDISK1')).toHaveAttribute('data-phase', 'done');
  await expect(page.getByTestId('dp-disk-progress-E2EDISK2')).toHaveAttribute('data-phase', 'done');
  await shot('disk-prep-5-copy');
  await next.click();

  // 6. Shipping form: every field's bad value once, then good values.
  await expect(page.getByTestId('dp-target')).toContainText('obcseedv2');
  await expect(page.getByTestId('dp-create-job')).toBeDisabled();
  await page.getByTestId('dp-provider-register').click();
  await expect(page.getByTestId('dp-provider')).toBeHidden();
  const bad: Array<[string, string, RegExp]> = [
    ['contactName', '', /Contact name is required/],
    ['phone', 'call me', /must be a phone number/],
    ['email', 'not-an-email', /is not an email address/],
    ['streetAddress1', '', /Street address is required/],
    ['streetAddress2', 'x'.repeat(101), /too long/],
    ['city', '', /City is required/],
    ['stateOrProvince', '', /State or province is required/],
    ['postalCode', '#', /Postal code "#" must be/],
    ['carrierAccountNumber', '!!', /must be 4 to 40/],
  ];
  for (const [field, value, message] of bad) {
    await page.getByTestId(`ship-${field}`).fill(value);
    await page.getByTestId(`ship-${field}`).blur();
    await expect(page.getByTestId(`ship-${field}-error`)).toHaveText(message);
  }
  await page.getByTestId('dp-create-job').click();
  await expect(page.getByTestId('ship-countryOrRegion-error')).toHaveText(/Country or region is required/);
  await expect(page.getByTestId('ship-carrierName-error')).toHaveText(/Return carrier is required/);
  await shot('disk-prep-6-shipping-errors');
  const good: Record<string, string> = {
    contactName: 'Dana Admin',
    phone: '+1 425 555 0100',
    email: 'dana@contoso.example',
    streetAddress1: '1 Main Street',
    streetAddress2: 'Building 4',
    city: 'Redmond',
    stateOrProvince: 'WA',
    postalCode: '98052',
    carrierAccountNumber: '123456789',
  };
  for (const [field, value] of Object.entries(good)) await page.getByTestId(`ship-${field}`).fill(value);
  await page.getByTestId('ship-countryOrRegion').click();
  await page.getByRole('option', { name: 'United States' }).click();
  await page.getByTestId('ship-carrierName').click();
  await page.getByRole('option', { name: 'FedEx' }).click();
  await expect(page.locator('[data-testid$="-error"]')).toHaveCount(0);
  await shot('disk-prep-6-shipping');
  await page.getByTestId('dp-create-job').click();

  // 7. Result: disks, datacenter address, carriers, rules, keys hidden; printable summary without secrets.
  await expect(page.getByTestId('dp-result-job')).toHaveAttribute('data-state', 'Creating');
  await expect(page.getByTestId('dp-shipto')).toContainText('2045 Lafayette Street');
  await expect(page.getByTestId('dp-carriers')).toHaveText('FedEx, DHL');
  await expect(page.getByTestId('dp-rules')).toContainText('ONE package with ONE tracking number');
  await expect(page.getByTestId('dp-key-E2EDISK1')).toHaveText('••••••');
  await page.getByTestId('dp-show-keys').click();
  await expect(page.getByTestId('dp-keys-warning')).toBeVisible();
  await expect(page.getByTestId('dp-key-E2EDISK1')).toHaveText(/^\d{6}(-\d{6}){7}$/);
  const key = (await page.getByTestId('dp-key-E2EDISK1').textContent()) ?? '';
  const summary = await page.getByTestId('print-summary').innerHTML();
  expect(summary).toContain('2045 Lafayette Street');
  expect(summary).not.toContain(key);
  expect(summary).not.toContain('123456789');
  await shot('disk-prep-7-result');
  await page.emulateMedia({ media: 'print' });
  await shot('disk-prep-7-print');
  await page.emulateMedia({ media: 'screen' });

  // 8. Import Jobs: the job with its deadline; enter tracking (a bad value once).
  await page.getByTestId('dp-track-job').click();
  await expect(page.getByTestId('import-jobs-screen')).toBeVisible();
  await expect(page.getByTestId(`ij-row-${JOB}`)).toHaveAttribute('data-state', 'Creating');
  await expect(page.getByTestId(`ij-deadline-${JOB}`)).toHaveText(/14 days left/);
  await expect(page.getByTestId('ij-step-Creating')).toHaveAttribute('data-status', 'current');
  await expect(page.getByTestId('ij-action-delete')).toBeEnabled();
  await shot('import-jobs-1-created');
  await page.getByTestId('ij-action-tracking').click();
  await page.getByTestId('ij-track-number').fill('12');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-track-number-error')).toHaveText(/must be 5 to 40 letters and digits/);
  await page.getByTestId('ij-track-number').fill('7946 1234 5678');
  await shot('import-jobs-2-tracking');
  await page.getByTestId('ij-track-save').click();
  await expect(page.getByTestId('ij-tracking-dialog')).toBeHidden();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Shipping');
  await expect(page.getByTestId('ij-delivery')).toContainText('794612345678');
  await expect(page.getByTestId('ij-action-cancel')).toBeDisabled();
  await expect(page.getByTestId('ij-action-cancel-reason')).toContainText('only before the disks ship');
  await expect(page.getByTestId('ij-action-delete-reason')).toContainText('Shipping');

  // 9. The sandbox datacenter receives the disks, then imports them.
  const appInfo = await invoke<{ dataDir: string }>(page, 'app:info', {});
  const disks = ['E2EDISK1', 'E2EDISK2'].map((s) => ({ path: join(appInfo.dataDir, 'rehearsal-disks', s) }));
  await admin(sandbox, `/jobs/backup-rg/${JOB}/receive`, { disks });
  await page.getByTestId('ij-refresh').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Received');
  await expect(page.getByTestId('ij-notice-0')).toContainText(`changed from Shipping to Received`);
  await expect(page.getByTestId('ij-drive-E2EDISK1')).toHaveAttribute('data-state', 'Received');
  await admin(sandbox, `/jobs/backup-rg/${JOB}/transfer`, {});
  await page.getByTestId('ij-refresh').click();
  await expect(page.getByTestId('ij-details')).toHaveAttribute('data-state', 'Completed');
  await expect(page.getByTestId('ij-drive-E2EDISK1')).toHaveAttribute('data-percent', '100');
  await expect(page.getByTestId('ij-drive-copy-E2EDISK2')).toHaveAttribute('data-severity', 'ok');
  await expect(page.getByTestId('ij-step-Completed')).toHaveAttribute('data-status', 'done');
  await shot('import-jobs-3-completed');

  // 10. Verify imported data against the staging folder, then clean it up.
  await expect(page.getByTestId('ij-verify-staging')).toHaveValue(staging);
  await page.getByTestId('ij-verify-start').click();
  await expect(page.getByTestId('ij-verify-report')).toHaveAttribute('data-ok', 'true', { timeout: 60_000 });
  await shot('import-jobs-4-verified');
  await page.getByTestId('ij-cleanup-confirm').fill(JOB);
  await page.getByTestId('ij-cleanup').click();
  await expect(page.getByTestId('ij-cleanup-done')).toContainText(join(staging, JOB));
});
