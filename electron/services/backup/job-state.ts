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
import { open, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';
import { fsyncDir, readJsonValidated, writeFileAtomicWith, writeJsonAtomic } from '../store/atomic.ts';

export const STATE_FILE = '.obc-state.json';
export const STATE_LOG = '.obc-state.log';

const packSchema = z.object({
  n: z.number().int().positive(),
  path: z.string(),
  length: z.number().int(),
  sha256: z.string(),
  /** Whole-file and page-range MD5s (seed format 2); absent in a state written before them (hashed at the end). */
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
  const path = join(jobDir, STATE_FILE);
  const r = await readJsonValidated(path, headerSchema, { keepAside: false });
  if (r.status === 'missing') return null;
  if (r.status === 'corrupt')
    throw new AppError('CORRUPT_DATA', `Resume state ${path} is damaged: ${r.reason}`, { path });
  const byN = new Map<number, StatePack>();
  for (const p of r.value.packs ?? []) byN.set(p.n, p);
  for (const p of await readLog(join(jobDir, STATE_LOG))) byN.set(p.n, p);
  return { jobName: r.value.jobName, runs: r.value.runs, packs: [...byN.values()] };
}

/** The log's complete lines, read line by line (it can be larger than one string may be). */
async function readLog(path: string): Promise<StatePack[]> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? null : Promise.reject(e),
  );
  if (!fh) return [];
  const out: StatePack[] = [];
  try {
    const { size } = await fh.stat();
    // The bytes after the last newline are a line a crash cut short: not a commit.
    const tail = Buffer.alloc(Math.min(size, 1 << 16));
    let complete = 0;
    for (let end = size; end > 0;) {
      const start = Math.max(0, end - tail.length);
      const { bytesRead } = await fh.read(tail, 0, end - start, start);
      const at = tail.subarray(0, bytesRead).lastIndexOf(0x0a);
      if (at >= 0) {
        complete = start + at + 1;
        break;
      }
      end = start;
    }
    if (complete === 0) return out;
    const lines = createInterface({ input: fh.createReadStream({ start: 0, end: complete - 1, autoClose: false }) });
    let no = 0;
    for await (const line of lines) {
      no++;
      const p = (() => {
        try {
          return packSchema.safeParse(JSON.parse(line));
        } catch {
          return null;
        }
      })();
      if (!p?.success)
        throw new AppError('CORRUPT_DATA', `Resume state ${path} is damaged: line ${no} is not a committed pack.`, {
          path,
        });
      out.push(p.data);
    }
  } finally {
    await fh.close();
  }
  return out;
}

const line = (p: StatePack): string => JSON.stringify(p) + '\n';

/**
 * Writes the whole state: the log of the packs this run keeps first, then the header (each atomically). A crash
 * between the two leaves the old header beside the new log; reading merges them, and the next run checks every
 * pack it is told of before it keeps it.
 */
export async function writeState(jobDir: string, state: JobState): Promise<void> {
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
 * Appends committed packs to the log, each synced before `append` returns. The file is open only while a line is
 * written (a remount read-only or an eject between packs finds nothing of ours open). After a failed append it
 * refuses more: a line may be half written, and nothing may follow it (the next run rewrites the log).
 */
export class StateLog {
  private broken: unknown = null;
  private readonly path: string;
  constructor(jobDir: string) {
    this.path = join(jobDir, STATE_LOG);
  }

  async append(p: StatePack): Promise<void> {
    if (this.broken) throw this.broken;
    let fh: FileHandle | null = null;
    try {
      fh = await open(this.path, 'a');
      await fh.writeFile(line(p));
      await fh.datasync();
      await fh.close();
    } catch (err) {
      this.broken = err;
      await fh?.close().catch(() => undefined);
      throw err;
    }
  }
}

/** Removes the state of a finished job (the log first: a header without a log is a state with no packs). */
export async function removeState(jobDir: string): Promise<void> {
  await unlink(join(jobDir, STATE_LOG)).catch(() => undefined);
  await unlink(join(jobDir, STATE_FILE)).catch(() => undefined);
  await fsyncDir(jobDir).catch(() => undefined);
}
