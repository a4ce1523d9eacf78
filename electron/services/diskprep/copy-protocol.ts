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
      expectSha256?: string;
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
}

export type FromCopyWorker =
  | { id: number; type: 'bytes'; n: number }
  | { id: number; type: 'firstRange' }
  | {
      id: number;
      type: 'copied';
      md5: string;
      ranges: string[];
      /** the written file, still open: the receiver fsyncs and closes it */ fd: number;
      busy: WorkerBusy;
    }
  | { id: number; type: 'verified'; mismatches: WorkerMismatch[]; direct: boolean; busy: WorkerBusy }
  | { id: number; type: 'error'; code: string; message: string; details?: Record<string, string> };
