/**
 * The credential every drive manifest carries (SPEC decision 14; FMT-MANIFEST: an import manifest has exactly one of
 * StorageAccountKey or ContainerSas): a container SAS, `<container>?<token>` as WAImportExport's `/csas:` takes it.
 *
 * Where it comes from (a `ManifestCredentialSource`, called once per Disk Prep run before any manifest is written):
 * the signed-in Azure layer (azure/container-sas.ts: stored access policy created or extended, token signed with the
 * account key), or a file the user gives (`obc diskprep --container-sas <file>`). The token lives only in memory and
 * in the manifests. Beside the staging job, `container-sas.json` keeps what is not secret: the service version it
 * was signed with (so the next run signs the same token), the policy, its expiry and a fingerprint (the first 16 hex
 * digits of its SHA-256) — enough to notice that the token changed (the account key was rotated) and that disks
 * finished earlier carry one that no longer works.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import type { CloudInfo } from '../../../shared/contract/azure.ts';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';
import { importSasThrough, type ImportSasPort } from '../azure/container-sas.ts';
import type { AzureService } from '../azure/azure-service.ts';
import { currentCloud, rehearsalRefusal } from './create-job.ts';

/**
 * How long the SAS stays valid after a Disk Prep run or the job's creation (each extends the stored access policy,
 * never shortens it): the tracking deadline (decision 11: 14 days after creation), carrier transit to the datacenter
 * (14 days, an international courier's worst case), and the datacenter's queue and copy (7–10 days targeted with no
 * SLA, MARS-IE-2022: 30 days allowed). Past that, `obc jobs extend-sas` or another Disk Prep run extends it again.
 */
export const SAS_VALIDITY_DAYS = { tracking: 14, transit: 14, datacenter: 30 } as const;
export const SAS_VALIDITY_TOTAL = SAS_VALIDITY_DAYS.tracking + SAS_VALIDITY_DAYS.transit + SAS_VALIDITY_DAYS.datacenter;
const DAY = 86_400_000;
export function sasExpiry(from: Date = new Date()): Date {
  return new Date(from.getTime() + SAS_VALIDITY_TOTAL * DAY);
}

export interface ManifestCredentialRequest {
  jobName: string;
  container: string;
  storageAccount?: string | undefined;
  subscriptionId?: string | undefined;
  /** The service version of the token an earlier run wrote (sign the same token again). */
  version?: string | undefined;
  /** Some disk of the job is a folder (rehearsal) disk: not BitLocker-encrypted. */
  folderDisks: boolean;
}

export interface ManifestCredential {
  /** `<container>?<token>`. Secret: into the manifests only. */
  containerSas: string;
  version?: string;
  policyId?: string;
  expiresOn?: string;
  /** Said once to the user (e.g. "the stored access policy could not be checked offline"). */
  note?: string;
}

export type ManifestCredentialSource = (req: ManifestCredentialRequest) => Promise<ManifestCredential>;

/** A ContainerSas value as a manifest may carry it: null when fine, else what is wrong (never echoing the token). */
export function checkContainerSas(value: string, container: string, now = Date.now()): string | null {
  const q = value.indexOf('?');
  if (q <= 0)
    return 'The container SAS must be the container name, a "?" and the SAS token (WAImportExport /csas: form), e.g. mycontainer?sv=…&sr=c&si=…&sig=….';
  const head = value.slice(0, q);
  let named = head;
  if (/^https:\/\//i.test(head)) {
    try {
      named = new URL(head).pathname.split('/').filter(Boolean).pop() ?? '';
    } catch {
      return 'The container SAS does not start with a valid container URL.';
    }
  }
  if (named !== container)
    return `The container SAS is for container "${named}", but this job's blobs go to container "${container}".`;
  const p = new URLSearchParams(value.slice(q + 1));
  if (p.get('sr') !== 'c')
    return `The SAS token is not a container SAS (sr=${p.get('sr') ?? 'missing'}; a container SAS has sr=c).`;
  if (!p.get('sig') || !p.get('sv')) return 'The SAS token has no signature (sig) or service version (sv).';
  const sp = p.get('sp');
  if (sp && !['r', 'w', 'd'].every((c) => sp.includes(c)))
    return `The SAS token grants "${sp}"; an import needs Read, Write and Delete (rwd).`;
  const se = p.get('se');
  if (se && !(Date.parse(se) > now)) return `The SAS token expired at ${se}.`;
  if (!p.get('si') && !(sp && se))
    return 'The SAS token names neither a stored access policy (si) nor its own permissions and expiry (sp, se).';
  return null;
}

