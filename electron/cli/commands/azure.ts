/**
 * `obc signin|signout|account|clouds|subscriptions|storage-accounts|jobs …` over the Azure service.
 * The sign-in page address is printed on stderr and handed to xdg-open / open / start when one exists;
 * the saved sign-in is encrypted with the owner-only key file (the CLI says so after signing in).
 */
import { spawn } from 'node:child_process';
import type { Command } from 'commander';
import { AppError } from '../../../shared/errors.ts';
import {
  checkContainerName,
  checkJobName,
  checkResourceGroupName,
  checkStorageAccountName,
  checkSubscriptionId,
  normalizeTrackingNumber,
} from '../../../shared/validators/azure-names.ts';
import { deliveryPackageSchema } from '../../../shared/validators/shipping.ts';
import type { ImportJobInfo } from '../../../shared/contract/azure.ts';
import { findStorageAccount } from '../../../shared/job-target.ts';
import { importSasThrough, revokeImportSasThrough } from '../../services/azure/container-sas.ts';
import { SAS_VALIDITY_TOTAL, sasExpiry } from '../../services/diskprep/manifest-credential.ts';
import { jobDefaults } from './job-defaults.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { SettingsStore } from '../../services/settings/settings-store.ts';
import { AzureService } from '../../services/azure/azure-service.ts';
import { EXIT, jsonLine, printError } from '../output.ts';
import { jobTypeOf } from '../job-type.ts';

/** Prints the sign-in address and tries the platform's opener; never fails because no browser exists. */
export async function cliOpenUrl(url: string): Promise<void> {
  process.stderr.write(`Open this address to sign in (waiting for you to finish):\n  ${url}\n`);
  const [cmd, args] =
    process.platform === 'win32'
      ? ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
      : process.platform === 'darwin'
        ? ['open', [url]]
        : ['xdg-open', [url]];
  await new Promise<void>((resolve) => {
    try {
      const child = spawn(cmd as string, args as string[], { stdio: 'ignore', detached: true });
      child.on('error', () => resolve());
      child.on('spawn', () => {
        child.unref();
        resolve();
      });
    } catch {
      resolve();
    }
  });
}

async function withService<T>(
  json: boolean,
  fn: (svc: AzureService, settings: SettingsStore) => Promise<T>,
): Promise<void> {
  const dataDir = resolveDataDir();
  const settings = new SettingsStore(dataDir);
  await settings.load();
  const svc = new AzureService({ dataDir, settings: () => settings.get(), openUrl: cliOpenUrl });
  // Ctrl+C cancels a pending sign-in (closing MSAL's loopback listener); otherwise it ends the command as usual.
  const onSig = () =>
    void svc.cancelSignIn().then(
      (cancelled) => {
        if (!cancelled) process.exit(130);
      },
      // Cancelling failed: say so and end the command as Ctrl+C would, not with an unhandled rejection.
      (err: unknown) => {
        console.error(`Could not cancel the sign-in: ${(err as Error).message}`);
        process.exit(130);
      },
    );
  process.on('SIGINT', onSig);
  try {
    await fn(svc, settings);
  } catch (err) {
    printError(err, json);
    process.exitCode = err instanceof AppError && err.code === 'VALIDATION' ? EXIT.usage : EXIT.failure;
  } finally {
    process.off('SIGINT', onSig);
    svc.close();
  }
}

interface JobFlags {
  subscription?: string;
  resourceGroup?: string;
  jobType?: string;
  staging?: string;
  json?: boolean;
}

function need(check: (v: string) => string | null, v: string | undefined, flag: string): string {
  if (!v) throw new AppError('VALIDATION', `${flag} is required.`);
  const msg = check(v);
  if (msg) throw new AppError('VALIDATION', msg);
  return v;
}

function out(json: boolean, value: unknown, human: () => string[]): void {
  if (json) jsonLine({ type: 'result', result: value });
  else for (const l of human()) process.stdout.write(`${l}\n`);
}

