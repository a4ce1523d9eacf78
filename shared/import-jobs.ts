/**
 * Pure rules of the Import Jobs screens: the tracking deadline (decision 11), the state timeline (SPEC §6.5) and
 * which actions a job allows in its state (SPEC §6.4), each with the reason when refused.
 */
import { formatAddress } from './address.ts';
import type { ImportJobAddress } from './contract/azure.ts';
import { normalizeTrackingNumber } from './validators/azure-names.ts';

export const DAY_MS = 86_400_000;
/** Tracking must be entered within two weeks of job creation (SPEC decision 11, §6.4). */
export const TRACKING_DEADLINE_DAYS = 14;
/** The console warns from day 10 on. */
export const TRACKING_WARN_FROM_DAY = 10;

/** The happy path; a job with errors ends in Closed instead of Completed. */
export const JOB_TIMELINE = ['Creating', 'Shipping', 'Received', 'Transferring', 'Packaging', 'Completed'] as const;
export type TimelineState = (typeof JOB_TIMELINE)[number] | 'Closed';

export interface JobLike {
  name: string;
  state: string;
  /** 'DataBox' jobs follow Data Box's rules where they differ (return address, delete); default Import/Export. */
  backend?: string;
  createdAt?: string;
  cancelRequested?: boolean;
  deliveryPackage?: { carrierName?: string; trackingNumber?: string } | undefined;
}

/** The job types the user picks from (SPEC decision 1), as the wizard and Import Jobs name them. */
export const JOB_TYPE_CHOICES = [
  { backend: 'ImportExport', label: 'Azure Import/Export job', short: 'Import/Export' },
  { backend: 'DataBox', label: 'Azure Data Box customer-disk job', short: 'Data Box' },
] as const;

/** Short name of a job's type for lists (default Import/Export). */
export function jobTypeLabel(backend?: string): string {
  return JOB_TYPE_CHOICES.find((c) => c.backend === backend)?.short ?? 'Import/Export';
}

export type DeadlineLevel = 'none' | 'ok' | 'warning' | 'overdue';

export interface TrackingDeadline {
  /** 'none': not applicable (tracking entered, job past Creating, or creation time unknown). */
  level: DeadlineLevel;
  /** ISO time the tracking number is due. */
  deadline?: string;
  /** Whole days left, rounded up (14 on the day of creation, 0 once due, negative when overdue). */
  daysLeft?: number;
  /** Short text for the list column. */
  text: string;
}

const hasTracking = (j: JobLike) => !!j.deliveryPackage?.trackingNumber?.trim();

/** Days left to enter the tracking number; warns from day 10 after creation, overdue after day 14. */
export function trackingDeadline(job: JobLike, now: Date = new Date()): TrackingDeadline {
  if (hasTracking(job)) return { level: 'none', text: 'Tracking entered' };
  if (job.state !== 'Creating') return { level: 'none', text: '—' };
  const created = job.createdAt ? Date.parse(job.createdAt) : Number.NaN;
  if (Number.isNaN(created)) return { level: 'none', text: 'Unknown (creation time not reported)' };
  const due = created + TRACKING_DEADLINE_DAYS * DAY_MS;
  if (Number.isNaN(new Date(due).getTime()))
    return { level: 'none', text: `Unknown (creation time "${job.createdAt}" is out of range)` };
  const remaining = due - now.getTime();
  const deadline = new Date(due).toISOString();
  if (remaining <= 0) {
    const daysLeft = -Math.floor(-remaining / DAY_MS);
    return {
      level: 'overdue',
      deadline,
      daysLeft,
      text: `Overdue by ${Math.max(1, -daysLeft)} day${-daysLeft > 1 ? 's' : ''}: the job may be deleted`,
    };
  }
  const daysLeft = Math.ceil(remaining / DAY_MS);
  const warnFrom = (TRACKING_DEADLINE_DAYS - TRACKING_WARN_FROM_DAY) * DAY_MS;
  const level: DeadlineLevel = remaining <= warnFrom ? 'warning' : 'ok';
  return { level, deadline, daysLeft, text: `${daysLeft} day${daysLeft === 1 ? '' : 's'} left` };
}

export type StepStatus = 'done' | 'current' | 'future' | 'failed' | 'skipped';

export interface TimelineStep {
  state: TimelineState | 'Canceled';
  status: StepStatus;
  label: string;
}

const STEP_LABEL: Record<string, string> = {
  Creating: 'Created — awaiting shipment',
  Shipping: 'Shipping to the datacenter',
  Received: 'Received at the datacenter',
  Transferring: 'Copying data to storage',
  Packaging: 'Preparing the disks for return',
  Completed: 'Completed',
  Closed: 'Closed with errors',
  Canceled: 'Canceled',
};

/**
 * The timeline for a job's current state: earlier states done, the current one current, later ones future.
 * Closed replaces Completed as the last step (errors); Canceled ends the line where the job stood. An Import/Export
 * job that was canceled reads Completed with cancelRequested (the service moves a canceled job to Completed).
 */
