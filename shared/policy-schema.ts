/**
 * zod schemas for the policy file and the policy/properties channels. The refinements call the same checks as the
 * wizard (shared/policy.ts) so a rule has one wording in the UI, the IPC boundary and the file loader.
 */
import { z } from 'zod';
import { JOB_BACKENDS } from './job-backends.ts';
import {
  INITIAL_BACKUP_TYPES,
  ITEM_KINDS,
  MONTHS,
  WEEKDAYS,
  WEEKS_OF_MONTH,
  checkExclusions,
  checkItems,
  checkOwnDisk,
  checkRetention,
  checkSchedule,
  checkTime,
  defaultRetention,
  upgradeRetentionV1,
  type Retention,
  type RetentionTier,
  type Weekday,
} from './policy.ts';

const path = z.string().min(1).max(4096);
const issue = (ctx: z.RefinementCtx, p: (string | number)[], message: string | undefined | null) => {
  if (message) ctx.addIssue({ code: 'custom', path: p, message });
};

export const itemSchema = z.object({ path, kind: z.enum(ITEM_KINDS) }).strict();
export const exclusionsSchema = z
  .object({
    folders: z.array(z.object({ path, subfolders: z.boolean() }).strict()).max(200),
    patterns: z.array(z.string().max(255)).max(200),
    fileTypes: z
      .array(z.object({ folder: path, pattern: z.string().max(255), subfolders: z.boolean() }).strict())
      .max(200)
      .default([]),
  })
  .strict();

export const scheduleSchema = z
  .object({
    frequency: z.enum(['daily', 'weekly']),
    times: z.array(z.string().max(5)).max(3),
    days: z.array(z.enum(WEEKDAYS)).max(7),
    everyWeeks: z.number().int(),
    timeZone: z.string().min(1).max(64),
  })
  .strict()
  .superRefine((s, ctx) => {
    const e = checkSchedule(s);
    for (const [k, m] of Object.entries(e)) issue(ctx, [k], m);
  });

const enabledCount = { enabled: z.boolean(), count: z.number() };
const times = z.array(z.string().max(5)).max(3);
const weekdays = z.array(z.enum(WEEKDAYS)).max(7);
const monthDay = {
  by: z.enum(['day', 'week']),
  daysOfMonth: z.array(z.union([z.number(), z.literal('last')])).max(29),
  weeksOfMonth: z.array(z.enum(WEEKS_OF_MONTH)).max(5),
  weekdays,
  times,
};
/** Format 2 rows (MARS's choices). Format 1 files had `{ enabled, count }` rows: see `upgradeRetentionV1`. */
export const retentionSchema = z
  .object({
    daily: z.object(enabledCount).strict(),
    weekly: z.object({ ...enabledCount, days: weekdays, times }).strict(),
    monthly: z.object({ ...enabledCount, ...monthDay }).strict(),
    yearly: z.object({ ...enabledCount, ...monthDay, months: z.array(z.enum(MONTHS)).max(12) }).strict(),
  })
  .strict();

export const ownDiskSchema = z
  .object({
    stagingLocation: z.string().max(4096),
    subscriptionId: z.string().max(64),
    storageAccount: z.string().max(64),
    storageAccountResourceGroup: z.string().max(90),
    container: z.string().max(63),
    importJobName: z.string().max(64),
    jobResourceGroup: z.string().max(90),
    /** Decision 1: which service holds the import job; absent in older policies (Import/Export). */
    jobBackend: z.enum(JOB_BACKENDS).optional(),
  })
  .strict();

export const initialBackupSchema = z
  .object({ type: z.enum(INITIAL_BACKUP_TYPES), ownDisk: ownDiskSchema.optional() })
  .strict()
  .superRefine((ib, ctx) => {
    if (ib.type !== 'ownDisks') return;
    if (!ib.ownDisk)
      return issue(ctx, ['ownDisk'], 'Own-disk settings are required when the initial backup uses your own disks.');
    for (const [k, m] of Object.entries(checkOwnDisk(ib.ownDisk))) issue(ctx, ['ownDisk', k], m);
  });

const policyInputShape = {
  items: z.array(itemSchema).max(200),
  exclusions: exclusionsSchema,
  schedule: scheduleSchema,
  retention: retentionSchema,
  initialBackup: initialBackupSchema,
};
type PolicyInputShape = z.output<z.ZodObject<typeof policyInputShape>>;
function refinePolicy(p: PolicyInputShape, ctx: z.RefinementCtx): void {
  issue(ctx, ['items'], checkItems(p.items));
  for (const [k, m] of Object.entries(checkExclusions(p.exclusions, p.items)))
    issue(ctx, ['exclusions', ...k.split('.')], m);
  for (const [k, m] of Object.entries(checkRetention(p.retention as Retention, p.schedule)))
    issue(ctx, ['retention', ...k.split('.')], m);
}

