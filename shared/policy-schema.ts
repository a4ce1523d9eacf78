/**
 * zod schemas for the policy file and the policy/properties channels. The refinements call the same checks as the
 * wizard (shared/policy.ts) so a rule has one wording in the UI, the IPC boundary and the file loader.
 */
import { z } from 'zod';
import {
  INITIAL_BACKUP_TYPES,
  ITEM_KINDS,
  RETENTION_TIERS,
  WEEKDAYS,
  checkExclusions,
  checkItems,
  checkOwnDisk,
  checkRetention,
  checkSchedule,
  checkTime,
  type Retention,
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

const row = z.object({ enabled: z.boolean(), count: z.number() }).strict();
export const retentionSchema = z.object({ daily: row, weekly: row, monthly: row, yearly: row }).strict();

export const ownDiskSchema = z
  .object({
    stagingLocation: z.string().max(4096),
    subscriptionId: z.string().max(64),
    storageAccount: z.string().max(64),
    storageAccountResourceGroup: z.string().max(90),
    container: z.string().max(63),
    importJobName: z.string().max(64),
    jobResourceGroup: z.string().max(90),
  })
  .strict();

export const initialBackupSchema = z
  .object({ type: z.enum(INITIAL_BACKUP_TYPES), ownDisk: ownDiskSchema.optional() })
  .strict()
  .superRefine((ib, ctx) => {
    if (ib.type !== 'ownDisks') return;
    if (!ib.ownDisk) return issue(ctx, ['ownDisk'], 'Own-disk settings are required when the initial backup uses your own disks.');
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
  for (const [k, m] of Object.entries(checkExclusions(p.exclusions, p.items))) issue(ctx, ['exclusions', ...k.split('.')], m);
  for (const [k, m] of Object.entries(checkRetention(p.retention as Retention, p.schedule))) issue(ctx, ['retention', k], m);
}

/** What the wizard sends to policy:save. */
export const policyInputSchema = z.object(policyInputShape).strict().superRefine(refinePolicy);
export type PolicyInput = z.output<typeof policyInputSchema>;

export const POLICY_STATES = ['active', 'paused', 'stopped'] as const;
export type PolicyState = (typeof POLICY_STATES)[number];

export const runRecordSchema = z
  .object({
    at: z.string(),
    outcome: z.enum(['succeeded', 'failed', 'waitingForImport', 'skipped']),
    message: z.string().max(2000),
    taskId: z.string().optional(),
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
    seed: z.object({ importJobState: z.string().max(64).optional(), checkedAt: z.string().optional(), completed: z.boolean() }).strict().optional(),
    lastRuns: z.array(runRecordSchema).max(50),
  })
  .strict()
  .superRefine(refinePolicy);
export type Policy = z.output<typeof policySchema>;

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
    const ts = (v: string) => (/^\d{2}:\d{2}$/.test(v) && Number(v.slice(0, 2)) < 24 && Number(v.slice(3)) < 60 ? null : checkTime(v));
    issue(ctx, ['workStart'], ts(t.workStart));
    issue(ctx, ['workEnd'], ts(t.workEnd));
    if (!ts(t.workStart) && !ts(t.workEnd) && t.workStart >= t.workEnd) issue(ctx, ['workEnd'], `Work hours must end after they start (${t.workStart}–${t.workEnd}).`);
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

export interface PropertiesView {
  proxy: ProxyView;
  throttling: Throttling;
  passphraseSet: boolean;
  passphraseSetAt?: string;
  /** How secrets (passphrase, proxy password) are protected at rest, in plain words. */
  protection: string;
}

export const DEFAULT_RETENTION: Retention = Object.fromEntries(
  RETENTION_TIERS.map((t) => [t, { enabled: t === 'daily', count: t === 'daily' ? 30 : t === 'weekly' ? 4 : t === 'monthly' ? 12 : 10 }]),
) as Retention;
