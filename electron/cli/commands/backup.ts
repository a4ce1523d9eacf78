import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import { AppError, toIpcError } from '../../../shared/errors.ts';
import { checkContainerName } from '../../../shared/validators/azure-names.ts';
import type { TaskSnapshot } from '../../../shared/task.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import type { BackupService } from '../../services/backup/service.ts';
import { startJobKeys } from '../../services/backup/job-files.ts';
import { exclusionsFromArgs } from '../../services/backup/exclusions.ts';
import { parseDataSubset } from '../../services/backup/data-subset.ts';
import {
  CONFLICT_CHOICES,
  DEFAULT_CONFLICT,
  recoverSourceSchema,
  retainUntilSchema,
  type BackupSummary,
  type RecoverSource,
  type RestoreSummary,
} from '../../../shared/contract/backup.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { EXIT, exitCodeFor, formatBytes, humanLine, jsonLine, printError, taskReporter } from '../output.ts';
import { readPassphraseFile } from '../passphrase-file.ts';
import { itemHoldingStaging } from '../../services/backup/staging-guard.ts';
import { engineTestHook } from '../test-hooks.ts';
import { jobTypeOf } from '../job-type.ts';

export { readPassphraseFile } from '../passphrase-file.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * The backup service (and, for verify and restore, the container source) are loaded when a command runs rather than
 * with this module: `obc backup` first starts the key derivation (job-files.ts startJobKeys), so that scrypt runs
 * beside the loading of the engine's modules instead of after them.
 */
const backupService = async (...args: ConstructorParameters<typeof BackupService>): Promise<BackupService> =>
  new (await import('../../services/backup/service.ts')).BackupService(...args);

/** Runs one service task to its end: progress on stderr (or JSON lines), Ctrl+C cancels. */
async function runTask(tasks: TaskManager, start: () => { taskId: string }, json: boolean): Promise<TaskSnapshot> {
  const report = taskReporter(json);
  const onUpdate = (s: TaskSnapshot) => report(s);
  tasks.on('updated', onUpdate);
  let id = '';
  const onSig = () => {
    if (id) tasks.cancel(id);
  };
  process.on('SIGINT', onSig);
  process.on('SIGTERM', onSig);
  try {
    id = start().taskId;
    return await tasks.waitFor(id);
  } finally {
    tasks.off('updated', onUpdate);
    process.off('SIGINT', onSig);
    process.off('SIGTERM', onSig);
  }
}

function finish(s: TaskSnapshot, json: boolean, human: () => string[]): void {
  if (json) jsonLine({ type: 'result', status: s.status, result: s.result ?? null, error: s.error ?? null });
  else {
    for (const line of human()) humanLine(process.stdout, line);
    if (s.error) printError(s.error, false);
  }
  process.exitCode = s.error?.code === 'VALIDATION' ? EXIT.usage : exitCodeFor(s);
}

async function guarded(json: boolean, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (err) {
    printError(err, json);
    process.exitCode = toIpcError(err).code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
  }
}

/** Where verify and restore read a backup from besides the staging location: the disks or the container. */
function sourceOptions(verb: 'verify' | 'read from'): Option[] {
  return [
    new Option('--from-disk <dir...>', `${verb} the prepared disks (their root folders; give every disk of the job)`),
    new Option(
      '--from-container',
      `${verb} the blob container after the import (needs \`obc signin\` first, or a container SAS URL)`,
    ),
    new Option('--subscription <id>', 'with --from-container: subscription id'),
    new Option(
      '--resource-group <name>',
      'with --from-container: resource group of the storage account (looked up when absent)',
    ),
    new Option('--storage-account <name>', 'with --from-container: storage account'),
    new Option('--container <name>', 'with --from-container: container'),
    new Option(
      '--restore-point <id>',
      'with --from-container: a restore point as `obc restore-points list` prints it (default: the newest)',
    ),
    new Option(
      '--container-url-file <file>',
      "with --from-container: read the container through the container SAS URL in this file (read and list; '-': standard input) instead of the signed-in account",
    ),
    new Option(
      '--container-url <url>',
      'with --from-container: the same, given on the command line (which other users can see)',
    ),
  ];
}

