/**
 * The run's spool on this machine (`<workDir>/spool/`): each pack is written, read back and committed here first
 * (the backup engine's PackWriter), then uploaded from this file. A run killed at any step leaves the state file
 * naming every pack committed here and whether its blob is committed in the container, so the rerun sends the same
 * bytes (the blocks already staged are reused) and dedups against them. Removed once the restore point is committed.
 * Not needed to restore: losing it only costs sending those packs again.
 */
import { mkdir, readdir, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonValidated, writeJsonAtomic } from '../store/atomic.ts';
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

export class Spool {
  readonly dir: string;
  readonly state: SpoolState;
  /** Why an earlier spool was not resumed (another backup, a damaged state file), for the run's notes. */
  readonly discarded: string | null;
  private saving: Promise<void> = Promise.resolve();

  private constructor(dir: string, state: SpoolState, discarded: string | null) {
    this.dir = dir;
    this.state = state;
    this.discarded = discarded;
  }

  static async open(workDir: string, jobName: string, backupId: string): Promise<Spool> {
    const dir = join(workDir, 'spool');
    await mkdir(join(dir, 'packs'), { recursive: true });
    const loaded = await readJsonValidated(join(dir, 'state.json'), spoolStateSchema);
    let discarded: string | null = null;
    if (loaded.status === 'ok' && loaded.value.jobName === jobName && loaded.value.backupId === backupId) {
      const s = new Spool(dir, { ...loaded.value, runs: loaded.value.runs + 1 }, null);
      await s.save();
      return s;
    }
    if (loaded.status === 'ok')
      discarded = `The spool of an interrupted run belonged to another backup (${loaded.value.backupId}) and was discarded.`;
    if (loaded.status === 'corrupt')
      discarded = `The spool state of an interrupted run was damaged (${loaded.reason}; kept as ${loaded.keptAs}); its packs will be sent again if needed.`;
    await Spool.clearPacks(dir, new Set());
    const s = new Spool(
      dir,
      { version: 1, jobName, backupId, startedAt: new Date().toISOString(), runs: 1, packs: [] },
      discarded,
    );
    await s.save();
    return s;
  }

  packFile(n: number): string {
    return join(this.dir, packPath(n));
  }

  /** Writes the state (one write at a time, in call order). */
  save(): Promise<void> {
    const snapshot = JSON.parse(JSON.stringify(this.state)) as SpoolState;
    this.saving = this.saving.then(() => writeJsonAtomic(join(this.dir, 'state.json'), snapshot, 0o600));
    return this.saving;
  }

  async add(p: Omit<SpoolPack, 'uploaded'>): Promise<void> {
    this.state.packs.push({ ...p, uploaded: false });
    await this.save();
  }

  async markUploaded(n: number): Promise<void> {
    const p = this.state.packs.find((q) => q.n === n);
    if (p) p.uploaded = true;
    await this.save();
    await unlink(this.packFile(n)).catch(() => undefined);
  }

  async drop(n: number): Promise<void> {
    this.state.packs = this.state.packs.filter((q) => q.n !== n);
    await this.save();
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
    await this.saving;
    await rm(this.dir, { recursive: true, force: true });
  }
}
