/**
 * `obc agent`: the scheduler without the console (run), installed as a service of the operating system so it runs
 * whether or not a user is logged on (install / remove), and what it is doing (status).
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors.ts';
import { formatRun } from '../../../shared/schedule.ts';
import { agentCommand, hostAgentEnv } from '../../services/policies/agent/command.ts';
import {
  agentInstallation,
  installAgent,
  removeAgent,
  type AgentReport,
} from '../../services/policies/agent/installer.ts';
import { AGENT_LABEL, runAgent } from '../../services/policies/agent/run-agent.ts';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { PolicyService } from '../../services/policies/index.ts';
import { systemClock, type Clock } from '../../services/policies/scheduler.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { EXIT, jsonLine, printError } from '../output.ts';

const dataDirOf = (o: { data?: string }) => (o.data ? resolve(o.data) : resolveDataDir());

/** Tests only (OBC_TEST_HOOKS=1): OBC_TEST_NOW starts the agent's clock at that instant; it then runs at real speed. */
function testClock(): Clock {
  const at = process.env.OBC_TEST_HOOKS === '1' ? process.env.OBC_TEST_NOW : undefined;
  if (!at) return systemClock;
  const offset = Date.parse(at) - Date.now();
  if (!Number.isFinite(offset)) throw new AppError('VALIDATION', `OBC_TEST_NOW "${at}" is not an instant.`);
  return { ...systemClock, now: () => Date.now() + offset };
}

async function guarded(json: boolean, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
    process.exitCode ??= EXIT.ok;
  } catch (err) {
    printError(err, json);
    const code = (err as AppError).code;
    process.exitCode = code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
  }
}

function printReport(r: AgentReport, json: boolean, extra: Record<string, unknown> = {}): void {
  if (json) return jsonLine({ type: 'result', result: { ...r, ...extra } });
  for (const d of r.done) process.stdout.write(`${d}\n`);
  for (const m of r.adminMust) process.stdout.write(`To do: ${m}\n`);
}

export function register(program: Command): void {
  const agent = program
    .command('agent')
    .description(
      'run scheduled backups without the console, as a service of this machine (run, install, remove, status)',
    );

  agent
    .command('run', { isDefault: true })
    .description(
      'run the scheduler until stopped (SIGTERM or Ctrl+C); one scheduler per data folder, shared with the consoles',
    )
    .option('--data <dir>', 'data folder (default: OBC_DATA_DIR or ~/.offline-backup-console)')
    .action((o: { data?: string }) =>
      guarded(false, async () => {
        const stop = new AbortController();
        const onSignal = (sig: NodeJS.Signals) => {
          if (stop.signal.aborted) {
            process.stderr.write(`${AGENT_LABEL}: ${sig} again, exiting at once\n`);
            process.exit(EXIT.failure);
          }
          stop.abort(sig);
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
        try {
          await runAgent({
            dataDir: dataDirOf(o),
            clock: testClock(),
            say: (line) => process.stdout.write(`${line}\n`),
            stop: stop.signal,
          });
        } finally {
          process.off('SIGTERM', onSignal);
          process.off('SIGINT', onSignal);
        }
      }),
    );

  agent
    .command('install')
    .description(
      'install the agent to start at boot, whether or not a user is logged on (Windows: a scheduled task; Linux: a systemd unit)',
    )
    .option('--data <dir>', 'data folder the agent uses (default: OBC_DATA_DIR or ~/.offline-backup-console)')
    .option('--system', 'Linux: a system unit in /etc/systemd/system (needs root; default as root)')
    .option('--user', 'Linux: a user unit in ~/.config/systemd/user (default without root)')
    .option('--unit-dir <dir>', 'Linux: only write the unit into this folder (nothing is started)')
    .option('--json', 'machine-readable output')
    .action((o: { data?: string; system?: boolean; user?: boolean; unitDir?: string; json?: boolean }) =>
      guarded(!!o.json, async () => {
        if (o.system && o.user) throw new AppError('VALIDATION', 'Choose --system or --user, not both.');
        const command = agentCommand(dataDirOf(o));
        const report = await installAgent(
          {
            command,
            ...(o.system ? { scope: 'system' as const } : o.user ? { scope: 'user' as const } : {}),
            ...(o.unitDir ? { unitDir: resolve(o.unitDir) } : {}),
          },
          hostAgentEnv(),
        );
        printReport(report, !!o.json, { command });
      }),
    );

  agent
    .command('remove')
    .description('stop the agent and remove its scheduled task or systemd unit')
    .option('--unit-dir <dir>', 'Linux: remove the unit written there by install --unit-dir')
    .option('--json', 'machine-readable output')
    .action((o: { unitDir?: string; json?: boolean }) =>
      guarded(!!o.json, async () =>
        printReport(
          await removeAgent({ ...(o.unitDir ? { unitDir: resolve(o.unitDir) } : {}) }, hostAgentEnv()),
          !!o.json,
        ),
      ),
    );

  agent
    .command('status')
    .description('is the agent installed and running, its next and last runs')
    .option('--data <dir>', 'data folder (default: OBC_DATA_DIR or ~/.offline-backup-console)')
    .option('--unit-dir <dir>', 'Linux: look for the unit written there by install --unit-dir')
    .option('--json', 'machine-readable output')
    .action((o: { data?: string; unitDir?: string; json?: boolean }) =>
      guarded(!!o.json, async () => {
        const dataDir = dataDirOf(o);
        const installation = await agentInstallation(
          { ...(o.unitDir ? { unitDir: resolve(o.unitDir) } : {}) },
          hostAgentEnv(),
        );
        const svc = new PolicyService({
          dataDir,
          protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
          tasks: new TaskManager(),
        });
        await svc.store.load();
        await svc.lease?.peek();
        const view = svc.view();
        const running = svc.lease?.holderLabel === AGENT_LABEL;
        const lastRun = view.policy?.lastRuns.find((r) => r.ranBy?.startsWith(`${AGENT_LABEL} `)) ?? null;
        const nextRun = view.policy?.state === 'active' ? (view.nextRuns[0] ?? null) : null;
        if (o.json)
          return jsonLine({
            type: 'result',
            result: { installation, running, runningAs: running ? view.scheduler?.owner : null, nextRun, lastRun },
          });
        const tz = view.policy?.schedule.timeZone ?? 'UTC';
        const lines = [
          `Installed: ${installation.installed ? `yes (${installation.where}${installation.managerState ? `, ${installation.managerState}` : ''})` : 'no'}`,
          ...(installation.note ? [`Note: ${installation.note}`] : []),
          `Running: ${running ? `yes (${view.scheduler?.owner})` : view.scheduler?.owner ? `no; the schedules run in ${view.scheduler.owner}` : 'no'}`,
          `Next run: ${nextRun ? formatRun(Date.parse(nextRun), tz) : view.policy ? `none (policy ${view.policy.state})` : 'none (no backup policy)'}`,
          `Last run by the agent: ${lastRun ? `${lastRun.at}: ${lastRun.outcome} — ${lastRun.message}` : 'none'}`,
        ];
        process.stdout.write(lines.join('\n') + '\n');
      }),
    );
}
