/** Messages between io-pool.ts (main) and copy-worker.ts. */
export interface ExpectedRange {
  offset: number;
  length: number;
  hash: string;
}

export type ToCopyWorker =
  | {
      op: 'copy';
      id: number;
      control: SharedArrayBuffer;
      src: string;
      dest: string;
      length: number;
      /** Seed format 1: the SHA-256 the staged bytes must have; the worker also makes the whole-file MD5. */
      expectSha256?: string;
      /**
       * Seed format 2: the MD5 of each 4 MiB page range (upper-case hex) as the backup recorded it; the worker hashes
       * only the ranges and compares each (no SHA-256, no whole-file MD5: the seed gives that).
       */
      expectRanges?: string[];
      haltAfterFirstRange: boolean;
    }
  | { op: 'verify'; id: number; control: SharedArrayBuffer; path: string; ranges: ExpectedRange[] };

export interface WorkerMismatch {
  offset: number;
  length: number;
  expected: string;
  actual: string;
}

/** Milliseconds one job spent per kind of work (for the bench: what limits a run — staging read, disks or CPU). */
export interface WorkerBusy {
  /** Reading the staged file (copy) or the disk (read-back). */
  readMs: number;
  /** Writing the disk (copy only; its fsync is the main thread's, see io-pool.ts syncAndClose). */
  writeMs: number;
  /** MD5 and SHA-256. */
  hashMs: number;
  /** The worker thread's CPU time (user + system) in the job. */
  cpuMs: number;
  /** Of which system time (the read and write system calls: page cache copies, reclaim). */
  cpuSysMs: number;
}

export type FromCopyWorker =
  | { id: number; type: 'bytes'; n: number }
  | { id: number; type: 'firstRange' }
  | {
      id: number;
      type: 'copied';
      /** Whole-file MD5; absent when the copy checked the seed's range MD5s (the seed holds it). */
      md5?: string;
      ranges: string[];
      /** the written file, still open: the receiver fsyncs and closes it */ fd: number;
      /** Whether the staged file was read, and the disk written, with O_DIRECT (else through the OS cache). */
      direct: { read: boolean; write: boolean };
      busy: WorkerBusy;
    }
  | { id: number; type: 'verified'; mismatches: WorkerMismatch[]; direct: boolean; busy: WorkerBusy }
  | { id: number; type: 'error'; code: string; message: string; details?: Record<string, string> };
