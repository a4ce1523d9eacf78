import { lstat } from 'node:fs/promises';
import { getHeapStatistics } from 'node:v8';
import { availableParallelism } from 'node:os';
import { AppError } from '../../../shared/errors.ts';
import type { ChunkRow, CatalogEntry } from './catalog.ts';
import { PieceChunks, type ChunkTable } from './chunk-table.ts';
import { releaseMemory } from './collect.ts';
import type { JobKeys } from './crypto.ts';
import { displayPath } from './names.ts';
import type { PackWriter } from './pack-writer.ts';
import { planUnits } from './plan.ts';
import type { ProgressMeter } from './progress.ts';
import type { SkippedItem } from './scan.ts';
import type { EntryList, Restat, ScanEntry } from './scan-entry.ts';
import type { BackupOptions } from './types.ts';
import { runPool, type StartedWorkers } from './worker-pool.ts';
import { ID_BYTES, ITEM_DONE, ITEM_ERROR, ITEM_KNOWN, ITEM_NEW, REC_FIELDS } from './worker-protocol.ts';

/**
 * Growth of the main isolate's heap (bytes V8 holds, used or not) after which a collection gives its free pages back
 * (collect.ts). The per-chunk messages' garbage makes V8 grow the young generation up to 32 MiB and keep the pages;
 * a collection every 20 000 pieces, as before, let the heap reach 65-70 MiB between two (~40 MiB over its floor, the
 * run's peak on a 114 000-file tree). Checked once per batch; a release costs ~50-150 ms.
 */
const RELEASE_GROWTH = 16 << 20;

/** What one pass of the chunk workers over the files left: each piece's chunks and bytes, and the files that failed. */
export interface ReadPass {
  /** Piece → index of its file in the pass's entries; a file's pieces are consecutive, files in entry order. */
  pieceFile: Int32Array;
  pieceChunks: PieceChunks;
  /** Bytes read per piece (a piece is at most a segment, 64 MiB: u32). */
  pieceBytes: Uint32Array;
  failed: Map<number, SkippedItem>;
  /** Files whose stat before or after a piece was read differed from the scan's. */
  changed: Set<number>;
}

/** Both passes: every file once, then the files that changed while read once more, from a fresh stat. */
export interface ReadResult {
  first: ReadPass;
  /** The second pass over the files that changed; `of[j]` is the entry index of its j-th file. */
  second: { pass: ReadPass; of: number[] } | null;
  /** Entry index → why it is not in the backup (either pass). */
  failed: Map<number, SkippedItem>;
  /** Entries that changed while read on both passes: kept as last read, marked in the catalog, warned about. */
  changedTwice: Set<number>;
}

type PassInput = {
  entries: EntryList;
  files: number;
  writer: PackWriter;
  keys: JobKeys;
  meter: ProgressMeter;
  opts: BackupOptions;
  /** Chunk workers started ahead of the pass (engine.ts): the first pass uses them, a second one starts its own. */
  started?: StartedWorkers;
  again?: true;
};

/** How many chunk workers a pass uses. */
export const chunkWorkerCount = (opts: Pick<BackupOptions, 'workers'>): number =>
  opts.workers ?? Math.min(4, availableParallelism());

