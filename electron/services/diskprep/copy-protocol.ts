/** Messages between io-pool.ts (main) and copy-worker.ts. */
export interface ExpectedRange {
  offset: number;
  length: number;
  hash: string;
}

export type ToCopyWorker =
  | { op: 'copy'; id: number; control: SharedArrayBuffer; src: string; dest: string; length: number; expectSha256?: string; haltAfterFirstRange: boolean }
  | { op: 'verify'; id: number; control: SharedArrayBuffer; path: string; ranges: ExpectedRange[] };

export interface WorkerMismatch {
  offset: number;
  length: number;
  expected: string;
  actual: string;
}

export type FromCopyWorker =
  | { id: number; type: 'bytes'; n: number }
  | { id: number; type: 'firstRange' }
  | { id: number; type: 'copied'; md5: string; ranges: string[]; /** the written file, still open: the receiver fsyncs and closes it */ fd: number }
  | { id: number; type: 'verified'; mismatches: WorkerMismatch[]; direct: boolean }
  | { id: number; type: 'error'; code: string; message: string; details?: Record<string, string> };
