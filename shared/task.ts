import type { IpcError } from './errors.ts';
import type { DiskPrepTaskDetail } from './contract/diskprep.ts';

/**
 * `waiting`: the task is alive but paused until the user acts (e.g. Disk Prep filled its disks and waits for
 * another one). It is not finished (cancel works, dismiss does not) and not a failure (never shown red).
 */
export const TASK_STATUSES = [
  'running',
  'waiting',
  'cancelling',
  'cancelled',
  'succeeded',
  'succeededWithWarnings',
  'failed',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_KINDS = [
  'backup',
  'verify',
  'restore',
  'estimate',
  'diskprep',
  'importVerify',
  'demo',
  'scheduled',
] as const;
export type TaskKind = (typeof TASK_KINDS)[number];

export type CounterUnit = 'bytes' | 'files' | 'bytesPerSecond' | 'seconds' | 'count' | 'percent';
export type CounterLevel = 'info' | 'notice' | 'warning' | 'error';

export interface TaskCounter {
  value: number;
  unit?: CounterUnit;
  level?: CounterLevel;
}

export interface TaskProgress {
  done: number;
  /** Unknown until a scan finishes: the UI shows an indeterminate bar. */
  total?: number;
  unit: 'bytes' | 'files' | 'steps';
  /** Smoothed rate in units per second, and estimated seconds left, when known. */
  rate?: number;
  etaSeconds?: number;
}

/** What a `waiting` task waits for; the snapshot's `message` says it in words. */
export interface TaskWaiting {
  /** Machine-readable reason, e.g. 'anotherDisk'. */
  reason: string;
  /** Numbers behind the message (e.g. neededBytes, remainingFiles, remainingBytes). */
  details?: Record<string, number | string | boolean>;
  since: string;
}

export interface TaskSnapshot {
  id: string;
  kind: TaskKind;
  title: string;
  status: TaskStatus;
  progress: TaskProgress;
  /** Current phase or file, human-readable. */
  message?: string;
  counters: Record<string, TaskCounter>;
  /** Up to 200 warnings (skipped files and the reason). */
  warnings: string[];
  error?: IpcError;
  /** Set while status is 'waiting'. */
  waiting?: TaskWaiting;
  /** Plain data a finished task hands back (e.g. the backup's summary). */
  result?: Record<string, unknown>;
  /** Typed, per kind: what the task's own screen shows (Disk Prep: per-disk progress, rate and ETA; its result). */
  detail?: TaskDetail;
  startedAt: string;
  endedAt?: string;
}

/** A task's typed detail, one shape per kind that has one (`kind` says which). */
export type TaskDetail = DiskPrepTaskDetail;

/** Finished: cancelled, succeeded (with or without warnings) or failed. 'waiting' is not finished (it can be cancelled). */
export const isFinished = (s: TaskStatus): boolean =>
  s === 'cancelled' || s === 'succeeded' || s === 'succeededWithWarnings' || s === 'failed';
