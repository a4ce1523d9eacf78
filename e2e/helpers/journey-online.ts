import { execFile, spawn } from 'node:child_process';
import { appendFile, cp, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { startConsoleHost, type ConsoleHost } from '../host.ts';
import { expectSameTree } from './files.ts';
import { JOURNEY, type Journey, type JourneyPaths } from './journey-setup.ts';

/**
 * The journey after the import (issue 16): the source changes, `obc agent` runs the due backups on the console's data
 * dir (its clock set just before each due instant through the test hook OBC_TEST_NOW) — restore points uploaded to
 * the container — the Jobs view shows them with scanned/new/uploaded bytes, the policy's retention (daily × 2)
 * removes the oldest online point at the third run, and Recover Data restores an older point byte for byte against
 * a copy of the source taken at that run. The console holds the data dir's scheduler lease while it runs, so it is
 * stopped for the agent's runs and started again on the same data dir (as an admin closing the console would).
 */

const repoRoot = resolve(import.meta.dirname, '..', '..');
const cli = join(repoRoot, 'electron', 'cli', 'index.ts');

export interface ConsoleHosts {
  /** The console running now (null while the agent runs). */
  current: ConsoleHost | null;
  dataDir: string;
  env: Record<string, string>;
}

interface RunView {
  id?: string;
  at: string;
  outcome: string;
  message: string;
  details?: Record<string, string | number | boolean>;
}
interface PolicyShow {
  policy: ({ lastRuns?: RunView[] } & Record<string, unknown>) | null;
  nextRuns: string[];
}

const obc = (h: ConsoleHosts, args: string[]) =>
  new Promise<string>((ok, fail) =>
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repoRoot, env: { ...process.env, ...h.env, OBC_DATA_DIR: h.dataDir } },
      (err, stdout, stderr) => (err ? fail(new Error(`obc ${args.join(' ')}: ${stderr || err.message}`)) : ok(stdout)),
    ),
  );

const policyShow = async (h: ConsoleHosts): Promise<PolicyShow> =>
  JSON.parse(await obc(h, ['policy', 'show', '--json'])).result as PolicyShow;

/** `obc agent run` with its clock two seconds before `due` until it has recorded that run's outcome; then SIGTERM. */
async function agentRuns(h: ConsoleHosts, due: string): Promise<RunView> {
  const child = spawn(process.execPath, [cli, 'agent', 'run', '--data', h.dataDir], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...h.env,
      OBC_TEST_HOOKS: '1',
      OBC_TEST_NOW: new Date(Date.parse(due) - 2000).toISOString(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', ok));
  const printed: string[] = [];
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += String(d)));
  const line = new RegExp(`run due ${due.replace(/[.]/g, '\\.')}: (?!running)`);
  await new Promise<void>((ok, fail) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      printed.push(l);
      if (line.test(l)) ok();
    });
    void exited.then((code) =>
      fail(
        new Error(
          `obc agent exited (${code}) before recording the run due ${due}:\n${printed.join('\n')}\n${stderr.slice(-2000)}`,
        ),
      ),
    );
  });
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  const run = (await policyShow(h)).policy?.lastRuns?.find((r) => r.at === due);
  expect(run, printed.join('\n')).toBeDefined();
  expect(run!.outcome, `${run!.message}\n${printed.join('\n')}`).toBe('succeeded');
  return run!;
}

async function stopConsole(h: ConsoleHosts): Promise<void> {
  await h.current?.stop();
  h.current = null;
}