export function register(program: Command): void {
  program
    .command('backup')
    .description('Back Up Now: back up files, folders or drives into <staging>/<job> (resumes an unfinished run).')
    .requiredOption('--items <path...>', 'files, folders or drive roots to back up')
    .option(
      '--exclude <rule>',
      'a folder with its subfolders (/srv/data/cache, D:\\Temp), a file type in a folder and its subfolders (D:\\Data\\*.mp3) or a file type everywhere (*.tmp); repeatable',
      collect,
      [],
    )
    .option(
      '--exclude-nonrecursive <rule>',
      'like --exclude, but only directly in that folder, not its subfolders (D:\\Data\\*.iso, /srv/data/cache); repeatable',
      collect,
      [],
    )
    .option('--staging <dir>', 'staging location (required unless --online)')
    .option(
      '--online',
      'after the import: upload a restore point to the container the seed was imported into (needs `obc signin`, --subscription, --storage-account, --container)',
    )
    .requiredOption('--job <name>', 'import job name (lowercase letters, digits, hyphens)')
    .requiredOption(
      '--passphrase-file <file>',
      'file holding the encryption passphrase (16–256 printable ASCII characters)',
    )
    .option('--storage-account <name>', 'target storage account')
    .option('--container <name>', 'target blob container (3–63 lowercase letters, digits and single hyphens)')
    .option(
      '--job-type <type>',
      'data-box or import-export: which service will hold the import job (recorded in seed.json)',
    )
    .option('--subscription <id>', 'subscription id')
    .option('--resource-group <name>', 'resource group of the import job')
    .option('--overwrite', 'replace a completed backup of the same job')
    .option('--retain-until <date>', 'retain-till date (YYYY-MM-DD), recorded in seed.json')
    .addOption(new Option('--pack-size <bytes>', 'pack size (tests)').argParser((v) => Number(v)).hideHelp())
    .option('--json', 'JSON lines on stdout')
    .action(async (o) => {
      const json = !!o.json;
      await guarded(json, async () => {
        if (o.retainUntil !== undefined) {
          const r = retainUntilSchema.safeParse(o.retainUntil);
          if (!r.success)
            throw new AppError(
              'VALIDATION',
              `--retain-until ${o.retainUntil}: ${r.error.issues[0]?.message ?? 'not a date'}`,
              { field: 'retainUntil' },
            );
        }
        // Names first (decision 10): a bad container is refused with the rule before the passphrase file is read.
        const badContainer = o.container === undefined ? null : checkContainerName(o.container);
        if (badContainer) throw new AppError('VALIDATION', `--container: ${badContainer}`, { field: 'container' });
        const jobBackend = jobTypeOf(o.jobType);
        const exclusions = exclusionsFromArgs(o.exclude, o.excludeNonrecursive);
        if (o.online) {
          if (o.staging || o.overwrite)
            throw new AppError(
              'VALIDATION',
              '--online uploads a restore point to the container: it takes no --staging or --overwrite.',
              { field: 'online' },
            );
          const { backUpOnlineFromCli } = await import('./backup-online.ts');
          return backUpOnlineFromCli({ ...o, json }, exclusions, await readPassphraseFile(o.passphraseFile));
        }
        if (!o.staging)
          throw new AppError(
            'VALIDATION',
            'Give --staging <dir> (or --online to upload a restore point to the container).',
            { field: 'staging' },
          );
        // Before anything is written: a staging location inside the items would hold a backup of itself.
        const holder = await itemHoldingStaging(o.staging, o.items);
        if (holder) {
          throw new AppError(
            'VALIDATION',
            `The staging location ${o.staging} is inside the item ${holder}: the backup would contain itself. Choose a staging location outside the items.`,
            { field: 'staging' },
          );
        }
        const passphrase = await readPassphraseFile(o.passphraseFile);
        // Before the engine is loaded: scrypt (~0.4 s) runs beside the loading of its modules (issue 15).
        const startedKeys = await startJobKeys(o.staging, o.job, passphrase);
        const tasks = new TaskManager({ minIntervalMs: 200 });
        const testHook = engineTestHook();
        // One passphrase per backup: the one typed must be the policy's when the policy governs the job.
        const bound = await policyPassphraseOf(o.job, (m) =>
          json ? jsonLine({ type: 'notice', message: m }) : process.stderr.write(`note: ${m}\n`),
        );
        const svc = await backupService(
          tasks,
          {
            ...(startedKeys ? { startedKeys } : {}),
            // No scan worker's isolate beside scrypt's 128 MiB at the start (services/backup/README.md, start18).
            scanHere: true,
            ...(o.packSize ? { packSize: o.packSize } : {}),
            // Fault tests only: a real SIGKILL, or a pause for an injected fault, at a named point of the engine.
            ...(testHook ? { testHook } : {}),
          },
          { policyBoundPassphrase: async () => bound },
        );
        const s = await runTask(
          tasks,
          () =>
            svc.start({
              items: o.items,
              exclusions,
              stagingLocation: o.staging,
              job: {
                name: o.job,
                ...(o.storageAccount ? { storageAccount: o.storageAccount } : {}),
                ...(o.container ? { container: o.container } : {}),
                ...(jobBackend ? { jobBackend } : {}),
                ...(o.subscription ? { subscriptionId: o.subscription } : {}),
                ...(o.resourceGroup ? { resourceGroup: o.resourceGroup } : {}),
              },
              passphrase,
              ...(o.overwrite ? { overwrite: true } : {}),
              ...(o.retainUntil ? { retainUntil: o.retainUntil } : {}),
            }),
          json,
        );
        finish(s, json, () => {
          const r = s.result as BackupSummary | undefined;
          if (!r) return [];
          return [
            `Backed up ${r.files} files, ${formatBytes(r.bytes)} → ${formatBytes(r.storedBytes)} in ${r.packs} packs at ${r.jobDir} (${r.seconds.toFixed(1)} s).`,
            ...(r.notes ?? []).map((n) => `note: ${n}`),
            ...(r.packIo ? [`pack I/O: ${r.packIo.note}`] : []),
            ...(r.changedSinceInterruptedRun ?? []).map((c) => `${c.change} since the interrupted run: ${c.path}`),
            ...((r.changedSinceInterruptedRunCount ?? 0) > (r.changedSinceInterruptedRun?.length ?? 0)
              ? [
                  `… and ${r.changedSinceInterruptedRunCount! - r.changedSinceInterruptedRun!.length} more since the interrupted run`,
                ]
              : []),
            ...(r.changedWhileRead ?? []).map((x) => `changed while read: ${x.path}: ${x.reason}`),
            ...r.skipped.map((x) => `skipped: ${x.path}: ${x.reason}`),
            ...(r.skippedCount > r.skipped.length ? [`… and ${r.skippedCount - r.skipped.length} more skipped`] : []),
          ];
        });
      });
    });

  const verify = program
    .command('verify')
    .description(
      'Verify a backup (staging location, prepared disks or the blob container): every pack, every chunk, every file (exit 0 only if intact).',
    )
    .option(
      '--staging <dir>',
      'staging location (the source; with --from-disk/--from-container only where seed.json is read from)',
    )
    .requiredOption('--job <name>', 'job name')
    .requiredOption('--passphrase-file <file>', 'file holding the passphrase');
  for (const option of sourceOptions('verify')) verify.addOption(option);
  verify
    .option(
      '--read-data-subset <n%|n/m>',
      'read only some packs (a random n%, or the n-th of m slices); the catalog and every file are still checked',
    )
    .option('--json', 'JSON lines on stdout')
    .action(async (o) => {
      const json = !!o.json;
      await guarded(json, async () => {
        const { cliContainer, containerSasOf } = await import('../container-source.ts');
        const sasUrl = await containerSasOf(o);
        const source = restoreSource(o);
        const subset = o.readDataSubset !== undefined ? parseDataSubset(o.readDataSubset) : undefined;
        const passphrase = await readPassphraseFile(o.passphraseFile);
        const tasks = new TaskManager({ minIntervalMs: 200 });
        const azure = source.kind === 'container' ? await cliContainer(tasks, sasUrl) : null;
        const svc = await backupService(tasks, {}, azure?.deps ?? {});
        const s = await runTask(
          tasks,
          () => svc.verify({ source, passphrase, ...(subset ? { subset } : {}) }),
          json,
        ).finally(() => azure?.close());
        const r = s.result as
          | {
              ok: boolean;
              restorePoint?: string;
              packsChecked: number;
              packsNotRead?: number;
              chunksChecked: number;
              filesChecked: number;
              damagedPacks: Array<{ path: string; reason: string }>;
              damagedFiles: Array<{ path: string; reason: string }>;
            }
          | undefined;
        const notRead = r?.packsNotRead ? ` (${r.packsNotRead} packs not read: --read-data-subset)` : '';
        finish(s, json, () =>
          r
            ? [
                ...(r.restorePoint
                  ? [
                      `Restore point ${r.restorePoint}${source.kind === 'container' && !source.restorePoint ? ' (the newest)' : ''}:`,
                    ]
                  : []),
                r.ok
                  ? `Intact: ${r.packsChecked} packs, ${r.chunksChecked} chunks, ${r.filesChecked} files${notRead}.`
                  : 'DAMAGED:',
                ...r.damagedPacks.map((p) => `damaged pack: ${p.path}: ${p.reason}`),
                ...r.damagedFiles.map((f) => `damaged file: ${f.path}: ${f.reason}`),
              ]
            : [],
        );
        if (r && !r.ok) process.exitCode = EXIT.failure;
      });
    });

  const restore = program
    .command('restore')
    .description(
      'Recover data from a backup (staging location, prepared disks or the blob container) to a folder (never outside it) or to the original location.',
    )
    .option(
      '--staging <dir>',
      'staging location (the source; with --from-disk/--from-container only where seed.json is read from)',
    )
    .requiredOption('--job <name>', 'job name')
    .requiredOption('--passphrase-file <file>', 'file holding the passphrase')
    .option('--to <dir>', 'destination folder ("another location"; or give --original-location)')
    .option(
      '--original-location',
      'each file back to the path it was backed up from; folders above the backed-up items must exist and are left as they are',
    );
  for (const option of sourceOptions('read from')) restore.addOption(option);
  restore
    .option('--path <p>', 'catalog path to restore (folder or file); repeatable, default everything', collect, [])
    .addOption(
      new Option(
        '--conflict <choice>',
        'when a file exists at the destination: keepBoth (a renamed copy), skip or overwrite',
      )
        .choices([...CONFLICT_CHOICES])
        .default(DEFAULT_CONFLICT),
    )
    .option('--json', 'JSON lines on stdout')
    .action(async (o) => {
      const json = !!o.json;
      await guarded(json, async () => {
        if (!o.to === !o.originalLocation)
          throw new AppError('VALIDATION', 'Give either --to <dir> or --original-location (one of the two).', {
            field: 'to',
          });
        const { cliContainer, containerSasOf } = await import('../container-source.ts');
        const sasUrl = await containerSasOf(o);
        const source = restoreSource(o);
        const passphrase = await readPassphraseFile(o.passphraseFile);
        const tasks = new TaskManager({ minIntervalMs: 200 });
        const azure = source.kind === 'container' ? await cliContainer(tasks, sasUrl) : null;
        const svc = await backupService(tasks, {}, azure?.deps ?? {});
        try {
          const s = await runTask(
            tasks,
            () =>
              svc.recover({
                source,
                passphrase,
                ...(o.originalLocation ? { originalLocation: true as const } : { to: o.to as string }),
                paths: o.path,
                conflict: o.conflict,
              }),
            json,
          );
          const r = s.result as RestoreSummary | undefined;
          const point = r?.restorePoint
            ? ` (restore point ${r.restorePoint}${source.kind === 'container' && !source.restorePoint ? ', the newest' : ''})`
            : '';
          const from =
            source.kind === 'staging'
              ? source.stagingLocation
              : source.kind === 'disks'
                ? `${source.disks.length} disk(s)`
                : `container ${source.container}${point}`;
          const already = r?.unchanged ? `; ${r.unchanged} already there with the same bytes` : '';
          finish(s, json, () =>
            r
              ? [
                  `Restored ${r.files} files (${formatBytes(r.bytes)}) from ${from} to ${o.originalLocation ? 'the original location' : o.to}${already}.`,
                  ...r.skipped.map((x) => `not restored: ${x.path}: ${x.reason}`),
                  ...(r.leftoversRemoved ?? []).map(
                    (p) => `removed a temp file an interrupted earlier restore left: ${p}`,
                  ),
                ]
              : [],
          );
        } finally {
          await svc.close();
          azure?.close();
        }
      });
    });
}

