/** What a Disk Prep run takes and returns (engine.ts runs it, disk-run.ts prepares one disk of it). Types only. */
import type { JobKeys } from '../backup/crypto.ts';
import type { SecretProtector } from './drives-file.ts';
import type { ManifestCredentialSource } from './manifest-credential.ts';
import type { StagedJob } from './jobs.ts';
import type { DiskPrepProgress } from './progress.ts';
import type { DiskPrepTaskResult } from '../../../shared/contract/diskprep.ts';
import type { DiskProvider } from './types.ts';

export interface DiskRef {
  /** Folder path (folder disk), `disk:<n>` or a drive letter (Windows). */
  id: string;
  confirmErase?: boolean | undefined;
  existingBitLockerKey?: string | undefined;
}

export interface DiskPrepOptions {
  stagingLocation: string;
  job?: string;
  /** Overrides seed.json's container. */
  container?: string;
  disks: DiskRef[];
  providers: { folder: DiskProvider; windows?: DiskProvider };
  /**
   * The manifests' credential (decision 14): asked once per run, before any manifest is written. The console and the
   * CLI pass the signed-in Azure layer (azureManifestCredential) or the user's SAS file (containerSasFile).
   */
  credential: ManifestCredentialSource;
  /**
   * The backup passphrase: Disk Prep checks seed.json against the authenticated catalog before copying (issue 13 §3)
   * and, by default, seals the BitLocker keys in drives.json with a key derived from it.
   */
  passphrase: string;
  /** Seals the BitLocker keys in drives.json another way (tests); may depend on the job and its keys. */
  protector?: SecretProtector | ((job: StagedJob, keys: JobKeys) => Promise<SecretProtector>);
  signal?: AbortSignal;
  onProgress?: (p: DiskPrepProgress) => void;
  /** Problems found and handled (e.g. a damaged journal line: named with disk, path and line, and what is redone). */
  onWarning?: (message: string) => void;
  /** What the run does with the disks given and the state it found (skipped, new, not needed, retired): information, not a problem. */
  onNotice?: (message: string) => void;
  /** Rewrite ranges that fail read-back from staging, then check them again. */
  repair?: boolean;
  /** Worker threads for copy and read-back (default: one per CPU, at least 2). */
  workers?: number;
  /** fsync files before they are committed (default true). */
  sync?: boolean;
  /** Check each staged file against seed.json's SHA-256 while copying (default true). */
  verifySource?: boolean;
  /** Test hook: awaited at named points (`copy-partial:<i>`, `copy-written:<i>`, `committed:<i>`, `manifest-written:<serial>`, `readback:<serial>`). */
  checkpoint?: (name: string) => Promise<void>;
  /** Test hook: with `checkpoint`, disks run one after another (reproducible kill points) unless this is true. */
  checkpointsInParallel?: boolean;
}

/** One verified disk of a run (drives.json holds the same, with its sealed BitLocker key). */
export type { PreparedDriveSummary } from '../../../shared/contract/diskprep.ts';

/** What a run returns: the Disk Prep task's typed result (shared/contract/diskprep.ts), one shape for both. */
export type DiskPrepResult = DiskPrepTaskResult;
