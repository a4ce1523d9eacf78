/**
 * `obc backup --online`: Back Up Now once the seed is in the container — one restore point uploaded to the job's
 * storage account container (the signed-in account reads its key, as `--from-container` does), at this instant,
 * with its Retain Backup Till date. No pruning: retention runs with the scheduled backups.
 */
import { AppError } from '../../../shared/errors.ts';
import type { Exclusions } from '../../services/backup/scan.ts';
import { containerOf } from '../../services/backup/recover-deps.ts';
import { runOnlineBackup } from '../../services/online/incremental.ts';
import { workDirFor } from '../../services/online/layout.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { EXIT, formatBytes, humanLine, jsonLine } from '../output.ts';
import { engineTestHook } from '../test-hooks.ts';
import { cliAzure } from './cli-azure.ts';

export interface OnlineBackupArgs {
  items: string[];
  job: string;
  subscription?: string;
  resourceGroup?: string;
  storageAccount?: string;
  container?: string;
  retainUntil?: string;
  json: boolean;
}

export async function backUpOnlineFromCli(
  o: OnlineBackupArgs,
  exclusions: Exclusions,
  passphrase: string,
): Promise<void> {
  for (const [k, flag] of [
    ['subscription', '--subscription'],
    ['storageAccount', '--storage-account'],
    ['container', '--container'],
  ] as const)
    if (!o[k])
      throw new AppError('VALIDATION', `--online needs ${flag}: the container the seed was imported into.`, {
        field: k,
      });
  const azure = await cliAzure();
  try {
    const source = {
      kind: 'container' as const,
      job: o.job,
      subscriptionId: o.subscription!,
      storageAccount: o.storageAccount!,
      container: o.container!,
      ...(o.resourceGroup ? { resourceGroup: o.resourceGroup } : {}),
    };
    const cps = await containerOf({ azure: azure.azure, importVerify: azure.importVerify(new TaskManager()) }, source);
    const testHook = engineTestHook();
    const ac = new AbortController();
    const stop = () => ac.abort();
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    let lastPhase = '';
    try {
      const r = await runOnlineBackup({
        container: cps.container,
        job: o.job,
        passphrase,
        items: o.items,
        exclusions,
        time: new Date().toISOString(),
        workDir: workDirFor(resolveDataDir(), o.storageAccount!, o.container!, o.job),
        ...(o.retainUntil ? { retainUntil: o.retainUntil } : {}),
        signal: ac.signal,
        label: 'obc backup --online',
        ...(testHook ? { testHook } : {}),
        onProgress: (p) => {
          if (o.json) jsonLine({ type: 'progress', ...p });
          else if (p.phase !== lastPhase) process.stderr.write(`${p.phase}…\n`);
          lastPhase = p.phase;
        },
        onSkip: (s) =>
          o.json
            ? jsonLine({ type: 'warning', path: s.path, reason: s.reason })
            : process.stderr.write(`skipped: ${s.path}: ${s.reason}\n`),
        onWarning: (s) =>
          o.json
            ? jsonLine({ type: 'warning', path: s.path, reason: s.reason })
            : process.stderr.write(`changed while read: ${s.path}: ${s.reason}\n`),
      });
      if (o.json)
        jsonLine({
          type: 'result',
          status: r.skipped.length ? 'succeededWithWarnings' : 'succeeded',
          result: { ...r, skipped: r.skipped.slice(0, 100) },
          error: null,
        });
      else {
        humanLine(
          process.stdout,
          `Restore point ${r.point.id}: ${r.files} files (${formatBytes(r.bytes)}); ${r.filesRead} read, ${formatBytes(r.newBytes)} new, ${formatBytes(r.uploadedBytes)} uploaded${r.reusedBytes ? `, ${formatBytes(r.reusedBytes)} already there from an interrupted run` : ''} (${r.seconds.toFixed(1)} s).`,
        );
        for (const n of r.notes) humanLine(process.stdout, `note: ${n}`);
        for (const s of r.skipped) humanLine(process.stdout, `skipped: ${s.path}: ${s.reason}`);
      }
      if (r.skipped.length) process.exitCode = EXIT.warnings;
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    }
  } finally {
    azure.azure.close();
  }
}
