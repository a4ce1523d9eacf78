/**
 * The one place that gives the scheduler its seams, for both console hosts (services/index.ts) and `obc agent`
 * (agent/run-agent.ts): the import job check (Azure layer) and what a due run does after the seed (`OnlineRun`).
 * The online engineer replaces `notInThisBuild` here with the real online backup; both callers follow.
 */
import type { AzureService } from '../azure/azure-service.ts';
import type { PolicyService } from './index.ts';
import { notInThisBuild } from './online-run.ts';

export interface SchedulerDeps {
  /** The Azure layer, created on first use (the agent loads the Azure SDKs only when a run needs them). */
  azure: () => Promise<Pick<AzureService, 'getJob'>>;
}

export function connectScheduler(policies: PolicyService, deps: SchedulerDeps): void {
  policies.connect({
    probe: {
      check: async (p) => {
        const od = p.initialBackup.ownDisk!;
        // The service seen last, else the one the policy chose (decision 1); neither (an older policy): both are asked.
        const job = await (await deps.azure()).getJob({ subscriptionId: od.subscriptionId, resourceGroup: od.jobResourceGroup, jobName: od.importJobName, backend: p.seed?.backend ?? od.jobBackend });
        return { state: job.state, backend: job.backend };
      },
    },
    online: notInThisBuild,
  });
}
