/**
 * `obc diskprep` without --no-job (SPEC §3.3 steps 4, 6–8): sign in and find where the job goes before any disk is
 * touched, take the shipping details (a --shipping file, the console's remembered ones, or prompts on a terminal),
 * then, after the copy, create the import job from drives.json and print the datacenter address and carriers.
 */
import { readFile } from 'node:fs/promises';
import { AppError, toIpcError } from '../../../shared/errors.ts';
import type { JobBackendName } from '../../../shared/contract/azure.ts';
import { addressLines } from '../../../shared/import-jobs.ts';
import { shippingDefaultsSchema } from '../../../shared/contract/shipping.ts';
import type { JobTarget } from '../../../shared/job-target.ts';
import {
  SHIPPING_FIELDS,
  SHIPPING_LABELS,
  fromDefaults,
  validateShipping,
  type ShippingDraft,
} from '../../../shared/shipping-draft.ts';
import { AzureService } from '../../services/azure/azure-service.ts';
import { extendImportSas } from '../../services/diskprep/manifest-credential.ts';
import {
  createJobFromDisks,
  currentCloud,
  findJobTarget,
  rehearsalRefusal,
  shippingProblems,
  type CloudFacts,
  type CreatedJob,
} from '../../services/diskprep/create-job.ts';
import type { SecretProtector } from '../../services/diskprep/drives-file.ts';
import type { StagedJob } from '../../services/diskprep/jobs.ts';
import { resolveDataDir } from '../../services/paths.ts';
import { SettingsStore } from '../../services/settings/settings-store.ts';
import { loadShippingDefaults } from '../../services/shipping/defaults.ts';
import { ask } from '../prompt.ts';
import { cliOpenUrl } from './azure.ts';

export type Say = (message: string) => void;

export interface JobPlan {
  svc: AzureService;
  dataDir: string;
  target: JobTarget;
  carriers: string[];
  draft: ShippingDraft;
  cloud: CloudFacts;
}

export interface PlanOptions {
  job: StagedJob;
  subscriptionId?: string | undefined;
  backend?: JobBackendName | undefined;
  shippingFile?: string | undefined;
  /** A terminal can be asked (shipping prompts, the typed "yes"); otherwise everything must be known up front. */
  interactive: boolean;
  /** Any --disk is a folder (rehearsal) disk. */
  folderDisks: boolean;
  signInTimeoutMs: number;
  signal: AbortSignal;
  say: Say;
}

const fieldList = SHIPPING_FIELDS.join(', ');

/** Reads a --shipping JSON file: any subset of the shipping fields, nothing else. */
export async function readShippingFile(path: string): Promise<Partial<ShippingDraft>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new AppError('VALIDATION', `--shipping ${path} cannot be read: ${(err as Error).message}`, { path });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new AppError('VALIDATION', `--shipping ${path} is not JSON: ${(err as Error).message}`, { path });
  }
  const r = shippingDefaultsSchema.partial().strict().safeParse(raw);
  if (!r.success) {
    const issues = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AppError(
      'VALIDATION',
      `--shipping ${path} is not a shipping-details object (${issues}). Keys: ${fieldList}.`,
      { path },
    );
  }
  // Only the fields the file gives (JSON has no undefined; the parsed type allows it), so none blanks a default.
  return Object.fromEntries(Object.entries(r.data).filter(([, v]) => v !== undefined)) as Partial<ShippingDraft>;
}

async function signedIn(
  svc: AzureService,
  o: { signInTimeoutMs: number; signal: AbortSignal; say: Say },
  why: string,
): Promise<void> {
  const st = await svc.status();
  if (st.signedIn) return;
  o.say(`${why} Sign in to ${st.cloudDisplayName}${st.needsSignIn ? ` (${st.needsSignIn})` : ''}.`);
  const onAbort = () => void svc.cancelSignIn();
  o.signal.addEventListener('abort', onAbort, { once: true });
  try {
    await svc.signIn({ timeoutMs: o.signInTimeoutMs });
  } finally {
    o.signal.removeEventListener('abort', onAbort);
  }
}

/** The CLI's Azure layer on its own data folder and settings (the caller closes it). */
export async function cliAzureService(): Promise<{ svc: AzureService; dataDir: string }> {
  const dataDir = resolveDataDir();
  const settings = new SettingsStore(dataDir);
  await settings.load();
  return { svc: new AzureService({ dataDir, settings: () => settings.get(), openUrl: cliOpenUrl }), dataDir };
}

/**
 * `obc diskprep --no-job` without --container-sas: the manifests still need the container SAS, so the run signs in
 * (the saved sign-in, else the browser) before a disk is touched.
 */
export async function signedInForSas(o: {
  signInTimeoutMs: number;
  signal: AbortSignal;
  say: Say;
}): Promise<AzureService> {
  const { svc } = await cliAzureService();
  try {
    await signedIn(
      svc,
      o,
      'Every drive manifest carries a container SAS, signed through your Azure sign-in (or give one with --container-sas <file>).',
    );
    return svc;
  } catch (err) {
    svc.close();
    throw err;
  }
}

