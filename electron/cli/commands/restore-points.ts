/**
 * `obc restore-points list`: the restore points of a job in its storage account container — the seed as imported and
 * every point made online — read from the container alone (a fresh data dir and the passphrase suffice).
 */
import type { Command } from 'commander';
import { toIpcError } from '../../../shared/errors.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { cliContainer, containerSasOf } from '../container-source.ts';
import { OnlineRepo, pointInfo } from '../../services/online/repo.ts';
import { EXIT, formatBytes, humanLine, jsonLine, printError } from '../output.ts';
import { readPassphraseFile } from '../passphrase-file.ts';
import { restoreSource } from './backup.ts';

export function register(program: Command): void {
  const rp = program.command('restore-points').description('Restore points of a job in its storage account container.');
  rp.command('list')
    .description('List the restore points (the seed and every online backup): id, time, files, size, bytes each added.')
    .requiredOption('--job <name>', 'job name')
    .requiredOption('--passphrase-file <file>', 'file holding the passphrase')
    .option('--subscription <id>', 'subscription id (not with a container SAS URL)')
    .option('--resource-group <name>', 'resource group of the storage account (looked up when absent)')
    .option('--storage-account <name>', "storage account (default with a container SAS URL: the URL's)")
    .option('--container <name>', "container (default with a container SAS URL: the URL's)")
    .option(
      '--container-url-file <file>',
      "read the container through the container SAS URL in this file (read and list; '-': standard input) instead of the signed-in account",
    )
    .option('--container-url <url>', 'the same, given on the command line (which other users can see)')
    .option('--json', 'JSON lines on stdout')
    .action(async (o) => {
      const json = !!o.json;
      try {
        const flags = { ...o, fromContainer: true };
        const sasUrl = await containerSasOf(flags);
        const source = restoreSource(flags);
        if (source.kind !== 'container') return;
        const passphrase = await readPassphraseFile(o.passphraseFile);
        const azure = await cliContainer(new TaskManager(), sasUrl);
        try {
          const repo = await OnlineRepo.open(await azure.open(source), source.job, passphrase);
          const { points, damaged } = await repo.points();
          const list = points.map(pointInfo);
          if (json) jsonLine({ type: 'result', status: 'succeeded', result: { points: list, damaged }, error: null });
          else {
            if (!list.length) humanLine(process.stdout, `Job "${source.job}" has no restore point in ${repo.where}.`);
            for (const p of list)
              humanLine(
                process.stdout,
                `${p.id.padEnd(24)} ${p.time}  ${String(p.files).padStart(8)} files  ${formatBytes(p.bytes).padStart(10)}  added ${formatBytes(p.newBytes)}${p.retainUntil ? `  kept until ${p.retainUntil}` : ''}`,
              );
            for (const d of damaged) humanLine(process.stdout, `DAMAGED ${d.id}: ${d.reason}`);
          }
          if (damaged.length) process.exitCode = EXIT.failure;
        } finally {
          azure.close();
        }
      } catch (err) {
        printError(err, json);
        process.exitCode = toIpcError(err).code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
      }
    });
}
