/**
 * The run's spool on this machine (`<workDir>/spool/`): each pack is written, read back and committed here first
 * (the backup engine's PackWriter), then uploaded from this file. A run killed at any step leaves the state file
 * naming every pack committed here and whether its blob is committed in the container, so the rerun sends the same
 * bytes (the blocks already staged are reused) and dedups against them. Removed once the restore point is committed.
 * Not needed to restore: losing it only costs sending those packs again.
 *
 * Two files, as the backup's resume state (store/line-log.ts): `state.json`, the header, holds the packs as the run
 * found them when it opened the spool (rewritten once per run, at open); `state.log` holds one line per `add`,
 * `markUploaded` and `drop` since, appended and synced before the call resolves, in call order. A rewrite per call
 * of every pack grew with the square of the run's packs (about 1 GB written for 2 000 packs, 500 GB for 65 000).
 * Reading is the header with the log replayed on it; a line cut short by a crash is a call that did not happen, a
 * damaged complete line discards the spool as a damaged header does.
 */
import { mkdir, readdir, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { fsyncDir, readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';
import { jsonLine, LineLog, readLineLog } from '../store/line-log.ts';
import { packPath } from '../backup/pack-format.ts';

const spoolPackSchema = z.object({
  n: z.number().int().positive(),
  length: z.number().int().positive(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  chunks: z.number().int().nonnegative(),
  uploaded: z.boolean(),
});
export type SpoolPack = z.infer<typeof spoolPackSchema>;

const spoolStateSchema = z.object({
  version: z.literal(1),
  jobName: z.string(),
  /** The backup (seed identity) the spooled packs belong to; another backup's spool is discarded. */
  backupId: z.string(),
  startedAt: z.string(),
  runs: z.number().int().positive(),
  packs: z.array(spoolPackSchema),
});
type SpoolState = z.infer<typeof spoolStateSchema>;

export const SPOOL_STATE = 'state.json';
export const SPOOL_LOG = 'state.log';

/** One line of the log: a pack committed in the spool, its blob committed in the container, or a pack dropped. */
const spoolLineSchema = z.discriminatedUnion('op', [
  spoolPackSchema.omit({ uploaded: true }).extend({ op: z.literal('add') }),
  z.object({ op: z.literal('uploaded'), n: z.number().int().positive() }),
  z.object({ op: z.literal('drop'), n: z.number().int().positive() }),
]);
type SpoolLine = z.infer<typeof spoolLineSchema>;

/**
 * Applies one log line to the packs. Replaying a log on a header already holding its effect gives the same packs
 * (an `add` replaces the pack of its number), so a crash between the header's rewrite and the log's removal at open
 * loses and doubles nothing. `byN` indexes `packs` by number (a run of 65 000 packs must not search them per call).
 */
function apply(packs: SpoolPack[], byN: Map<number, SpoolPack>, l: SpoolLine): SpoolPack[] {
  if (l.op === 'add') {
    const { op: _, ...rec } = l;
    const p = { ...rec, uploaded: false };
    const had = byN.get(p.n);
    if (had) packs[packs.indexOf(had)] = p;
    else packs.push(p);
    byN.set(p.n, p);
    return packs;
  }
  const p = byN.get(l.n);
  if (l.op === 'uploaded') {
    if (p) p.uploaded = true;
    return packs;
  }
  if (!p) return packs;
  byN.delete(l.n);
  return packs.filter((q) => q.n !== l.n);
}

/** The packs by number (the first of a number, as `find` took it before the index). */
const indexOf = (packs: SpoolPack[]): Map<number, SpoolPack> => {
  const m = new Map<number, SpoolPack>();
  for (const p of packs) if (!m.has(p.n)) m.set(p.n, p);
  return m;
};

class DamagedLog extends Error {}

export class Spool {
  readonly dir: string;
  readonly state: SpoolState;
  /** Why an earlier spool was not resumed (another backup, a damaged state file), for the run's notes. */
  readonly discarded: string | null;
  private readonly log: LineLog;
  private readonly byN: Map<number, SpoolPack>;
  private logging: Promise<void> = Promise.resolve();

  private constructor(dir: string, state: SpoolState, discarded: string | null) {
    this.dir = dir;
    this.state = state;
    this.discarded = discarded;
    this.log = new LineLog(join(dir, SPOOL_LOG));
    this.byN = indexOf(state.packs);
  }

  static async open(workDir: string, jobName: string, backupId: string): Promise<Spool> {
    const dir = join(workDir, 'spool');
    await mkdir(join(dir, 'packs'), { recursive: true });
    const loaded = await readJsonValidated(join(dir, SPOOL_STATE), spoolStateSchema);
    let discarded: string | null = null;
    if (loaded.status === 'ok' && loaded.value.jobName === jobName && loaded.value.backupId === backupId) {
      const logPath = join(dir, SPOOL_LOG);
      let packs = loaded.value.packs;
      const byN = indexOf(packs);
      const replayed = await readLineLog(
        logPath,
        jsonLine(spoolLineSchema),
        (l) => void (packs = apply(packs, byN, l)),
        (no) => new DamagedLog(`line ${no} of ${SPOOL_LOG} is not a spool record`),
      ).then(
        () => null,
        (err: unknown) => (err instanceof DamagedLog ? err : Promise.reject(err)),
      );
      if (!replayed) {
        const s = new Spool(dir, { ...loaded.value, runs: loaded.value.runs + 1, packs }, null);
        await s.compact();
        return s;
      }
      const keptAs = `${logPath}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
      await rename(logPath, keptAs);
      discarded = `The spool state of an interrupted run was damaged (${replayed.message}; kept as ${keptAs}); its packs will be sent again if needed.`;
    }
    if (loaded.status === 'ok' && discarded === null)
      discarded = `The spool of an interrupted run belonged to another backup (${loaded.value.backupId}) and was discarded.`;
    if (loaded.status === 'corrupt')
      discarded = `The spool state of an interrupted run was damaged (${loaded.reason}; kept as ${loaded.keptAs}); its packs will be sent again if needed.`;
    await Spool.clearPacks(dir, new Set());
    const s = new Spool(
      dir,
      { version: 1, jobName, backupId, startedAt: new Date().toISOString(), runs: 1, packs: [] },
      discarded,
    );
    await s.compact();
    return s;
  }

  packFile(n: number): string {
    return join(this.dir, packPath(n));
  }

  /** Writes the whole state as the header, then removes the log it holds (at open, before any append). */
  private async compact(): Promise<void> {
    await writeJsonAtomic(join(this.dir, SPOOL_STATE), this.state, 0o600);
    await unlink(join(this.dir, SPOOL_LOG)).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? undefined : Promise.reject(e),
    );
    await fsyncDir(this.dir);
  }

  /** Appends one line to the log (one append at a time, in call order); resolves once it is synced. */
  private append(l: SpoolLine): Promise<void> {
    const text = JSON.stringify(l) + '\n';
    this.logging = this.logging.then(() => this.log.append(text));
    return this.logging;
  }

  async add(p: Omit<SpoolPack, 'uploaded'>): Promise<void> {
    const l: SpoolLine = { op: 'add', ...p };
    this.state.packs = apply(this.state.packs, this.byN, l);
    await this.append(l);
  }

  async markUploaded(n: number): Promise<void> {
    const l: SpoolLine = { op: 'uploaded', n };
    this.state.packs = apply(this.state.packs, this.byN, l);
    await this.append(l);
    await unlink(this.packFile(n)).catch(() => undefined);
  }

  async drop(n: number): Promise<void> {
    const l: SpoolLine = { op: 'drop', n };
    this.state.packs = apply(this.state.packs, this.byN, l);
    await this.append(l);
    await unlink(this.packFile(n)).catch(() => undefined);
  }

  /** Removes pack files (and the pack writer's temp files) the state does not list as waiting for upload. */
  async sweep(): Promise<void> {
    await Spool.clearPacks(
      this.dir,
      new Set(this.state.packs.filter((p) => !p.uploaded).map((p) => packPath(p.n).slice('packs/'.length))),
    );
  }

  private static async clearPacks(dir: string, keep: Set<string>): Promise<void> {
    for (const name of await readdir(join(dir, 'packs')).catch(() => [] as string[]))
      if (!keep.has(name)) await unlink(join(dir, 'packs', name)).catch(() => undefined);
  }

  /** The run's point is committed: nothing here is needed any more. */
  async finish(): Promise<void> {
    await this.logging;
    await rm(this.dir, { recursive: true, force: true });
  }
}
