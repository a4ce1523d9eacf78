import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import type { ChunkRow, CatalogEntry } from './catalog.ts';
import { PieceChunks, type ChunkTable } from './chunk-table.ts';
import { collectGarbage } from './collect.ts';
import type { JobKeys } from './crypto.ts';
import type { PackWriter } from './pack-writer.ts';
import { displayPath } from './names.ts';
import { planUnits } from './plan.ts';
import type { ProgressMeter } from './progress.ts';
import type { ScanEntry, SkippedItem } from './scan.ts';
import type { BackupOptions } from './types.ts';
import { runPool } from './worker-pool.ts';

/** What one pass of the chunk workers over the files left: each piece's chunks and bytes, and the files that failed. */
export interface ReadPass {
  /** Piece → index of its file in the scan entries; a file's pieces are consecutive, files in entry order. */
  pieceFile: Int32Array;
  pieceChunks: PieceChunks;
  pieceBytes: Float64Array;
  failed: Map<number, SkippedItem>;
}

/** Reads, chunks, compresses and seals the files' bytes in the chunk workers and stores new chunks in packs. */
export async function readPass(o: { entries: ScanEntry[]; files: number; writer: PackWriter; keys: JobKeys; meter: ProgressMeter; opts: BackupOptions }): Promise<ReadPass> {
  const { entries, writer: w, meter, opts } = o;
  const known = Buffer.alloc(w.stored.size * 32);
  let k = 0;
  for (const hex of w.stored.keys()) known.write(hex, 32 * k++, 'hex');

  // Work: files in catalog order, small ones batched, big ones in segments both cores can share.
  const { units, pieceFile, fileCount } = planUnits(entries);
  // The scan left ~2 KiB of garbage per file (stats, path pieces, promises) in the old generation; collect it
  // before the workers start rather than carry it (over 100 MiB with 50 000 files) through the run.
  collectGarbage?.();
  meter.set({ phase: 'backingUp' }, true);
  // Per-piece and per-file state in typed arrays: with many small files (one piece and one chunk each) an object
  // or array per file was most of the engine's heap growth.
  const pieceChunks = new PieceChunks(pieceFile.length);
  const pieceBytes = new Float64Array(pieceFile.length);
  const failed = new Map<number, SkippedItem>();
  meter.add({ filesProcessed: o.files - fileCount });
  const piecesLeft = new Int32Array(entries.length);
  for (const f of pieceFile) piecesLeft[f]++;
  await runPool({
    keys: o.keys,
    known,
    level: opts.compressionLevel ?? 1,
    workers: opts.workers ?? Math.min(4, availableParallelism()),
    units,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.workerUrl ? { workerUrl: opts.workerUrl } : {}),
    handle: async (items, ring) => {
      for (const it of items) {
        const fileIdx = pieceFile[it.piece];
        if (it.kind === 'chunk') {
          const hex = it.id;
          if (it.length !== undefined && (await w.add(hex, it.flag ?? 0, it.rawLength, ring.subarray(it.at!, it.at! + it.length)))) {
            meter.add({ compressionSavedBytes: it.rawLength - (it.length - 28) });
          } else {
            if (!w.has(hex)) throw new AppError('INTERNAL', `Chunk ${hex.slice(0, 12)}… was reported stored but is not in any pack.`);
            meter.add({ dedupSavedBytes: it.rawLength });
          }
          pieceChunks.push(it.piece, w.stored.slot(hex)!);
          meter.add({ bytesProcessed: it.rawLength });
          meter.set({ bytesWritten: w.written, currentFile: displayPath(entries[fileIdx].abs) });
        } else {
          if (it.kind === 'error' && !failed.has(fileIdx)) {
            const s = { path: displayPath(entries[fileIdx].abs), code: it.code, reason: skipReason(it.code, it.message) };
            failed.set(fileIdx, s);
            opts.onSkip?.(s);
          }
          if (it.kind === 'done') pieceBytes[it.piece] = it.bytes;
          if (--piecesLeft[fileIdx] === 0) meter.add({ filesProcessed: 1 });
        }
      }
    },
  });
  return { pieceFile, pieceChunks, pieceBytes, failed };
}

/**
 * Catalog entries in path order and the chunk rows they use; a file's chunk list is its pieces' lists in order. A
 * file's pieces are consecutive piece numbers, files in entry order, so one cursor walks them.
 */
export function catalogEntries(entries: ScanEntry[], pass: ReadPass, stored: ChunkTable): { entries: CatalogEntry[]; rows: ChunkRow[] } {
  const { pieceFile, pieceChunks, pieceBytes, failed } = pass;
  const rowOf = new Int32Array(stored.size).fill(-1);
  const idOf = [...stored.keys()];
  const rows: ChunkRow[] = [];
  const out: CatalogEntry[] = [];
  let piece = 0;
  entries.forEach((e, i) => {
    const first = piece;
    while (piece < pieceFile.length && pieceFile[piece] === i) piece++;
    if (failed.has(i)) return;
    const base = { path: e.path, type: e.type, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode };
    if (e.type === 'symlink') out.push({ ...base, target: e.target ?? '' });
    else if (e.type === 'dir') out.push(base);
    else {
      const chunks: number[] = [];
      let size = 0;
      for (let p = first; p < piece; p++) {
        size += pieceBytes[p];
        pieceChunks.forEach(p, (slot) => {
          if (rowOf[slot] < 0) {
            const loc = stored.at(slot);
            rowOf[slot] = rows.length;
            rows.push([idOf[slot], loc.pack, loc.offset, loc.length, loc.rawLength, loc.flag]);
          }
          chunks.push(rowOf[slot]);
        });
      }
      out.push({ ...base, size, chunks });
    }
  });
  return { entries: out, rows };
}

function skipReason(code: string, message: string): string {
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'vanished before it could be read';
  if (code === 'EBUSY') return 'locked by another program';
  return message;
}
