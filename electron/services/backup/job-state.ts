/**
 * A backup's resume state: which packs were written, read back and committed. Not shipped (not in seed.files).
 *
 * Two files in the job folder. `.obc-state.json` holds the job name and the run count (and, in version 1, written by
 * older builds, every pack). `.obc-state.log` holds one JSON line per committed pack, appended and synced as each
 * pack commits: a commit costs one short write, not a rewrite of every pack committed before it (which grew with the
 * square of the pack count and ended at JavaScript's string limit near 37 TB). Both are rewritten whole once per
 * run, when the run has checked which packs it keeps. A line cut short by a crash (no newline after it) is a commit
 * that did not happen; a damaged complete line is loud.
 */
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { fsyncDir, readJsonValidated, writeFileAtomicWith, writeJsonAtomic } from '../store/atomic.ts';
import { jsonLine, LineLog, readLineLog } from '../store/line-log.ts';
import { packPath } from './pack-format.ts';

export const STATE_FILE = '.obc-state.json';
export const STATE_LOG = '.obc-state.log';

const packSchema = z.object({
  n: z.number().int().positive(),
  path: z.string(),
  length: z.number().int(),
  sha256: z.string(),
  /**
   * Whole-file MD5: written by builds of seed formats 2 and 3 only; read (a format-3 job resumed) but no longer
   * written to seed.json (format 4). Page-range MD5s (seed formats 2–4): absent in a state written before them
   * (hashed at the end).
   */
  md5: z.string().optional(),
  ranges: z.array(z.string()).optional(),
  chunks: z.number().int(),
});
export type StatePack = z.infer<typeof packSchema>;

const headerSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  jobName: z.string(),
  /** Version 1 only: the packs, before they moved to the log. */
  packs: z.array(packSchema).optional(),
  runs: z.number().int(),
});

export interface JobState {
  jobName: string;
  packs: StatePack[];
  runs: number;
}

/** The state as the last run left it (header and log merged; a pack in both counts once, the log's line last). */
export async function readState(jobDir: string): Promise<JobState | null> {
  const s = await readStateTable(jobDir);
  return s && { jobName: s.jobName, runs: s.runs, packs: [...s.packs] };
}