/** What the wizard sends to policy:save. */
export const policyInputSchema = z.object(policyInputShape).strict().superRefine(refinePolicy);
export type PolicyInput = z.output<typeof policyInputSchema>;

export const POLICY_STATES = ['active', 'paused', 'stopped'] as const;
/** Scheduled runs kept in policies.json (newest first). */
export const RUN_HISTORY_MAX = 100;
export type PolicyState = (typeof POLICY_STATES)[number];

export const RUN_OUTCOMES = [
  'running',
  'succeeded',
  'succeededWithWarnings',
  'failed',
  'waitingForImport',
  'skipped',
] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * One scheduled run, as the Jobs view shows it after the program that ran it (a console or `obc agent`) is gone.
 * Written once when the run starts (`running`) and replaced, under the same id, when it ends. Records of format 1
 * have only at/outcome/message/taskId.
 */
export const runRecordSchema = z
  .object({
    id: z.string().min(1).max(64).optional(),
    /** When the run was due (the schedule's instant). */
    at: z.string(),
    outcome: z.enum(RUN_OUTCOMES),
    message: z.string().max(2000),
    taskId: z.string().optional(),
    startedAt: z.string().max(40).optional(),
    endedAt: z.string().max(40).optional(),
    /** "obc agent on build-7 (pid 4242)", "browser mode on build-7 (pid 77)". */
    ranBy: z.string().max(200).optional(),
    /** Plain facts behind the message (import job, its state, when it was checked, bytes…). */
    details: z.record(z.string().max(64), z.union([z.string().max(500), z.number(), z.boolean()])).optional(),
    warnings: z.array(z.string().max(1000)).max(20).optional(),
    /** Removed from the Jobs view by the user (the record stays in the history). */
    hidden: z.boolean().optional(),
  })
  .strict();
export type RunRecord = z.infer<typeof runRecordSchema>;

export const policySchema = z
  .object({
    ...policyInputShape,
    id: z.string().min(1).max(64),
    createdAt: z.string(),
    updatedAt: z.string(),
    state: z.enum(POLICY_STATES),
    /** Import job state as last seen by the scheduler (own disks); `completed` once it read Completed. */
    seed: z
      .object({
        importJobState: z.string().max(500).optional(),
        checkedAt: z.string().optional(),
        completed: z.boolean(),
        /** The service that holds the job, as the scheduler's check found it. */
        backend: z.enum(['ImportExport', 'DataBox']).optional(),
      })
      .strict()
      .optional(),
    lastRuns: z.array(runRecordSchema).max(RUN_HISTORY_MAX),
  })
  .strict()
  .superRefine(refinePolicy);
export type Policy = z.output<typeof policySchema>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isV1Row = (v: unknown) => isObject(v) && Object.keys(v).sort().join() === 'count,enabled';

/**
 * A policy as format 1 stored it (and as `obc policy show --json` of that build printed it): retention rows with
 * only `{ enabled, count }` become format 2 rows (`upgradeRetentionV1`); anything else is returned unchanged for the
 * schema to judge. Never throws.
 */
export function upgradePolicyV1(raw: unknown): unknown {
  if (!isObject(raw) || !isObject(raw.retention) || !isObject(raw.schedule)) return raw;
  const r = raw.retention;
  const s = raw.schedule;
  if (!['daily', 'weekly', 'monthly', 'yearly'].every((t) => isV1Row(r[t]))) return raw;
  const schedule = {
    frequency: s.frequency === 'weekly' ? ('weekly' as const) : ('daily' as const),
    days: Array.isArray(s.days)
      ? (s.days.filter((d) => (WEEKDAYS as readonly unknown[]).includes(d)) as Weekday[])
      : [],
    times: Array.isArray(s.times) ? s.times.filter((t): t is string => typeof t === 'string') : [],
  };
  return {
    ...raw,
    retention: upgradeRetentionV1(r as Record<RetentionTier, { enabled: boolean; count: number }>, schedule),
  };
}

// ---------- Change Properties ----------

export const BANDWIDTH_MIN_KBPS = 512;
export const BANDWIDTH_MAX_KBPS = 1023 * 1024;

