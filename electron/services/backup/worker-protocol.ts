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

/**
 * A batch of results as numbers, `REC_FIELDS` per item in `rec`, the item's kind first; a chunk's id is the item's
 * 32 bytes in `ids`. One object per batch, not one per chunk with its id as hex: with 100 000 small files (a chunk
 * and a "done" each) those objects and strings were most of the main thread's garbage.
 *   ITEM_NEW    piece, rawLength, flag, at, length: sealed into the worker's ring at `at`
 *   ITEM_KNOWN  piece, rawLength: the worker knows this chunk is stored
 *   ITEM_DONE   piece, bytes, changed (1 when the file's stat before or after reading differed from the scan's)
 *   ITEM_ERROR  piece, index of the error in `errors`
 */
export const REC_FIELDS = 6;
export const ITEM_NEW = 1;
export const ITEM_KNOWN = 2;
export const ITEM_DONE = 3;
export const ITEM_ERROR = 4;
export const ID_BYTES = 32;

export interface OutBatch {
  type: 'out';
  count: number;
  rec: Float64Array;
  ids: Uint8Array;
  errors: Array<{ code: string; message: string }>;
  /** Ring bytes this batch uses (returned as credit once handled). */
  bytes: number;
}

export type ToWorker =
  | { type: 'init'; enc: Uint8Array; mac: Uint8Array; level: number; known: Uint8Array; ring: SharedArrayBuffer }
  | { type: 'unit'; pieces: WorkPiece[] }
  | { type: 'credit'; bytes: number }
  | { type: 'stop' };

/** `ready`: the worker has loaded (sent once, before anything else; worker-pool.ts waits for it before ending one). */
export type FromWorker = OutBatch | { type: 'ready' } | { type: 'unitDone' } | { type: 'fatal'; message: string };
