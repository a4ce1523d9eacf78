import type { ScanEntry } from './scan.ts';
import type { WorkPiece } from './worker-protocol.ts';

/** Files above this are cut into segments of this size (a chunk boundary is forced at each segment edge). */
export const SEGMENT_BYTES = 64 << 20;
const UNIT_MAX_PIECES = 256;
const UNIT_MAX_BYTES = 16 << 20;

/**
 * Work units for the chunk workers: small files batched together, big files split into segments.
 * `pieceFile[piece]` is the entry index of the file a piece belongs to (a typed array: one per file).
 */
export function planUnits(entries: ScanEntry[], segment = SEGMENT_BYTES): { units: WorkPiece[][]; pieceFile: Int32Array; fileCount: number } {
  const units: WorkPiece[][] = [];
  const pieces: number[] = [];
  let batch: WorkPiece[] = [];
  let batchBytes = 0;
  let fileCount = 0;
  const flush = () => {
    if (batch.length) units.push(batch);
    batch = [];
    batchBytes = 0;
  };
  entries.forEach((e, file) => {
    if (e.type !== 'file' || e.size === 0) return;
    fileCount++;
    const stat: WorkPiece['stat'] = [e.size, e.mtimeMs, e.ctimeMs, e.ino];
    if (e.size > segment) {
      for (let start = 0; start < e.size; start += segment) {
        const piece = pieces.push(file) - 1;
        units.push([{ piece, path: e.abs, start, length: Math.min(segment, e.size - start), stat }]);
      }
      return;
    }
    const piece = pieces.push(file) - 1;
    batch.push({ piece, path: e.abs, start: 0, length: e.size, stat });
    batchBytes += e.size;
    if (batch.length >= UNIT_MAX_PIECES || batchBytes >= UNIT_MAX_BYTES) flush();
  });
  flush();
  return { units, pieceFile: Int32Array.from(pieces), fileCount };
}
