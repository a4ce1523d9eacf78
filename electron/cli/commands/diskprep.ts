import { join, resolve } from 'node:path';
import { type Command } from 'commander';
import { AppError, toIpcError } from '../../../shared/errors.ts';
import { checkContainerName, checkRecoveryPasswordTypos } from '../../../shared/validators/azure-names.ts';
import { isWindowsDiskId, type DiskRef } from '../../services/diskprep/engine.ts';
import { runThroughService } from './diskprep-run.ts';
import { discoverJobs, findJob } from '../../services/diskprep/jobs.ts';
import { loadDrives, passphraseProtector } from '../../services/diskprep/drives-file.ts';
import {
  azureManifestCredential,
  containerSasFile,
  type ManifestCredentialSource,
} from '../../services/diskprep/manifest-credential.ts';
import type { AzureService } from '../../services/azure/azure-service.ts';
import { FolderDiskProvider, initFolderDisk, parseSize } from '../../services/diskprep/folder-disk.ts';
import { needsDiskOf } from '../../services/diskprep/needs-disk.ts';
import { NOT_WINDOWS_MESSAGE, WindowsDiskProvider } from '../../services/diskprep/windows-disk.ts';
import { EXIT, formatBytes, jsonLine, printError } from '../output.ts';
import { ask } from '../prompt.ts';
import { readPassphraseFile } from './backup.ts';
import type { JobPlan } from './diskprep-job.ts';
import { jobTypeOf } from '../job-type.ts';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `s:<staging>` and `p:<publish settings>` in the original tool's form (switch letter, colon, value). */
export function parseLegacyArgs(args: string[]): {
  stagingLocation?: string;
  publishSettings?: string;
  noJob: boolean;
} {
  const out: { stagingLocation?: string; publishSettings?: string; noJob: boolean } = { noJob: false };
  for (const a of args) {
    if (a === '--no-job') {
      out.noJob = true;
      continue;
    }
    const m = /^([sSpP]):(.+)$/.exec(a);
    if (!m)
      throw new AppError('VALIDATION', `Unknown argument "${a}": use s:<staging location> (and --disk, --job …).`);
    if (m[1].toLowerCase() === 's') out.stagingLocation = m[2];
    else out.publishSettings = m[2];
  }
  return out;
}

/**
 * Like the original tool: with one job in the staging location, show it for confirmation; with several, choose.
 * Non-interactive runs (--json, --yes, no terminal) leave the choice to the engine (one job, or --job).
 */
async function chooseJob(stagingLocation: string, nonInteractive: boolean): Promise<string | undefined> {
  if (nonInteractive || !process.stdin.isTTY) return undefined;
  const d = await discoverJobs(stagingLocation);
  for (const b of d.broken) process.stderr.write(`warning: ${b.seedPath} ${b.reason}\n`);
  if (d.jobs.length === 1) {
    const j = d.jobs[0];
    const a = await ask(
      `Import job ${j.jobName}: ${j.files} files, ${formatBytes(j.bytes)}, container ${j.seed.container ?? '?'}. Prepare disks for it? [y/N] `,
    );
    if (!/^y(es)?$/i.test(a.trim())) throw new AppError('CANCELLED', 'Nothing was done.');
    return j.jobName;
  }
  if (d.jobs.length > 1) {
    d.jobs.forEach((j, i) =>
      process.stderr.write(`  ${i + 1}) ${j.jobName}: ${j.files} files, ${formatBytes(j.bytes)}\n`),
    );
    const a = Number((await ask(`Choose a job (1-${d.jobs.length}): `)).trim());
    const j = d.jobs[a - 1];
    if (!j) throw new AppError('VALIDATION', 'No such job number.');
    return j.jobName;
  }
  return undefined;
}

