/**
 * Installs, removes and inspects `obc agent` as a service of the operating system: a systemd unit on Linux, a
 * scheduled task on Windows (texts from unit-text.ts). Everything the machine is asked to do goes through `env`,
 * so tests run it against a fake; each report says exactly what was done and what the admin still has to run.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import { powershellArgs } from '../../powershell.ts';
import { writeFileAtomic } from '../../store/atomic.ts';
import {
  AGENT_TASK_NAME,
  AGENT_TASK_PATH,
  AGENT_UNIT,
  systemdUnit,
  windowsInstallScript,
  windowsRemoveScript,
  windowsStatusScript,
  type AgentCommand,
} from './unit-text.ts';

export interface ExecResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The machine, as the installer sees it. */
export interface AgentEnv {
  platform: NodeJS.Platform;
  /** Runs a program; a missing program resolves with code 127 (never throws). */
  exec(file: string, args: string[]): Promise<ExecResult>;
  isRoot: boolean;
  /** The account the agent should run as (the invoking user; SUDO_USER under sudo). */
  user: string;
  home: string;
  /** systemd is the running init (/run/systemd/system exists). */
  systemdRunning: boolean;
  /** Windows: DOMAIN\user for the scheduled task. */
  windowsUserId?: string;
}

export interface InstallOptions {
  command: AgentCommand;
  /** Linux: 'user' (default without root) or 'system' (default as root). */
  scope?: 'user' | 'system';
  /** Linux: write the unit here instead of where systemd reads units (the admin installs it); nothing is started. */
  unitDir?: string;
}

export interface AgentReport {
  /** What was done, one sentence each. */
  done: string[];
  /** What the admin still has to do (commands to run), one sentence each. */
  adminMust: string[];
}

export interface AgentInstallation {
  installed: boolean;
  /** Where: the unit file or the task's path. */
  where: string | null;
  /** The service manager's view: "active", "inactive", "Running", "Ready"…; null when it could not be asked. */
  managerState: string | null;
  note?: string;
}

const SYSTEM_DIR = '/etc/systemd/system';
const userDir = (env: AgentEnv) => join(env.home, '.config', 'systemd', 'user');
const systemctl = (scope: 'user' | 'system', ...args: string[]) => (scope === 'user' ? ['--user', ...args] : args);
const show = (args: string[]) => `systemctl ${args.join(' ')}`;

function unsupported(env: AgentEnv): AppError {
  return new AppError(
    'UNSUPPORTED',
    `Installing the agent as a service is done on Windows (a scheduled task) and Linux (a systemd unit); on ${env.platform} start "obc agent run" with the system's own service manager.`,
  );
}

async function powershell(env: AgentEnv, script: string, what: string): Promise<string> {
  const r = await env.exec('powershell.exe', powershellArgs(script));
  if (r.code !== 0) {
    const why = r.stderr.trim() || r.stdout.trim() || `exit code ${r.code}`;
    const hint = /access is denied|0x80070005/i.test(why) ? ' Run it from an elevated (Administrator) prompt.' : '';
    throw new AppError(
      /access is denied|0x80070005/i.test(why) ? 'PERMISSION_DENIED' : 'IO',
      `${what} failed: ${why}.${hint}`,
    );
  }
  return r.stdout.trim();
}

async function runSystemctl(
  env: AgentEnv,
  scope: 'user' | 'system',
  args: string[],
  report: AgentReport,
  file: string,
): Promise<void> {
  const full = systemctl(scope, ...args);
  const r = await env.exec('systemctl', full);
  if (r.code !== 0)
    throw new AppError(
      'IO',
      `${report.done.join(' ')} Then "${show(full)}" failed: ${r.stderr.trim() || `exit code ${r.code}`}. The unit file ${file} stays; fix the cause and run "${show(full)}", or "obc agent remove".`,
    );
  report.done.push(`Ran "${show(full)}".`);
}

export async function installAgent(o: InstallOptions, env: AgentEnv): Promise<AgentReport> {
  const report: AgentReport = { done: [], adminMust: [] };
  if (env.platform === 'win32') {
    const userId = env.windowsUserId ?? env.user;
    await powershell(
      env,
      windowsInstallScript({ command: o.command, userId, workingDirectory: env.home }),
      'Registering the scheduled task',
    );
    report.done.push(
      `Registered the scheduled task "${AGENT_TASK_PATH}${AGENT_TASK_NAME}": it starts at boot as ${userId}, whether or not the user is logged on, and restarts when it stops. Started it.`,
    );
    report.adminMust.push(
      'The task runs without a stored password (S4U): it cannot reach network shares with your credentials; keep the staging location on a local disk for scheduled runs.',
    );
    return report;
  }
  if (env.platform !== 'linux') throw unsupported(env);
  const scope = o.scope ?? (env.isRoot ? 'system' : 'user');
  if (scope === 'system' && !env.isRoot && !o.unitDir)
    throw new AppError(
      'PERMISSION_DENIED',
      `A system unit goes to ${SYSTEM_DIR}, which needs root: run the same command as root (sudo … agent install --system --data <data folder>), or leave out --system to install a user unit.`,
    );
  const dir = o.unitDir ?? (scope === 'system' ? SYSTEM_DIR : userDir(env));
  const file = join(dir, AGENT_UNIT);
  const text = systemdUnit({ command: o.command, scope, user: env.user });
  const before = await readFile(file, 'utf8').catch(() => null);
  if (before === text) report.done.push(`${file} is already up to date.`);
  else {
    await mkdir(dir, { recursive: true });
    await writeFileAtomic(file, text, 0o644);
    report.done.push(`${before === null ? 'Wrote' : 'Replaced'} the ${scope} unit ${file}.`);
  }
  const enable =
    show(systemctl(scope, 'daemon-reload')) + ' && ' + show(systemctl(scope, 'enable', '--now', AGENT_UNIT));
  if (o.unitDir) {
    report.adminMust.push(
      `${dir} is not where systemd reads units: copy ${AGENT_UNIT} to ${scope === 'system' ? SYSTEM_DIR : userDir(env)}, then run "${enable}".`,
    );
    return report;
  }
  if (!env.systemdRunning) {
    report.adminMust.push(
      `systemd is not running on this machine (no /run/systemd/system), so nothing was started. Start the agent with your init system: ${[o.command.exec, ...o.command.args].join(' ')}`,
    );
    return report;
  }
  await runSystemctl(env, scope, ['daemon-reload'], report, file);
  await runSystemctl(env, scope, ['enable', '--now', AGENT_UNIT], report, file);
  if (scope === 'user') {
    const linger = await env.exec('loginctl', ['show-user', env.user, '--property=Linger', '--value']);
    if (linger.code !== 0 || linger.stdout.trim() !== 'yes')
      report.adminMust.push(
        `A user unit runs only while ${env.user} has a session. To run scheduled backups while nobody is logged on, run as root: loginctl enable-linger ${env.user}`,
      );
  }
  return report;
}