export function jobTimeline(state: string, cancelRequested = false): TimelineStep[] {
  const s = normalizeState(state);
  const ended = s === 'Canceled' || (cancelRequested && s === 'Completed');
  if (ended || (cancelRequested && s === 'Creating')) {
    return [
      { state: 'Creating', status: 'done', label: STEP_LABEL.Creating },
      {
        state: 'Canceled',
        status: ended ? 'failed' : 'current',
        label: ended ? STEP_LABEL.Canceled : 'Cancel requested',
      },
    ];
  }
  const last: TimelineState = s === 'Closed' ? 'Closed' : 'Completed';
  const line: TimelineState[] = [...JOB_TIMELINE.slice(0, 5), last];
  const idx = s === 'Closed' ? 5 : line.indexOf(s as TimelineState);
  return line.map((st, i) => ({
    state: st,
    label: STEP_LABEL[st],
    status:
      idx < 0
        ? 'future'
        : i < idx
          ? 'done'
          : i > idx
            ? 'future'
            : st === 'Closed'
              ? 'failed'
              : st === 'Completed'
                ? 'done'
                : 'current',
  }));
}

/** Accepts the ARM spelling variants ("Cancelled", lower case) and returns the canonical state name. */
export function normalizeState(state: string): string {
  const known = [...JOB_TIMELINE, 'Closed', 'Canceled'];
  const hit = known.find((k) => k.toLowerCase() === state.toLowerCase());
  if (hit) return hit;
  if (state.toLowerCase() === 'cancelled') return 'Canceled';
  return state;
}

export interface ActionRule {
  allowed: boolean;
  /** Why not, in words an admin understands (set when not allowed). */
  reason?: string;
}

export interface JobActionRules {
  tracking: ActionRule;
  editReturn: ActionRule;
  cancel: ActionRule;
  delete: ActionRule;
  verify: ActionRule;
}

/**
 * Which actions the job allows now. Import/Export ("Canceling and deleting Import/Export jobs"): cancel before the job
 * is Packaging, a canceled job moves to Completed, delete while Creating or once Completed. Data Box customer-disk jobs
 * (§6.9) are canceled only before the disks ship, deleted only once canceled or completed, and keep their return
 * address during the copy. A canceled job never offers verification: nothing was imported to check.
 */
export function jobActions(job: JobLike): JobActionRules {
  const s = normalizeState(job.state);
  const no = (reason: string): ActionRule => ({ allowed: false, reason });
  const yes: ActionRule = { allowed: true };
  const cancelled = s === 'Canceled' || !!job.cancelRequested;
  const dataBox = job.backend === 'DataBox';
  return {
    tracking: cancelled
      ? no('The job was canceled.')
      : s === 'Creating' || s === 'Shipping'
        ? yes
        : no(`The datacenter has the disks (state ${s}); the tracking number can no longer change.`),
    editReturn: cancelled
      ? no('The job was canceled.')
      : dataBox && s === 'Transferring'
        ? no("A Data Box job's return address cannot change while its data is being copied.")
        : ['Creating', 'Shipping', 'Received', 'Transferring'].includes(s)
          ? yes
          : no(`The return package is already being prepared or sent (state ${s}).`),
    cancel: cancelled
      ? no(
          s === 'Canceled' || s === 'Completed'
            ? 'The job is already canceled.'
            : 'Cancellation was already requested.',
        )
      : dataBox
        ? s === 'Creating'
          ? yes
          : no(`A Data Box job can be canceled only before the disks ship; this one is ${s}.`)
        : ['Creating', 'Shipping', 'Received', 'Transferring'].includes(s)
          ? yes
          : no(`A job can be canceled only before it reaches Packaging; this one is ${s}.`),
    delete: dataBox
      ? s === 'Canceled' || s === 'Completed' || s === 'Closed'
        ? yes
        : no(
            `A Data Box job can be deleted only once it is canceled or completed; this one is ${s}${s === 'Creating' ? ' (cancel it first)' : ''}.`,
          )
      : s === 'Creating' || s === 'Completed'
        ? yes
        : no(`A job can be deleted only while Creating or once Completed; this one is ${s}.`),
    verify: cancelled
      ? no('The job was canceled: there is no imported data to verify.')
      : s === 'Completed' || s === 'Closed'
        ? yes
        : no(`Imported data can be verified once the job is Completed; this one is ${s}.`),
  };
}

/** A tracking number already used by another job of the user (decision 11: unique across jobs), or null. */
export function trackingNumberOwner(
  trackingNumber: string,
  jobs: readonly JobLike[],
  exceptJob?: string,
): string | null {
  const norm = normalizeTrackingNumber;
  const want = norm(trackingNumber);
  if (!want) return null;
  const other = jobs.find(
    (j) => j.name !== exceptJob && j.deliveryPackage?.trackingNumber && norm(j.deliveryPackage.trackingNumber) === want,
  );
  return other ? other.name : null;
}

/** Percent complete of a job: the reported value, else the mean of its drives. */
export function jobPercent(job: {
  // Azure leaves the figures out (or null) while it has none.
  percentComplete?: number | undefined;
  drives?: { percentComplete?: number | undefined }[];
}): number | undefined {
  if (typeof job.percentComplete === 'number') return job.percentComplete;
  const ds = (job.drives ?? []).map((d) => d.percentComplete).filter((p): p is number => typeof p === 'number');
  return ds.length ? Math.round(ds.reduce((a, b) => a + b, 0) / ds.length) : undefined;
}

/** An address as printed lines (datacenter ship-to, return address): console result page, print summary and CLI. */
export function addressLines(a: ImportJobAddress | undefined): string[] {
  if (!a) return [];
  // In the order and form of the address's country (shared/address.ts), e.g. "Santa Clara, CA 95050" in the US.
  return [...formatAddress(a), ...(a.phone?.trim() ? [`Phone ${a.phone.trim()}`] : [])];
}
