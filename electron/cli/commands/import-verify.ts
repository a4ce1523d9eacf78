/**
 * `obc verify-import` and `obc cleanup-staging`: after an import job completed, compare the container's blobs
 * under `<job>/` with the staged backup (length + SHA-256), then free the staging folder (typed confirmation).
 * Exit codes: 0 all matches, 1 missing/different data or failure, 2 usage, 3 extra blobs only.
 */
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors.ts';
import { checkContainerName } from '../../../shared/validators/azure-names.ts';
import type { ImportVerifyReport } from '../../../shared/contract/import-verify.ts';
import { isFinished, type TaskSnapshot } from '../../../shared/task.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { SettingsStore } from '../../services/settings/settings-store.ts';
import { AzureService } from '../../services/azure/azure-service.ts';
import { ImportVerifyService, type ResolvedTarget } from '../../services/import-verify/service.ts';
import { sasBlobSource } from '../../services/import-verify/container-source.ts';
import { containerUrlOf, type ContainerUrlOptions } from '../container-url.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { EXIT, exitCodeFor, formatBytes, jsonLine, printError, taskReporter } from '../output.ts';
import { cliOpenUrl } from './azure.ts';

interface Opts {
  staging: string;
  job: string;
  subscription?: string;
  resourceGroup?: string;
  storageAccount?: string;
  container?: string;
  confirm?: string;
  json?: boolean;
  containerUrl?: string;
  containerUrlFile?: string;
}

async function withVerify(
  json: boolean,
  fn: (svc: ImportVerifyService, tasks: TaskManager) => Promise<void>,
  urls: ContainerUrlOptions = {},
): Promise<void> {
  const dataDir = resolveDataDir();
  const settings = new SettingsStore(dataDir);
  await settings.load();
  const azure = new AzureService({ dataDir, settings: () => settings.get(), openUrl: cliOpenUrl });
  const tasks = new TaskManager();
  try {
    const sasUrl = await containerUrlOf(urls);
    // With a container SAS URL the container is read through it (read + list), not with the account key.
    const sourceFor = sasUrl
      ? async (r: ResolvedTarget) => sasBlobSource(sasUrl, (await azure.session_()).http, r)
      : undefined;
    await fn(
      new ImportVerifyService({
        tasks,
        dataDir,
        storageAccess: async () => (await azure.session_()).clients,
        ...(sourceFor ? { sourceFor } : {}),
      }),
      tasks,
    );
  } catch (err) {
    printError(err, json);
    process.exitCode = err instanceof AppError && err.code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
  } finally {
    azure.close();
    await tasks.shutdown();
  }
}

function reportLines(r: ImportVerifyReport): string[] {
  const lines = [
    `${r.ok ? 'OK' : 'MISMATCH'}: ${r.matched} of ${r.expectedFiles} files (${formatBytes(r.expectedBytes)}) match in ${r.location}`,
    `  missing ${r.missingCount} · different ${r.differentCount} · extra ${r.extraCount}`,
  ];
  for (const d of [...r.missing, ...r.different, ...r.extra].slice(0, 50)) lines.push(`  ${d.blobName}: ${d.reason}`);
  return lines;
}

async function finished(tasks: TaskManager, id: string, report: (s: TaskSnapshot) => void): Promise<TaskSnapshot> {
  for (;;) {
    const s = tasks.get(id);
    report(s);
    if (isFinished(s.status)) return s;
    await new Promise((r) => tasks.once('updated', r));
  }
}

export function register(program: Command): void {
  program
    .command('verify-import')
    .description(
      'Compare the blobs of a completed import job with the staged backup (length and SHA-256 of every file).',
    )
    .requiredOption('--staging <dir>', 'staging location of the job')
    .requiredOption('--job <name>', 'import job name')
    .option('--subscription <id>', 'subscription (default: from seed.json)')
    .option('--resource-group <name>', "storage account's resource group (default: from seed.json)")
    .option('--storage-account <name>', 'storage account (default: from seed.json)')
    .option('--container <name>', 'container (default: from seed.json)')
    .option(
      '--container-url-file <file>',
      "read the container through the container SAS URL in this file (read and list; '-': standard input) instead of the account key",
    )
    .option('--container-url <url>', 'the same, given on the command line (which other users can see)')
    .option('--json', 'JSON lines output')
    .action(async (o: Opts) => {
      const json = !!o.json;
      await withVerify(
        json,
        async (svc, tasks) => {
          const badContainer = o.container === undefined ? null : checkContainerName(o.container);
          if (badContainer) throw new AppError('VALIDATION', `--container: ${badContainer}`, { field: 'container' });
          const { taskId } = await svc.start({
            stagingLocation: o.staging,
            jobName: o.job,
            ...(o.subscription ? { subscriptionId: o.subscription } : {}),
            ...(o.resourceGroup ? { resourceGroup: o.resourceGroup } : {}),
            ...(o.storageAccount ? { storageAccount: o.storageAccount } : {}),
            ...(o.container ? { container: o.container } : {}),
          });
          const s = await finished(tasks, taskId, taskReporter(json));
          const report = await svc.lastReport(o.job);
          if (json) jsonLine({ type: 'result', result: report, status: s.status });
          else if (report) {
            for (const l of reportLines(report)) process.stdout.write(`${l}\n`);
            // Decision 14: the disks' SAS is no longer needed once every blob is verified.
            if (report.ok)
              process.stdout.write(
                `The drive manifests of job ${o.job} still carry a container SAS; revoke it now that the import is verified: obc jobs revoke-sas ${o.job} --staging ${o.staging}\n`,
              );
          } else if (s.error) printError(s.error, false);
          process.exitCode = report && !report.ok ? EXIT.failure : exitCodeFor(s);
        },
        o,
      );
    });

  program
    .command('cleanup-staging')
    .description('Delete <staging>/<job> after verify-import passed (seed.json is kept in the data directory).')
    .requiredOption('--staging <dir>', 'staging location of the job')
    .requiredOption('--job <name>', 'import job name')
    .requiredOption('--confirm <name>', 'repeat the job name to confirm')
    .option('--json', 'JSON lines output')
    .action(async (o: Opts) => {
      const json = !!o.json;
      await withVerify(json, async (svc) => {
        const r = await svc.cleanupStaging({
          stagingLocation: o.staging,
          jobName: o.job,
          confirmJobName: o.confirm ?? '',
        });
        if (json) jsonLine({ type: 'result', result: r });
        else
          process.stdout.write(
            `Deleted ${r.folder}: ${r.removedFiles} files, ${formatBytes(r.removedBytes)}. seed.json kept at ${r.seedKeptAt}.\n`,
          );
      });
    });
}
