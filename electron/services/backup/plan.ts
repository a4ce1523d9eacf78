import type { EntryList } from './scan-entry.ts';
import type { WorkPiece } from './worker-protocol.ts';

/** Files above this are cut into segments of this size (a chunk boundary is forced at each segment edge). */
export const SEGMENT_BYTES = 64 << 20;
const UNIT_MAX_PIECES = 256;
const UNIT_MAX_BYTES = 16 << 20;

/** The work units of a pass, made one at a time as the pool hands them out (`take`), not all up front. */
export interface UnitList {
  readonly length: number;
  take(unit: number): WorkPiece[];
}

/**
 * Work units for the chunk workers: small files batched together, big files split into segments.
 * `pieceFile[piece]` is the entry index of the file a piece belongs to (a typed array: one per file); a file's
 * pieces are consecutive, files in entry order, so a piece's start in its file is its place among them times
 * `segment` (found when the unit is handed out: no column of starts, 8 bytes per file). Only piece numbers are
 * planned here; a unit's WorkPieces (path, stat) are made from the entries when it is handed out, so a run never
 * holds one object per file for all files at once.
 */
export function planUnits(
  entries: EntryList,
  segment = SEGMENT_BYTES,
): { units: UnitList; pieceFile: Int32Array; fileCount: number } {
  const pieces: number[] = [];
  const unitStart: number[] = [];
  let batch = 0;
  let batchBytes = 0;
  let fileCount = 0;
  const flush = () => {
    if (batch) unitStart.push(pieces.length - batch);
    batch = 0;
    batchBytes = 0;
  };
  for (let file = 0; file < entries.length; file++) {
    const e = entries.at(file)!;
    if (e.type !== 'file' || e.size === 0) continue;
    fileCount++;
    if (e.size > segment) {
      flush();
      for (let start = 0; start < e.size; start += segment) {
        unitStart.push(pieces.push(file) - 1);
      }
      continue;
    }
    pieces.push(file);
    batch++;
    batchBytes += e.size;
    if (batch >= UNIT_MAX_PIECES || batchBytes >= UNIT_MAX_BYTES) flush();
  }
  flush();
  unitStart.push(pieces.length);
  const pieceFile = Int32Array.from(pieces);
  pieces.length = 0;
  const bounds = Int32Array.from(unitStart);
  const units: UnitList = {
    length: bounds.length - 1,
    take: (u) => {
      const out: WorkPiece[] = [];
      for (let piece = bounds[u]; piece < bounds[u + 1]; piece++) {
        const e = entries.at(pieceFile[piece])!;
        const start = segment * (piece - firstPiece(pieceFile, piece));
        out.push({
          piece,
          path: e.abs,
          start,
          length: Math.min(segment, e.size - start),
          stat: [e.size, e.mtimeMs, e.ctimeMs, e.ino],
        });
      }
      return out;
    },
  };
  return { units, pieceFile, fileCount };
}

/** The first piece of the file `piece` belongs to (`pieceFile` does not decrease: a binary search). */
export function firstPiece(pieceFile: Int32Array, piece: number): number {
  const file = pieceFile[piece];
  let lo = 0;
  let hi = piece;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pieceFile[mid] < file) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
