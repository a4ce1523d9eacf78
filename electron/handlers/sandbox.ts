import { AppError } from '../../shared/errors.ts';
import type { SandboxStatusView, SandboxStepResult } from '../../shared/contract/sandbox.ts';
import type { SandboxStatus } from '../services/sandbox/service.ts';
import type { Services } from '../services/index.ts';
import type { HandlerSlice } from './types.ts';
import type { sandboxInvoke } from '../../shared/contract/sandbox.ts';

export function sandboxView(s: SandboxStatus): SandboxStatusView {
  return {
    running: s.running,
    dataDir: s.dataDir,
    cloudName: 'LocalSandbox',
    ...(s.subscriptionId ? { subscriptionId: s.subscriptionId } : {}),
    users: s.users ?? [],
    ...(s.endpoints ? { endpoints: s.endpoints } : {}),
  };
}

type Obj = Record<string, unknown>;

function stepResult(job: unknown, resourceGroup: string, jobName: string): SandboxStepResult {
  const props = ((job as Obj | undefined)?.properties ?? {}) as Obj;
  const drives = Array.isArray(props.driveList) ? (props.driveList as Obj[]) : [];
  return {
    jobName,
    resourceGroup,
    state: String(props.state ?? ''),
    drives: drives.map((d) => ({
      driveId: String(d.driveId ?? ''),
      ...(typeof d.state === 'string' ? { state: d.state } : {}),
      ...(typeof d.copyStatus === 'string' ? { copyStatus: d.copyStatus } : {}),
    })),
  };
}

/** Only the sandbox's own subscription has jobs the rehearsal datacenter can act on. */
function checkRunning(services: Services, subscriptionId: string | undefined): void {
  const st = services.sandbox.status();
  if (!st.running)
    throw new AppError('CONFLICT', 'The Local sandbox is not running: start it on the Sign in / out screen first.');
  if (subscriptionId && st.subscriptionId && subscriptionId.toLowerCase() !== st.subscriptionId.toLowerCase()) {
    throw new AppError(
      'VALIDATION',
      `Subscription ${subscriptionId} is not the Local sandbox's (${st.subscriptionId}): the rehearsal datacenter only handles jobs of the rehearsal cloud.`,
      { field: 'subscriptionId' },
    );
  }
}

const HINT: Record<string, string> = {
  Creating:
    'Enter the carrier and tracking number first (Import Jobs → Enter tracking): that moves the job to Shipping.',
  Shipping: 'Let the disks arrive first ("Disks arrive").',
};

/** Adds what to do next to the datacenter's "wrong state" refusals. */
async function withHint<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'CONFLICT' && err.details?.azureCode === 'InvalidJobState') {
      const state = /is in state '([^']+)'/.exec(err.message)?.[1] ?? '';
      if (HINT[state]) throw new AppError('CONFLICT', `${err.message} ${HINT[state]}`, err.details);
    }
    throw err;
  }
}

/** The Local sandbox, started from the console on demand, and its rehearsal datacenter. */
export const sandboxHandlers: HandlerSlice<keyof typeof sandboxInvoke> = {
  'sandbox:status': async (_req, { services }) => sandboxView(services.sandbox.status()),
  'sandbox:start': async (_req, { services }) => sandboxView(await services.sandbox.start()),
  'sandbox:stop': async (_req, { services }) => {
    await services.sandbox.stop();
    return sandboxView(services.sandbox.status());
  },
  'sandbox:receiveDisks': async ({ jobName, resourceGroup, subscriptionId, disks }, { services }) => {
    checkRunning(services, subscriptionId);
    return stepResult(
      (await withHint(() => services.sandbox.receiveDisks(resourceGroup, jobName, disks))).job,
      resourceGroup,
      jobName,
    );
  },
  'sandbox:transfer': async ({ jobName, resourceGroup, subscriptionId }, { services }) => {
    checkRunning(services, subscriptionId);
    return stepResult(
      (await withHint(() => services.sandbox.transfer(resourceGroup, jobName))).job,
      resourceGroup,
      jobName,
    );
  },
};