/** `--container-sas <file>`: the user's own container SAS (one line), checked for shape; its policy cannot be checked offline. */
export function containerSasFile(path: string): ManifestCredentialSource {
  return async (req) => {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (err) {
      throw new AppError('VALIDATION', `--container-sas ${path} cannot be read: ${(err as Error).message}`, { path });
    }
    const value = text.trim();
    const problem = checkContainerSas(value, req.container);
    if (problem) throw new AppError('VALIDATION', `--container-sas ${path}: ${problem}`, { path });
    const p = new URLSearchParams(value.slice(value.indexOf('?') + 1));
    const sv = p.get('sv');
    return {
      containerSas: value,
      ...(sv ? { version: sv } : {}),
      ...(p.get('si') ? { policyId: p.get('si')! } : {}),
      note: `The container SAS from ${path} is written into every manifest as given${p.get('si') ? `; its stored access policy ${p.get('si')} is not checked from here` : ''}. The datacenter refuses the disks if it is not valid for container ${req.container} when they are imported.`,
    };
  };
}

export const SAS_RECORD_FILE = 'container-sas.json';
const recordSchema = z
  .object({
    format: z.literal('obc-container-sas'),
    formatVersion: z.literal(1),
    jobName: z.string(),
    container: z.string(),
    version: z.string().optional(),
    policyId: z.string().optional(),
    expiresOn: z.string().optional(),
    /** First 16 hex digits of SHA-256 of the value: not the secret, enough to notice a different token. */
    fingerprint: z.string().regex(/^[0-9a-f]{16}$/),
  })
  .strict();
export type SasRecord = z.infer<typeof recordSchema>;

export const sasFingerprint = (value: string): string => createHash('sha256').update(value).digest('hex').slice(0, 16);

