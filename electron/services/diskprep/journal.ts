import { open, readFile, mkdir, rename, type FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import type { PreparedVolume } from './types.ts';

/**
 * The resume journal the tool owns: `<disk>/obc-journal.json`, mirrored beside the staging folder.
 * Content: one JSON record per line, appended and fsynced (never rewritten, so a commit costs one small write
 * however many files the disk holds). A torn last line (killed mid-write) is dropped on open.
 */
export type JournalRecord =
  | { t: 'begin'; v: 1; job: string; serial: string; session: string }
  | { t: 'start'; path: string }
  | { t: 'commit'; path: string; length: number; md5: string; ranges: string[] }
  | { t: 'manifest'; md5: string; bytes: number }
  | { t: 'verified'; files: number; bytes: number }
  | { t: 'rewrite'; path: string; offset: number; length: number };

export interface CommittedFile {
  path: string;
  length: number;
  md5: string;
  /** MD5 of each consecutive 4 MiB range. */
  ranges: string[];
}

export interface JournalState {
  begun: boolean;
  committed: Map<string, CommittedFile>;
  /** A file that was started and never committed: partial on disk, copied again. */
  partial?: string;
  manifestMd5?: string;
  verified: boolean;
}

export function replay(records: JournalRecord[]): JournalState {
  const s: JournalState = { begun: false, committed: new Map(), verified: false };
  for (const r of records) {
    if (r.t === 'begin') s.begun = true;
    else if (r.t === 'start') {
      s.partial = r.path;
      s.committed.delete(r.path);
      s.manifestMd5 = undefined;
      s.verified = false;
    } else if (r.t === 'commit') {
      s.committed.set(r.path, { path: r.path, length: r.length, md5: r.md5, ranges: r.ranges });
      if (s.partial === r.path) s.partial = undefined;
    } else if (r.t === 'manifest') s.manifestMd5 = r.md5;
    else if (r.t === 'verified') s.verified = true;
    else if (r.t === 'rewrite') s.verified = false;
  }
  return s;
}

/**
 * `damagedLine` (1-based) is set when a complete line in the middle does not parse: appends never leave that
 * behind (a kill tears only the last line), so the journal was altered and is not to be trusted or truncated.
 */
export function parseJournal(text: string): { records: JournalRecord[]; validBytes: number; damagedLine?: number } {
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    if (nl < 0) break; // torn tail
    try {
      records.push(JSON.parse(text.slice(pos, nl)) as JournalRecord);
    } catch {
      if (text.indexOf('\n', nl + 1) >= 0) return { records, validBytes: Buffer.byteLength(text.slice(0, pos)), damagedLine: records.length + 1 };
      break;
    }
    pos = nl + 1;
  }
  return { records, validBytes: Buffer.byteLength(text.slice(0, pos)) };
}

export class Journal {
  private fh: FileHandle | null = null;
  private mirror: FileHandle | null = null;
  private size = 0;
  readonly records: JournalRecord[];
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

  /** Opens the disk's journal (the authority on what the disk holds) and makes the mirror equal to it. */
  static async open(vol: PreparedVolume, mirrorPath: string): Promise<Journal> {
    const diskPath = join(vol.root, DISK_LAYOUT.journalFile);
    const text = await readFile(diskPath, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? '' : Promise.reject(e)));
    const { records, validBytes, damagedLine } = parseJournal(text);
    if (damagedLine !== undefined) {
      throw new AppError(
        'CORRUPT_DATA',
        `The Disk Prep journal ${diskPath} on disk ${vol.serial} is damaged at line ${damagedLine} (not an interrupted last write), so what the disk holds cannot be trusted. Delete that file to copy this disk again from staging.`,
        { path: diskPath, serial: vol.serial, line: damagedLine },
      );
    }
    const j = new Journal(vol, mirrorPath, records);
    j.fh = await open(diskPath, 'a+');
    if (validBytes !== Buffer.byteLength(text)) {
      await j.fh.truncate(validBytes);
      await j.fh.sync();
    }
    j.size = validBytes;
    vol.ensureRoom(DISK_LAYOUT.journalFile, validBytes);
    await mkdir(dirname(mirrorPath), { recursive: true });
    const valid = Buffer.from(text).subarray(0, validBytes);
    const old = await readFile(mirrorPath).catch(() => null);
    if (old && old.length > 0 && !valid.subarray(0, old.length).equals(old)) await rename(mirrorPath, `${mirrorPath}.replaced-${Date.now()}`);
    j.mirror = await open(mirrorPath, 'w');
    await j.mirror.writeFile(valid);
    await j.mirror.sync();
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

  private async write(rec: JournalRecord): Promise<void> {
    const line = Buffer.from(JSON.stringify(rec) + '\n');
    this.vol.ensureRoom(DISK_LAYOUT.journalFile, this.size + line.length);
    await this.fh!.write(line, 0, line.length, null);
    await this.fh!.datasync();
    this.size += line.length;
    await this.mirror!.write(line, 0, line.length, null);
    await this.mirror!.datasync();
    this.records.push(rec);
  }

  async close(): Promise<void> {
    await this.chain;
    await this.fh?.close().catch(() => undefined);
    await this.mirror?.close().catch(() => undefined);
    this.fh = this.mirror = null;
  }
}