/** The state as `readState` gives it, its packs held compact (what a run holds while it writes; see PackTable). */
export async function readStateTable(
  jobDir: string,
): Promise<{ jobName: string; runs: number; packs: PackTable } | null> {
  const path = join(jobDir, STATE_FILE);
  const r = await readJsonValidated(path, headerSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt')
    throw new AppError('CORRUPT_DATA', `Resume state ${path} is damaged: ${r.reason}`, { path });
  const packs = new PackTable();
  const at = new Map<number, number>(); // n → row, while reading only
  const put = (p: StatePack) => {
    const i = at.get(p.n);
    if (i === undefined) at.set(p.n, packs.push(p));
    else packs.replace(i, p);
  };
  for (const p of r.value.packs ?? []) put(p);
  await readLog(join(jobDir, STATE_LOG), put);
  return { jobName: r.value.jobName, runs: r.value.runs, packs };
}

const HEX32 = /^[0-9a-f]{32}$/;
const HEX64 = /^[0-9a-f]{64}$/;
/** True when the record comes back byte for byte from a PackTable row (else the row keeps the object). */
const compact = (p: StatePack): boolean =>
  p.path === packPath(p.n) &&
  HEX64.test(p.sha256) &&
  (p.md5 === undefined || HEX32.test(p.md5)) &&
  (p.ranges ?? []).every((r) => HEX32.test(r));
/** Row flags: the record has `md5`, has `ranges`, or is kept as its object (`loose`). */
const HAS_MD5 = 1;
const HAS_RANGES = 2;
const LOOSE = 4;
/** SHA-256 then MD5, per row. */
const DIGESTS = 48;

/**
 * The committed packs of a run, held compact: a run keeps every committed pack until it writes seed.json (some 80 000
 * for 10 TB), and as objects of hex strings each cost about 2 KB of heap (scripts/measure-pack-memory.ts). Here a
 * row is its numbers in typed arrays, its SHA-256 and MD5 as 48 bytes, its range MD5s as 16 bytes each in one
 * buffer, and its path is `packPath(n)`. A record that would not come back byte for byte from that form (a path
 * that is not `packPath(n)`, a digest that is not lower-case hex of its length, a number out of range) is kept as
 * its object: nothing the state log holds is changed by being held here.
 */
export class PackTable implements Iterable<StatePack> {
  private rows = 0;
  private n = new Float64Array(64);
  private len = new Float64Array(64);
  private chunks = new Float64Array(64);
  private flags = new Uint8Array(64);
  private digests = Buffer.alloc(64 * DIGESTS);
  /** Row i's range MD5s are bytes [rangeAt[i], rangeAt[i + 1]) of `ranges` (16 bytes each). */
  private rangeAt = new Float64Array(65);
  private ranges = Buffer.alloc(64 * 16 * 17);
  private readonly loose = new Map<number, StatePack>();

  get size(): number {
    return this.rows;
  }

  /** Appends a committed pack and returns its row. */
  push(p: StatePack): number {
    if (this.rows === this.n.length) this.grow(Math.ceil(this.rows * 1.5));
    const i = this.rows++;
    this.rangeAt[i + 1] = this.rangeAt[i];
    this.set(i, p);
    return i;
  }

  /** Replaces row i with another record of the same pack number (the log's later line). */
  replace(i: number, p: StatePack): void {
    const fits = (compact(p) ? (p.ranges?.length ?? 0) * 16 : 0) === this.rangeAt[i + 1] - this.rangeAt[i];
    if (i === this.rows - 1 || fits) {
      this.loose.delete(this.n[i]);
      this.rangeAt[i + 1] = this.rangeAt[i];
      this.set(i, p);
      return;
    }
    // Rare (a pack logged again with another number of range MD5s): rebuild the rows after i.
    const after = [...this.slice(i + 1)];
    this.retain((_, j) => j < i);
    this.push(p);
    for (const q of after) this.push(q);
  }

  private set(i: number, p: StatePack): void {
    const ranges = p.ranges ?? [];
    this.n[i] = p.n;
    this.len[i] = p.length;
    this.chunks[i] = p.chunks;
    if (!compact(p)) {
      this.flags[i] = LOOSE;
      this.loose.set(p.n, p);
      return;
    }
    this.flags[i] = (p.md5 !== undefined ? HAS_MD5 : 0) | (p.ranges !== undefined ? HAS_RANGES : 0);
    this.digests.write(p.sha256, i * DIGESTS, 'hex');
    if (p.md5 !== undefined) this.digests.write(p.md5, i * DIGESTS + 32, 'hex');
    let at = this.rangeAt[i];
    if (at + ranges.length * 16 > this.ranges.length) {
      const bigger = Buffer.alloc(Math.max(Math.ceil(this.ranges.length * 1.5), at + ranges.length * 16));
      this.ranges.copy(bigger, 0, 0, at);
      this.ranges = bigger;
    }
    for (const r of ranges) at += this.ranges.write(r, at, 'hex');
    this.rangeAt[i + 1] = at;
  }

  private grow(to: number): void {
    const more = <T extends Float64Array | Uint8Array>(a: T, make: (k: number) => T, k = to): T => {
      const b = make(k);
      b.set(a.subarray(0, Math.min(a.length, k)));
      return b;
    };
    this.n = more(this.n, (k) => new Float64Array(k));
    this.len = more(this.len, (k) => new Float64Array(k));
    this.chunks = more(this.chunks, (k) => new Float64Array(k));
    this.flags = more(this.flags, (k) => new Uint8Array(k));
    this.rangeAt = more(this.rangeAt, (k) => new Float64Array(k), to + 1);
    const d = Buffer.alloc(to * DIGESTS);
    this.digests.copy(d, 0, 0, this.rows * DIGESTS);
    this.digests = d;
  }

  numberAt(i: number): number {
    return this.n[i];
  }

  pathAt(i: number): string {
    return this.loose.get(this.n[i])?.path ?? packPath(this.n[i]);
  }

  lengthAt(i: number): number {
    return this.len[i];
  }

  /** Row i's range MD5s as the bytes the seed's side file holds, or null without them (or for a loose row). */
  rangeBytesAt(i: number): Buffer | null {
    return this.flags[i] & HAS_RANGES ? this.ranges.subarray(this.rangeAt[i], this.rangeAt[i + 1]) : null;
  }

  /**
   * Row i as the object the state log has for it (made anew; nothing holds it). `ranges: false` leaves a compact
   * row's range MD5s out (rangeBytesAt has them).
   */
  at(i: number, opts = { ranges: true }): StatePack {
    if (this.flags[i] & LOOSE) return this.loose.get(this.n[i])!;
    const hex = (from: number, to: number, b = this.digests) => b.toString('hex', from, to);
    const ranges: string[] = [];
    for (let r = this.rangeAt[i]; opts.ranges && r < this.rangeAt[i + 1]; r += 16)
      ranges.push(hex(r, r + 16, this.ranges));
    return {
      n: this.n[i],
      path: packPath(this.n[i]),
      length: this.len[i],
      sha256: hex(i * DIGESTS, i * DIGESTS + 32),
      ...(this.flags[i] & HAS_MD5 ? { md5: hex(i * DIGESTS + 32, i * DIGESTS + 48) } : {}),
      ...(this.flags[i] & HAS_RANGES && opts.ranges ? { ranges } : {}),
      chunks: this.chunks[i],
    };
  }

  /** The highest pack number (0 without packs). */
  maxN(): number {
    let m = 0;
    for (let i = 0; i < this.rows; i++) m = Math.max(m, this.n[i]);
    return m;
  }

  totalLength(): number {
    let s = 0;
    for (let i = 0; i < this.rows; i++) s += this.len[i];
    return s;
  }

  /** The rows in pack-number order. */
  byNumber(): number[] {
    return Array.from({ length: this.rows }, (_, i) => i).sort((a, b) => this.n[a] - this.n[b]);
  }

  /** Keeps the rows `keep` says to, in their order. */
  retain(keep: (t: this, i: number) => boolean): void {
    let to = 0;
    let rangeTo = 0;
    for (let i = 0; i < this.rows; i++) {
      if (!keep(this, i)) {
        this.loose.delete(this.n[i]);
        continue;
      }
      const from = this.rangeAt[i];
      const k = this.rangeAt[i + 1] - from;
      if (to !== i) {
        this.n[to] = this.n[i];
        this.len[to] = this.len[i];
        this.chunks[to] = this.chunks[i];
        this.flags[to] = this.flags[i];
        this.digests.copy(this.digests, to * DIGESTS, i * DIGESTS, (i + 1) * DIGESTS);
      }
      if (rangeTo !== from) this.ranges.copy(this.ranges, rangeTo, from, from + k);
      this.rangeAt[to] = rangeTo;
      rangeTo += k;
      this.rangeAt[to + 1] = rangeTo;
      to++;
    }
    this.rows = to;
    this.rangeAt[to] = rangeTo;
  }

  *slice(from = 0): Generator<StatePack> {
    for (let i = from; i < this.rows; i++) yield this.at(i);
  }

  [Symbol.iterator](): Iterator<StatePack> {
    return this.slice(0);
  }
}

/** The log's complete lines (line-log.ts); a damaged complete line is loud. */
function readLog(path: string, each: (p: StatePack) => void): Promise<void> {
  return readLineLog(
    path,
    jsonLine(packSchema),
    each,
    (no) =>
      new AppError('CORRUPT_DATA', `Resume state ${path} is damaged: line ${no} is not a committed pack.`, { path }),
  );
}

const line = (p: StatePack): string => JSON.stringify(p) + '\n';

/**
 * Writes the whole state: the log of the packs this run keeps first, then the header (each atomically). A crash
 * between the two leaves the old header beside the new log; reading merges them, and the next run checks every
 * pack it is told of before it keeps it.
 */
export async function writeState(
  jobDir: string,
  state: { jobName: string; runs: number; packs: Iterable<StatePack> },
): Promise<void> {
  await writeFileAtomicWith(join(jobDir, STATE_LOG), async (fh) => {
    let buf = '';
    for (const p of state.packs) {
      buf += line(p);
      if (buf.length >= 1 << 20) {
        await fh.writeFile(buf);
        buf = '';
      }
    }
    await fh.writeFile(buf);
  });
  await writeJsonAtomic(join(jobDir, STATE_FILE), { version: 2, jobName: state.jobName, runs: state.runs });
}

/**
 * Appends committed packs to the log, each synced before `append` returns (line-log.ts LineLog: the file is open
 * only while a line is written, and after a failed append it refuses more).
 */
export class StateLog {
  private readonly log: LineLog;
  constructor(jobDir: string) {
    this.log = new LineLog(join(jobDir, STATE_LOG));
  }

  append(p: StatePack): Promise<void> {
    return this.log.append(line(p));
  }
}

/** Removes the state of a finished job (the log first: a header without a log is a state with no packs). */
export async function removeState(jobDir: string): Promise<void> {
  await unlink(join(jobDir, STATE_LOG)).catch(() => undefined);
  await unlink(join(jobDir, STATE_FILE)).catch(() => undefined);
  await fsyncDir(jobDir).catch(() => undefined);
}
