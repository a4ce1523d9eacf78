/**
 * The online engine's public shapes (issue 16, SPEC decision 15): incremental restore points uploaded to the
 * storage account container the seed was imported into, listed, opened, verified and pruned. The engine takes an
 * `@azure/storage-blob` ContainerClient however it was authenticated (the Entra application's certificate, a
 * container SAS URL, an account key in tests) and the job name (the folder `<container>/<job>/`).
 */
import type { ContainerClient } from '@azure/storage-blob';
import type { Policy } from '../../../shared/policy-schema.ts';
import type { SeedRef } from '../policies/online-run.ts';
import type { Exclusions, SkippedItem } from '../backup/scan.ts';
import type { BandwidthLimiter } from './limiter.ts';
import type { PointHeader } from './point-format.ts';
import type { RepackResult } from './repack.ts';

export type { BandwidthLimiter } from './limiter.ts';

import type { RestorePointInfo } from '../../../shared/contract/backup.ts';
export type { RestorePointInfo };

export interface OnlineProgress {
  phase: 'opening' | 'scanning' | 'reading' | 'uploading' | 'catalog' | 'pruning' | 'done';
  filesScanned: number;
  bytesScanned: number;
  /** Files and bytes whose size, times or inode differ from the previous point (read again). */
  filesToRead: number;
  bytesToRead: number;
  bytesRead: number;
  /** Bytes of chunks the container did not hold yet (before compression). */
  newBytes: number;
  /** Bytes sent to the container by this run, and bytes found already there from a killed run (not sent again). */
  uploadedBytes: number;
  reusedBytes: number;
  /** Bytes of the packs (and catalog) this run must have in the container, once known. */
  bytesToUpload: number;
  currentFile?: string;
}

export interface OnlineBackupOptions {
  container: ContainerClient;
  /** The job's folder in the container: `<container>/<job>/` (the seed's import job name). */
  job: string;
  passphrase: string;
  items: string[];
  exclusions?: Exclusions;
  /** The point's time (ISO): the schedule's due instant, or now for Back Up Now. */
  time: string;
  retainUntil?: string;
  /**
   * This machine's working folder for the job: packs are spooled here before they are uploaded (so a rerun after a
   * kill sends identical bytes and reuses the blocks already staged), and catalogs read from the container are
   * cached here (encrypted, checked against the container's copy). Nothing here is needed to restore.
   */
  workDir: string;
  limiter?: BandwidthLimiter;
  signal?: AbortSignal;
  onProgress?: (p: OnlineProgress) => void;
  onSkip?: (s: SkippedItem) => void;
  onWarning?: (w: SkippedItem) => void;
  onNote?: (text: string) => void;
  /** Tuning and fault tests. */
  packSize?: number;
  blockSize?: number;
  workers?: number;
  /** false: read the live files without trying volume snapshots (VSS). */
  snapshots?: false;
  /** Folders never backed up besides `workDir` (the seed's staging location when it lies inside the items). */
  neverInclude?: string[];
  /** Who runs it, for the container's lock ("obc agent on build-7"). */
  label?: string;
  /** Where the chunk worker lives when the code is bundled. */
  workerUrl?: URL;
  /**
   * Retention: after the point is committed, under the same lock, the ids of the points to remove (given every
   * point, oldest first, the new one included; `retentionFor` in prune.ts applies a policy). Absent: nothing pruned.
   */
  expire?: (points: PointHeader[]) => string[];
  testHook?: (point: string) => void | Promise<void>;
}

/**
 * How the scheduler (and Back Up Now online) gets the container of a policy: the Entra application's certificate or
 * a container SAS URL (online-console's credentials), or the signed-in user's account key as a fallback.
 */
export type ContainerOpener = (req: {
  policy: Policy;
  seed: SeedRef | null;
  signal: AbortSignal;
}) => Promise<{ container: ContainerClient; job: string }>;

/** The limiter for a run of this policy (Change Properties' throttling); absent = no limit. */
export type LimiterFor = (policy: Policy) => BandwidthLimiter | Promise<BandwidthLimiter>;

/** What an online backup run returns. */
export interface OnlineBackupResult {
  point: RestorePointInfo;
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  /** Files read again (new or changed since the previous point) and their bytes; the rest kept their chunks. */
  filesRead: number;
  bytesRead: number;
  unchangedFiles: number;
  /** Bytes of chunks the container did not hold (before compression). */
  newBytes: number;
  /** Bytes sent, and bytes a killed run had already staged or committed (not sent again). */
  uploadedBytes: number;
  reusedBytes: number;
  /** Packs this point added. */
  packs: number;
  skipped: SkippedItem[];
  changedWhileRead: SkippedItem[];
  notes: string[];
  /** Continued an interrupted run's spool. */
  resumed: boolean;
  /** What retention removed (also a prune an interrupted run left, finished first); null: nothing to do. */
  pruned: PruneResult | null;
  /** Mostly-unused packs rewritten after retention (repack.ts); null: none. */
  repacked: RepackResult | null;
  seconds: number;
}

/** What a prune of restore points removed (prune.ts). */
export interface PruneResult {
  removedPoints: string[];
  removedPacks: number;
  freedBytes: number;
  /** A plan an interrupted prune left was finished first. */
  resumed: boolean;
}
