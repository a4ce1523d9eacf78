/**
 * `obc policy …`: the backup policy from the command line: show (also as data), set from a file (the same checks as
 * the wizard), pause/resume/stop, delete, staging check.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors.ts';
import type { ContainerAccessView, PolicyState } from '../../../shared/policy-schema.ts';
import { readPolicyDocument } from '../../../shared/policy-document.ts';
import { describeRetention } from '../../../shared/retention-rules.ts';
import { formatRun } from '../../../shared/schedule.ts';
import { FileKeyProtector } from '../../services/azure/protector.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { PolicyService } from '../../services/policies/index.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { EXIT, jsonLine, printError } from '../output.ts';
import { containerUrlOf } from '../container-url.ts';
import { readPassphraseFile } from '../passphrase-file.ts';

/** One line on how scheduled runs reach the container (never the SAS itself). */
export function describeContainerAccess(a: ContainerAccessView): string {
  if (a.mode === 'entraApp' || !a.sas) return "Container access: the Entra application with this machine's certificate";
  const s = a.sas;
  const until = s.expiresOn ? `, valid until ${s.expiresOn}` : '';
  const policy = s.storedPolicy ? `, stored access policy "${s.storedPolicy}"` : '';
  return `Container access: a container SAS for ${s.account}/${s.container}${s.permissions ? ` (${s.permissions})` : ''}${policy}${until}, set ${s.setAt}`;
}

async function open(): Promise<PolicyService> {
  const dataDir = resolveDataDir();
  // Browser mode's key file (the desktop host may seal with safeStorage instead); these commands never read secrets.
  const svc = new PolicyService({
    dataDir,
    protector: new FileKeyProtector(join(dataDir, 'policy-secrets.key')),
    tasks: new TaskManager(),
  });
  await svc.store.load();
  await svc.lease?.peek(); // who runs the schedules (this command never takes the lease)
  return svc;
}