function jobLines(j: ImportJobInfo): string[] {
  const lines = [
    `${j.name}  ${j.state}${j.cancelRequested ? ' (cancel requested)' : ''}  ${j.location}  rg=${j.resourceGroup}`,
  ];
  if (j.deliveryPackage?.trackingNumber)
    lines.push(
      `  shipped: ${j.deliveryPackage.carrierName} ${j.deliveryPackage.trackingNumber} (${j.deliveryPackage.driveCount ?? '?'} drives, ${j.deliveryPackage.shipDate ?? ''})`,
    );
  for (const d of j.drives)
    lines.push(
      `  drive ${d.driveId}: ${d.state ?? ''}${d.percentComplete !== undefined ? ` ${d.percentComplete}%` : ''}${d.copyStatus ? ` ${d.copyStatus}` : ''}`,
    );
  return lines;
}

export function register(program: Command): void {
  program
    .command('signin')
    .description('Sign in to Azure (or the local sandbox) in the browser.')
    .option('--cloud <name>', 'AzurePublic, AzureUSGovernment, AzureChina or LocalSandbox (saved in settings)')
    .option('--client-id <id>', 'public client (application) id to sign in with (saved in settings)')
    .option('--timeout <seconds>', 'give up after this many seconds', '300')
    .option('--json', 'machine-readable output')
    .action(async (o: { cloud?: string; clientId?: string; timeout: string; json?: boolean }) =>
      withService(Boolean(o.json), async (svc, settings) => {
        if (o.cloud || o.clientId) {
          const names = (await svc.clouds()).map((c) => c.name);
          if (o.cloud && !names.includes(o.cloud))
            throw new AppError('VALIDATION', `Unknown cloud "${o.cloud}". Available: ${names.join(', ')}.`);
          await settings.set({
            ...(o.cloud ? { cloud: o.cloud } : {}),
            ...(o.clientId ? { clientId: o.clientId } : {}),
          });
        }
        const st = await svc.signIn({ timeoutMs: Math.max(10, Number(o.timeout) || 300) * 1000 });
        out(Boolean(o.json), st, () => [
          `Signed in to ${st.cloudDisplayName} as ${st.account?.name} <${st.account?.username}> (tenant ${st.account?.tenantId}).`,
          `Saved sign-in: ${st.protection}`,
        ]);
      }),
    );

  program
    .command('signout')
    .description('Sign out and delete the saved sign-in.')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) =>
      withService(Boolean(o.json), async (svc) =>
        out(Boolean(o.json), await svc.signOut(), () => ['Signed out; the saved sign-in was deleted.']),
      ),
    );

  program
    .command('account')
    .description('Show the signed-in account and cloud.')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) =>
      withService(Boolean(o.json), async (svc) => {
        const st = await svc.status();
        out(Boolean(o.json), st, () => [
          st.signedIn
            ? `${st.account?.name} <${st.account?.username}>  tenant ${st.account?.tenantId}  object id ${st.account?.objectId}`
            : `Not signed in${st.needsSignIn ? `: ${st.needsSignIn}` : ''}.`,
          `Cloud: ${st.cloudDisplayName} (${st.cloud})${st.clientIdConfigured ? '' : ' — no client id configured'}`,
        ]);
      }),
    );

  program
    .command('clouds')
    .description('List the clouds the console can sign in to.')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) =>
      withService(Boolean(o.json), async (svc) => {
        const r = await svc.cloudInfos();
        out(Boolean(o.json), r, () =>
          r.clouds.map(
            (c) =>
              `${c.name === r.current ? '*' : ' '} ${c.name.padEnd(18)} ${c.displayName}${c.hasClientId ? '' : ' (client id not set)'}`,
          ),
        );
      }),
    );

  program
    .command('subscriptions')
    .description('List the subscriptions of the signed-in account.')
    .option('--json', 'machine-readable output')
    .action(async (o: { json?: boolean }) =>
      withService(Boolean(o.json), async (svc) => {
        const subs = await svc.subscriptions();
        out(Boolean(o.json), subs, () => subs.map((s) => `${s.subscriptionId}  ${s.state.padEnd(8)} ${s.displayName}`));
      }),
    );

  program
    .command('storage-accounts')
    .description('List the storage accounts of a subscription and whether they can hold page blobs.')
    .requiredOption('--subscription <id>', 'subscription id')
    .option('--json', 'machine-readable output')
    .action(async (o: { subscription: string; json?: boolean }) =>
      withService(Boolean(o.json), async (svc) => {
        const list = await svc.storageAccounts(need(checkSubscriptionId, o.subscription, '--subscription'));
        out(Boolean(o.json), list, () =>
          list.map(
            (a) =>
              `${a.name.padEnd(24)} ${a.kind.padEnd(12)} ${a.location.padEnd(14)} rg=${a.resourceGroup}${a.pageBlobEligible ? '' : `  NOT USABLE: ${a.ineligibleReason}`}`,
          ),
        );
      }),
    );

  const jobs = program
    .command('jobs')
    .description('Import jobs: Microsoft.DataBox customer-disk jobs and Microsoft.ImportExport jobs.');
  const dataDir = () => resolveDataDir();
  /** A job reference: flags first, then this machine's backup policy and the job's seed.json (job-defaults.ts). */
  const ref = async (svc: AzureService, name: string, o: JobFlags) => {
    const jobName = need(checkJobName, name, 'job name');
    const d = await jobDefaults(dataDir(), jobName, { stagingLocation: o.staging });
    const missing = (flag: string, what: string) =>
      new AppError(
        'VALIDATION',
        d.from.length
          ? `${flag} is required: ${d.from.join(' and ')} name(s) no ${what} for job ${jobName}.`
          : `${flag} is required: neither this machine's backup policy nor a seed.json (--staging <dir>) names job ${jobName}.`,
      );
    const subscriptionId = o.subscription ?? d.subscriptionId;
    if (!subscriptionId) throw missing('--subscription', 'subscription');
    let resourceGroup = o.resourceGroup ?? d.resourceGroup;
    if (!resourceGroup && d.storageAccount)
      resourceGroup = (
        await findStorageAccount(svc, d.storageAccount, subscriptionId).catch((err: unknown) => {
          throw new AppError('NOT_FOUND', `Job ${jobName}: ${(err as Error).message}`);
        })
      ).acct.resourceGroup;
    if (!resourceGroup) throw missing('--resource-group', 'resource group');
    const backend = jobTypeOf(o.jobType) ?? d.backend;
    return {
      ...d,
      jobName,
      subscriptionId: need(checkSubscriptionId, subscriptionId, '--subscription'),
      resourceGroup: need(checkResourceGroupName, resourceGroup, '--resource-group'),
      ...(backend ? { backend } : {}),
    };
  };
  const withJobFlags = (c: Command) =>
    c
      .option('--subscription <id>', "subscription (default: the backup policy's or seed.json's)")
      .option('--resource-group <name>', "resource group of the job (default: the policy's or seed.json's)")
      .option(
        '--job-type <type>',
        "data-box or import-export (default: the policy's or seed.json's; without either, both services are asked)",
      )
      .option('--staging <dir>', "staging location holding <job>/seed.json (default: the policy's)")
      .option('--json', 'machine-readable output');
  withJobFlags(
    jobs.command('list').description('List the import jobs of a subscription (both services unless --job-type).'),
  ).action(async (o: JobFlags) =>
    withService(Boolean(o.json), async (svc) => {
      const d = await jobDefaults(dataDir(), undefined, { stagingLocation: o.staging });
      const sub = o.subscription ?? d.subscriptionId;
      if (!sub)
        throw new AppError('VALIDATION', '--subscription is required: no backup policy on this machine names one.');
      const list = await svc.listJobs(
        need(checkSubscriptionId, sub, '--subscription'),
        o.resourceGroup,
        jobTypeOf(o.jobType),
      );
      out(Boolean(o.json), list, () => (list.length ? list.flatMap(jobLines) : ['No import jobs.']));
    }),
  );
  for (const [name, desc] of [
    ['show', 'Show one import job.'],
    ['cancel', 'Request cancellation (only before the disks ship).'],
    ['delete', 'Delete the job record (only while Creating or once Completed).'],
  ] as const) {
    withJobFlags(jobs.command(`${name} <job>`).description(desc)).action(async (job: string, o: JobFlags) =>
      withService(Boolean(o.json), async (svc) => {
        const r = await ref(svc, job, o);
        if (name === 'show') {
          const j = await svc.getJob(r);
          out(Boolean(o.json), j, () => jobLines(j));
        } else if (name === 'cancel') {
          const j = await svc.cancelJob(r);
          out(Boolean(o.json), j, () => [`Cancellation requested for ${j.name} (state ${j.state}).`]);
        } else out(Boolean(o.json), await svc.deleteJob(r), () => [`Deleted job ${r.jobName}.`]);
      }),
    );
  }
  for (const [name, desc] of [
    [
      'extend-sas',
      `Extend the stored access policy of the container SAS in the job's drive manifests to ${SAS_VALIDITY_TOTAL} days from now (the disks keep working).`,
    ],
    [
      'revoke-sas',
      'Revoke the container SAS in every drive manifest of the job (deletes its stored access policy); do it once the import is verified.',
    ],
  ] as const) {
    withJobFlags(jobs.command(`${name} <job>`).description(desc))
      .option('--storage-account <name>', "storage account (default: the policy's or seed.json's)")
      .option('--container <name>', "container (default: the policy's or seed.json's)")
      .action(async (job: string, o: JobFlags & { storageAccount?: string; container?: string }) =>
        withService(Boolean(o.json), async (svc) => {
          const jobName = need(checkJobName, job, 'job name');
          const d = await jobDefaults(dataDir(), jobName, { stagingLocation: o.staging });
          const storageAccount = need(
            checkStorageAccountName,
            o.storageAccount ?? d.storageAccount,
            '--storage-account',
          );
          const container = need(checkContainerName, o.container ?? d.container, '--container');
          const t = { jobName, storageAccount, container, subscriptionId: o.subscription ?? d.subscriptionId };
          if (name === 'revoke-sas') {
            const r = await revokeImportSasThrough(svc, t);
            out(Boolean(o.json), r, () => [
              r.revoked
                ? `Revoked: stored access policy ${r.policyId} deleted from container ${container} of ${storageAccount}; the container SAS in the drive manifests of job ${jobName} no longer grants access.`
                : `Container ${container} of ${storageAccount} has no stored access policy ${r.policyId} (already revoked, or never set): nothing to revoke.`,
            ]);
          } else {
            const r = await importSasThrough(svc, { ...t, expiresOn: sasExpiry(), policyOnly: true });
            out(Boolean(o.json), { policyId: r.policyId, expiresOn: r.expiresOn, changed: r.policyChanged }, () => [
              `Stored access policy ${r.policyId} on container ${container} of ${storageAccount} is valid until ${r.expiresOn}${r.policyChanged ? '' : ' (unchanged: it already lasted that long)'}.`,
            ]);
          }
        }),
      );
  }
  withJobFlags(
    jobs.command('track <job>').description('Record the package sent to the datacenter (moves the job to Shipping).'),
  )
    .requiredOption('--carrier <name>', 'carrier, e.g. FedEx')
    .requiredOption('--tracking <number>', 'tracking number')
    .requiredOption('--drives <count>', 'number of drives in the package')
    .option('--ship-date <YYYY-MM-DD>', 'day the package was handed over (default today)')
    .action(
      async (job: string, o: JobFlags & { carrier: string; tracking: string; drives: string; shipDate?: string }) =>
        withService(Boolean(o.json), async (svc) => {
          const parsed = deliveryPackageSchema.safeParse({
            carrierName: o.carrier,
            trackingNumber: normalizeTrackingNumber(o.tracking),
            driveCount: Number(o.drives),
            shipDate: o.shipDate ?? new Date().toISOString().slice(0, 10),
          });
          if (!parsed.success) throw new AppError('VALIDATION', parsed.error.issues.map((i) => i.message).join(' '));
          const j = await svc.updateShipping(await ref(svc, job, o), parsed.data);
          out(Boolean(o.json), j, () => jobLines(j));
        }),
    );
}