/** Reads, chunks, compresses and seals the files' bytes in the chunk workers and stores new chunks in packs. */
export async function readPass(o: PassInput): Promise<ReadPass> {
  const { entries, writer: w, meter, opts } = o;
  const known = w.stored.allIds();

  // Work: files in catalog order, small ones batched, big ones in segments both cores can share.
  const { units, pieceFile, fileCount } = planUnits(entries);
  meter.set({ phase: 'backingUp' }, true);
  // Per-piece state in typed arrays, ~12 bytes per small file (one piece, one chunk): with many small files an
  // object or array per file was most of the engine's heap growth, and every column held for the pass moves the peak.
  const pieceChunks = new PieceChunks(pieceFile.length);
  const pieceBytes = new Uint32Array(pieceFile.length);
  const failed = new Map<number, SkippedItem>();
  const changed = new Set<number>();
  if (!o.again) meter.add({ filesProcessed: o.files - fileCount });
  // Pieces still to finish of the files cut into several (a file of one piece is done with it): no column per entry.
  const piecesLeft = new Map<number, number>();
  for (let p = 1; p < pieceFile.length; p++)
    if (pieceFile[p] === pieceFile[p - 1]) piecesLeft.set(pieceFile[p], (piecesLeft.get(pieceFile[p]) ?? 1) + 1);
  const fileDone = (file: number): boolean => {
    const left = piecesLeft.get(file);
    if (left === undefined) return true;
    if (left > 1) piecesLeft.set(file, left - 1);
    else piecesLeft.delete(file);
    return left === 1;
  };
  let heapFloor = 0;
  const pool = runPool({
    keys: o.keys,
    known,
    level: opts.compressionLevel ?? 1,
    workers: chunkWorkerCount(opts),
    units,
    started: o.started?.take() ?? null,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.workerUrl ? { workerUrl: opts.workerUrl } : {}),
    handle: async ({ count, rec, ids, errors }, ring) => {
      let last = -1;
      // Counters summed over the batch and added to the meter once (an object per chunk and call otherwise).
      let compressionSavedBytes = 0;
      let dedupSavedBytes = 0;
      let bytesProcessed = 0;
      let filesProcessed = 0;
      for (let i = 0; i < count; i++) {
        const r = i * REC_FIELDS;
        const kind = rec[r];
        const piece = rec[r + 1];
        const fileIdx = pieceFile[piece];
        if (kind === ITEM_NEW || kind === ITEM_KNOWN) {
          const id = ids.subarray(ID_BYTES * i, ID_BYTES * (i + 1));
          const rawLength = rec[r + 2];
          const at = rec[r + 4];
          const length = rec[r + 5];
          if (kind === ITEM_NEW && (await w.add(id, rec[r + 3], rawLength, ring.subarray(at, at + length)))) {
            compressionSavedBytes += rawLength - (length - 28);
          } else {
            if (w.stored.slotOf(id) < 0)
              throw new AppError(
                'INTERNAL',
                `Chunk ${Buffer.from(id).toString('hex').slice(0, 12)}… was reported stored but is not in any pack.`,
              );
            dedupSavedBytes += rawLength;
          }
          pieceChunks.push(piece, w.stored.slotOf(id));
          bytesProcessed += rawLength;
          last = fileIdx;
        } else {
          if (kind === ITEM_ERROR && !failed.has(fileIdx)) {
            const { code, message } = errors[rec[r + 2]];
            const s = { path: displayPath(entries.at(fileIdx)!.abs), code, reason: skipReason(code, message) };
            failed.set(fileIdx, s);
            opts.onSkip?.(s);
          }
          if (kind === ITEM_DONE) {
            pieceBytes[piece] = rec[r + 2];
            if (rec[r + 3] === 1) changed.add(fileIdx);
          }
          if (fileDone(fileIdx) && !o.again) filesProcessed++;
        }
      }
      meter.add({ compressionSavedBytes, dedupSavedBytes, bytesProcessed, filesProcessed });
      if (releaseMemory && getHeapStatistics().total_heap_size > heapFloor + RELEASE_GROWTH) {
        releaseMemory();
        heapFloor = getHeapStatistics().total_heap_size;
      }
      // One path per batch for the progress line, not one per chunk (each is a string made from the table).
      if (last >= 0) meter.set({ bytesWritten: w.written, currentFile: displayPath(entries.at(last)!.abs) });
    },
  });
  // The scan left ~2 KiB of garbage per file (stats, path pieces, promises) in the old generation; it is collected
  // here rather than carried (over 100 MiB with 50 000 files) through the run. The pool has handed the workers their
  // first units by now (runPool feeds them before its first await), so they read while the main thread collects
  // (issue 15: it ran before they had work, ~0.1 s with both cores idle but one).
  releaseMemory?.();
  heapFloor = getHeapStatistics().total_heap_size;
  await pool;
  return { pieceFile, pieceChunks, pieceBytes, failed, changed };
}

/**
 * Every file once; each file that changed while it was read (its stat before or after reading differs from the
 * scan's) is read once more from a fresh stat. One that changes again is kept as read the second time — never
 * past the length it had then — and reported.
 */
export async function readFiles(o: Omit<PassInput, 'again'>): Promise<ReadResult> {
  const first = await readPass(o);
  const failed = new Map(first.failed);
  const changedTwice = new Set<number>();
  if (first.changed.size === 0) return { first, second: null, failed, changedTwice };
  const of: number[] = [];
  const again: ScanEntry[] = [];
  for (const i of [...first.changed].sort((a, b) => a - b)) {
    if (failed.has(i)) continue;
    const e = o.entries.at(i)!;
    const st = await lstat(e.abs).catch((err: NodeJS.ErrnoException) => err);
    const skip = (code: string, reason: string) => {
      const s = { path: displayPath(e.abs), code, reason };
      failed.set(i, s);
      o.opts.onSkip?.(s);
    };
    if (st instanceof Error) skip(st.code ?? 'EIO', st.code === 'ENOENT' ? 'vanished while it was read' : st.message);
    else if (!st.isFile()) skip('ECHANGED', 'replaced by a folder, link or device while it was read');
    else {
      const fresh: Restat = {
        size: st.size,
        mtimeMs: st.mtimeMs,
        mode: st.mode & 0o7777,
        ctimeMs: st.ctimeMs,
        ino: st.ino,
      };
      Object.assign(e, fresh);
      o.entries.restat?.(i, fresh);
      of.push(i);
      again.push(e);
    }
  }
  if (again.length === 0) return { first, second: null, failed, changedTwice };
  const pass = await readPass({ ...o, entries: again, files: again.length, again: true });
  for (const [j, s] of pass.failed) failed.set(of[j], s);
  for (const j of pass.changed) if (!pass.failed.has(j)) changedTwice.add(of[j]);
  return { first, second: { pass, of }, failed, changedTwice };
}

