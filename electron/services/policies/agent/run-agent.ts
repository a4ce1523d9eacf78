/**
 * `obc agent run`: the scheduler without a console. It holds the data dir's scheduler lease like a console does (one
 * scheduler per data dir: while a console holds it, the agent waits and takes over when that console closes), runs
 * the due backups through the same seams (connect.ts), and says what it does: one line per event on stdout (the
 * journal, or the task's output) and in the activity log. It stops cleanly when `stop` aborts (SIGTERM, SIGINT):
 * a run in progress is cancelled and recorded, the lease is released.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors.ts';
import type { PolicyView } from '../../../../shared/contract/policies.ts';
import { formatRun } from '../../../../shared/schedule.ts';
import type { AzureService } from '../../azure/azure-service.ts';
import { FileKeyProtector } from '../../azure/protector.ts';
import { ActivityLog } from '../../log/activity-log.ts';
import { SettingsStore } from '../../settings/settings-store.ts';
import { TaskManager } from '../../tasks/task-manager.ts';
import { connectScheduler } from '../connect.ts';
import { PolicyService } from '../index.ts';
import { systemClock, type Clock } from '../scheduler.ts';

export const AGENT_LABEL = 'obc agent';

export interface AgentRunOptions {
  dataDir: string;
  clock?: Clock;
  /** One line per event (stdout). */
  say: (line: string) => void;
  /** Aborting it stops the agent; its reason (e.g. "SIGTERM") is said. */
  stop: AbortSignal;
}

export async function runAgent(o: AgentRunOptions): Promise<void> {
  const clock = o.clock ?? systemClock;
  await mkdir(o.dataDir, { recursive: true, mode: 0o700 });
  const settings = new SettingsStore(o.dataDir);
  await settings.load();
  const log = new ActivityLog(o.dataDir, () => settings.get().logLevel);
  const say = (event: string, text: string, fields: Record<string, unknown> = {}) => {
    o.say(`${new Date(clock.now()).toISOString()} ${AGENT_LABEL}: ${text}`);
    log.write(event === 'agent:run-failed' ? 'error' : 'info', event, { text, ...fields });
  };
  const tasks = new TaskManager();
  const policies = new PolicyService({
    dataDir: o.dataDir,
    protector: new FileKeyProtector(join(o.dataDir, 'policy-secrets.key')),
    tasks,
    clock,
    hostLabel: AGENT_LABEL,
    log: (level, event, fields) => log.write(level, event, fields),
  });
  let azure: AzureService | null = null;
  connectScheduler(policies, {
    dataDir: o.dataDir,
    now: () => clock.now(),
    // Loaded on the first check only: an agent waiting for the next run does not carry the Azure SDKs.
    azure: async () =>
      (azure ??= new (await import('../../azure/azure-service.ts')).AzureService({
        dataDir: o.dataDir,
        settings: () => settings.get(),
        openUrl: async () => {
          throw new AppError(
            'SIGNIN_REQUIRED',
            'obc agent cannot open a sign-in page; sign in from the console or with obc signin.',
          );
        },
      })),
  });

  let last: { runsHere?: boolean; owner?: string | null; policy?: string; next?: string } = {};
  const outcomes = new Map<string, string>();
  let first = true;
  const report = (v: PolicyView) => {
    const p = v.policy;
    const runsHere = v.scheduler?.runsHere ?? false;
    const owner = v.scheduler?.owner ?? null;
    const policy = p ? `${p.state}` : 'none';
    if (policy !== last.policy)
      say(
        'agent:policy',
        p
          ? `backup policy ${p.id} is ${p.state} (${p.schedule.frequency} at ${p.schedule.times.join(', ')}, ${p.schedule.timeZone})`
          : 'no backup policy on this data folder yet; waiting for one',
      );
    if (runsHere !== last.runsHere || (!runsHere && owner !== last.owner))
      say(
        'agent:lease',
        runsHere
          ? 'holds the scheduler lease: scheduled backups run here'
          : `waiting: scheduled backups run in ${owner ?? 'another program'}; this agent takes over when it stops`,
      );
    const next = runsHere && p?.state === 'active' ? v.nextRuns[0] : undefined;
    if (next && next !== last.next)
      say('agent:next', `next run: ${formatRun(Date.parse(next), p!.schedule.timeZone)}`, { next });
    for (const r of p?.lastRuns ?? []) {
      if (!r.id || outcomes.get(r.id) === r.outcome) continue;
      outcomes.set(r.id, r.outcome);
      if (!first)
        say(r.outcome === 'failed' ? 'agent:run-failed' : 'agent:run', `run due ${r.at}: ${r.outcome} — ${r.message}`, {
          id: r.id,
          outcome: r.outcome,
        });
    }
    first = false;
    last = { runsHere, owner, policy, ...(next ? { next } : {}) };
  };
  say('agent:started', `started on data folder ${o.dataDir} (pid ${process.pid})`);
  policies.on('changed', report);
  await policies.load();
  report(policies.view());
  // The scheduler's timers do not keep Node alive (a console must be able to exit); the agent's process must.
  const alive = setInterval(() => undefined, 1 << 30);
  try {
    if (!o.stop.aborted)
      await new Promise<void>((resolve) => o.stop.addEventListener('abort', () => resolve(), { once: true }));
    say(
      'agent:stopping',
      `stopping (${String(o.stop.reason ?? 'stop requested')}): cancelling a run in progress and releasing the scheduler lease`,
    );
    policies.scheduler.stop(); // no new run starts; the lease is kept until the run in progress is recorded
    await tasks.shutdown();
    await policies.scheduler.idle();
    policies.close();
    (azure as AzureService | null)?.close();
    say('agent:stopped', 'stopped');
  } finally {
    clearInterval(alive);
    await log.flush();
  }
}
