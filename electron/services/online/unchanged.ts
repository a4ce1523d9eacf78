/**
 * Which files an online run need not read: a file whose size, modification time, change time and inode are those
 * the previous restore point's catalog recorded (and that was not marked as changing while read) keeps that point's
 * chunk list, provided every one of its chunks is in a pack the container still holds. Anything else is read again:
 * a catalog without change times (a seed made before they were recorded) leaves every file to be read, and dedup
 * then sends only what is new. Pure.
 */
import type { Catalog } from '../backup/catalog.ts';
import type { ScanEntry } from '../backup/scan-entry.ts';

export interface Partition {
  /** Entry index → chunk ids (hex) of the files kept from the previous point. */
  reuse: Map<number, string[]>;
  /** Files to read (entries of the scan, in scan order). */
  toRead: ScanEntry[];
  unchangedBytes: number;
  toReadBytes: number;
}

export function partition(entries: ScanEntry[], parent: Catalog | null, has: (hex: string) => boolean): Partition {
  const before = new Map<string, Catalog['entries'][number]>();
  for (const e of parent?.entries ?? []) if (e.type === 'file') before.set(e.path, e);
  const reuse = new Map<number, string[]>();
  const toRead: ScanEntry[] = [];
  let unchangedBytes = 0;
  let toReadBytes = 0;
  entries.forEach((e, i) => {
    if (e.type !== 'file') return;
    const p = before.get(e.path);
    const ids = p && parent ? sameFile(e, p, parent, has) : null;
    if (ids) {
      reuse.set(i, ids);
      unchangedBytes += e.size;
    } else {
      toRead.push(e);
      toReadBytes += e.size;
    }
  });
  return { reuse, toRead, unchangedBytes, toReadBytes };
}

function sameFile(
  e: ScanEntry,
  p: Catalog['entries'][number],
  parent: Catalog,
  has: (hex: string) => boolean,
): string[] | null {
  if (p.changed || p.ctimeMs === undefined || p.ino === undefined) return null;
  if (p.size !== e.size || p.mtimeMs !== e.mtimeMs || p.ctimeMs !== e.ctimeMs || p.ino !== e.ino) return null;
  const ids: string[] = [];
  let sum = 0;
  for (const c of p.chunks ?? []) {
    const row = parent.chunks[c];
    if (!row || !has(row[0])) return null;
    ids.push(row[0]);
    sum += row[4];
  }
  return sum === e.size ? ids : null;
}
