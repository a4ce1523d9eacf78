import { z } from 'zod';
import { channel } from './define.ts';
import { zContainerName, zJobName, zStorageAccountName } from '../validators/azure-names.ts';
import { zPath } from '../validators/path.ts';

/**
 * Verify imported data (after an import job completed): the container's blobs under `<job>/` against the staged
 * seed.json (length + SHA-256 of every file), then an optional clean-up of the staging folder.
 */
/** The import job name rule (decision 10), in the words of shared/validators/azure-names.ts. */
const jobName = zJobName;

export interface VerifyDifference {
  /** Path relative to the job folder (seed.files[].path) or, for extra blobs, relative to `<job>/`. */
  path: string;
  blobName: string;
  expectedLength?: number;
  actualLength?: number;
  reason: string;
}

/** Task result of importVerify:start (task.result). */
export interface ImportVerifyReport {
  jobName: string;
  container: string;
  /** e.g. https://acct.blob.core.windows.net/backups/seed-1/ */
  location: string;
  checkedAt: string;
  durationMs: number;
  expectedFiles: number;
  expectedBytes: number;
  matched: number;
  missingCount: number;
  differentCount: number;
  extraCount: number;
  /** At most 500 of each are listed; the counts are complete. */
  missing: VerifyDifference[];
  different: VerifyDifference[];
  extra: VerifyDifference[];
  /** Nothing missing and nothing different (extra blobs are reported but do not fail the check). */
  ok: boolean;
  method: 'sha256';
}

export interface CleanupResult {
  folder: string;
  removedFiles: number;
  removedBytes: number;
  /** seed.json is kept here: Recover Data needs it to restore from the container. */
  seedKeptAt: string;
}

export interface DriveLogEntry {
  blobPath: string;
  status: string;
  explanation: string;
  /** Ranges/blocks that did not complete, with their status. */
  problems: string[];
}

export interface DriveLogSummary {
  uri: string;
  driveId?: string;
  status?: string;
  explanation: string;
  blobs: DriveLogEntry[];
  /** Blobs whose status is not Completed (all of them are listed in `blobs` up to 200). */
  problemCount: number;
  /** Every Blob element in the log (`blobs` keeps the problems and the first 50 completed ones, 200 at most). */
  blobCount?: number;
}

export const verifyTargetSchema = z
  .object({
    stagingLocation: zPath,
    jobName,
    /** Defaults come from seed.json; the job details pass what the import job says. */
    subscriptionId: z.string().max(64).optional(),
    resourceGroup: z.string().max(90).optional(),
    storageAccount: zStorageAccountName.optional(),
    container: zContainerName.optional(),
  })
  .strict();
export type VerifyTarget = z.infer<typeof verifyTargetSchema>;

export const importVerifyInvoke = {
  /** Starts the comparison as a task (kind importVerify); its result is an ImportVerifyReport. */
  'importVerify:start': channel<{ taskId: string }>()(verifyTargetSchema),
  /** The last report for this job on this machine, or null. */
  'importVerify:lastReport': channel<ImportVerifyReport | null>()(z.object({ jobName }).strict()),
  /**
   * Deletes `<staging>/<job>/` once the last verification of this job passed. `confirmJobName` must repeat the
   * job name (typed confirmation).
   */
  'importVerify:cleanupStaging': channel<CleanupResult>()(
    z.object({ stagingLocation: zPath, jobName, confirmJobName: z.string().max(64) }).strict(),
  ),
  /** Downloads and explains one drive copy log (error or verbose log blob of a drive). */
  'importVerify:driveLog': channel<DriveLogSummary>()(
    z
      .object({
        subscriptionId: z.string().min(1).max(64),
        resourceGroup: z.string().min(1).max(90),
        storageAccount: zStorageAccountName,
        uri: z.string().url().max(2048),
      })
      .strict(),
  ),
};
