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
 * `pieceFile[piece]` is the entry index of the file a piece belongs to (a typed array: one per file). Only piece
 * numbers are planned here; a unit's WorkPieces (path, stat) are made from the entries when it is handed out, so a
 * run never holds one object per file for all files at once.
 */
export function planUnits(
  entries: EntryList,
  segment = SEGMENT_BYTES,
): { units: UnitList; pieceFile: Int32Array; fileCount: number } {
  const pieces: number[] = [];
  const starts: number[] = [];
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
        starts.push(start);
      }
      continue;
    }
    pieces.push(file);
    starts.push(0);
    batch++;
    batchBytes += e.size;
    if (batch >= UNIT_MAX_PIECES || batchBytes >= UNIT_MAX_BYTES) flush();
  }
  flush();
  unitStart.push(pieces.length);
  const pieceFile = Int32Array.from(pieces);
  const pieceStart = Float64Array.from(starts);
  const bounds = Int32Array.from(unitStart);
  const units: UnitList = {
    length: bounds.length - 1,
    take: (u) => {
      const out: WorkPiece[] = [];
      for (let piece = bounds[u]; piece < bounds[u + 1]; piece++) {
        const e = entries.at(pieceFile[piece])!;
        const start = pieceStart[piece];
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
