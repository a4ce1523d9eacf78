/**
 * One scheduler per data dir. The desktop app and browser mode (or two browser-mode hosts) may run on the same data
 * dir; each has a PolicyScheduler, and only the holder of `<dataDir>/scheduler-lease.json` may run due backups.
 *
 * - Taking a free lease: the file is created with O_EXCL ('wx'), so two hosts can never both create it.
 * - The holder rewrites it every refresh (atomic rename) and removes it when it closes.
 * - Another host takes it over when the holder removed it, when the holder's pid is gone (same machine), when its
 *   refreshedAt is older than staleMs, or when the file has not changed for staleMs of the other host's own clock
 *   (clocks of two machines sharing a folder may disagree). Take-over renames the stale file aside first (only one
 *   host can win that rename), checks it grabbed what it judged stale (else links it back), then creates with O_EXCL.
 * - `confirm()` re-reads the file: the scheduler calls it right before every due run and runs only when the file still
 *   names this host, so a host that lost the lease while stalled does not run a second copy.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, unlinkSync } from 'node:fs';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../store/atomic.ts';

export const LEASE_FILE = 'scheduler-lease.json';
const FORMAT = 'obc-scheduler-lease';

const leaseSchema = z
  .object({
    format: z.literal(FORMAT),
    id: z.string().max(64),
    pid: z.number().int(),
    host: z.string().max(255),
    label: z.string().max(100),
    startedAt: z.string().max(40),
    refreshedAt: z.number(),
  })
  .strict();
export type LeaseRecord = z.output<typeof leaseSchema>;

export interface LeaseOptions {
  /** What the UI calls this host: "desktop app", "browser mode". */
  label?: string;
  /** How often the holder rewrites the file and a waiting host looks again. */
  refreshMs?: number;
  /** A lease not refreshed for this long is taken over. */
  staleMs?: number;
  /** Seams for tests: machine name, own pid, whether a pid on this machine still runs. */
  host?: string;
  pid?: number;
  isAlive?: (pid: number) => boolean;
}

export const DEFAULT_LEASE_REFRESH_MS = 10_000;
export const DEFAULT_LEASE_STALE_MS = 45_000;

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function parse(text: string): LeaseRecord | null {
  try {
    const r = leaseSchema.safeParse(JSON.parse(text));
    return r.success ? r.data : null;
  } catch {
    return null;
  }
}

/** "browser mode on build-7 (pid 4242)" */
export const describeLease = (r: LeaseRecord): string => `${r.label} on ${r.host} (pid ${r.pid})`;

export class SchedulerLease {
  readonly file: string;
  readonly refreshMs: number;
  readonly staleMs: number;
  private readonly now: () => number;
  private readonly label: string;
  private readonly host: string;
  private readonly pid: number;
  private readonly isAlive: (pid: number) => boolean;
  private readonly id = randomBytes(12).toString('hex');
  private readonly startedAt: string;
  private ownedFlag = false;
  /** The holder's record as last read (ours while we hold it). */
  private seen: LeaseRecord | null = null;
  /** The file's raw text as last read and when (our clock) it was first seen unchanged. */
  private observed: { text: string; since: number } | null = null;

  constructor(dataDir: string, now: () => number, o: LeaseOptions = {}) {
    this.file = join(dataDir, LEASE_FILE);
    this.now = now;
    this.label = o.label ?? 'console';
    this.refreshMs = o.refreshMs ?? DEFAULT_LEASE_REFRESH_MS;
    this.staleMs = o.staleMs ?? DEFAULT_LEASE_STALE_MS;
    this.host = o.host ?? hostname();
    this.pid = o.pid ?? process.pid;
    this.isAlive = o.isAlive ?? pidAlive;
    this.startedAt = new Date(now()).toISOString();
  }

  get owned(): boolean {
    return this.ownedFlag;
  }

  /** This host as the lease names it: "obc agent on build-7 (pid 4242)". */
  get self(): string {
    return describeLease(this.record());
  }

  /** The holder's label ("obc agent", "browser mode"…), as last seen; null when nobody holds the lease. */
  get holderLabel(): string | null {
    return this.seen?.label ?? null;
  }

