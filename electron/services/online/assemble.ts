/**
 * The catalog of a new restore point: every scanned entry in scan (path) order, files either kept from the previous
 * point (their chunk ids) or as the read pass just stored them (the engine's `catalogEntries`), their chunks located
 * through the chunk table (the container's packs and the ones this run made), and how many sealed bytes of each pack
 * the point uses (the header's `refBytes`, which pruning reads). Pure.
 */
import { AppError } from '../../../shared/errors.ts';
import type { CatalogEntry, ChunkRow } from '../backup/catalog.ts';
import type { ChunkTable } from '../backup/chunk-table.ts';
import { catalogEntries, type ReadResult } from '../backup/read-pass.ts';
import type { ScanEntry } from '../backup/scan-entry.ts';

export interface Assembled {
  entries: CatalogEntry[];
  rows: ChunkRow[];
  /** Pack number → sealed bytes of it the catalog uses. */
  refBytes: Map<number, number>;
}

export function assemble(o: {
  entries: ScanEntry[];
  reuse: Map<number, string[]>;
  toRead: ScanEntry[];
  read: ReadResult | null;
  stored: ChunkTable;
}): Assembled {
  const readEntries = o.read ? catalogEntries(o.toRead, o.read, o.stored) : { entries: [], rows: [] };
  const readByPath = new Map(readEntries.entries.map((e) => [e.path, e]));
  const rows: ChunkRow[] = [];
  const rowOf = new Map<string, number>();
  const refBytes = new Map<number, number>();
  const rowFor = (hex: string): number => {
    let r = rowOf.get(hex);
    if (r === undefined) {
      const loc = o.stored.get(hex);
      if (!loc)
        throw new AppError(
          'INTERNAL',
          `Chunk ${hex.slice(0, 12)}… is used by the new restore point but is in no pack.`,
        );
      r = rows.length;
      rows.push([hex, loc.pack, loc.offset, loc.length, loc.rawLength, loc.flag]);
      rowOf.set(hex, r);
      refBytes.set(loc.pack, (refBytes.get(loc.pack) ?? 0) + loc.length);
    }
    return r;
  };
  const entries: CatalogEntry[] = [];
  o.entries.forEach((e, i) => {
    const base = { path: e.path, type: e.type, size: e.size, mtimeMs: e.mtimeMs, mode: e.mode };
    if (e.type === 'dir') return void entries.push({ ...base, size: 0 });
    if (e.type === 'symlink') return void entries.push({ ...base, size: 0, target: e.target ?? '' });
    const kept = o.reuse.get(i);
    if (kept) return void entries.push({ ...base, ctimeMs: e.ctimeMs, ino: e.ino, chunks: kept.map(rowFor) });
    const r = readByPath.get(e.path);
    if (!r) return; // could not be read: listed in `skipped`
    entries.push({ ...r, chunks: (r.chunks ?? []).map((c) => rowFor(readEntries.rows[c][0])) });
  });
  return { entries, rows, refBytes };
}
