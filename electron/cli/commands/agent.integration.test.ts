import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { PolicyService, WAITING_FOR_IMPORT } from '../../services/policies/index.ts';
import { samplePolicy } from '../../services/policies/test-policies.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { tempDir } from '../../services/test-temp.ts';

const cli = resolve(import.meta.dirname, '..', 'index.ts');
const obc = (dataDir: string, args: string[]) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((ok) =>
    execFile(
      process.execPath,
      [cli, ...args],
      { env: { ...process.env, OBC_DATA_DIR: dataDir } },
      (err, stdout, stderr) => ok({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    ),
  );

const started: Array<{ kill: (s: NodeJS.Signals) => boolean; exitCode: number | null }> = [];
afterEach(() => {
  for (const c of started.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
});

/**
 * `obc agent run` as a child process whose clock starts at `now` (the agent also judges the lease's freshness by that
 * clock, so tests that share a data folder with a real-time console leave it out); lines come out as printed.
 */
function startAgent(dataDir: string, now?: string) {
  const child = spawn(process.execPath, [cli, 'agent', 'run', '--data', dataDir], {
    env: { ...process.env, OBC_TEST_HOOKS: '1', ...(now ? { OBC_TEST_NOW: now } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; ok: (l: string) => void }> = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  createInterface({ input: child.stdout }).on('line', (l) => {
    lines.push(l);
    for (const w of waiters.splice(0))
      if (w.re.test(l)) w.ok(l);
      else waiters.push(w);
  });
  const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
  return {
    lines,
    exited,
    stderr: () => stderr,
    /** Resolves with the first line (already printed or to come) matching `re`; fails if the agent exits first. */
    line: (re: RegExp) =>
      new Promise<string>((ok, fail) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return ok(seen);
        waiters.push({ re, ok });
        void exited.then((code) =>
          fail(
            new Error(`obc agent exited (${code}) before printing ${re}; it printed:\n${lines.join('\n')}\n${stderr}`),
          ),
        );
      }),
    stop: (sig: NodeJS.Signals) => child.kill(sig),
  };
}

async function policyDueAt21(dataDir: string) {
  const staging = await tempDir('obc-agent-stage-');
  const svc = new PolicyService({
    dataDir,
    protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
    tasks: new TaskManager(),
    lease: false,
  });
  await svc.store.load();
  await svc.save(samplePolicy({}, staging), 'a passphrase of 24 chars');
  svc.close();
}

describe('obc agent (child process, its clock started just before a due run)', () => {
  it('runs the due backup with the console closed, records it, shows it, and stops cleanly on SIGTERM', async () => {
    const dataDir = await tempDir('obc-agent-');
    await policyDueAt21(dataDir);
    const agent = startAgent(dataDir, '2026-12-05T20:59:58Z');
    await agent.line(/obc agent: started on data folder /);
    await agent.line(/obc agent: holds the scheduler lease: scheduled backups run here$/);
    await agent.line(/obc agent: next run: Sat, 5 Dec 2026, 21:00 \(UTC\)$/);
    // Nobody is signed in to Azure: the seed's job cannot be read, and the run says so in MARS's words.
    const ran = await agent.line(/run due 2026-12-05T21:00:00\.000Z: waitingForImport — /);
    expect(ran).toContain(`${WAITING_FOR_IMPORT}. Import job "seed-2026": Unknown (`);
    await agent.line(/next run: Sun, 6 Dec 2026, 21:00 \(UTC\)$/);
    agent.stop('SIGTERM');
    expect(await agent.exited).toBe(0);
    expect(agent.lines.slice(-2)).toEqual([
      expect.stringMatching(
        /obc agent: stopping \(SIGTERM\): cancelling a run in progress and releasing the scheduler lease$/,
      ),
      expect.stringMatching(/obc agent: stopped$/),
    ]);
    expect(existsSync(join(dataDir, 'scheduler-lease.json'))).toBe(false);

    // Recorded in policies.json (what a console opened later shows), with who ran it.
    const file = JSON.parse(await readFile(join(dataDir, 'policies.json'), 'utf8'));
    expect(file.policy.lastRuns).toHaveLength(1);
    expect(file.policy.lastRuns[0]).toMatchObject({
      at: '2026-12-05T21:00:00.000Z',
      outcome: 'waitingForImport',
      ranBy: `obc agent on ${hostname()} (pid ${file.policy.lastRuns[0].ranBy.match(/pid (\d+)/)[1]})`,
      details: { importJob: 'seed-2026' },
    });
    // Shown by the command line.
    const status = await obc(dataDir, ['agent', 'status']);
    expect(status.stdout).toMatch(
      /^Installed: no\nRunning: no\nNext run: .*\nLast run by the agent: 2026-12-05T21:00:00\.000Z: waitingForImport — Waiting for Azure Import Job to complete\./,
    );
    expect((await obc(dataDir, ['policy', 'show'])).stdout).toMatch(
      /\nRun 2026-12-05T21:00:00\.000Z: waitingForImport — Waiting for Azure Import Job .* \(obc agent on /,
    );
    // And in the activity log.
    const logs = await readdir(join(dataDir, 'logs'));
    const log = (await Promise.all(logs.map((f) => readFile(join(dataDir, 'logs', f), 'utf8')))).join('');
    for (const event of ['agent:started', 'agent:lease', 'agent:run', 'agent:stopped'])
      expect(log).toContain(`"event":"${event}"`);
  }, 60_000);

  it('waits while a console holds the data folder’s scheduler lease, and stops on SIGINT', async () => {
    const dataDir = await tempDir('obc-agent-');
    await policyDueAt21(dataDir);
    const console_ = new PolicyService({
      dataDir,
      protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
      tasks: new TaskManager(),
    });
    await console_.load();
    try {
      const agent = startAgent(dataDir);
      await agent.line(
        new RegExp(
          `waiting: scheduled backups run in browser mode on ${hostname()} \\(pid ${process.pid}\\); this agent takes over when it stops$`,
        ),
      );
      agent.stop('SIGINT');
      expect(await agent.exited).toBe(0);
      expect(agent.lines.at(-1)).toMatch(/obc agent: stopped$/);
    } finally {
      console_.close();
    }
  }, 60_000);

  it('install --unit-dir writes the unit for this installation; status sees it; remove removes it', async () => {
    const dataDir = await tempDir('obc-agent-');
    const unitDir = await tempDir('obc-agent-units-');
    const inst = await obc(dataDir, ['agent', 'install', '--user', '--unit-dir', unitDir]);
    expect(inst.code).toBe(0);
    const unit = await readFile(join(unitDir, 'obc-agent.service'), 'utf8');
    expect(unit).toContain(`\nExecStart="${process.execPath}" "${cli}" "agent" "run" "--data" "${dataDir}"\n`);
    expect(inst.stdout).toBe(
      `Wrote the user unit ${join(unitDir, 'obc-agent.service')}.\nTo do: ${unitDir} is not where systemd reads units: copy obc-agent.service to ${join(process.env.HOME ?? '', '.config', 'systemd', 'user')}, then run "systemctl --user daemon-reload && systemctl --user enable --now obc-agent.service".\n`,
    );
    expect((await obc(dataDir, ['agent', 'status', '--unit-dir', unitDir])).stdout).toMatch(
      new RegExp(`^Installed: yes \\(${join(unitDir, 'obc-agent.service')}\\)\\n`),
    );
    expect((await obc(dataDir, ['agent', 'remove', '--unit-dir', unitDir])).stdout).toBe(
      `Removed ${join(unitDir, 'obc-agent.service')}.\n`,
    );
    expect(await obc(dataDir, ['agent', 'install', '--user', '--system'])).toMatchObject({
      code: 2,
      stderr: 'error: Choose --system or --user, not both.\n',
    });
  }, 60_000);
});
