import { resolveJobTarget as resolveWith, type JobTarget } from '../../../../shared/job-target.ts';
import type { JobBackendName } from '../../../../shared/contract/azure.ts';
import { api } from '../../api/client.ts';

export { locationFor, type JobTarget } from '../../../../shared/job-target.ts';

/** The shared target resolution (shared/job-target.ts) over the console's IPC. */
export function resolveJobTarget(o: {
  storageAccount?: string | undefined;
  subscriptionId?: string | undefined;
  backend?: JobBackendName | undefined;
}): Promise<JobTarget> {
  return resolveWith(
    {
      subscriptions: () => api.invoke('azure:subscriptions', {}),
      storageAccounts: (subscriptionId) => api.invoke('azure:storageAccounts', { subscriptionId }),
      locations: () => api.invoke('azure:locations', {}),
      providerStatus: (subscriptionId, namespace) => api.invoke('azure:providerStatus', { subscriptionId, namespace }),
    },
    o,
  );
}
