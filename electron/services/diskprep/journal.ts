import { open, readFile, mkdir, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import type { PreparedVolume } from './types.ts';
import { encodeRecord, hintOf, splitJournal, type JournalLine, type JournalRecord } from './journal-format.ts';

export { encodeRecord, type JournalRecord } from './journal-format.ts';

/**
 * The resume journal the tool owns: `<disk>/obc-journal.json`, mirrored beside the staging folder.
 * Content: one JSON record per line, each with its own checksum (`journal-format.ts`), appended and fsynced (never
 * rewritten, so a commit costs one small write however many files the disk holds). A torn last line (killed
 * mid-write) is dropped on open; a damaged line anywhere else is never trusted (see `mergeJournals`).
 */

export interface CommittedFile {
  path: string;
  length: number;
  /** Whole-file MD5 (seed formats 1–3); absent with a format-4 seed, whose `sha256` the file then has. */
  md5?: string;
  /** MD5 of each consecutive 4 MiB range. */
  ranges: string[];
  /** The source's SHA-256 as checked while copying (absent: not checked, or an older build). */
  sha256?: string;
}

export interface JournalState {
  begun: boolean;
  /** The backup named by the begin record (undefined: none named, an older build). */
  backup?: string | undefined;
  /** Only from records whose checksum holds. */
  committed: Map<string, CommittedFile>;
  /** A file that was started and never committed: partial on disk, copied again. */
  partial?: string | undefined;
  manifestMd5?: string | undefined;
  verified: boolean;
  /** Lines whose record could not be trusted (1-based); each one undoes `verified` until a later `verified`. */
  damagedLines: number[];
}

export function replay(records: JournalRecord[]): JournalState {
  const s: JournalState = { begun: false, committed: new Map(), verified: false, damagedLines: [] };
  for (const r of records) {
    if (r.t === 'begin') {
      s.begun = true;
      s.backup = r.backup;
    } else if (r.t === 'start') {
      s.partial = r.path;
      s.committed.delete(r.path);
      s.manifestMd5 = undefined;
      s.verified = false;
    } else if (r.t === 'commit') {
      s.committed.set(r.path, {
        path: r.path,
        length: r.length,
        ...(r.md5 !== undefined ? { md5: r.md5 } : {}),
        ranges: r.ranges,
        ...(r.sha256 ? { sha256: r.sha256 } : {}),
      });
      if (s.partial === r.path) s.partial = undefined;
    } else if (r.t === 'manifest') s.manifestMd5 = r.md5;
    else if (r.t === 'verified') s.verified = true;
    else if (r.t === 'rewrite') s.verified = false;
    else if (r.t === 'damaged') {
      // Unknown content: whatever it committed is not known (the file is copied again), and the disk is read back
      // again before it counts as verified.
      s.verified = false;
      s.damagedLines.push(r.line);
    }
  }
  return s;
}

/**
 * One journal file on its own (the mirror beside staging, read by status / drives.json checks): the records whose
 * checksum holds, with a `damaged` marker where a complete line does not. The torn tail is left out.
 */
export function parseJournal(text: string | Buffer): {
  records: JournalRecord[];
  validBytes: number;
  damagedLines: number[];
} {
  const { lines, validBytes } = splitJournal(text);
  const records = lines.map((l): JournalRecord => (l.decoded.ok ? l.decoded.rec : { t: 'damaged', line: l.no }));
  return { records, validBytes, damagedLines: lines.filter((l) => !l.decoded.ok).map((l) => l.no) };
}

export type JournalIssue =
  /** The disk's line is damaged; the mirror's line at the same place holds its checksum and is used. */
  | { kind: 'fromMirror'; line: number; reason: string }
  /** Neither copy of the line can be trusted: the record is treated as unknown. */
  | { kind: 'lost'; line: number; reason: string; mirrorReason: string; hint: string }
  /** The disk's line is good, the mirror's is damaged (the mirror is rewritten). */
  | { kind: 'mirrorDamaged'; line: number; reason: string }
  /** Both hold their checksums but say different things: the mirror belongs to another history and is not used. */
  | { kind: 'mirrorDiffers'; line: number };

/**
 * Line by line, the disk's journal (the authority on what the disk holds) with the mirror filling in damaged
 * lines — only when the mirror agrees with the disk on every line where both hold their checksums (the mirror is
 * written right after the disk, line for line). Mirror lines past the disk's end are ignored.
 */
export function mergeJournals(
  disk: JournalLine[],
  mirror: JournalLine[],
): { records: JournalRecord[]; lines: string[]; issues: JournalIssue[] } {
  const issues: JournalIssue[] = [];
  let differsAt: number | undefined;
  for (let i = 0; i < Math.min(disk.length, mirror.length); i++) {
    if (disk[i].decoded.ok && mirror[i].decoded.ok && disk[i].raw !== mirror[i].raw) {
      differsAt = i + 1;
      break;
    }
  }
  if (differsAt !== undefined) issues.push({ kind: 'mirrorDiffers', line: differsAt });
  const records: JournalRecord[] = [];
  const lines: string[] = [];
  for (const [i, d] of disk.entries()) {
    const m = differsAt === undefined ? mirror[i] : undefined;
    if (d.decoded.ok) {
      records.push(d.decoded.rec);
      lines.push(d.raw);
      if (m && !m.decoded.ok) issues.push({ kind: 'mirrorDamaged', line: d.no, reason: m.decoded.reason });
    } else if (m?.decoded.ok) {
      records.push(m.decoded.rec);
      lines.push(m.raw);
      issues.push({ kind: 'fromMirror', line: d.no, reason: d.decoded.reason });
    } else {
      records.push({ t: 'damaged', line: d.no });
      lines.push(d.raw);
      const mirrorReason = m
        ? `its line ${m.no} ${m.decoded.ok ? 'is unusable' : m.decoded.reason.replace(/ \(.*\)$/, '')}`
        : differsAt !== undefined
          ? 'it differs from the disk'
          : 'it has no such line';
      issues.push({ kind: 'lost', line: d.no, reason: d.decoded.reason, mirrorReason, hint: hintOf(d.raw) });
    }
  }
  return { records, lines, issues };
}

const MAX_MESSAGES = 10;

/** Messages for IT admins (progress warnings / log): disk serial, journal path and line, and what happens next. */
export function describeIssues(
  serial: string,
  diskPath: string,
  mirrorPath: string,
  issues: JournalIssue[],
  keptAs?: string,
): string[] {
  const out: string[] = [];
  const mirrorLines: number[] = [];
  for (const x of issues) {
    if (x.kind === 'fromMirror')
      out.push(
        `Disk ${serial}: journal ${diskPath} line ${x.line} ${x.reason}; the copy of that line in the mirror ${mirrorPath} holds its checksum and is used instead.`,
      );
    else if (x.kind === 'lost')
      out.push(
        `Disk ${serial}: journal ${diskPath} line ${x.line} ${x.reason}, and the mirror ${mirrorPath} has no good copy (${x.mirrorReason}). The record is not trusted${x.hint}: a file it may have committed is copied again from staging, and the disk is read back again.`,
      );
    else if (x.kind === 'mirrorDamaged') mirrorLines.push(x.line);
    else
      out.push(
        `Disk ${serial}: the journal mirror ${mirrorPath} differs from the disk's journal ${diskPath} at line ${x.line} (both hold their checksums); the disk's journal is used${keptAs ? ` and the old mirror is kept as ${keptAs}` : ''}.`,
      );
  }
  if (mirrorLines.length) {
    const list =
      mirrorLines.slice(0, 20).join(', ') + (mirrorLines.length > 20 ? ` and ${mirrorLines.length - 20} more` : '');
    out.push(
      `Disk ${serial}: the journal mirror ${mirrorPath} is damaged at line(s) ${list}; the disk's journal ${diskPath} holds them and the mirror is rewritten from it${keptAs ? ` (old mirror kept as ${keptAs})` : ''}.`,
    );
  }
  if (out.length <= MAX_MESSAGES) return out;
  return [
    ...out.slice(0, MAX_MESSAGES - 1),
    `Disk ${serial}: ${out.length - MAX_MESSAGES + 1} more journal problems in ${diskPath} (see above); every untrusted record is redone.`,
  ];
}

export class Journal {
  private fh: FileHandle | null = null;
  private mirror: FileHandle | null = null;
  private size = 0;
  readonly records: JournalRecord[];
  /** What was found damaged on open (and what happens about it), for progress warnings and the log. */
  warnings: string[] = [];
  private readonly vol: PreparedVolume;
  private readonly mirrorPath: string;

  private constructor(vol: PreparedVolume, mirrorPath: string, records: JournalRecord[]) {
    this.vol = vol;
    this.mirrorPath = mirrorPath;
    this.records = records;
  }

  get path(): string {
    return join(this.vol.root, DISK_LAYOUT.journalFile);
  }

  /**
   * Opens the disk's journal (the authority on what the disk holds), fills damaged lines from the mirror where it
   * holds them (`mergeJournals`) and makes the mirror equal to the result. The disk's file is only ever truncated
   * (a torn tail), never rewritten.
   */
  static async open(vol: PreparedVolume, mirrorPath: string): Promise<Journal> {
    const diskPath = join(vol.root, DISK_LAYOUT.journalFile);
    const bytes = await readFile(diskPath).catch((e: NodeJS.ErrnoException) =>
      e.code === 'ENOENT' ? Buffer.alloc(0) : Promise.reject(e),
    );
    const old = await readFile(mirrorPath).catch(() => null);
    const disk = splitJournal(bytes);
    const merged = mergeJournals(disk.lines, old ? splitJournal(old).lines : []);
    const j = new Journal(vol, mirrorPath, merged.records);
    j.fh = await open(diskPath, 'a+');
    try {
      if (disk.tornTail) {
        await j.fh.truncate(disk.validBytes);
        await j.fh.sync();
      }
      j.size = disk.validBytes;
      vol.ensureRoom(DISK_LAYOUT.journalFile, disk.validBytes);
      await mkdir(dirname(mirrorPath), { recursive: true });
      const next = Buffer.from(merged.lines.map((l) => `${l}\n`).join(''));
      let keptAs: string | undefined;
      if (old && old.length > 0 && !next.subarray(0, old.length).equals(old)) {
        keptAs = `${mirrorPath}.replaced-${Date.now()}`;
        await rename(mirrorPath, keptAs);
      }
      j.mirror = await open(mirrorPath, 'w');
      await j.mirror.writeFile(next);
      await j.mirror.sync();
      j.warnings = describeIssues(vol.serial, diskPath, mirrorPath, merged.issues, keptAs);
    } catch (err) {
      // Nothing holds the journal yet: its handles are closed here, not left to the garbage collector.
      await j.fh?.close().catch(() => undefined);
      await j.mirror?.close().catch(() => undefined);
      throw err;
    }
    return j;
  }

  state(): JournalState {
    return replay(this.records);
  }

  private chain: Promise<void> = Promise.resolve();

  /** Appends are serialized (a commit may be written while the next file starts). */
  append(rec: JournalRecord): Promise<void> {
    const p = this.chain.then(() => this.write(rec));
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Group commit: several records in one write and one fsync per copy (disk, mirror), queued like `append`. */
  appendMany(recs: JournalRecord[]): Promise<void> {
    const p = this.chain.then(() => this.write(...recs));
    this.chain = p.catch(() => undefined);
    return p;
  }

  private async write(...recs: JournalRecord[]): Promise<void> {
    if (!recs.length) return;
    const line = Buffer.from(recs.map((r) => encodeRecord(r)).join(''));
    this.vol.ensureRoom(DISK_LAYOUT.journalFile, this.size + line.length);
    await this.fh!.write(line, 0, line.length, null);
    await this.fh!.datasync();
    this.size += line.length;
    await this.mirror!.write(line, 0, line.length, null);
    await this.mirror!.datasync();
    this.records.push(...recs);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh?.close().catch(() => undefined);
    await this.mirror?.close().catch(() => undefined);
    this.fh = this.mirror = null;
  }
}