  /** Who runs the schedules, as last seen; null when nobody holds the lease. */
  get holder(): string | null {
    return this.seen ? describeLease(this.seen) : null;
  }

  private record(): LeaseRecord {
    return {
      format: FORMAT,
      id: this.id,
      pid: this.pid,
      host: this.host,
      label: this.label,
      startedAt: this.startedAt,
      refreshedAt: this.now(),
    };
  }

  private async read(): Promise<string | null> {
    try {
      return await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  private async create(): Promise<boolean> {
    let fh;
    try {
      fh = await open(this.file, 'wx', 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
      throw err;
    }
    const rec = this.record();
    try {
      await fh.writeFile(JSON.stringify(rec));
      await fh.sync();
    } finally {
      await fh.close();
    }
    this.seen = rec;
    this.observed = null;
    return true;
  }

  private isStale(text: string, rec: LeaseRecord | null): boolean {
    const now = this.now();
    if (!this.observed || this.observed.text !== text) this.observed = { text, since: now };
    if (now - this.observed.since >= this.staleMs) return true;
    if (!rec) return false; // half-written or foreign content: only the observation rule applies
    if (rec.host === this.host && rec.pid !== this.pid && !this.isAlive(rec.pid)) return true;
    return now - rec.refreshedAt > this.staleMs;
  }

  /** Renames the stale file aside and creates ours; puts back a file that changed in between. */
  private async takeOver(staleText: string): Promise<boolean> {
    const aside = `${this.file}.stale-${this.id}`;
    try {
      await rename(this.file, aside);
    } catch (err) {
      // Gone: released, or another taker has it aside for a moment (to check it, or to put back the holder's
      // newer file). Creating now could make a second holder next to one whose file is being put back, so this
      // host only looks again at its next hold().
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
    const grabbed = await readFile(aside, 'utf8').catch(() => null);
    if (grabbed !== staleText) {
      // Someone refreshed or took over between our read and our rename: give theirs back unless a newer one exists.
      await link(aside, this.file).catch(() => undefined);
      await unlink(aside).catch(() => undefined);
      return false;
    }
    await unlink(aside).catch(() => undefined);
    return this.create();
  }

  /**
   * Takes the lease when free or stale, or refreshes it when held. Resolves whether this host holds it now.
   * Call every `refreshMs`.
   */
  async hold(): Promise<boolean> {
    const text = await this.read();
    if (text === null) {
      this.ownedFlag = await this.create();
      if (!this.ownedFlag) this.seen = parse((await this.read()) ?? '');
      return this.ownedFlag;
    }
    const rec = parse(text);
    if (rec?.id === this.id) {
      const mine = this.record();
      await writeFileAtomic(this.file, JSON.stringify(mine), 0o600);
      this.seen = mine;
      this.ownedFlag = true;
      return true;
    }
    this.ownedFlag = false;
    this.seen = rec;
    if (this.isStale(text, rec)) {
      this.ownedFlag = await this.takeOver(text);
      if (!this.ownedFlag) this.seen = parse((await this.read()) ?? '');
    }
    return this.ownedFlag;
  }

  /** Reads who holds the lease without taking it (the CLI); a holder on this machine whose pid is gone counts as none. */
  async peek(): Promise<string | null> {
    const text = await this.read().catch(() => null);
    const rec = text === null ? null : parse(text);
    this.seen = rec && !(rec.host === this.host && rec.pid !== this.pid && !this.isAlive(rec.pid)) ? rec : null;
    return this.holder;
  }

  /** Re-reads the file: true only while it still names this host. */
  async confirm(): Promise<boolean> {
    const text = await this.read().catch(() => null);
    const rec = text === null ? null : parse(text);
    this.ownedFlag = rec?.id === this.id;
    if (!this.ownedFlag) this.seen = rec;
    return this.ownedFlag;
  }

  /** Gives the lease up (synchronous, so it also works from an exit path). Leaves another host's file alone. */
  release(): void {
    if (!this.ownedFlag) return;
    this.ownedFlag = false;
    this.seen = null;
    try {
      if (parse(readFileSync(this.file, 'utf8'))?.id === this.id) unlinkSync(this.file);
    } catch {
      /* already gone */
    }
  }
}