function action(
  json: boolean,
  fn: (svc: PolicyService) => Promise<unknown>,
  human: (r: never) => string[],
): Promise<void> {
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
  const policy = program
    .command('policy')
    .description('the backup policy: show, pause, resume, stop, delete, check a staging location');

  policy
    .command('show')
    .description(
      'the policy, its state, next runs and last runs (--json: the view as data; obc policy set --file reads it back)',
    )
    .option('--json', 'machine-readable output')
    .action((o: { json?: boolean }) =>
      action(
        !!o.json,
        async (svc) => ({ ...svc.view(), containerAccess: svc.properties().containerAccess }),
        (v: ReturnType<PolicyService['view']> & { containerAccess: ContainerAccessView }) => {
          const lines: string[] = [];
          if (v.loadProblem) lines.push(`warning: ${v.loadProblem}`);
          const p = v.policy;
          if (!p) return [...lines, 'No backup policy is set up on this machine.'];
          lines.push(`State: ${p.state}`, `Items: ${p.items.map((i) => i.path).join(', ')}`);
          const ex = p.exclusions;
          for (const f of ex.folders)
            lines.push(`Excluded: ${f.path}${f.subfolders ? ' (with subfolders)' : ' (files directly in it)'}`);
          for (const t of ex.fileTypes)
            lines.push(
              `Excluded: ${t.pattern} in ${t.folder}${t.subfolders ? ' and its subfolders' : ' (not its subfolders)'}`,
            );
          if (ex.patterns.length) lines.push(`Excluded everywhere: ${ex.patterns.join(', ')}`);
          const sch = p.schedule;
          const when =
            sch.frequency === 'weekly'
              ? `weekly${sch.everyWeeks > 1 ? ` every ${sch.everyWeeks} weeks` : ''} on ${sch.days.join(', ')}`
              : 'daily';
          lines.push(`Schedule: ${when} at ${sch.times.join(', ')} (${sch.timeZone})`);
          for (const r of describeRetention(p.retention)) lines.push(`Retention: ${r}`);
          const own = p.initialBackup.ownDisk;
          lines.push(
            `Initial backup: ${p.initialBackup.type}${own ? ` → staging ${own.stagingLocation}, job ${own.importJobName}` : ''}`,
          );
          if (own) lines.push(describeContainerAccess(v.containerAccess));
          for (const r of v.nextRuns) lines.push(`Next: ${formatRun(Date.parse(r), p.schedule.timeZone)}`);
          if (p.state === 'active')
            lines.push(
              `Runs in: ${v.scheduler?.owner ?? 'no console or agent is running on this data folder; scheduled backups run while the desktop app, npm start or obc agent runs'}`,
            );
          for (const r of p.lastRuns.slice(0, 5))
            lines.push(`Run ${r.at}: ${r.outcome} — ${r.message}${r.ranBy ? ` (${r.ranBy})` : ''}`);
          return lines;
        },
      ),
    );

  policy
    .command('set')
    .description(
      'create or replace the policy from a JSON file (written by hand or by obc policy show --json elsewhere), checked like the wizard',
    )
    .requiredOption('--file <file>', 'the policy as JSON')
    .option('--passphrase-file <file>', 'the encryption passphrase, needed when this machine has none yet')
    .option('--no-staging-check', 'do not check the staging location (exists, writable) on this machine')
    .option('--json', 'machine-readable output')
    .action((o: { file: string; passphraseFile?: string; stagingCheck: boolean; json?: boolean }) =>
      action(
        !!o.json,
        async (svc) => {
          let text: string;
          try {
            text = await readFile(o.file, 'utf8');
          } catch (err) {
            throw new AppError('VALIDATION', `Cannot read the policy file ${o.file}: ${(err as Error).message}`, {
              path: o.file,
            });
          }
          const doc = readPolicyDocument(text, o.file);
          const own = doc.policy.initialBackup.type === 'ownDisks' ? doc.policy.initialBackup.ownDisk : undefined;
          if (own && o.stagingCheck) {
            const c = await svc.checkStaging(own.stagingLocation);
            if (!c.ok)
              throw new AppError(
                'VALIDATION',
                `${o.file} is not a valid backup policy on this machine:\n  initialBackup.ownDisk.stagingLocation: ${c.message}`,
              );
          }
          const stored = await svc.store.passphrase();
          const given = o.passphraseFile ? await readPassphraseFile(o.passphraseFile) : undefined;
          if (!stored && given === undefined)
            throw new AppError(
              'VALIDATION',
              'This machine has no encryption passphrase yet: give it with --passphrase-file (16–256 printable ASCII characters).',
            );
          if (stored && given !== undefined && given !== stored)
            throw new AppError(
              'CONFLICT',
              'This machine already has a different encryption passphrase; change it in the console (Change Properties → Encryption) first, or leave out --passphrase-file.',
            );
          const view = await svc.save(doc.policy, stored ? undefined : given);
          return { view, notes: doc.notes };
        },
        (r: { view: ReturnType<PolicyService['view']>; notes: string[] }) => [
          ...r.notes.map((n) => `note: ${n}`),
          `Policy saved (${r.view.policy!.state}).`,
          ...r.view.nextRuns
            .slice(0, 1)
            .map((t) => `Next: ${formatRun(Date.parse(t), r.view.policy!.schedule.timeZone)}`),
        ],
      ),
    );

  const setState = (name: string, state: PolicyState, what: string) =>
    policy
      .command(name)
      .description(what)
      .option('--json', 'machine-readable output')
      .action((o: { json?: boolean }) =>
        action(
          !!o.json,
          (svc) => svc.setState(state),
          () => [`Policy is now ${state}.`],
        ),
      );
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
          if (o.confirm !== 'DELETE')
            throw new AppError('VALIDATION', 'Type --confirm DELETE (in capitals) to delete the backup schedule.');
          return svc.delete(!!o.deleteStaging);
        },
        (r: { notes: string[] }) => r.notes,
      ),
    );

  policy
    .command('container-access')
    .description(
      "how online runs will reach the container: the Entra application with this machine's certificate (default) or a container SAS URL, stored sealed (online backups are not in this build yet)",
    )
    .option(
      '--container-url <url>',
      'a container SAS URL with the permissions rwdl (a command line can be seen by other users: prefer --container-url-file)',
    )
    .option('--container-url-file <file>', "a file holding the container SAS URL ('-': standard input)")
    .option('--entra-app', "forget the SAS: use the Entra application with this machine's certificate")
    .option('--json', 'machine-readable output')
    .action((o: { containerUrl?: string; containerUrlFile?: string; entraApp?: boolean; json?: boolean }) =>
      action(
        !!o.json,
        async (svc) => {
          const given = [o.containerUrl !== undefined, o.containerUrlFile !== undefined, !!o.entraApp].filter(
            Boolean,
          ).length;
          if (given > 1)
            throw new AppError('VALIDATION', 'Give one of --container-url, --container-url-file or --entra-app.');
          if (!given) return svc.properties().containerAccess;
          if (!svc.store.policy)
            throw new AppError(
              'NOT_FOUND',
              'No backup policy is set up on this machine: set one first (obc policy set --file), then its container access.',
            );
          if (o.entraApp) return (await svc.setContainerAccess({ mode: 'entraApp' })).containerAccess;
          const url = (await containerUrlOf(o))!;
          return (await svc.setContainerAccess({ mode: 'sas', sasUrl: url })).containerAccess;
        },
        (a: ContainerAccessView) => [describeContainerAccess(a)],
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
          if (n !== undefined && !(Number.isFinite(n) && n >= 0))
            throw new AppError('VALIDATION', `--required-bytes "${o.requiredBytes}" is not a number of bytes.`);
          const r = await svc.checkStaging(path, n);
          if (!r.ok) throw new AppError('VALIDATION', r.message, { path });
          return r;
        },
        (r: { message: string }) => [r.message],
      ),
    );
}