export function checkBandwidth(kbps: number, what: string): string | null {
  if (!Number.isInteger(kbps) || kbps < BANDWIDTH_MIN_KBPS || kbps > BANDWIDTH_MAX_KBPS)
    return `${what} must be 512 Kbps to 1,023 Mbps (got ${Number.isFinite(kbps) ? `${kbps} Kbps` : 'no number'}).`;
  return null;
}

export function checkProxyHost(v: string): string | null {
  if (!v.trim()) return 'Proxy address is required.';
  if (!/^[A-Za-z0-9.-]{1,253}$/.test(v.trim()) && !/^\[[0-9a-fA-F:]+\]$/.test(v.trim()))
    return `Proxy address "${v}" must be a host name or IP address (no scheme, no port).`;
  return null;
}

export function checkPort(n: number): string | null {
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? null : `Port ${n} must be a whole number from 1 to 65535.`;
}

export const throttlingSchema = z
  .object({
    enabled: z.boolean(),
    workDays: z.array(z.enum(WEEKDAYS)).max(7),
    workStart: z.string(),
    workEnd: z.string(),
    workKbps: z.number(),
    nonWorkKbps: z.number(),
  })
  .strict()
  .superRefine((t, ctx) => {
    if (!t.enabled) return;
    issue(ctx, ['workKbps'], checkBandwidth(t.workKbps, 'Work-hours bandwidth'));
    issue(ctx, ['nonWorkKbps'], checkBandwidth(t.nonWorkKbps, 'Non-work-hours bandwidth'));
    const ts = (v: string) =>
      /^\d{2}:\d{2}$/.test(v) && Number(v.slice(0, 2)) < 24 && Number(v.slice(3)) < 60 ? null : checkTime(v);
    issue(ctx, ['workStart'], ts(t.workStart));
    issue(ctx, ['workEnd'], ts(t.workEnd));
    if (!ts(t.workStart) && !ts(t.workEnd) && t.workStart >= t.workEnd)
      issue(ctx, ['workEnd'], `Work hours must end after they start (${t.workStart}–${t.workEnd}).`);
    if (t.workDays.length === 0) issue(ctx, ['workDays'], 'Choose at least one work day.');
  });
export type Throttling = z.infer<typeof throttlingSchema>;

export const proxySchema = z
  .object({
    mode: z.enum(['none', 'manual']),
    host: z.string().max(253).optional(),
    port: z.number().optional(),
    username: z.string().max(256).optional(),
    /** Write-only: sent when changed, stored protected, never returned. */
    password: z.string().max(256).optional(),
    bypassLocal: z.boolean().optional(),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.mode !== 'manual') return;
    issue(ctx, ['host'], checkProxyHost(p.host ?? ''));
    issue(ctx, ['port'], checkPort(p.port ?? NaN));
  });
export type ProxyInput = z.infer<typeof proxySchema>;
export type ProxyView = Omit<ProxyInput, 'password'> & { hasPassword: boolean };

export const DEFAULT_THROTTLING: Throttling = {
  enabled: false,
  workDays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday'],
  workStart: '09:00',
  workEnd: '18:00',
  workKbps: 1024,
  nonWorkKbps: 1023 * 1024,
};

/**
 * How scheduled runs reach the job's container (SPEC decisions 2, 15): the Entra application with this machine's
 * certificate, or a container SAS URL entered here. The SAS itself never comes back; only what it is for.
 */
export interface ContainerAccessView {
  mode: 'entraApp' | 'sas';
  sas?: {
    account: string;
    container: string;
    expiresOn?: string | undefined;
    storedPolicy?: string | undefined;
    permissions?: string | undefined;
    setAt: string;
  };
}

export const containerAccessInputSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('entraApp') }).strict(),
  z.object({ mode: z.literal('sas'), sasUrl: z.string().min(1, 'Paste the container SAS URL.').max(4096) }).strict(),
]);
export type ContainerAccessInput = z.infer<typeof containerAccessInputSchema>;

export interface PropertiesView {
  proxy: ProxyView;
  throttling: Throttling;
  passphraseSet: boolean;
  passphraseSetAt?: string;
  /** How secrets (passphrase, proxy password, container SAS) are protected at rest, in plain words. */
  protection: string;
  containerAccess: ContainerAccessView;
}

/** The retention of a new policy for the wizard's default schedule (daily at 21:00); see `defaultRetention`. */
export const DEFAULT_RETENTION: Retention = defaultRetention({ frequency: 'daily', days: [], times: ['21:00'] });
