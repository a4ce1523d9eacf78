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
  container: 'Container',
  skipped: 'Files skipped',
  credential: 'Container access',
  startedFrom: 'Started from',
};

/** Facts whose value is a number of bytes (or bytes per second for the rate). */
export const BYTE_FACTS = new Set(['bytesScanned', 'newBytes', 'uploadedBytes', 'bytesPerSecond']);
