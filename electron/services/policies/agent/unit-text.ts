/**
 * Pure builders of what installs `obc agent` to run whether or not a user is logged on: a systemd unit on Linux and
 * a PowerShell script registering a scheduled task on Windows (Task Scheduler runs it at startup under the user's
 * account with "do not store password" (S4U), restarts it when it stops, and never stops it for running long).
 * Every quoting rule lives here and is unit-tested on its exact text.
 */
import { AppError } from '../../../../shared/errors.ts';
import { psQuote } from '../../powershell.ts';

/** What the service manager starts: an executable and its arguments (absolute paths). */
export interface AgentCommand {
  exec: string;
  args: string[];
}

export const AGENT_UNIT = 'obc-agent.service';
export const AGENT_TASK_NAME = 'Offline Backup Console agent';
export const AGENT_TASK_PATH = '\\Offline Backup Console\\';
const DESCRIPTION = 'Offline Backup Console agent: runs the scheduled backups of this machine';

function refuseControl(what: string, v: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(v))
    throw new AppError(
      'VALIDATION',
      `${what} "${v.replace(/[\r\n]/g, ' ')}" contains a line break or control character; it cannot be written into a service definition.`,
    );
}

// ---------- systemd (systemd.service(5), systemd.syntax(7)) ----------

/**
 * One ExecStart argument: always double-quoted; `\` and `"` escaped with a backslash; `%` doubled (specifiers);
 * `$` doubled (environment variable expansion).
 */
export function systemdQuote(arg: string): string {
  refuseControl('Argument', arg);
  return `"${arg.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/%/g, '%%').replace(/\$/g, '$$$$')}"`;
}

export interface SystemdUnitOptions {
  command: AgentCommand;
  /** 'user': ~/.config/systemd/user (runs while the user's manager runs: enable lingering); 'system': /etc/systemd/system. */
  scope: 'user' | 'system';
  /** The account a system unit runs as (so the data dir keeps its owner). */
  user?: string;
}

export function systemdUnit(o: SystemdUnitOptions): string {
  if (!o.command.exec.startsWith('/'))
    throw new AppError('VALIDATION', `The agent's program must be an absolute path (got "${o.command.exec}").`);
  if (o.scope === 'system') {
    if (!o.user) throw new AppError('VALIDATION', 'A system unit needs the account it runs as.');
    refuseControl('User', o.user);
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(o.user))
      throw new AppError('VALIDATION', `"${o.user}" is not an account name systemd accepts in User=.`);
  }
  return [
    '# Written by obc agent install; obc agent remove removes it.',
    '[Unit]',
    `Description=${DESCRIPTION}`,
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `ExecStart=${[o.command.exec, ...o.command.args].map(systemdQuote).join(' ')}`,
    ...(o.scope === 'system' ? [`User=${o.user}`] : []),
    'Restart=on-failure',
    'RestartSec=30',
    'KillSignal=SIGTERM',
    'TimeoutStopSec=120',
    'UMask=0077',
    'NoNewPrivileges=yes',
    '',
    '[Install]',
    `WantedBy=${o.scope === 'system' ? 'multi-user.target' : 'default.target'}`,
    '',
  ].join('\n');
}

// ---------- Windows: Task Scheduler through PowerShell's ScheduledTasks module ----------

/**
 * One argument of a Windows command line as CommandLineToArgvW reads it back: quoted when empty or holding a space,
 * tab or quote; backslashes doubled before a quote and at the end of a quoted argument; quotes escaped.
 */
export function windowsArg(arg: string): string {
  refuseControl('Argument', arg);
  if (arg !== '' && !/[ \t"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    out += '\\'.repeat(ch === '"' ? slashes * 2 + 1 : slashes) + ch;
    slashes = 0;
  }
  return `${out}${'\\'.repeat(slashes * 2)}"`;
}

const task = `-TaskName ${psQuote(AGENT_TASK_NAME)} -TaskPath ${psQuote(AGENT_TASK_PATH)}`;

export interface WindowsTaskOptions {
  command: AgentCommand;
  /** DOMAIN\user the task runs as (S4U: no password stored; no access to network shares with the user's credentials). */
  userId: string;
  workingDirectory: string;
}

export function windowsInstallScript(o: WindowsTaskOptions): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$action = New-ScheduledTaskAction -Execute ${psQuote(o.command.exec)} -Argument ${psQuote(o.command.args.map(windowsArg).join(' '))} -WorkingDirectory ${psQuote(o.workingDirectory)}`,
    '$trigger = New-ScheduledTaskTrigger -AtStartup',
    `$principal = New-ScheduledTaskPrincipal -UserId ${psQuote(o.userId)} -LogonType S4U -RunLevel Highest`,
    '$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit ([TimeSpan]::Zero) -RestartCount 999 -RestartInterval (New-TimeSpan -Minutes 1) -MultipleInstances IgnoreNew -StartWhenAvailable -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries',
    `Register-ScheduledTask ${task} -Action $action -Trigger $trigger -Principal $principal -Settings $settings -Description ${psQuote(DESCRIPTION)} -Force | Out-Null`,
    `Start-ScheduledTask ${task}`,
    '',
  ].join('\r\n');
}

export function windowsRemoveScript(): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$t = Get-ScheduledTask ${task} -ErrorAction SilentlyContinue`,
    "if ($null -eq $t) { 'absent'; exit 0 }",
    `Stop-ScheduledTask ${task} -ErrorAction SilentlyContinue`,
    `Unregister-ScheduledTask ${task} -Confirm:$false`,
    "'removed'",
    '',
  ].join('\r\n');
}

/** Prints one JSON line: null when the task is absent, else its state and last run. */
export function windowsStatusScript(): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `$t = Get-ScheduledTask ${task} -ErrorAction SilentlyContinue`,
    "if ($null -eq $t) { 'null'; exit 0 }",
    '$i = $t | Get-ScheduledTaskInfo',
    "[pscustomobject]@{ state = [string]$t.State; lastRunTime = $i.LastRunTime.ToUniversalTime().ToString('o'); lastTaskResult = $i.LastTaskResult } | ConvertTo-Json -Compress",
    '',
  ].join('\r\n');
}