/** Each piece's chunk-table slots, per file of the pass: file index → [slots, bytes]. */
function filesOf(pass: ReadPass, each: (file: number, slots: number[], bytes: number) => void): void {
  const { pieceFile, pieceChunks, pieceBytes } = pass;
  for (let piece = 0; piece < pieceFile.length;) {
    const file = pieceFile[piece];
    const slots: number[] = [];
    let bytes = 0;
    for (; piece < pieceFile.length && pieceFile[piece] === file; piece++) {
      bytes += pieceBytes[piece];
      pieceChunks.forEach(piece, (slot) => slots.push(slot));
    }
    each(file, slots, bytes);
  }
}

/**
 * The chunk rows a catalog's entries name, numbered in the order first named: row → chunk-table slot in a typed
 * array, so the rows themselves are made only while they are written.
 */
export class CatalogRows {
  private readonly rowOf: Int32Array;
  private slotOf = new Int32Array(1024);
  count = 0;
  private readonly stored: ChunkTable;
  constructor(stored: ChunkTable) {
    this.stored = stored;
    this.rowOf = new Int32Array(stored.size).fill(-1);
  }
  rowFor(slot: number): number {
    if (this.rowOf[slot] < 0) {
      if (this.count === this.slotOf.length) {
        const more = new Int32Array(this.count * 2);
        more.set(this.slotOf);
        this.slotOf = more;
      }
      this.slotOf[this.count] = slot;
      this.rowOf[slot] = this.count++;
    }
    return this.rowOf[slot];
  }
  *rows(): Generator<ChunkRow> {
    for (let r = 0; r < this.count; r++) {
      const slot = this.slotOf[r];
      const loc = this.stored.at(slot);
      yield [this.stored.id(slot), loc.pack, loc.offset, loc.length, loc.rawLength, loc.flag];
    }
  }
}

/**
 * Catalog entries in path order, one at a time, naming their chunks by row (`rows`); a file's chunk list is its
 * pieces' lists in order (from the second pass for a file that was read again). A file's pieces are consecutive
 * piece numbers, files in entry order, so one cursor walks them.
 */
export function* catalogEntryStream(entries: EntryList, read: ReadResult, rows: CatalogRows): Generator<CatalogEntry> {
  const { pieceFile, pieceChunks, pieceBytes } = read.first;
  const reread = new Map<number, { slots: number[]; bytes: number }>();
  if (read.second) {
    const { of } = read.second;
    filesOf(read.second.pass, (j, slots, bytes) => reread.set(of[j], { slots, bytes }));
  }
  let piece = 0;
  for (let i = 0; i < entries.length; i++) {
    const first = piece;
    while (piece < pieceFile.length && pieceFile[piece] === i) piece++;
    if (read.failed.has(i)) continue;
    const e = entries.at(i)!;
    const base = { path: e.path, type: e.type, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode };
    if (e.type === 'symlink') yield { ...base, target: e.target ?? '' };
    else if (e.type === 'dir') yield base;
    else {
      // The stat an online run compares with to leave a file unread (services/online/unchanged.ts).
      Object.assign(base, { ctimeMs: e.ctimeMs, ino: e.ino });
      const again = reread.get(i);
      if (again) {
        yield {
          ...base,
          size: again.bytes,
          chunks: again.slots.map((s) => rows.rowFor(s)),
          ...(read.changedTwice.has(i) ? { changed: true as const } : {}),
        };
        continue;
      }
      const chunks: number[] = [];
      let size = 0;
      for (let p = first; p < piece; p++) {
        size += pieceBytes[p];
        pieceChunks.forEach(p, (slot) => chunks.push(rows.rowFor(slot)));
      }
      yield { ...base, size, chunks };
    }
  }
}

/** All catalog entries and their chunk rows at once (the online engine's restore points). */
export function catalogEntries(
  entries: EntryList,
  read: ReadResult,
  stored: ChunkTable,
): { entries: CatalogEntry[]; rows: ChunkRow[] } {
  const rows = new CatalogRows(stored);
  const out = [...catalogEntryStream(entries, read, rows)];
  return { entries: out, rows: [...rows.rows()] };
}

/** The files that changed on both reads, as warnings (the catalog marks them `changed`). */
export function changedWhileRead(entries: EntryList, read: ReadResult): SkippedItem[] {
  return [...read.changedTwice].map((i) => ({
    path: displayPath(entries.at(i)!.abs),
    code: 'ECHANGED',
    reason:
      'changed while it was read, and again when read a second time: the backup holds the second read (up to the length the file had then), which may mix versions; it is marked in the catalog',
  }));
}

function skipReason(code: string, message: string): string {
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ENOENT') return 'vanished before it could be read';
  if (code === 'EBUSY') return 'locked by another program';
  return message;
}