/** The recover source of `obc restore` options; usage errors name the missing option. */
export function restoreSource(o: {
  staging?: string;
  job: string;
  fromDisk?: string[];
  fromContainer?: boolean;
  subscription?: string;
  resourceGroup?: string;
  storageAccount?: string;
  container?: string;
  restorePoint?: string;
}): RecoverSource {
  if (o.fromDisk && o.fromContainer)
    throw new AppError('VALIDATION', 'Give either --from-disk or --from-container, not both.');
  if (o.restorePoint && !o.fromContainer)
    throw new AppError(
      'VALIDATION',
      '--restore-point needs --from-container: restore points live in the storage account container.',
      { field: 'restorePoint' },
    );
  let source: unknown;
  if (o.fromDisk)
    source = { kind: 'disks', disks: o.fromDisk, job: o.job, ...(o.staging ? { stagingLocation: o.staging } : {}) };
  else if (o.fromContainer) {
    for (const [k, flag] of [
      ['subscription', '--subscription'],
      ['storageAccount', '--storage-account'],
      ['container', '--container'],
    ] as const)
      if (!o[k]) throw new AppError('VALIDATION', `--from-container needs ${flag}.`, { field: k });
    source = {
      kind: 'container',
      job: o.job,
      subscriptionId: o.subscription,
      ...(o.resourceGroup ? { resourceGroup: o.resourceGroup } : {}),
      storageAccount: o.storageAccount,
      container: o.container,
      ...(o.staging ? { stagingLocation: o.staging } : {}),
      ...(o.restorePoint ? { restorePoint: o.restorePoint } : {}),
    };
  } else {
    if (!o.staging)
      throw new AppError('VALIDATION', 'Give --staging <dir>, --from-disk <dir>... or --from-container.', {
        field: 'staging',
      });
    source = { kind: 'staging', stagingLocation: o.staging, job: o.job };
  }
  const r = recoverSourceSchema.safeParse(source);
  if (!r.success)
    throw new AppError(
      'VALIDATION',
      `Invalid restore source: ${r.error.issues.map((i) => `${i.path.join('.') || 'source'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}

/**
 * The passphrase this data dir's backup policy keeps for `job` when it governs it (policy-store.ts, sealed with the
 * browser-mode key file), or null. A policy sealed by the desktop app (safeStorage) cannot be opened here: said once.
 */
async function policyPassphraseOf(job: string, note: (m: string) => void): Promise<string | null> {
  const dataDir = resolveDataDir();
  const keyFile = join(dataDir, 'policy-secrets.key');
  if (!existsSync(join(dataDir, 'policies.json'))) return null;
  const [{ PolicyStore }, { FileKeyProtector }, { policyBoundPassphrase }] = await Promise.all([
    import('../../services/policies/policy-store.ts'),
    import('../../services/azure/protector.ts'),
    import('../../services/backup/one-passphrase.ts'),
  ]);
  const store = new PolicyStore({ dataDir, protector: new FileKeyProtector(keyFile) });
  await store.load();
  if (store.policy?.initialBackup.ownDisk?.importJobName !== job) return null;
  try {
    if (!existsSync(keyFile)) throw new Error('no key file');
    return await policyBoundPassphrase(store, job);
  } catch {
    note(
      `The backup policy in ${dataDir} governs job "${job}", but its saved passphrase is sealed for the desktop app and cannot be read here; the passphrase given is checked only against the job's existing backup.`,
    );
    return null;
  }
}
