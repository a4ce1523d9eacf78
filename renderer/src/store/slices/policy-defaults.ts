import { api, errorMessage } from '../../api/client.ts';
import type { JobBackendName } from '../../../../shared/contract/azure.ts';
import type { PolicyView } from '../../../../shared/contract/policies.ts';

/** What Back Up Now takes from the backup policy (Schedule Backup): items, exclusions, staging, job identity. */
export interface PolicyDefaults {
  items: Array<{ path: string; kind: 'file' | 'folder' | 'drive' }>;
  exclusions?: {
    folders: Array<{ path: string; subfolders: boolean }>;
    patterns: string[];
    fileTypes?: Array<{ folder: string; pattern: string; subfolders: boolean }>;
  };
  stagingLocation: string;
  jobName: string;
  subscriptionId?: string;
  resourceGroup?: string;
  storageAccount?: string;
  container?: string;
  /** The policy's job type, recorded in seed.json (absent in policies saved before the choice existed). */
  jobBackend?: JobBackendName;
  passphraseSet: boolean;
  /** The seed's import job as the scheduler last saw it (own disks): Back Up Now goes online once it is Completed. */
  seed?: { completed: boolean; importJobState?: string; checkedAt?: string };
}

export type PolicyFetch =
  { kind: 'policy'; policy: PolicyDefaults } | { kind: 'none' | 'unavailable' | 'error'; note: string };

/**
 * Reads the policy through `policy:get` (the Schedule Backup domain). Without a policy (or without the policy
 * service in a host) the user enters items, staging location and job name on the first page instead.
 */
export async function fetchPolicyDefaults(): Promise<PolicyFetch> {
  let view: PolicyView;
  try {
    view = await api.invoke('policy:get', {});
  } catch (err) {
    if ((err as { code?: string }).code === 'UNKNOWN_CHANNEL')
      return {
        kind: 'unavailable',
        note: 'Backup policies are not available in this build. Enter the items, staging location and job name here.',
      };
    return {
      kind: 'error',
      note: `The backup policy could not be read (${errorMessage(err)}). Enter the items, staging location and job name here.`,
    };
  }
  return policyDefaultsOf(view);
}

/** The policy view (policy:get or a policy:changed event) as what Back Up Now and Recover Data take from it. */
export function policyDefaultsOf(view: PolicyView): PolicyFetch {
  const p = view?.policy;
  if (!p) {
    const why = view?.loadProblem ? ` (${view.loadProblem})` : '';
    return {
      kind: 'none',
      note: `No backup policy is set up yet${why}. Enter the items, staging location and job name here, or create one with Schedule Backup.`,
    };
  }
  const own = p.initialBackup?.type === 'ownDisks' ? p.initialBackup.ownDisk : undefined;
  const ex =
    p.exclusions && (p.exclusions.folders.length || p.exclusions.patterns.length || p.exclusions.fileTypes?.length)
      ? p.exclusions
      : undefined;
  return {
    kind: 'policy',
    policy: {
      items: p.items.map((i) => ({ path: i.path, kind: i.kind })),
      ...(ex ? { exclusions: ex } : {}),
      stagingLocation: own?.stagingLocation ?? '',
      jobName: own?.importJobName ?? '',
      ...(own?.subscriptionId ? { subscriptionId: own.subscriptionId } : {}),
      ...(own?.jobResourceGroup ? { resourceGroup: own.jobResourceGroup } : {}),
      ...(own?.storageAccount ? { storageAccount: own.storageAccount } : {}),
      ...(own?.container ? { container: own.container } : {}),
      ...(own?.jobBackend ? { jobBackend: own.jobBackend } : {}),
      passphraseSet: !!view.passphraseSet,
      ...(own && p.seed
        ? {
            seed: {
              completed: p.seed.completed,
              ...(p.seed.importJobState ? { importJobState: p.seed.importJobState } : {}),
              ...(p.seed.checkedAt ? { checkedAt: p.seed.checkedAt } : {}),
            },
          }
        : {}),
    },
  };
}
