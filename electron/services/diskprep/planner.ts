import { roundCluster } from './folder-disk.ts';
import { MAX_DISKS_PER_JOB, RANGE_SIZE, type PlanFile } from './types.ts';

/**
 * Room kept on every disk for its DriveManifest, BOM and journal (they grow with the number of files and page
 * ranges), measured generously: ~1 MiB fixed plus per-file and per-range allowances.
 */
export const RESERVE_BASE = 1024 * 1024;
export const RESERVE_PER_FILE = 2048;
export const RESERVE_PER_RANGE = 256;

export function rangesOf(length: number): number {
  return Math.ceil(length / RANGE_SIZE);
}

/** Space a file costs on a disk: its clusters plus its share of the metadata reserve. */
export function fileCost(f: PlanFile): number {
  return roundCluster(f.length) + RESERVE_PER_FILE + RESERVE_PER_RANGE * rangesOf(f.length);
}

export interface PlanDiskInput {
  serial: string;
  capacityBytes: number;
  /** Files already assigned to this disk (resume / disks already filled): kept as they are. */
  assigned?: string[];
}

export interface PlannedDisk {
  serial: string;
  capacityBytes: number;
  files: string[];
  dataBytes: number;
  /** Data clusters + metadata reserve. */
  plannedBytes: number;
}

export interface SplitPart {
  part: number;
  disks: number;
  files: number;
  bytes: number;
  firstFile: string;
  lastFile: string;
}

export interface Plan {
  disks: PlannedDisk[];
  unassigned: PlanFile[];
  fits: boolean;
  /** Capacity one more disk needs to take every unassigned file (0 when everything fits). */
  neededBytes: number;
  totalBytes: number;
  /** Set when the data needs more than 10 disks: the job must be split (see proposeSplit). */
  tooManyDisks: boolean;
}

/**
 * First-fit in seed order over the disks in the order given. Adding a disk at the end never moves a file that was
 * already placed, so a paused job continues on the new disk without touching the finished ones.
 */
export function planDisks(files: PlanFile[], disks: PlanDiskInput[]): Plan {
  const byPath = new Map(files.map((f) => [f.path, f]));
  const planned: PlannedDisk[] = disks.map((d) => ({
    serial: d.serial,
    capacityBytes: d.capacityBytes,
    files: [],
    dataBytes: 0,
    plannedBytes: RESERVE_BASE,
  }));
  const placed = new Set<string>();
  disks.forEach((d, i) => {
    for (const p of d.assigned ?? []) {
      const f = byPath.get(p);
      if (!f || placed.has(p)) continue;
      placed.add(p);
      planned[i].files.push(p);
      planned[i].dataBytes += f.length;
      planned[i].plannedBytes += fileCost(f);
    }
  });
  const fixed = new Set(disks.flatMap((d, i) => (d.assigned ? [i] : [])));
  const unassigned: PlanFile[] = [];
  for (const f of files) {
    if (placed.has(f.path)) continue;
    const cost = fileCost(f);
    const target = planned.find((d, i) => !fixed.has(i) && d.plannedBytes + cost <= d.capacityBytes);
    if (!target) {
      unassigned.push(f);
      continue;
    }
    target.files.push(f.path);
    target.dataBytes += f.length;
    target.plannedBytes += cost;
  }
  const neededBytes = unassigned.length ? RESERVE_BASE + unassigned.reduce((s, f) => s + fileCost(f), 0) : 0;
  const used = planned.filter((d) => d.files.length > 0).length;
  return {
    disks: planned,
    unassigned,
    fits: unassigned.length === 0,
    neededBytes,
    totalBytes: files.reduce((s, f) => s + f.length, 0),
    tooManyDisks: used > MAX_DISKS_PER_JOB || (unassigned.length > 0 && disks.length >= MAX_DISKS_PER_JOB),
  };
}

/** How to split the staged data into several import jobs of at most 10 disks of `diskCapacity` each. */
export function proposeSplit(files: PlanFile[], diskCapacity: number): SplitPart[] {
  const parts: SplitPart[] = [];
  let disks = 0;
  let room = 0;
  let cur: SplitPart | null = null;
  for (const f of files) {
    const cost = fileCost(f);
    if (cost + RESERVE_BASE > diskCapacity) return []; // one file larger than a disk: no split helps
    if (cur === null || cost > room) {
      if (cur === null || disks === MAX_DISKS_PER_JOB) {
        cur = { part: parts.length + 1, disks: 0, files: 0, bytes: 0, firstFile: f.path, lastFile: f.path };
        parts.push(cur);
        disks = 0;
      }
      disks++;
      cur.disks = disks;
      room = diskCapacity - RESERVE_BASE;
    }
    room -= cost;
    cur.files++;
    cur.bytes += f.length;
    cur.lastFile = f.path;
  }
  return parts;
}

export interface UndersizedDisk {
  serial: string;
  capacityBytes: number;
  /** The smallest bulk file (a pack) and what a disk needs to hold it: its clusters + the metadata reserve. */
  smallestPath: string;
  smallestBytes: number;
  neededBytes: number;
}

/**
 * Disks too small for even the smallest bulk file (a pack): such a disk could only carry the small files (the
 * catalog, the job descriptor) and would go into the import job holding no data (issue 18). `isBulk` tells the packs
 * from the rest; a backup without packs has no such disk.
 */
export function undersizedDisks(
  files: PlanFile[],
  disks: Array<{ serial: string; capacityBytes: number }>,
  isBulk: (path: string) => boolean,
): UndersizedDisk[] {
  const bulk = files.filter((f) => isBulk(f.path));
  if (!bulk.length) return [];
  const smallest = bulk.reduce((a, b) => (fileCost(b) < fileCost(a) ? b : a));
  const needed = RESERVE_BASE + fileCost(smallest);
  return disks
    .filter((d) => d.capacityBytes < needed)
    .map((d) => ({
      serial: d.serial,
      capacityBytes: d.capacityBytes,
      smallestPath: smallest.path,
      smallestBytes: smallest.length,
      neededBytes: needed,
    }));
}
