/**
 * What `obc jobs` takes from this machine when a flag is not given (decision 1: "every later lookup knows which
 * service holds the job"): the backup policy whose own-disk job has that name (policies.json, read only), then the
 * job's seed.json (`--staging`, else the policy's staging location). Nothing here guesses by name: a value comes from
 * a flag, the policy or seed.json, and says where it came from.
 */
import { join } from 'node:path';
import type { JobBackendName } from '../../../shared/contract/azure.ts';
import { jobDirOf, readSeed } from '../../services/backup/job-files.ts';
import { POLICY_FILE, policyFileSchema } from '../../services/policies/policy-store.ts';
import { readJsonValidated } from '../../services/store/atomic.ts';

export interface JobDefaults {
  subscriptionId?: string | undefined;
  resourceGroup?: string | undefined;
  backend?: JobBackendName | undefined;
  storageAccount?: string | undefined;
  container?: string | undefined;
  stagingLocation?: string | undefined;
  /** Where the values came from, for the user ("the backup policy", "<staging>/<job>/seed.json"). */
  from: string[];
}

/** The own-disk settings of this machine's backup policy (null without one, or when it is unreadable). */
export async function policyOwnDisk(dataDir: string) {
  const r = await readJsonValidated(join(dataDir, POLICY_FILE), policyFileSchema, { keepAside: false });
  const p = r.status === 'ok' ? r.value.policy : null;
  return p?.initialBackup.type === 'ownDisks' ? (p.initialBackup.ownDisk ?? null) : null;
}

/** The defaults for job `job` (or, without a name, the policy's job). */
export async function jobDefaults(
  dataDir: string,
  job: string | undefined,
  o: { stagingLocation?: string | undefined } = {},
): Promise<JobDefaults & { jobName?: string }> {
  const out: JobDefaults & { jobName?: string } = { from: [] };
  const own = await policyOwnDisk(dataDir);
  if (own && (!job || own.importJobName === job)) {
    Object.assign(out, {
      jobName: own.importJobName,
      subscriptionId: own.subscriptionId,
      resourceGroup: own.jobResourceGroup,
      storageAccount: own.storageAccount,
      container: own.container,
      stagingLocation: own.stagingLocation,
      ...(own.jobBackend ? { backend: own.jobBackend } : {}),
    });
    out.from.push('the backup policy');
  }
  const stagingLocation = o.stagingLocation ?? out.stagingLocation;
  const name = job ?? out.jobName;
  // The one reader of seed.json (its own checksum, then the schema): a damaged one is named, never half-used.
  const seed = stagingLocation && name ? await readSeed(jobDirOf(stagingLocation, name)) : null;
  if (seed) {
    out.subscriptionId ??= seed.subscriptionId;
    out.resourceGroup ??= seed.resourceGroup;
    out.storageAccount ??= seed.storageAccount;
    out.container ??= seed.container;
    if (seed.jobBackend) out.backend ??= seed.jobBackend;
    out.stagingLocation = stagingLocation;
    out.from.push(join(stagingLocation!, name!, 'seed.json'));
  }
  return out;
}
