/**
 * The one place that gives the scheduler its seams, for both console hosts (services/index.ts) and `obc agent`
 * (agent/run-agent.ts): the import job check (Azure layer) and what a due run does after the seed (`OnlineRun`):
 * the online engine (services/online/policy-run.ts) when the caller gives it a way to open the policy's container
 * (`online.openContainer`: the Entra application or a container SAS), else `notInThisBuild`, which sends nothing.
 */
import type { AzureService } from '../azure/azure-service.ts';
import type { OnlineRunDeps } from '../online/policy-run.ts';
import type { PolicyService } from './index.ts';
import { notInThisBuild, type OnlineRun } from './online-run.ts';

export interface SchedulerDeps {
  /** The Azure layer, created on first use (the agent loads the Azure SDKs only when a run needs them). */
  azure: () => Promise<Pick<AzureService, 'getJob'>>;
  /** The online engine's container opener, limiter and data dir; absent: due runs after the seed send nothing. */
  online?: OnlineRunDeps;
}

/** The online engine, loaded on a run's first use. */
function engineRun(deps: OnlineRunDeps): OnlineRun {
  return { run: async (req) => (await import('../online/policy-run.ts')).createOnlineRun(deps).run(req) };
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
    online: deps.online ? engineRun(deps.online) : notInThisBuild,
  });
}