/** `--bitlocker-key E=123456-…`: the recovery password of a disk given with --disk that is already encrypted. */
export function parseBitLockerKeys(values: string[], disks: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const eq = v.lastIndexOf('=');
    const disk = eq > 0 ? v.slice(0, eq) : '';
    const key = eq > 0 ? v.slice(eq + 1).trim() : '';
    if (!disk || !key)
      throw new AppError(
        'VALIDATION',
        `--bitlocker-key "${v.replace(/\d{6}(-\d{6}){7}/, '<key>')}" must be <disk>=<48-digit recovery password>, e.g. E=123456-…-123456.`,
      );
    if (!disks.includes(disk))
      throw new AppError(
        'VALIDATION',
        `--bitlocker-key names disk ${disk}, which is not among the --disk values (${disks.join(', ') || 'none'}).`,
      );
    // Format and per-group checksum (shared with the console's key dialog): a mistyped digit is caught before the disk is touched.
    const problem = checkRecoveryPasswordTypos(key);
    if (problem) throw new AppError('VALIDATION', `--bitlocker-key for disk ${disk}: ${problem}`);
    if (out.has(disk)) throw new AppError('VALIDATION', `--bitlocker-key is given twice for disk ${disk}.`);
    out.set(disk, key);
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('diskprep')
    .description(
      'Prepare disks for an offline import job from a staging location (like AzureOfflineBackupDiskPrep s:<staging>).',
    )
    .argument('[args...]', 's:<staging location> (required); p:<publish settings file> is accepted but obsolete')
    .option('--job <name>', 'import job (needed when the staging location holds several)')
    .option(
      '--disk <letter|folder>',
      'target disk: a drive letter (Windows) or a folder disk; repeatable, in order',
      collect,
      [],
    )
    .option('--container <name>', "container (default: seed.json's)")
    .option(
      '--container-sas <file>',
      'a file holding the container SAS to write into every manifest (<container>?<token>, Read+Write+Delete); default: signed through your Azure sign-in',
    )
    .option(
      '--passphrase-file <file>',
      'backup passphrase (seals the BitLocker keys in drives.json); or OBC_PASSPHRASE',
    )
    .option(
      '--bitlocker-key <disk=key>',
      'a disk that is already BitLocker-encrypted: its 48-digit recovery password (kept, not reformatted); repeatable',
      collect,
      [],
    )
    .option('--yes', 'erase non-empty disks without asking (check the serials first)')
    .option('--repair', 'rewrite ranges that fail read-back from staging')
    .option(
      '--job-type <type>',
      "data-box (a Microsoft.DataBox customer-disk job) or import-export (default: seed.json's, else data-box)",
    )
    .option('--subscription <id>', "subscription holding the storage account (default: seed.json's, else searched)")
    .option(
      '--shipping <file>',
      'JSON file with the return shipping details (keys as the console stores them); default: the details last used',
    )
    .option('--signin-timeout <seconds>', 'give up an interactive sign-in after this many seconds', '300')
    // `--no-job` is read from the operands: commander would fold it into --job <name> (job=false).
    .allowUnknownOption()
    .addHelpText(
      'after',
      '  --no-job  prepare the disks only; create the import job later (obc diskprep again, or the console) from drives.json\n\n' +
        'Without --no-job the command signs in (the saved sign-in, else the browser), checks the storage account, datacenter and\n' +
        'shipping details before touching a disk, prepares the disks, then creates the import job and prints where to ship them.\n' +
        'Every manifest carries a container SAS (a stored access policy on the container, Read+Write+Delete): signed through the\n' +
        'sign-in (also with --no-job), or taken from --container-sas <file>.',
    )
    .option('--json', 'JSON lines on stdout')
    .action(
      async (
        args: string[],
        o: {
          job?: string;
          disk: string[];
          container?: string;
          containerSas?: string;
          passphraseFile?: string;
          yes?: boolean;
          repair?: boolean;
          json?: boolean;
          subscription?: string;
          jobType?: string;
          shipping?: string;
          signinTimeout: string;
          bitlockerKey: string[];
        },
      ) => {
        const json = o.json === true;
        let plan: JobPlan | null = null;
        let sasService: AzureService | null = null;
        let preparedList: string | null = null;
        try {
          // Decision 10 before anything else (sign-in, disks): the rule is in the message.
          const badContainer = o.container === undefined ? null : checkContainerName(o.container);
          if (badContainer) throw new AppError('VALIDATION', `--container: ${badContainer}`, { field: 'container' });
          const legacy = parseLegacyArgs(args);
          if (!legacy.stagingLocation)
            throw new AppError(
              'VALIDATION',
              'The staging location is required: diskprep s:<staging location> --disk <letter|folder>.',
            );
          if (legacy.publishSettings) {
            const note = `p:${legacy.publishSettings} is obsolete: publish-settings files belonged to the classic (ASM) Import/Export API retired in 2023. The job is created through your Entra sign-in; the argument is ignored.`;
            if (json) jsonLine({ type: 'notice', message: note });
            else process.stderr.write(`note: ${note}\n`);
          }
          if (!o.disk.length)
            throw new AppError(
              'VALIDATION',
              'Give at least one --disk (drive letter without colon, or a folder disk).',
            );
          const passphrase = o.passphraseFile ? await readPassphraseFile(o.passphraseFile) : process.env.OBC_PASSPHRASE;
          if (!passphrase)
            throw new AppError(
              'VALIDATION',
              'The backup passphrase is needed to seal the BitLocker keys: --passphrase-file <file> or OBC_PASSPHRASE.',
            );
          const keys = parseBitLockerKeys(o.bitlockerKey, o.disk);
          const disks: DiskRef[] = o.disk.map((id) => ({
            id,
            ...(o.yes ? { confirmErase: true } : {}),
            ...(keys.has(id) ? { existingBitLockerKey: keys.get(id)! } : {}),
          }));
          const ac = new AbortController();
          const onSig = () => ac.abort(new AppError('CANCELLED', 'Cancelled (signal).'));
          process.once('SIGINT', onSig);
          process.once('SIGTERM', onSig);
          const stagingLocation = legacy.stagingLocation;
          const jobName = o.job ?? (await chooseJob(stagingLocation, json || o.yes === true));
          const interactive = !json && process.stdin.isTTY === true;
          if (!/^\d+$/.test(o.signinTimeout) || Number(o.signinTimeout) < 10 || Number(o.signinTimeout) > 3600)
            throw new AppError(
              'VALIDATION',
              `--signin-timeout "${o.signinTimeout}" must be a whole number of seconds from 10 to 3600.`,
            );
          const signInTimeoutMs = Number(o.signinTimeout) * 1000;
          const say = (message: string) =>
            json ? jsonLine({ type: 'notice', message }) : process.stderr.write(`note: ${message}\n`);
          const chosen = jobTypeOf(o.jobType);
          if (!legacy.noJob) {
            // Sign-in, storage account, datacenter and shipping details are checked before any disk is touched.
            const staged = await findJob(stagingLocation, jobName);
            // Decision 1: the job type chosen here, else the one the policy recorded in seed.json, else Data Box.
            const backend = chosen ?? staged.seed.jobBackend ?? 'DataBox';
            const { planJobCreation } = await import('./diskprep-job.ts');
            plan = await planJobCreation({
              job: staged,
              subscriptionId: o.subscription,
              backend,
              shippingFile: o.shipping,
              interactive,
              folderDisks: o.disk.some((d) => !isWindowsDiskId(d)),
              signInTimeoutMs,
              signal: ac.signal,
              say,
            });
          } else if (o.shipping || o.subscription || chosen)
            throw new AppError(
              'VALIDATION',
              '--shipping, --subscription and --job-type are for creating the import job; they cannot be combined with --no-job.',
            );
          // The manifests' container SAS (decision 14): the user's file, or signed through the sign-in before any disk is touched.
          let credential: ManifestCredentialSource;
          if (o.containerSas) credential = containerSasFile(o.containerSas);
          else {
            const { signedInForSas } = await import('./diskprep-job.ts');
            sasService = plan?.svc ?? (await signedInForSas({ signInTimeoutMs, signal: ac.signal, say }));
            credential = azureManifestCredential(sasService);
          }
          const job = jobName ?? (await findJob(stagingLocation, undefined)).jobName;
          const run = () =>
            runThroughService({
              request: {
                stagingLocation,
                job,
                ...(o.container ? { container: o.container } : {}),
                disks,
                passphrase,
                ...(o.repair ? { repair: true } : {}),
              },
              credential,
              json,
              say,
              signal: ac.signal,
            });
          let res;
          try {
            for (;;) {
              try {
                res = await run();
                break;
              } catch (err) {
                // A non-empty disk: on a terminal, ask for the typed serial (as the console does); else explain --yes.
                const e = toIpcError(err);
                const ref = e.details?.needsConfirmErase
                  ? disks.find((d) => resolve(d.id) === String(e.details?.diskId) || d.id === String(e.details?.diskId))
                  : undefined;
                if (!ref || json || !process.stdin.isTTY) {
                  if (e.details?.needsConfirmErase)
                    throw new AppError(
                      'CONFLICT',
                      `${e.message.replace(/ Confirm erasing.*$/, '')} Check it, then run again with --yes to erase it.`,
                      e.details,
                    );
                  throw err;
                }
                const answer = await ask(
                  `Disk ${String(e.details!.serial)} (${ref.id}) is not empty and will be ERASED. Type its serial to confirm: `,
                );
                if (answer.trim() !== String(e.details!.serial))
                  throw new AppError('CANCELLED', 'The serial did not match; nothing was erased.');
                ref.confirmErase = true;
              }
            }
          } finally {
            process.off('SIGINT', onSig);
            process.off('SIGTERM', onSig);
          }
          if (json) jsonLine({ type: 'result', status: 'succeeded', result: res });
          else {
            process.stdout.write(`Disks prepared for job ${res.jobName} (container ${res.container}):\n`);
            // Every verified disk of the job (drives.json), including disks finished in an earlier run and since detached.
            const all = (await loadDrives(res.stateDir))?.drives.filter((d) => d.verified) ?? res.drives;
            for (const d of all)
              process.stdout.write(
                `  ${d.driveId}: ${d.files} files, ${formatBytes(d.bytes)}, manifest ${d.manifestFile} MD5 ${d.manifestHash}${d.rehearsal ? ' (rehearsal disk)' : ''}\n`,
              );
            process.stdout.write(
              `Drive list (BitLocker keys sealed): ${res.stateDir}/drives.json\n${res.copyNote}\n${res.readBackNote}\n`,
            );
          }
          preparedList = join(res.stateDir, 'drives.json');
          if (plan) {
            const { createPlannedJob, jobSummary } = await import('./diskprep-job.ts');
            const made = await createPlannedJob(plan, {
              stateDir: res.stateDir,
              protector: await passphraseProtector(passphrase, (await findJob(stagingLocation, res.jobName)).seed),
              interactive,
              signInTimeoutMs,
              signal: ac.signal,
              say,
              extendSas: !o.containerSas,
            });
            const summary = jobSummary(made, plan);
            if (json)
              jsonLine({
                type: 'job',
                created: made.created,
                job: made.job,
                target: plan.target,
                carriers: plan.carriers,
                summary,
              });
            else process.stdout.write(summary.join('\n') + '\n');
          }
          process.exitCode = res.warnings.length ? EXIT.warnings : EXIT.ok;
        } catch (err) {
          const e = toIpcError(err);
          if (preparedList) {
            // The disks are done: say so, and how to create the job without copying again.
            const msg = `${e.message} The disks are prepared and verified (drive list: ${preparedList}); run the same command again to create the import job (nothing is copied twice), or create it in the console.`;
            printError(new AppError(e.code, msg, e.details), json);
            process.exitCode = e.code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
            return;
          }
          const need = needsDiskOf(err);
          if (need) {
            const needed = need.neededBytes;
            if (json)
              jsonLine({
                type: 'needsDisk',
                neededBytes: needed,
                remainingFiles: need.remainingFiles,
                remainingBytes: need.remainingBytes,
                message: e.message,
              });
            else
              process.stderr.write(
                `${e.message}\nAttach another disk of at least ${formatBytes(needed, true)} (${needed} bytes) and run again with one more --disk.\n`,
              );
            process.exitCode = EXIT.needsCapacity;
            return;
          }
          printError(err, json);
          process.exitCode = e.code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
        } finally {
          plan?.svc.close();
          if (sasService !== plan?.svc) sasService?.close();
        }
      },
    );

  const disks = program.command('disks').description('Disks for Disk Prep (folder disks rehearse real ones).');
  disks
    .command('init')
    .description('Create a folder disk: an empty directory with a serial and a capacity enforced like a real disk.')
    .argument('<dir>', 'directory (created if missing; must be empty)')
    .requiredOption('--serial <s>', 'serial number (letters, digits, - and _)')
    .requiredOption('--capacity <size>', 'capacity, e.g. 500M, 2G, 1T or bytes')
    .option('--json', 'JSON output')
    .action(async (dir: string, o: { serial: string; capacity: string; json?: boolean }) => {
      try {
        const d = await initFolderDisk(dir, o.serial, parseSize(o.capacity));
        if (o.json) jsonLine({ type: 'result', disk: { path: dir, ...d } });
        else
          process.stdout.write(
            `Folder disk ${d.serial} (${formatBytes(d.capacityBytes)}) ready at ${dir} — a rehearsal disk, not for shipping.\n`,
          );
      } catch (err) {
        printError(err, o.json === true);
        process.exitCode = toIpcError(err).code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
      }
    });
  disks
    .command('list')
    .description('List disks (Windows) and the folder disks under --folder-root.')
    .option('--staging <dir>', 'staging location (the disk holding it is refused)')
    .option('--folder-root <dir>', 'folder holding folder disks; repeatable', collect, [])
    .option('--json', 'JSON output')
    .action(async (o: { staging?: string; folderRoot: string[]; json?: boolean }) => {
      try {
        const ctx = o.staging ? { stagingLocation: o.staging } : {};
        const win = new WindowsDiskProvider();
        const list = [
          ...(await win.list(ctx)),
          ...(await new FolderDiskProvider({ searchRoots: o.folderRoot }).list(ctx)),
        ];
        if (o.json) jsonLine({ type: 'result', disks: list, windowsAvailable: win.available });
        else {
          if (!win.available) process.stderr.write(`note: ${NOT_WINDOWS_MESSAGE}\n`);
          for (const d of list)
            process.stdout.write(
              `${d.id}  ${d.serial}  ${formatBytes(d.sizeBytes)}  ${d.busType}${d.rehearsal ? '  (rehearsal)' : ''}${d.refusals.length ? `  REFUSED: ${d.refusals.map((r) => r.code).join(',')}` : ''}${d.warnings.length ? `  warn: ${d.warnings.map((w) => w.code).join(',')}` : ''}\n`,
            );
        }
      } catch (err) {
        printError(err, o.json === true);
        process.exitCode = EXIT.failure;
      }
    });
}