/** Everything that can fail before the copy does: sign-in, storage account, datacenter, provider, shipping details. */
export async function planJobCreation(o: PlanOptions): Promise<JobPlan> {
  const { svc, dataDir } = await cliAzureService();
  try {
    const cloud = await currentCloud(svc);
    if (o.folderDisks && !cloud.rehearsal) throw rehearsalRefusal(cloud);
    await signedIn(
      svc,
      o,
      'The import job is created after the copy, through your Azure sign-in (or run with --no-job).',
    );
    const target = await findJobTarget(svc, o.job.seed, {
      subscriptionId: o.subscriptionId,
      backend: o.backend,
      say: o.say,
    });
    const fromFile = o.shippingFile ? await readShippingFile(o.shippingFile) : {};
    const remembered = await loadShippingDefaults(dataDir);
    const draft: ShippingDraft = { ...fromDefaults(remembered), ...fromFile };
    const problems = shippingProblems(draft, target);
    if (problems.length && !o.interactive)
      throw new AppError(
        'VALIDATION',
        `The shipping details for import job ${o.job.jobName} are incomplete, and this run cannot ask for them: ${problems.join(' ')} Give them in a JSON file with --shipping <file> (keys: ${fieldList}); the details last used in the console are taken when present. Nothing was copied.`,
        { fields: problems.map((p) => p.split(':')[0]) },
      );
    return { svc, dataDir, target, carriers: target.location?.supportedCarriers ?? [], draft, cloud };
  } catch (err) {
    svc.close();
    throw err;
  }
}

async function promptShipping(draft: ShippingDraft, carriers: string[]): Promise<ShippingDraft> {
  process.stderr.write(
    'Return shipping details (Enter keeps the value in brackets; "-" clears the optional line 2):\n',
  );
  const d = { ...draft };
  for (const f of SHIPPING_FIELDS) {
    for (let tries = 1; ; tries++) {
      const hint = f === 'carrierName' && carriers.length ? ` (${carriers.join(', ')})` : '';
      const a = (await ask(`  ${SHIPPING_LABELS[f]}${hint}${d[f] ? ` [${d[f]}]` : ''}: `)).trim();
      if (a === '-') d[f] = '';
      else if (a) d[f] = a;
      const err = validateShipping(d, carriers)[f];
      if (!err) break;
      if (tries >= 5) throw new AppError('VALIDATION', `${SHIPPING_LABELS[f]}: ${err}`);
      process.stderr.write(`    ${err}\n`);
    }
  }
  return d;
}

/** After the copy: the job from drives.json (shared with the console); on a terminal the shipping prompts and a typed "yes" come first. */
export async function createPlannedJob(
  plan: JobPlan,
  o: {
    stateDir: string;
    protector: SecretProtector;
    interactive: boolean;
    signInTimeoutMs: number;
    signal: AbortSignal;
    say: Say;
    /** The manifests carry our SAS: extend its policy once the job exists (not a --container-sas file's). */ extendSas: boolean;
  },
): Promise<CreatedJob> {
  const { svc, target } = plan;
  return createJobFromDisks(svc, {
    stateDir: o.stateDir,
    protector: o.protector,
    target,
    cloud: plan.cloud,
    shipping: plan.draft,
    dataDir: plan.dataDir,
    ...(o.extendSas ? { extendSas: extendImportSas(svc) } : {}),
    retry: async (fn) => {
      try {
        return await fn();
      } catch (err) {
        if (toIpcError(err).code !== 'SIGNIN_REQUIRED') throw err;
        await signedIn(svc, o, `The sign-in expired during the copy (${toIpcError(err).message}).`);
        return fn();
      }
    },
    beforeCreate: async ({ jobName, driveIds }) => {
      if (!o.interactive) return;
      process.stderr.write(
        `Import job ${jobName}: ${driveIds.length} disk(s) ${driveIds.join(', ')} → storage account ${target.storageAccount}, resource group ${target.resourceGroup}, region ${target.locationName}${target.location?.countryOrRegion ? ` (${target.location.countryOrRegion})` : ''}.\n`,
      );
      const draft = await promptShipping(plan.draft, plan.carriers);
      process.stderr.write(
        `${SHIPPING_FIELDS.filter((f) => draft[f])
          .map((f) => `  ${SHIPPING_LABELS[f]}: ${draft[f]}`)
          .join('\n')}\n`,
      );
      const a = await ask('Create the import job with these details? Type yes to create it: ');
      if (a.trim().toLowerCase() !== 'yes') throw new AppError('CANCELLED', 'The import job was not created.');
      return draft;
    },
  });
}

/** The human summary: the job, where to send the package, with which carriers, and by when. */
export function jobSummary(r: CreatedJob, plan: JobPlan): string[] {
  const { job, created } = r;
  const t = plan.target;
  const shipTo = job.shipTo ?? plan.target.location ?? undefined;
  const lines = [
    `${created ? 'Created' : 'Found existing'} import job ${job.name} (state ${job.state}) in resource group ${t.resourceGroup}, subscription ${t.subscriptionName}; storage account ${t.storageAccount}, region ${t.locationName}.`,
    `Ship ${job.drives.length} disk(s) in one package to:`,
    ...addressLines(shipTo).map((l) => `  ${l}`),
  ];
  if (plan.target.location?.additionalShippingInformation)
    lines.push(`  ${plan.target.location.additionalShippingInformation}`);
  if (plan.carriers.length) lines.push(`Carriers this datacenter accepts: ${plan.carriers.join(', ')}.`);
  if (job.trackingDueBy)
    lines.push(
      `Record the carrier and tracking number by ${job.trackingDueBy.slice(0, 10)} (two weeks after creation), or the job may be deleted:`,
    );
  else lines.push('Then record the carrier and tracking number:');
  lines.push(
    `  obc jobs track ${job.name} --subscription ${t.subscriptionId} --resource-group ${t.resourceGroup} --carrier <name> --tracking <number> --drives ${job.drives.length}`,
  );
  if (r.note) lines.push(`note: ${r.note}`);
  return lines;
}
