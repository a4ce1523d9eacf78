/** Messages between the backup engine and its chunk workers. */
export interface WorkPiece {
  /** Engine-wide piece number (a whole small file, or one segment of a large one). */
  piece: number;
  /** Text, or the raw bytes (a Buffer arrives as a Uint8Array) when a name in it is not valid UTF-8. */
  path: string | Uint8Array;
  start: number;
  length: number;
  /** The file's [size, mtimeMs, ctimeMs, ino] at the scan: a different stat before or after reading = changed. */
  stat: [number, number, number, number];
}

export type OutItem =
  /** `at`/`length`: where the sealed chunk sits in the worker's ring (absent when the worker knows it is stored). */
  | {
      kind: 'chunk';
      piece: number;
      /** hex */ id: string;
      rawLength: number;
      flag?: number;
      at?: number;
      length?: number;
    }
  /** `changed`: the file's stat before or after reading this piece differs from the scan's. */
  | { kind: 'done'; piece: number; bytes: number; changed?: true }
  | { kind: 'error'; piece: number; code: string; message: string };

export type ToWorker =
  | { type: 'init'; enc: Uint8Array; mac: Uint8Array; level: number; known: Uint8Array; ring: SharedArrayBuffer }
  | { type: 'unit'; pieces: WorkPiece[] }
  | { type: 'credit'; bytes: number }
  | { type: 'stop' };

export type FromWorker =
  { type: 'out'; items: OutItem[]; bytes: number } | { type: 'unitDone' } | { type: 'fatal'; message: string };
