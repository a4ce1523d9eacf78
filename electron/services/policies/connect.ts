/**
 * The one place that gives the scheduler its seams, for both console hosts (services/index.ts) and `obc agent`
 * (agent/run-agent.ts): the import job check (Azure layer) and what a due run does after the seed (`OnlineRun`): the
 * online engine (services/online/policy-run.ts), with the policy's container opened by `policyContainerOpener` (the
 * container SAS stored in Change Properties, else the Entra application) and Change Properties' throttling.
 */
import type { AzureService } from '../azure/azure-service.ts';
import type { ContainerOpener } from '../online/types.ts';
import type { OnlineRunDeps } from '../online/policy-run.ts';
import { limiterFor } from './bandwidth.ts';
import { policyContainerOpener } from './container-opener.ts';
import type { PolicyService } from './index.ts';
import type { OnlineRun } from './online-run.ts';

export interface SchedulerDeps {
  /** The Azure layer, created on first use (the agent loads the Azure SDKs only when a run needs them). */
  azure: () => Promise<Pick<AzureService, 'getJob' | 'openContainer'>>;
  /** The data dir: online runs keep their spool and caches under `<dataDir>/online/`. */
  dataDir: string;
  /** Tests: the policy's container by other means than the Azure layer. */
  openContainer?: ContainerOpener;
  /** The scheduler's clock (the agent's test clock): retention judges the points at this instant, not the host's. */
  now?: () => number;
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
        const job = await (
          await deps.azure()
        ).getJob({
          subscriptionId: od.subscriptionId,
          resourceGroup: od.jobResourceGroup,
          jobName: od.importJobName,
          backend: p.seed?.backend ?? od.jobBackend,
        });
        return { state: job.state, backend: job.backend };
      },
    },
    online: engineRun({
      dataDir: deps.dataDir,
      openContainer:
        deps.openContainer ??
        policyContainerOpener({ azure: deps.azure, storedSasUrl: () => policies.store.containerSas() }),
      limiterFor: limiterFor(policies.store),
      ...(deps.now ? { now: deps.now } : {}),
    }),
  });
}
