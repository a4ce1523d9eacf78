import type { IpcError } from './errors.ts';

export const TASK_STATUSES = ['running', 'cancelling', 'cancelled', 'succeeded', 'succeededWithWarnings', 'failed'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const TASK_KINDS = ['backup', 'verify', 'restore', 'estimate', 'diskprep', 'importVerify', 'demo', 'scheduled'] as const;
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
  /** Plain data a finished task hands back (e.g. the backup's summary). */
  result?: Record<string, unknown>;
  startedAt: string;
  endedAt?: string;
}

export const isFinished = (s: TaskStatus): boolean =>
  s === 'cancelled' || s === 'succeeded' || s === 'succeededWithWarnings' || s === 'failed';
