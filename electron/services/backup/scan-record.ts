import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { writeFileAtomic } from '../store/atomic.ts';
import { open as openSealed, seal } from './crypto.ts';
import type { ScanEntry } from './scan-entry.ts';

/**
 * What the last run of an unfinished job saw: each file's and link's catalog path, size, mtime, mode and link
 * target, sealed with the job key (names are as private as the catalog): `'OBCSCAN1' ‖ seal(frames)`. Not
 * shipped; removed when the job completes. A run that resumes a killed one compares its own scan with it, so the user
 * learns which files changed in between — the backup holds them as they are at the final run.
 */
export const SCAN_RECORD = '.obc-scan.bin';
const MAGIC = Buffer.from('OBCSCAN1');
const aad = (job: string) => Buffer.from(`obc-scan:${job}`);

type Row = [path: string, kind: 'f' | 'l', size: number, mtimeMs: number, mode: number, target?: string];
export type SinceChange = { path: string; change: 'changed' | 'added' | 'removed' };

async function readRecord(jobDir: string, enc: Buffer, job: string): Promise<Row[] | null> {
  const bytes = await readFile(join(jobDir, SCAN_RECORD)).catch(() => null);
  if (!bytes || !bytes.subarray(0, 8).equals(MAGIC)) return null;
  const plain = openSealed(enc, bytes.subarray(8), aad(job));
  if (!plain) return null;
  try {
    const rows: Row[] = [];
    for (let at = 0; at < plain.length;) {
      const len = plain.readUInt32BE(at);
      const text = zstdDecompressSync(plain.subarray(at + 4, at + 4 + len)).toString('utf8');
      for (const line of text.split('\n')) if (line) rows.push(JSON.parse(line) as Row);
      at += 4 + len;
    }
    return rows;
  } catch {
    return null;
  }
}

/**
 * One JSON line per file or link, compressed in frames of about 1 MiB of text (`u32 length ‖ zstd frame`), so the
 * record never needs the whole scan as one string: it is written right after the scan, when the heap is fullest.
 */
function encodeRows(entries: Iterable<ScanEntry>): Buffer {
  const frames: Buffer[] = [];
  let text = '';
  const flush = () => {
    const z = zstdCompressSync(Buffer.from(text, 'utf8'));
    const head = Buffer.alloc(4);
    head.writeUInt32BE(z.length);
    frames.push(head, z);
    text = '';
  };
  for (const e of entries) {
    if (e.type === 'dir') continue;
    const row: Row =
      e.type === 'symlink'
        ? [e.path, 'l', 0, e.mtimeMs, e.mode, e.target ?? '']
        : [e.path, 'f', e.size, e.mtimeMs, e.mode];
    text += JSON.stringify(row) + '\n';
    if (text.length >= 1 << 20) flush();
  }
  if (text || frames.length === 0) flush();
  return Buffer.concat(frames);
}

/** The differences between an earlier run's record and this scan (files and links, catalog paths), in path order. */
function changesBetween(before: readonly Row[], now: Iterable<ScanEntry>): SinceChange[] {
  const prev = new Map(before.map((r) => [r[0], r]));
  const out: SinceChange[] = [];
  for (const e of now) {
    if (e.type === 'dir') continue;
    const p = prev.get(e.path);
    if (!p) out.push({ path: e.path, change: 'added' });
    else {
      const kind = e.type === 'symlink' ? 'l' : 'f';
      if (
        p[1] !== kind ||
        p[2] !== (kind === 'l' ? 0 : e.size) ||
        p[3] !== e.mtimeMs ||
        p[4] !== e.mode ||
        (p[5] ?? '') !== (e.target ?? '')
      )
        out.push({ path: e.path, change: 'changed' });
      prev.delete(e.path);
    }
  }
  for (const path of prev.keys()) out.push({ path, change: 'removed' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Records this run's scan for a later resume, and returns what changed since the interrupted run it resumes
 * (null on a first run, or when the earlier run left no readable record).
 */
export async function recordScan(
  jobDir: string,
  enc: Buffer,
  job: string,
  entries: Iterable<ScanEntry>,
  resuming: boolean,
): Promise<SinceChange[] | null> {
  const before = resuming ? await readRecord(jobDir, enc, job) : null;
  await writeFileAtomic(
    join(jobDir, SCAN_RECORD),
    Buffer.concat([MAGIC, seal(enc, encodeRows(entries), aad(job))]),
    0o600,
  );
  return before ? changesBetween(before, entries) : null;
}

export const removeScanRecord = (jobDir: string): Promise<void> =>
  unlink(join(jobDir, SCAN_RECORD)).catch(() => undefined);

/** One note for the user: how many changed, and the first few paths. */
export function sinceNote(changes: readonly SinceChange[]): string {
  const count = (c: SinceChange['change']) => changes.filter((x) => x.change === c).length;
  const parts = [`${count('changed')} changed`, `${count('added')} added`, `${count('removed')} removed`];
  const first = changes.slice(0, 5).map((c) => `${c.path} (${c.change})`);
  return `Since the interrupted run, files were changed, added or removed (${parts.join(', ')}); this backup holds them as they are now: ${first.join('; ')}${changes.length > first.length ? '; …' : ''}.`;
}
