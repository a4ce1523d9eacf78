import type { KdfParams, StartedDerivation } from './crypto.ts';
import type { Exclusions, SkippedItem } from './scan.ts';
import type { BackupSummary } from '../../../shared/contract/backup.ts';
import type { JobBackendName } from '../../../shared/contract/azure.ts';

export interface JobIdentity {
  name: string;
  subscriptionId?: string | undefined;
  resourceGroup?: string | undefined;
  storageAccount?: string | undefined;
  container?: string | undefined;
  /** Which service will hold the import job (decision 1), recorded in seed.json. */
  jobBackend?: JobBackendName | undefined;
}

export interface BackupProgress {
  phase: 'scanning' | 'checking' | 'backingUp' | 'finishing';
  filesScanned: number;
  bytesScanned: number;
  /** Known once the scan is done. */
  filesTotal?: number;
  bytesTotal?: number;
  filesProcessed: number;
  bytesProcessed: number;
  bytesWritten: number;
  /** Bytes processed per second over the last few seconds, and seconds left. */
  rate?: number;
  etaSeconds?: number;
  dedupSavedBytes: number;
  compressionSavedBytes: number;
  skipped: number;
  currentFile?: string;
}

export interface BackupOptions {
  items: string[];
  exclusions?: Exclusions | undefined;
  stagingLocation: string;
  job: JobIdentity;
  passphrase: string;
  /** Retain-till date (YYYY-MM-DD), recorded in seed.json. */
  retainUntil?: string | undefined;
  /** Replace a completed backup of the same job (never done silently). */
  overwrite?: boolean | undefined;
  signal?: AbortSignal;
  onProgress?: (p: BackupProgress) => void;
  /** Called once per skipped file (permission denied, vanished, locked…). */
  onSkip?: (s: SkippedItem) => void;
  /** Called once per file backed up with a warning (it kept changing while it was read). */
  onWarning?: (w: SkippedItem) => void;
  /** Plain remarks of the run, each once (a folder left out because it holds the staging location, …). */
  onNote?: (text: string) => void;
  /** false: read the live files without trying volume snapshots (VSS) and without saying so. Default: try them. */
  snapshots?: false;
  // Tuning and test hooks.
  packSize?: number;
  workers?: number;
  kdf?: KdfParams;
  /** The key derivation the caller started before the engine was loaded (`obc backup`, crypto.ts startDerivation). */
  startedKeys?: StartedDerivation;
  /**
   * List the folders on the engine's thread, not in a scan worker (scan-lister.ts HereLister): `obc backup`, whose
   * main thread has nothing else to do meanwhile. Default: a worker, so that the thread stays free.
   */
  scanHere?: boolean;
  compressionLevel?: number;
  freeSpace?: (dir: string) => Promise<number>;
  /** Where the chunk worker lives when the code is bundled (default: ./chunk-worker.ts next to the engine). */
  workerUrl?: URL;
  /**
   * Test hook at crash-relevant points: 'scanned' (before anything is written), 'seed' (job created),
   * 'pack:<n>' (pack n committed), 'catalog' (catalog written, seed.json not yet complete).
   */
  testHook?: (point: string) => void | Promise<void>;
}

/** What the engine returns; the task result adds `skippedCount` (BackupSummary in the contract). */
export type BackupResult = Omit<BackupSummary, 'skipped' | 'skippedCount' | 'changedWhileRead'> & {
  skipped: SkippedItem[];
  changedWhileRead: SkippedItem[];
};
