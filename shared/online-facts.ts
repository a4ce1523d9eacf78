import { formatBytes } from './format-bytes.ts';

/**
 * What the Jobs view shows of an online run (issue 16), by name: the counters of its live task
 * (`OnlineRunRequest.progress({ counters })`) and the facts of its run record (`OnlineRunResult.details`), so runs
 * done by `obc agent` while the console was closed show the same figures afterwards. Byte figures are numbers of bytes.
 */
export const ONLINE_BYTE_FACTS = {
  bytesScanned: 'Scanned',
  newBytes: 'New',
  uploadedBytes: 'Uploaded',
} as const;

export const ONLINE_FACTS: Record<string, string> = {
  restorePoint: 'Restore point',
  filesScanned: 'Files scanned',
  bytesScanned: 'Bytes scanned',
  newBytes: 'New bytes',
  uploadedBytes: 'Uploaded bytes',
  bytesPerSecond: 'Average rate',
  pointsPruned: 'Restore points removed by retention',
  packsRepacked: 'Mostly-unused packs repacked',
  container: 'Container',
  skipped: 'Files skipped',
  credential: 'Container access',
  startedFrom: 'Started from',
};

/** Facts whose value is a number of bytes (or bytes per second for the rate). */
export const BYTE_FACTS = new Set(['bytesScanned', 'newBytes', 'uploadedBytes', 'bytesPerSecond']);

/** The facts an online run's one-sentence message states. */
export interface OnlineRunSummary {
  restorePoint: string;
  files: number;
  filesRead: number;
  uploadedBytes: number;
  pointsPruned: number;
}

/**
 * The Message column of an online run's Jobs row (and the task's last message): byte figures in the same words as
 * its details (format-bytes.ts), so "4.29 KiB uploaded" in the message is "4.29 KiB" under Uploaded bytes.
 */
export function onlineRunMessage(r: OnlineRunSummary): string {
  const pruned = r.pointsPruned ? `; ${r.pointsPruned} expired restore point(s) removed` : '';
  return `Restore point ${r.restorePoint}: ${r.files} files, ${r.filesRead} read, ${formatBytes(r.uploadedBytes)} uploaded${pruned}.`;
}