async function startConsole(j: Journey, h: ConsoleHosts): Promise<void> {
  h.current = await startConsoleHost(h.env, { dataDir: h.dataDir });
  await j.page.goto(h.current.consoleUrl);
  await expect(j.page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
}

/** A copy of the source as it is now, to compare a restore of this run's point with. */
async function keepCopy(p: JourneyPaths, name: string): Promise<string> {
  const to = join(p.stagingLocation, '..', `snapshot-${name}`);
  await cp(p.source, to, { recursive: true });
  return to;
}

/** The Jobs row of one run: succeeded, its point and byte figures in the details. */
async function expectRunRow(j: Journey, run: RunView): Promise<void> {
  const row = j.page.getByTestId(`job-run-${run.id}`);
  await expect(row).toHaveAttribute('data-outcome', 'succeeded');
  await expect(row.getByTestId('job-message')).toContainText(`Restore point ${run.details!.restorePoint}`);
  const details = row.getByTestId('job-run-details');
  await details.locator('summary').click();
  for (const fact of ['Restore point', 'Bytes scanned', 'New bytes', 'Uploaded bytes'])
    await expect(details).toContainText(fact);
  await expect(details).toContainText(/Run by\s*obc agent on /);
}

/** Three due runs by the agent with changes between them; retention removes the first; the second is restored. */
export async function onlineRuns(j: Journey, p: JourneyPaths, h: ConsoleHosts): Promise<void> {
  const { page } = j;
  await stopConsole(h);
  // Retention: two daily points (the seed is kept by its own Retain Backup Till).
  const shown = await policyShow(h);
  const policy = shown.policy as Record<string, unknown> & {
    retention: { daily: { enabled: boolean; count: number } };
  };
  policy.retention.daily = { ...policy.retention.daily, enabled: true, count: 2 };
  const file = join(p.stagingLocation, '..', 'policy.json');
  await writeFile(file, JSON.stringify(policy));
  await obc(h, ['policy', 'set', '--file', file, '--json']);
  const due = (await policyShow(h)).nextRuns.slice(0, 3);
  expect(due).toHaveLength(3);

  // Run 1: add, modify, delete.
  await writeFile(join(p.source, 'docs', 'added-1.bin'), randomBytes(1024 * 1024 + 7));
  await appendFile(join(p.source, 'docs', 'notes.txt'), 'changed after the import\n');
  await rm(join(p.source, 'docs', 'deep', 'leaf.bin'));
  const run1 = await test.step('obc agent: first online run', () => agentRuns(h, due[0]));
  // Run 2: add again, modify in place, delete a big file.
  await writeFile(join(p.source, 'added-2.txt'), 'second run\n'.repeat(500));
  await writeFile(join(p.source, 'Ünïcødé — 日本語', 'naïve café 🎉.txt'), 'changed before the second run\n');
  await rm(join(p.source, 'docs', 'random-b.bin'));
  const copy2 = await keepCopy(p, 'run2');
  const run2 = await test.step('obc agent: second online run', () => agentRuns(h, due[1]));
  for (const r of [run1, run2]) {
    expect(Number(r.details!.newBytes)).toBeGreaterThan(0);
    expect(Number(r.details!.uploadedBytes)).toBeGreaterThan(0);
    expect(Number(r.details!.bytesScanned)).toBeGreaterThan(40 * 1024 * 1024);
  }

  await startConsole(j, h);
  await expect(page.getByTestId('jobs-view')).toBeVisible();
  await expectRunRow(j, run1);
  await expectRunRow(j, run2);
  await j.shot('jobs-online-runs');

  // Run 3 (one more change): retention keeps two daily points, so the first online point goes.
  await stopConsole(h);
  await writeFile(join(p.source, 'added-3.txt'), 'third run\n');
  const run3 = await test.step('obc agent: third online run, retention prunes', () => agentRuns(h, due[2]));
  expect(run3.details!.pointsPruned).toBe(1);

  await startConsole(j, h);
  await expectRunRow(j, run3);
  await expect(page.getByTestId(`job-run-${run3.id}`).getByTestId('job-run-details')).toContainText(
    'Restore points removed by retention',
  );
  await j.shot('jobs-retention');
  await recoverPoint(j, p, String(run2.details!.restorePoint), [String(run1.details!.restorePoint)], copy2);
}

/** Recover Data from the container: the pruned point is not listed; the chosen older point restores byte for byte. */
async function recoverPoint(j: Journey, p: JourneyPaths, point: string, pruned: string[], want: string): Promise<void> {
  const { page, sandbox } = j;
  const next = page.getByTestId('wizard-next');
  await page.getByTestId('action-recoverData').click();
  await page.getByTestId('rec-source-blob').click();
  await page.getByTestId('rec-subscription').fill(sandbox.subscriptionId);
  await page.getByTestId('rec-storage-account').fill(JOURNEY.storageAccount);
  await page.getByTestId('rec-container').fill(JOURNEY.container);
  await page.getByTestId('rec-staging').fill('');
  await next.click();
  await page.getByTestId('rec-job-name').fill(JOURNEY.job);
  await next.click();
  await expect(page.getByTestId('rec-tree')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('rec-points').getByRole('radio')).toHaveCount(3); // the seed, run 2, run 3
  for (const id of pruned) await expect(page.getByTestId(`rec-point-${id}`)).toHaveCount(0);
  // The id is on the radio input itself.
  await page.getByTestId(`rec-point-${point}`).check();
  await expect(page.getByTestId(`rec-point-${point}`)).toBeChecked();
  const catalogSource = p.source.replace(/^\/+/, '');
  const parts = catalogSource.split('/');
  await expect(page.getByTestId('rec-tree')).toBeVisible({ timeout: 60_000 });
  for (let i = 1; i < parts.length; i++) await page.getByTestId(`rec-expand-${parts.slice(0, i).join('/')}`).click();
  await page.getByTestId(`rec-check-${catalogSource}`).click();
  await page.getByTestId(`rec-expand-${catalogSource}`).click();
  await expect(page.getByTestId(`rec-row-${catalogSource}/added-2.txt`)).toBeVisible();
  await expect(page.getByTestId(`rec-row-${catalogSource}/added-3.txt`)).toHaveCount(0);
  await j.shot('recover-older-point');
  await next.click();
  const to = join(p.restore, '..', 'restore-run2');
  await page.getByTestId('rec-destination').fill(to);
  await page.getByTestId('rec-conflict-skip').click();
  await page.getByTestId('rec-start').click();
  await expect(page.getByTestId('rec-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  await j.shot('recover-older-point-done');
  await expectSameTree(want, join(to, catalogSource));
}

/**
 * Back Up Now in the console after the import (issue 16): the wizard says the seed is imported and makes an
 * incremental restore point through the scheduler's online run (progress with scanned/new/uploaded bytes), the run
 * is a Jobs row naming Back Up Now, and Recover Data lists the new point beside the others.
 */
export async function backUpNowOnline(j: Journey, p: JourneyPaths): Promise<void> {
  const { page, sandbox } = j;
  const next = page.getByTestId('wizard-next');
  await next.click(); // closes the finished Recover Data wizard
  await expect(page.getByTestId('rec-wizard')).toBeHidden();
  await writeFile(join(p.source, 'added-by-back-up-now.txt'), 'Back Up Now after the seed\n'.repeat(200));
  await page.getByTestId('action-backUpNow').click();
  await expect(page.getByTestId('bun-target-note')).toHaveAttribute('data-target', 'online');
  await expect(page.getByTestId('bun-target-note')).toContainText(`import job "${JOURNEY.job}": Completed`);
  await expect(page.getByTestId('bun-online-items')).toContainText(p.source);
  await j.shot('backup-now-online-items');
  await next.click();
  await expect(page.getByTestId('bun-retain')).toBeVisible();
  await next.click();
  await expect(page.getByTestId('bun-passphrase-note')).toHaveAttribute('data-existing', 'online');
  await next.click();
  await expect(page.getByTestId('bun-online-container')).toHaveText(
    `${JOURNEY.storageAccount}/${JOURNEY.container}/${JOURNEY.job}/`,
  );
  await j.shot('backup-now-online-confirm');
  await page.getByTestId('bun-start').click();
  await expect(page.getByTestId('bun-online-progress')).toBeVisible();
  await expect(page.getByTestId('bun-status')).toHaveAttribute('data-status', 'succeeded', { timeout: 120_000 });
  const result = page.getByTestId('bun-online-result');
  await expect(result).toContainText('Restore point created');
  const point = /(\d{8}T\d{6}Z-[0-9a-z]+)/i.exec((await result.textContent()) ?? '')?.[1];
  expect(point, (await result.textContent()) ?? '').toBeTruthy();
  await expect(page.getByTestId('bun-online-counter-bytesScanned')).not.toHaveText('—');
  await expect(page.getByTestId('bun-online-counter-uploadedBytes')).not.toHaveText('—');
  await j.shot('backup-now-online-done');
  await next.click(); // Close
  await expect(page.getByTestId('bun-wizard')).toBeHidden();

  // Its Jobs row: recorded like a scheduled run, named Back Up Now.
  const row = page.locator('[data-testid^="job-run-"]').filter({ hasText: `Restore point ${point}` });
  await expect(row).toHaveAttribute('data-outcome', 'succeeded');
  await expect(row.getByTestId('job-description')).toContainText('Back Up Now (online restore point)');

  // Recover Data lists the new point (opened from the container with a fresh session of the wizard).
  await page.getByTestId('action-recoverData').click();
  await page.getByTestId('rec-source-blob').click();
  await page.getByTestId('rec-subscription').fill(sandbox.subscriptionId);
  await page.getByTestId('rec-storage-account').fill(JOURNEY.storageAccount);
  await page.getByTestId('rec-container').fill(JOURNEY.container);
  await page.getByTestId('rec-staging').fill('');
  await next.click();
  await page.getByTestId('rec-job-name').fill(JOURNEY.job);
  await next.click();
  await expect(page.getByTestId('rec-tree')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId(`rec-point-${point}`)).toBeVisible();
  await j.shot('recover-lists-back-up-now-point');
}
