import { z } from 'zod';
import { channel } from './define.ts';

/**
 * The Local sandbox run from inside the console (rehearsal): start/stop it on demand, show its seeded users (public
 * rehearsal credentials, meant to be typed on its login page), and play the datacenter's part for a job of the
 * rehearsal cloud: disks arrive (Shipping → Received), the data is copied (→ Completed or Closed).
 */
export interface SandboxUserView {
  username: string;
  password: string;
  role: string;
  needsConsent: boolean;
}

export interface SandboxStatusView {
  running: boolean;
  /** `<dataDir>/sandbox`: where its state, certificates, Azurite data and cloud.json live (as with `obc sandbox`). */
  dataDir: string;
  /** The cloud name to pick in Sign in / out (always 'LocalSandbox'). */
  cloudName: string;
  subscriptionId?: string;
  users: SandboxUserView[];
  endpoints?: { authority: string; signin: string; arm: string; graph: string; blob: string };
}

export interface SandboxStepResult {
  jobName: string;
  resourceGroup: string;
  /** The job's state after the step (Received, Completed, Closed…). */
  state: string;
  drives: Array<{ driveId: string; state?: string; copyStatus?: string }>;
}

const jobName = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9-]{1,63}$/, 'job name: 2–64 letters, digits and hyphens, starting with a letter');
const resourceGroup = z.string().regex(/^[-\w.()]{1,90}$/, 'resource group: 1–90 letters, digits, _ - . ( )');
const subscriptionId = z.string().regex(/^[0-9a-fA-F-]{36}$/, 'subscription id: a GUID');
const diskPath = z
  .string()
  .min(1, 'a disk folder is required')
  .max(4096)
  .refine((s) => !s.includes('\0'), 'path contains a NUL character');
const jobRef = { jobName, resourceGroup, subscriptionId: subscriptionId.optional() };
const empty = z.object({}).strict();

export const sandboxInvoke = {
  'sandbox:status': channel<SandboxStatusView>()(empty),
  /** Starts the sandbox in-process (idempotent) and hands its cloud to the Azure layer. */
  'sandbox:start': channel<SandboxStatusView>()(empty),
  'sandbox:stop': channel<SandboxStatusView>()(empty),
  /** Rehearsal datacenter: the prepared folder disks arrive; the job must be in Shipping (or Received). */
  'sandbox:receiveDisks': channel<SandboxStepResult>()(
    z
      .object({
        ...jobRef,
        disks: z
          .array(diskPath)
          .min(1, 'choose at least one prepared disk folder')
          .max(10, 'an import job has at most 10 drives'),
      })
      .strict(),
  ),
  /** Rehearsal datacenter: copies the received disks into the storage account (→ Completed, or Closed with errors). */
  'sandbox:transfer': channel<SandboxStepResult>()(z.object(jobRef).strict()),
};
