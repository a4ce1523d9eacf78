/**
 * An append-only log of JSON lines beside a header file: the one home of the rule that a state which grows by one
 * record per commit is appended to, not rewritten whole (a rewrite per commit costs the square of the record count).
 * Used by the backup's resume state (backup/job-state.ts) and the online spool (online/spool.ts).
 *
 * Each `append` writes one line and syncs it before it resolves. A line cut short by a crash (no newline after it)
 * is a commit that did not happen; a damaged complete line is the caller's to report (`damaged(lineNo)`).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/**
 * Reads the log's complete lines in order, line by line (it can be larger than one string may be). `parse` returns
 * null for a line that is not a record; the read then stops with `damaged(lineNo)` thrown. A missing log is empty.
 */
export async function readLineLog<T>(
  path: string,
  parse: (line: string) => T | null,
  each: (record: T) => void,
  damaged: (lineNo: number) => Error,
): Promise<void> {
  const fh = await open(path, 'r').catch((e: NodeJS.ErrnoException) =>
    e.code === 'ENOENT' ? null : Promise.reject(e),
  );
  if (!fh) return;
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
    if (complete === 0) return;
    const lines = createInterface({ input: fh.createReadStream({ start: 0, end: complete - 1, autoClose: false }) });
    let no = 0;
    for await (const line of lines) {
      no++;
      const record = parse(line);
      if (record === null) throw damaged(no);
      each(record);
    }
  } finally {
    await fh.close();
  }
}

/** `JSON.parse` then a schema's `safeParse`, as `readLineLog`'s `parse`: null for a line that is not a record. */
export const jsonLine =
  <T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false } }) =>
  (line: string): T | null => {
    try {
      const r = schema.safeParse(JSON.parse(line));
      return r.success ? r.data : null;
    } catch {
      return null;
    }
  };

/**
 * Appends lines to the log, each synced before `append` resolves. The file is open only while a line is written (a
 * remount read-only or an eject between commits finds nothing of ours open). After a failed append it refuses more:
 * a line may be half written, and nothing may follow it (the next run rewrites the log).
 */
export class LineLog {
  private broken: unknown = null;
  readonly path: string;
  constructor(path: string) {
    this.path = path;
  }

  /** Appends `text`, one line ending in a newline. */
  async append(text: string): Promise<void> {
    if (this.broken) throw this.broken;
    let fh: FileHandle | null = null;
    try {
      fh = await open(this.path, 'a');
      await fh.writeFile(text);
      await fh.datasync();
      await fh.close();
    } catch (err) {
      this.broken = err;
      await fh?.close().catch(() => undefined);
      throw err;
    }
  }
}
