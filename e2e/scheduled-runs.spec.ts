/**
 * Scheduled runs in the Jobs view (issues 16 and 18): a run done by `obc agent` while no console was open shows as
 * one Jobs row with MARS's wording and its details when the console opens, and stays removed once removed.
 */
import { spawn, execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { test, expect } from './fixtures.ts';
import { startConsoleHost } from './host.ts';

const repoRoot = resolve(import.meta.dirname, '..');
const cli = join(repoRoot, 'electron', 'cli', 'index.ts');
const WAITING =
  'Waiting for Azure Import Job to complete. Please check on Azure Management portal for more information on job status';

const obc = (dataDir: string, args: string[]) =>
  new Promise<string>((ok, fail) =>
    execFile(
      process.execPath,
      [cli, ...args],
      { cwd: repoRoot, env: { ...process.env, OBC_DATA_DIR: dataDir } },
      (err, stdout, stderr) => (err ? fail(new Error(`obc ${args.join(' ')}: ${stderr || err.message}`)) : ok(stdout)),
    ),
  );

/** Runs `obc agent` with its clock two seconds before 21:00 until it has recorded the run, then stops it (SIGTERM). */
async function agentRunsOnce(dataDir: string): Promise<void> {
  const child = spawn(process.execPath, [cli, 'agent', 'run', '--data', dataDir], {
    cwd: repoRoot,
    env: { ...process.env, OBC_TEST_HOOKS: '1', OBC_TEST_NOW: '2026-12-05T20:59:58Z' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', ok));
  const printed: string[] = [];
  await new Promise<void>((ok, fail) => {
    createInterface({ input: child.stdout! }).on('line', (l) => {
      printed.push(l);
      if (/run due 2026-12-05T21:00:00\.000Z: waitingForImport/.test(l)) ok();
    });
    void exited.then((code) =>
      fail(new Error(`obc agent exited (${code}) before recording the run:\n${printed.join('\n')}`)),
    );
  });
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
}

test('a run done by obc agent while the console was closed is one Jobs row with MARS’s words and its details', async ({
  page,
  shot,
}) => {
  const tmp = await mkdtemp(join(tmpdir(), 'obc-e2e-runs-'));
  const dataDir = join(tmp, 'data');
  const stagingLocation = join(tmp, 'staging');
  await mkdir(stagingLocation);
  const r = (times: string[]) => ({ enabled: false, count: 4, days: ['sunday'], times });
  const md = { by: 'week', daysOfMonth: ['last'], weeksOfMonth: ['last'], weekdays: ['sunday'], times: ['21:00'] };
  const policy = {
    items: [{ path: repoRoot, kind: 'folder' }],
    exclusions: {
      folders: [],
      patterns: [],
      fileTypes: [{ folder: join(repoRoot, 'node_modules'), pattern: '*.map', subfolders: true }],
    },
    schedule: { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' },
    retention: {
      daily: { enabled: true, count: 30 },
      weekly: r(['21:00']),
      monthly: { enabled: false, count: 12, ...md },
      yearly: { enabled: false, count: 10, ...md, months: ['december'] },
    },
    initialBackup: {
      type: 'ownDisks',
      ownDisk: {
        stagingLocation: stagingLocation,
        subscriptionId: '11111111-2222-3333-4444-555555555555',
        storageAccount: 'seedacct01',
        storageAccountResourceGroup: 'rg-seed',
        container: 'seed-data',
        importJobName: 'seed-e2e',
        jobResourceGroup: 'rg-seed',
      },
    },
  };
  await writeFile(join(tmp, 'policy.json'), JSON.stringify(policy));
  await writeFile(join(tmp, 'pass.txt'), 'an e2e passphrase of 32 characters');
  // The policy as an admin rolls it out (obc policy set); then the agent runs the due backup, no console open.
  expect(
    JSON.parse(
      await obc(dataDir, [
        'policy',
        'set',
        '--file',
        join(tmp, 'policy.json'),
        '--passphrase-file',
        join(tmp, 'pass.txt'),
        '--json',
      ]),
    ).type,
  ).toBe('result');
  await agentRunsOnce(dataDir);

  const host = await startConsoleHost({}, { dataDir });
  try {
    await page.goto(host.consoleUrl);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    const row = page.locator('[data-testid^="job-run-"][data-outcome="waitingForImport"]');
    await expect(row).toHaveCount(1);
    await expect(row.getByTestId('job-status')).toContainText('Completed with warnings');
    await expect(row.getByTestId('job-message')).toContainText(`${WAITING}. Import job "seed-e2e": Unknown (`);
    await row.getByTestId('job-run-details').locator('summary').click();
    await expect(row.getByTestId('job-run-details')).toContainText(/Run by\s*obc agent on /);
    await expect(row.getByTestId('job-run-details')).toContainText(/Import job\s*seed-e2e/);
    await expect(page.getByTestId('agent-last')).toContainText(WAITING);
    await expect(page.getByTestId('agent-running')).toContainText('Not running');
    await shot('jobs-scheduled-run');
    // Removed from the list: it stays removed after a reload (the history keeps it).
    await row.getByTestId('job-run-dismiss').click();
    await expect(row).toHaveCount(0);
    await page.reload();
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'connected');
    await expect(page.getByTestId('jobs-view')).toBeVisible();
    await expect(page.locator('[data-testid^="job-run-"]')).toHaveCount(0);
  } finally {
    await host.stop();
    await rm(tmp, { recursive: true, force: true });
  }
});
