import { readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { zstdCompressSync, zstdDecompressSync } from 'node:zlib';
import { writeFileAtomic } from '../store/atomic.ts';
import { open as openSealed, seal } from './crypto.ts';
import type { ScanEntry } from './scan.ts';

/**
 * What the last run of an unfinished job saw: each file's and link's catalog path, size, mtime, mode and link
 * target, sealed with the job key (names are as private as the catalog). Not shipped; removed when the job
 * completes. A run that resumes a killed one compares its own scan with it, so the user learns which files changed
 * in between — the backup holds them as they are at the final run.
 */
export const SCAN_RECORD = '.obc-scan.bin';
const MAGIC = Buffer.from('OBCSCAN1');
const aad = (job: string) => Buffer.from(`obc-scan:${job}`);

type Row = [path: string, kind: 'f' | 'l', size: number, mtimeMs: number, mode: number, target?: string];
export type SinceChange = { path: string; change: 'changed' | 'added' | 'removed' };

const rowsOf = (entries: readonly ScanEntry[]): Row[] =>
  entries.filter((e) => e.type !== 'dir').map((e) => (e.type === 'symlink' ? [e.path, 'l', 0, e.mtimeMs, e.mode, e.target ?? ''] : [e.path, 'f', e.size, e.mtimeMs, e.mode]));

async function readRecord(jobDir: string, enc: Buffer, job: string): Promise<Row[] | null> {
  const bytes = await readFile(join(jobDir, SCAN_RECORD)).catch(() => null);
  if (!bytes || !bytes.subarray(0, 8).equals(MAGIC)) return null;
  const plain = openSealed(enc, bytes.subarray(8), aad(job));
  if (!plain) return null;
  try {
    return JSON.parse(zstdDecompressSync(plain).toString('utf8')) as Row[];
  } catch {
    return null;
  }
}

/** The differences between two runs' views of the files (catalog paths), in path order. */
export function changesBetween(before: readonly Row[], now: readonly Row[]): SinceChange[] {
  const prev = new Map(before.map((r) => [r[0], r]));
  const out: SinceChange[] = [];
  for (const r of now) {
    const p = prev.get(r[0]);
    if (!p) out.push({ path: r[0], change: 'added' });
    else {
      if (p[1] !== r[1] || p[2] !== r[2] || p[3] !== r[3] || p[4] !== r[4] || (p[5] ?? '') !== (r[5] ?? '')) out.push({ path: r[0], change: 'changed' });
      prev.delete(r[0]);
    }
  }
  for (const path of prev.keys()) out.push({ path, change: 'removed' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Records this run's scan for a later resume, and returns what changed since the interrupted run it resumes
 * (null on a first run, or when the earlier run left no readable record).
 */
export async function recordScan(jobDir: string, enc: Buffer, job: string, entries: readonly ScanEntry[], resuming: boolean): Promise<SinceChange[] | null> {
  const now = rowsOf(entries);
  const before = resuming ? await readRecord(jobDir, enc, job) : null;
  const sealed = seal(enc, zstdCompressSync(Buffer.from(JSON.stringify(now))), aad(job));
  await writeFileAtomic(join(jobDir, SCAN_RECORD), Buffer.concat([MAGIC, sealed]), 0o600);
  return before ? changesBetween(before, now) : null;
}

export const removeScanRecord = (jobDir: string): Promise<void> => unlink(join(jobDir, SCAN_RECORD)).catch(() => undefined);

/** One note for the user: how many changed, and the first few paths. */
export function sinceNote(changes: readonly SinceChange[]): string {
  const count = (c: SinceChange['change']) => changes.filter((x) => x.change === c).length;
  const parts = [`${count('changed')} changed`, `${count('added')} added`, `${count('removed')} removed`];
  const first = changes.slice(0, 5).map((c) => `${c.path} (${c.change})`);
  return `Since the interrupted run, files were changed, added or removed (${parts.join(', ')}); this backup holds them as they are now: ${first.join('; ')}${changes.length > first.length ? '; …' : ''}.`;
}
