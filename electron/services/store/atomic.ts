import { lstat, open, rename, mkdir, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, basename, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { AppError } from '../../../shared/errors.ts';

/** fsync a directory so a rename inside it survives a crash (no-op where directories cannot be opened, e.g. Windows). */
export async function fsyncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    /* Windows and some file systems refuse to open or sync directories. */
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

const TEMP_RE = /^\.(.+)\.[0-9a-f]{12}\.tmp$/;
/** A temp file this module may still be writing: the leftovers of other writers are only swept once this old. */
export const ATOMIC_TEMP_GRACE_MS = 60_000;

/**
 * Removes the temp files atomic writes left in `dir` (a process killed between create and rename): those of `file`
 * only, or all; only ones older than `olderThanMs` (another process may be writing a fresh one). Returns how many.
 */
export async function sweepAtomicTemps(dir: string, o: { file?: string; olderThanMs?: number } = {}): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  let n = 0;
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || (o.file !== undefined && m[1] !== o.file)) continue;
    const p = join(dir, name);
    const st = await lstat(p).catch(() => null);
    if (!st?.isFile() || Date.now() - st.mtimeMs < (o.olderThanMs ?? 0)) continue;
    await unlink(p).then(
      () => n++,
      () => undefined,
    );
  }
  return n;
}

/**
 * temp file → fsync → rename → fsync dir. Readers see the old or the new content, never a mix. Temp files of this
 * file left by a killed writer are swept after a successful write.
 */
export async function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): Promise<void> {
  await writeFileAtomicWith(path, (fh) => fh.writeFile(data), mode);
}

/** Like `writeFileAtomic`, for content written piece by piece (`write` gets the temp file's handle). */
export async function writeFileAtomicWith(
  path: string,
  write: (fh: FileHandle) => Promise<void>,
  mode = 0o644,
): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    await write(fh);
    await fh.sync();
  } catch (err) {
    await fh.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
  await fsyncDir(dir);
  await sweepAtomicTemps(dir, { file: basename(path), olderThanMs: ATOMIC_TEMP_GRACE_MS }).catch(() => 0);
}

export async function writeJsonAtomic(path: string, value: unknown, mode = 0o644): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(value, null, 2) + '\n', mode);
}

export type JsonLoad<T> =
  { status: 'missing' } | { status: 'ok'; value: T } | { status: 'corrupt'; reason: string; keptAs: string };

/**
 * Reads and validates a JSON file. A corrupt file is never silently replaced: it is renamed aside
 * (`<name>.corrupt-<time>`) and reported, so the caller can tell the user what happened.
 */
export async function readJsonValidated<S extends z.ZodType>(
  path: string,
  schema: S,
  opts: { keepAside?: boolean } = {},
): Promise<JsonLoad<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    throw err;
  }
  let reason: string;
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    if (parsed.success) return { status: 'ok', value: parsed.data };
    reason = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  } catch (err) {
    reason = `not valid JSON (${(err as Error).message})`;
  }
  let keptAs = path;
  if (opts.keepAside !== false) {
    keptAs = `${path}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await rename(path, keptAs);
  }
  return { status: 'corrupt', reason, keptAs };
}

/** Like readJsonValidated but throws CORRUPT_DATA / NOT_FOUND, leaving the file where it is. */
export async function readJsonStrict<S extends z.ZodType>(path: string, schema: S, what: string): Promise<z.output<S>> {
  const r = await readJsonValidated(path, schema, { keepAside: false });
  if (r.status === 'missing') throw new AppError('NOT_FOUND', `${what} not found: ${path}`, { path });
  if (r.status === 'corrupt') throw new AppError('CORRUPT_DATA', `${what} is damaged (${path}): ${r.reason}`, { path });
  return r.value;
}
