import { z } from 'zod';
import { channel } from './define.ts';
import {
  containerAccessInputSchema,
  policyInputSchema,
  POLICY_STATES,
  proxySchema,
  scheduleSchema,
  throttlingSchema,
  type Policy,
  type PropertiesView,
  type RunRecord,
} from '../policy-schema.ts';
import type { StagingCheckResult } from '../policy-steps.ts';

export interface PolicyView {
  policy: Policy | null;
  /** Set when the policy file was damaged at load: it was kept aside under `keptAs` and nothing was replaced silently. */
  loadProblem: string | null;
  /** Next three runs (ISO instants) while the policy is active; empty otherwise. */
  nextRuns: string[];
  passphraseSet: boolean;
  /**
   * Which console runs the scheduled backups: only one per data dir does (the desktop app and browser mode, or two
   * browser-mode hosts, may share it). `owner` reads like "browser mode on build-7 (pid 4242)"; null when none does.
   */
  scheduler?: { runsHere: boolean; owner: string | null };
}

/** `obc agent` as the console sees it (agent:status). */
export interface AgentStatus {
  /** False when this build or system cannot install it; `reason` says why and what to do instead. */
  supported: boolean;
  reason?: string;
  installed: boolean;
  /** The unit file or the scheduled task's path. */
  where: string | null;
  /** What the service manager says ("active", "inactive", "Running"…), when it could be asked. */
  managerState: string | null;
  note?: string;
  /** The agent holds this data folder's scheduler lease (it runs the schedules now). */
  running: boolean;
  /** "obc agent on build-7 (pid 4242)" while running. */
  runningAs: string | null;
  nextRun: string | null;
  /** The newest run the agent did. */
  lastRun: RunRecord | null;
  /** What the service starts. */
  commandLine: string | null;
}

/** What agent:install / agent:remove did and what the admin still has to do. */
export interface AgentChange {
  done: string[];
  adminMust: string[];
  status: AgentStatus;
}

export interface PassphraseChangeResult {
  changed: boolean;
  /** What happened to existing staging data, in plain words. */
  notes: string[];
}

const empty = z.object({}).strict();
const passphrase = z.string().max(256);

export const policiesInvoke = {
  'policy:get': channel<PolicyView>()(empty),
  /** Creates or modifies the policy. `passphrase` is required (and only accepted) when none is set yet. */
  'policy:save': channel<PolicyView>()(
    z.object({ policy: policyInputSchema, passphrase: passphrase.optional() }).strict(),
  ),
  /** active = (re-)enable; paused = pause; stopped = stop but keep the stored backups. */
  'policy:setState': channel<PolicyView>()(z.object({ state: z.enum(POLICY_STATES) }).strict()),
  /** Stop and delete: removes the policy; the confirmation value must be the literal DELETE. */
  'policy:delete': channel<{ deleted: boolean; stagingDeleted: boolean; notes: string[] }>()(
    z
      .object({
        confirm: z.literal('DELETE', { error: 'Type DELETE to confirm deleting the policy.' }),
        deleteStagingData: z.boolean().optional(),
      })
      .strict(),
  ),
  /** Next runs for a draft schedule (wizard preview) or, without one, for the saved policy. */
  'policy:nextRuns': channel<{ runs: string[]; timeZone: string }>()(
    z.object({ schedule: scheduleSchema.optional(), count: z.number().int().min(1).max(20).optional() }).strict(),
  ),
  /** Exists, writable, free space against `requiredBytes` (the estimate). Never creates anything but a probe file. */
  'policy:checkStaging': channel<StagingCheckResult>()(
    z
      .object({
        path: z.string().min(1, 'Staging location is required.').max(4096),
        requiredBytes: z.number().nonnegative().optional(),
        /** The backup items: a staging location that is one of them or inside one is refused (issue 13 §7). */
        items: z.array(z.string().min(1).max(4096)).max(200).optional(),
      })
      .strict(),
  ),
  /** The seed's import job state asked now and recorded (Back Up Now goes online once it is Completed). */
  'policy:checkSeed': channel<PolicyView>()(empty),
  /** Removes a scheduled run from the Jobs view (it stays in the policy's run history). */
  'policy:hideRun': channel<PolicyView>()(z.object({ id: z.string().min(1).max(64) }).strict()),
  /** obc agent: installed (scheduled task / systemd unit), running (holds the scheduler lease), next and last runs. */
  'agent:status': channel<AgentStatus>()(empty),
  'agent:install': channel<AgentChange>()(empty),
  'agent:remove': channel<AgentChange>()(empty),
  'properties:get': channel<PropertiesView>()(empty),
  'properties:set': channel<PropertiesView>()(
    z.object({ proxy: proxySchema.optional(), throttling: throttlingSchema.optional() }).strict(),
  ),
  /** How scheduled runs reach the container: the Entra application, or a container SAS URL (write-only: never returned). */
  'properties:setContainerAccess': channel<PropertiesView>()(containerAccessInputSchema),
  'properties:changePassphrase': channel<PassphraseChangeResult>()(
    z.object({ current: passphrase, next: passphrase }).strict(),
  ),
};

export interface PoliciesEvents {
  'policy:changed': PolicyView;
}