export async function loadSasRecord(stateDir: string): Promise<SasRecord | null> {
  const path = join(stateDir, SAS_RECORD_FILE);
  const r = await readJsonValidated(path, recordSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt')
    throw new AppError(
      'CORRUPT_DATA',
      `${path} is damaged: ${r.reason}. Delete it only if no disk of this job has been prepared yet.`,
      { path },
    );
  return r.value;
}

/**
 * The credential of this run: asked from the source (with the version an earlier run signed with) and checked for
 * shape. `changed`: an earlier run recorded another token, so the disks finished before carry one that no longer
 * works. `commit()` records this one (fingerprint only) — call it once the run may go on with it.
 */
export async function resolveManifestCredential(
  source: ManifestCredentialSource,
  stateDir: string,
  req: Omit<ManifestCredentialRequest, 'version'>,
): Promise<{ value: string; changed: boolean; note?: string; commit: () => Promise<void> }> {
  const rec = await loadSasRecord(stateDir);
  if (rec && rec.container !== req.container)
    throw new AppError(
      'CONFLICT',
      `${join(stateDir, SAS_RECORD_FILE)} is for container "${rec.container}", not "${req.container}".`,
    );
  const cred = await source({ ...req, ...(rec?.version ? { version: rec.version } : {}) });
  const problem = checkContainerSas(cred.containerSas, req.container);
  if (problem)
    throw new AppError('INTERNAL', `The container SAS for job ${req.jobName} cannot go into a manifest: ${problem}`);
  const fingerprint = sasFingerprint(cred.containerSas);
  const next: SasRecord = {
    format: 'obc-container-sas',
    formatVersion: 1,
    jobName: req.jobName,
    container: req.container,
    ...(cred.version ? { version: cred.version } : {}),
    ...(cred.policyId ? { policyId: cred.policyId } : {}),
    ...(cred.expiresOn ? { expiresOn: cred.expiresOn } : {}),
    fingerprint,
  };
  return {
    value: cred.containerSas,
    changed: rec !== null && rec.fingerprint !== fingerprint,
    ...(cred.note ? { note: cred.note } : {}),
    commit: async () => {
      if (JSON.stringify(next) !== JSON.stringify(rec)) await writeJsonAtomic(join(stateDir, SAS_RECORD_FILE), next);
    },
  };
}

/**
 * The run's container SAS (engine.ts asks it before anything is recorded). When it differs from the one an earlier
 * run recorded (the account key that signed it was rotated, or another --container-sas file was given), the disks
 * finished before carry a SAS that no longer works: the run goes on only when every one of them is given again with
 * repair (their manifests are rewritten and read back, the data stays); otherwise nothing is touched.
 */
export async function credentialForRun(
  source: ManifestCredentialSource,
  stateDir: string,
  req: Omit<ManifestCredentialRequest, 'version'>,
  o: {
    disks: Array<{ serial: string; id: string }>;
    finished(d: { serial: string }): Promise<boolean>;
    repairing(d: { serial: string }): boolean;
    notice(m: string): void;
  },
): Promise<string> {
  const cred = await resolveManifestCredential(source, stateDir, req);
  if (cred.changed) {
    const stale = [];
    for (const d of o.disks) if (await o.finished(d)) stale.push(d);
    const missing = stale.filter((d) => !o.repairing(d));
    if (missing.length)
      throw new AppError(
        'CONFLICT',
        `The container SAS of job ${req.jobName} changed since disk(s) ${stale.map((d) => d.serial).join(', ')} were prepared (the storage account key that signed it was regenerated, or another SAS was given), so their manifests no longer grant access and the datacenter would refuse them. Attach ${missing.map((d) => `${d.serial} (${d.id})`).join(', ')} and run again with repair: their manifests are rewritten and read back, the data stays. If the import job was already created, delete it while it is Creating and create it again afterwards (the manifest hashes change).`,
        { stale: stale.map((d) => d.serial) },
      );
  }
  await cred.commit();
  if (cred.note) o.notice(cred.note);
  return cred.value;
}

/**
 * The Azure layer as the source (console and `obc diskprep` signed in): the stored access policy created or extended
 * to `sasExpiry()`, the token signed with the account key. A real cloud's SAS never goes onto a folder disk, which is
 * not encrypted.
 */
export function azureManifestCredential(
  port: ImportSasPort & { cloudInfos(): Promise<{ current: string; clouds: CloudInfo[] }> },
): ManifestCredentialSource {
  return async (req) => {
    const cloud = await currentCloud(port);
    if (req.folderDisks && !cloud.rehearsal) throw rehearsalRefusal(cloud);
    if (!req.storageAccount)
      throw new AppError(
        'VALIDATION',
        `seed.json of job ${req.jobName} names no storage account: the manifests' container SAS cannot be signed. Back the job up again from a policy with "Use your own disk".`,
      );
    const sas = await importSasThrough(port, {
      storageAccount: req.storageAccount,
      subscriptionId: req.subscriptionId,
      container: req.container,
      jobName: req.jobName,
      expiresOn: sasExpiry(),
      version: req.version,
    });
    return { containerSas: sas.value, version: sas.version, policyId: sas.policyId, expiresOn: sas.expiresOn };
  };
}

/** What the manifests' credential may do with the Disk Prep task that asks for it (service.ts). */
export interface CredentialTask {
  signal: AbortSignal;
  message(text: string): void;
  /**
   * No usable sign-in (`why`): the task waits for the user (status 'waiting', reason 'signIn') until `signedIn`
   * settles — true: a sign-in completed, and the task runs again by itself — or the user continues it
   * (TaskManager.resume: try again). Resolves whether to try again; rejects when the task is cancelled.
   */
  waitForSignIn(why: string, signedIn: Promise<boolean>): Promise<boolean>;
}

/**
 * The console's source (services/index.ts): azureManifestCredential through the sign-in. Not signed in (never, or
 * the sign-in expired or was revoked): the task waits for sign-in, with no time limit, like a wait for another disk,
 * and goes on by itself once the console is signed in. (`obc diskprep` signs in before the task starts instead.)
 */
export function signedInManifestCredential(
  azure: Parameters<typeof azureManifestCredential>[0] & Pick<AzureService, 'withSignIn'>,
): (req: ManifestCredentialRequest, task: CredentialTask) => Promise<ManifestCredential> {
  const source = azureManifestCredential(azure);
  return (req, task) =>
    azure.withSignIn(() => source(req), {
      signal: task.signal,
      maxPauseMs: Infinity,
      wait: (why, signedIn) => task.waitForSignIn(why, signedIn),
    });
}

/** What job creation calls once the job exists: the policy extended to sasExpiry() from now; the token is unchanged. */
export function extendImportSas(
  port: ImportSasPort,
): (t: { jobName: string; container: string; storageAccount: string; subscriptionId: string }) => Promise<unknown> {
  return (t) => importSasThrough(port, { ...t, expiresOn: sasExpiry(), policyOnly: true });
}
