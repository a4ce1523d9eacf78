/**
 * `obc agent` for the console (agent:status / agent:install / agent:remove): whether it is installed as a service,
 * whether it runs the schedules now (it holds the data folder's scheduler lease), its next and last runs.
 */
import type { AgentChange, AgentStatus } from '../../../../shared/contract/policies.ts';
import { AppError } from '../../../../shared/errors.ts';
import type { PolicyService } from '../index.ts';
import { agentCommand, hostAgentEnv } from './command.ts';
import { agentInstallation, installAgent, removeAgent, type AgentEnv } from './installer.ts';
import { AGENT_LABEL } from './run-agent.ts';
import type { AgentCommand } from './unit-text.ts';

export interface AgentServiceOptions {
  dataDir: string;
  policies: PolicyService;
  /** Seams for tests. */
  env?: () => AgentEnv;
  command?: () => AgentCommand;
}

export class AgentService {
  private readonly o: AgentServiceOptions;
  constructor(o: AgentServiceOptions) {
    this.o = o;
  }

  private command(): AgentCommand {
    return this.o.command ? this.o.command() : agentCommand(this.o.dataDir);
  }

  async status(): Promise<AgentStatus> {
    const env = (this.o.env ?? hostAgentEnv)();
    let command: AgentCommand | null = null;
    let reason: string | undefined;
    try {
      command = this.command();
    } catch (err) {
      reason = (err as Error).message;
    }
    if (env.platform !== 'linux' && env.platform !== 'win32')
      reason ??= `Installing the agent as a service is done on Windows and Linux; on ${env.platform} start "obc agent run" with the system's own service manager.`;
    const installation = await agentInstallation({}, env).catch((err: Error) => ({
      installed: false,
      where: null,
      managerState: null,
      note: `Could not ask the service manager: ${err.message}`,
    }));
    const lease = this.o.policies.lease;
    await lease?.peek();
    const view = this.o.policies.view();
    const running = lease?.holderLabel === AGENT_LABEL;
    return {
      supported: !reason,
      ...(reason ? { reason } : {}),
      installed: installation.installed,
      where: installation.where,
      managerState: installation.managerState,
      ...('note' in installation && installation.note ? { note: installation.note } : {}),
      running,
      runningAs: running ? lease!.holder : null,
      nextRun: view.policy?.state === 'active' ? (view.nextRuns[0] ?? null) : null,
      lastRun: view.policy?.lastRuns.find((r) => r.ranBy?.startsWith(`${AGENT_LABEL} `)) ?? null,
      commandLine: command ? [command.exec, ...command.args].join(' ') : null,
    };
  }

  async install(): Promise<AgentChange> {
    const r = await installAgent({ command: this.command() }, (this.o.env ?? hostAgentEnv)());
    return { ...r, status: await this.status() };
  }

  async remove(): Promise<AgentChange> {
    const st = await this.status();
    if (!st.installed)
      throw new AppError('NOT_FOUND', 'The agent is not installed as a service on this machine; nothing to remove.');
    const r = await removeAgent({}, (this.o.env ?? hostAgentEnv)());
    return { ...r, status: await this.status() };
  }
}