/** The unit files of the agent that exist (user and system). */
function unitFiles(
  env: AgentEnv,
  unitDir?: string,
): Array<{ file: string; scope: 'user' | 'system'; custom: boolean }> {
  const all = unitDir
    ? [{ file: join(unitDir, AGENT_UNIT), scope: 'user' as const, custom: true }]
    : [
        { file: join(userDir(env), AGENT_UNIT), scope: 'user' as const, custom: false },
        { file: join(SYSTEM_DIR, AGENT_UNIT), scope: 'system' as const, custom: false },
      ];
  return all.filter((u) => existsSync(u.file));
}

export async function removeAgent(o: Pick<InstallOptions, 'unitDir'>, env: AgentEnv): Promise<AgentReport> {
  const report: AgentReport = { done: [], adminMust: [] };
  if (env.platform === 'win32') {
    const out = await powershell(env, windowsRemoveScript(), 'Removing the scheduled task');
    report.done.push(
      out === 'absent'
        ? 'The scheduled task was not installed; nothing to remove.'
        : `Stopped and removed the scheduled task "${AGENT_TASK_PATH}${AGENT_TASK_NAME}".`,
    );
    return report;
  }
  if (env.platform !== 'linux') throw unsupported(env);
  const units = unitFiles(env, o.unitDir);
  if (units.length === 0) {
    report.done.push(`No ${AGENT_UNIT} is installed${o.unitDir ? ` in ${o.unitDir}` : ''}; nothing to remove.`);
    return report;
  }
  for (const u of units) {
    if (u.scope === 'system' && !env.isRoot) {
      report.adminMust.push(
        `The system unit ${u.file} needs root to remove: run "sudo systemctl disable --now ${AGENT_UNIT} && sudo rm ${u.file} && sudo systemctl daemon-reload".`,
      );
      continue;
    }
    if (!u.custom && env.systemdRunning) {
      const args = systemctl(u.scope, 'disable', '--now', AGENT_UNIT);
      const r = await env.exec('systemctl', args);
      report.done.push(
        r.code === 0
          ? `Ran "${show(args)}".`
          : `"${show(args)}" said: ${r.stderr.trim() || `exit code ${r.code}`} (removing the unit anyway).`,
      );
    }
    await rm(u.file, { force: true });
    report.done.push(`Removed ${u.file}.`);
    if (!u.custom && env.systemdRunning) {
      const args = systemctl(u.scope, 'daemon-reload');
      const r = await env.exec('systemctl', args);
      if (r.code === 0) report.done.push(`Ran "${show(args)}".`);
      else report.adminMust.push(`Run "${show(args)}" (it failed here: ${r.stderr.trim() || `exit code ${r.code}`}).`);
    }
  }
  return report;
}

export async function agentInstallation(o: Pick<InstallOptions, 'unitDir'>, env: AgentEnv): Promise<AgentInstallation> {
  if (env.platform === 'win32') {
    const out = await powershell(env, windowsStatusScript(), 'Reading the scheduled task');
    if (out === 'null' || out === '') return { installed: false, where: null, managerState: null };
    const t = JSON.parse(out) as { state?: string };
    return { installed: true, where: `${AGENT_TASK_PATH}${AGENT_TASK_NAME}`, managerState: t.state ?? null };
  }
  if (env.platform !== 'linux')
    return { installed: false, where: null, managerState: null, note: unsupported(env).message };
  const u = unitFiles(env, o.unitDir)[0];
  if (!u) return { installed: false, where: null, managerState: null };
  if (u.custom || !env.systemdRunning)
    return {
      installed: true,
      where: u.file,
      managerState: null,
      ...(env.systemdRunning
        ? {}
        : { note: 'systemd is not running on this machine; the unit file exists but nothing starts it.' }),
    };
  const r = await env.exec('systemctl', systemctl(u.scope, 'is-active', AGENT_UNIT));
  return { installed: true, where: u.file, managerState: r.stdout.trim() || null };
}
