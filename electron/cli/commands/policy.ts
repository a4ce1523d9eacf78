/**
 * `obc policy …`: the backup policy from the command line (show, next runs, pause/resume/stop, delete, staging check).
 * Creating a policy is the Schedule Backup wizard's job; the CLI reads and changes its state.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors.ts';
import type { PolicyState } from '../../../shared/policy-schema.ts';
import { formatRun } from '../../../shared/schedule.ts';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { PolicyService } from '../../services/policies/index.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { EXIT, jsonLine, printError } from '../output.ts';

async function open(): Promise<PolicyService> {
  const dataDir = resolveDataDir();
  // Browser mode's key file (the desktop host may seal with safeStorage instead); these commands never read secrets.
  const svc = new PolicyService({ dataDir, protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')), tasks: new TaskManager() });
  await svc.store.load();
  await svc.lease?.peek(); // who runs the schedules (this command never takes the lease)
  return svc;
}

function action(json: boolean, fn: (svc: PolicyService) => Promise<unknown>, human: (r: never) => string[]): Promise<void> {
  return (async () => {
    try {
      const svc = await open();
      const r = await fn(svc);
      if (json) jsonLine({ type: 'result', result: r });
      else for (const line of human(r as never)) process.stdout.write(line + '\n');
      process.exitCode = EXIT.ok;
    } catch (err) {
      printError(err, json);
      process.exitCode = (err as AppError).code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
    }
  })();
}

export function register(program: Command): void {
  const policy = program.command('policy').description('the backup policy: show, pause, resume, stop, delete, check a staging location');

  policy
    .command('show')
    .description('the policy, its state, next runs and last runs')
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) =>
      action(!!o.json, async (svc) => svc.view(), (v: ReturnType<PolicyService['view']>) => {
        const lines: string[] = [];
        if (v.loadProblem) lines.push(`warning: ${v.loadProblem}`);
        const p = v.policy;
        if (!p) return [...lines, 'No backup policy is set up on this machine.'];
        lines.push(`State: ${p.state}`, `Items: ${p.items.map((i) => i.path).join(', ')}`);
        lines.push(`Schedule: ${p.schedule.frequency} at ${p.schedule.times.join(', ')} (${p.schedule.timeZone})`);
        const own = p.initialBackup.ownDisk;
        lines.push(`Initial backup: ${p.initialBackup.type}${own ? ` → staging ${own.stagingLocation}, job ${own.importJobName}` : ''}`);
        for (const r of v.nextRuns) lines.push(`Next: ${formatRun(Date.parse(r), p.schedule.timeZone)}`);
        if (p.state === 'active')
          lines.push(`Runs in: ${v.scheduler?.owner ?? 'no console is running on this data folder; scheduled backups run while the desktop app or npm start runs'}`);
        for (const r of p.lastRuns.slice(0, 5)) lines.push(`Run ${r.at}: ${r.outcome} — ${r.message}`);
        return lines;
      }),
    );

  const setState = (name: string, state: PolicyState, what: string) =>
    policy
      .command(name)
      .description(what)
      .option('--json', 'machine-readable output')
      .action((o: { json?: boolean }) => action(!!o.json, (svc) => svc.setState(state), () => [`Policy is now ${state}.`]));
  setState('pause', 'paused', 'pause scheduled backups');
  setState('resume', 'active', 're-enable the backup schedule');
  setState('stop', 'stopped', 'stop the schedule but keep stored backups');

  policy
    .command('delete')
    .description('stop and delete the schedule (asks for --confirm DELETE)')
    .requiredOption('--confirm <word>', 'type DELETE to confirm')
    .option('--delete-staging', "also delete the policy's job folder in the staging location")
    .option('--json', 'machine-readable output')
    .action((o: { confirm: string; deleteStaging?: boolean; json?: boolean }) =>
      action(
        !!o.json,
        async (svc) => {
          if (o.confirm !== 'DELETE') throw new AppError('VALIDATION', 'Type --confirm DELETE (in capitals) to delete the backup schedule.');
          return svc.delete(!!o.deleteStaging);
        },
        (r: { notes: string[] }) => r.notes,
      ),
    );

  policy
    .command('check-staging <path>')
    .description('check a staging location: exists, writable, free space against --required-bytes')
    .option('--required-bytes <n>', 'bytes the backup needs (the estimate)')
    .option('--json', 'machine-readable output')
    .action((path: string, o: { requiredBytes?: string; json?: boolean }) =>
      action(
        !!o.json,
        async (svc) => {
          const n = o.requiredBytes === undefined ? undefined : Number(o.requiredBytes);
          if (n !== undefined && !(Number.isFinite(n) && n >= 0)) throw new AppError('VALIDATION', `--required-bytes "${o.requiredBytes}" is not a number of bytes.`);
          const r = await svc.checkStaging(path, n);
          if (!r.ok) throw new AppError('VALIDATION', r.message, { path });
          return r;
        },
        (r: { message: string }) => [r.message],
      ),
    );
}
