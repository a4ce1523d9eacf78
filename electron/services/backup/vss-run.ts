/**
 * Runs VSS for one backup (Windows only): a shadow copy per local volume of the items, read instead of the live
 * files, deleted afterwards (also on failure or cancel). Where no snapshot can be had — another OS, a network
 * share, no elevation, VSS refusing — the run says so once and reads the live files (a file that changes while
 * read is then read again, and reported if it keeps changing). The runner is injected so this logic is tested
 * here with a stand-in; the real PowerShell path has never run on Windows in this project's CI.
 */
import type { PowerShellRunner } from '../diskprep/windows-disk.ts';
import { exposedRoot, parseVssCreate, snapshotReadPath, volumeOf, vssCreateScript, vssDeleteScript } from './vss.ts';

export interface Snapshots {
  /** Where to read an absolute item path from; undefined when no volume has a snapshot. */
  readPath?: (abs: string) => string;
  /** What the user is told about snapshots in this run (once each). */
  notes: string[];
  /** Deletes the shadow copies; never throws: returns what the user must be told (a snapshot left behind). */
  close(): Promise<string[]>;
}

export const NO_VSS_NOTE =
  'No volume snapshot on this system (VSS is Windows-only): files are read live; a file that changes while it is read is read again, and reported if it keeps changing.';

export async function openSnapshots(
  items: readonly string[],
  o: { platform?: NodeJS.Platform; run?: PowerShellRunner; signal?: AbortSignal } = {},
): Promise<Snapshots> {
  const platform = o.platform ?? process.platform;
  if (platform !== 'win32') return { notes: [NO_VSS_NOTE], close: async () => [] };
  // Loaded on Windows only: other systems never carry the PowerShell runner.
  const run = o.run ?? (await import('../diskprep/windows-disk.ts')).runPowerShell;
  const notes: string[] = [];
  const roots = new Map<string, string>();
  const ids: Array<{ id: string; volume: string }> = [];
  const volumes = [...new Set(items.map((i) => volumeOf(i)))];
  if (volumes.includes(null))
    notes.push('Items on network shares are read live: VSS snapshots exist only for local volumes.');
  for (const volume of volumes) {
    if (!volume) continue;
    let made: ReturnType<typeof parseVssCreate>;
    try {
      made = parseVssCreate(await run(vssCreateScript(volume), o.signal));
    } catch (err) {
      made = { error: (err as Error).message };
    }
    if ('error' in made) {
      notes.push(
        `No snapshot of ${volume} (${made.error}): its files are read live; a file that changes while it is read is read again, and reported if it keeps changing.`,
      );
      continue;
    }
    ids.push({ id: made.id, volume });
    roots.set(volume, exposedRoot(made.device));
  }
  if (roots.size)
    notes.push(`Read from volume snapshots (VSS) of ${[...roots.keys()].join(', ')}, deleted after the backup.`);
  return {
    ...(roots.size ? { readPath: (abs: string) => snapshotReadPath(abs, roots) } : {}),
    notes,
    close: async () => {
      const left: string[] = [];
      for (const { id, volume } of ids.splice(0)) {
        try {
          await run(vssDeleteScript(id));
        } catch (err) {
          left.push(
            `The snapshot ${id} of ${volume} could not be deleted (${(err as Error).message}); delete it with "vssadmin delete shadows /shadow=${id}".`,
          );
        }
      }
      return left;
    },
  };
}

/**
 * Runs one backup between openSnapshots and close (also on failure or cancel): `snapshots: false` runs it on the
 * live files. What close leaves to tell (a snapshot left behind) goes to onNote and into the result's notes.
 */
export async function withSnapshots<R extends { notes?: string[] }>(
  o: { items: readonly string[]; snapshots?: boolean; signal?: AbortSignal; onNote?: (note: string) => void },
  run: (snaps: Snapshots | null) => Promise<R>,
): Promise<R> {
  const snaps = o.snapshots === false ? null : await openSnapshots(o.items, o.signal ? { signal: o.signal } : {});
  let result: R | undefined;
  try {
    result = await run(snaps);
    return result;
  } finally {
    const left = (await snaps?.close()) ?? [];
    left.forEach((n) => o.onNote?.(n));
    if (result && left.length) result.notes = [...(result.notes ?? []), ...left];
  }
}
