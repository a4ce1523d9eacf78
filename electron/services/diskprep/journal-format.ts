import { createHash } from 'node:crypto';
import { z } from 'zod';
import { canonicalJson } from '../../../shared/canonical-json.ts';

/**
 * The line format of the Disk Prep journal (`obc-journal.json` on a disk, `journal-<serial>.json` beside staging):
 * one JSON record per line, each carrying `sum` = the first 16 hex digits of SHA-256 over the record's canonical
 * JSON (keys sorted, `sum` left out). A line whose sum does not hold — or that has none, does not parse or is not a
 * known record — is damaged: it is never trusted. Only a torn last line (no newline: killed mid-append) is dropped
 * silently.
 */
export type JournalRecord =
  /** `backup`: the identity of the backup the disk is prepared for (backup/identity.ts); absent when written by an older build. */
  | { t: 'begin'; v: 1; job: string; serial: string; session: string; backup?: string }
  | { t: 'start'; path: string }
  /**
   * `sha256`: the source's SHA-256 checked while copying; a resumed commit counts only if seed.json still lists it.
   * `md5`: the whole-file MD5 (seed formats 1–3); a commit from a format-4 seed has none and `sha256` instead. Older
   * builds' records have `md5` always; every record has one of the two.
   */
  | { t: 'commit'; path: string; length: number; md5?: string; ranges: string[]; sha256?: string }
  | { t: 'manifest'; md5: string; bytes: number }
  | { t: 'verified'; files: number; bytes: number }
  | { t: 'rewrite'; path: string; offset: number; length: number }
  /** Never written: `parseJournal` puts it where a complete line is damaged (1-based line number). */
  | { t: 'damaged'; line: number };

const count = z.number().int().nonnegative();
const hex = z.string().regex(/^[0-9A-Fa-f]{32}$/);
const RecordSchema = z.discriminatedUnion('t', [
  z.strictObject({
    t: z.literal('begin'),
    v: z.literal(1),
    job: z.string(),
    serial: z.string(),
    session: z.string(),
    backup: z
      .string()
      .regex(/^[0-9a-f]{16}$/)
      .optional(),
  }),
  z.strictObject({ t: z.literal('start'), path: z.string().min(1) }),
  z
    .strictObject({
      t: z.literal('commit'),
      path: z.string().min(1),
      length: count,
      md5: hex.optional(),
      ranges: z.array(hex),
      sha256: z
        .string()
        .regex(/^[0-9a-f]{64}$/)
        .optional(),
    })
    .refine((r) => r.md5 !== undefined || r.sha256 !== undefined, 'a commit record needs md5 or sha256'),
  z.strictObject({ t: z.literal('manifest'), md5: hex, bytes: count }),
  z.strictObject({ t: z.literal('verified'), files: count, bytes: count }),
  z.strictObject({ t: z.literal('rewrite'), path: z.string().min(1), offset: count, length: count }),
]);

const SUM_RE = /^[0-9a-f]{16}$/;

/** The record's own checksum: 16 hex digits of SHA-256 over its canonical JSON (without `sum`). */
export function recordSum(rec: object): string {
  return createHash('sha256').update(canonicalJson(rec)).digest('hex').slice(0, 16);
}

/** One journal line, newline included. */
export function encodeRecord(rec: JournalRecord): string {
  if (rec.t === 'damaged') throw new Error('a damaged-line marker is never written to a journal');
  return `${JSON.stringify({ ...rec, sum: recordSum(rec) })}\n`;
}

export type DecodedLine = { ok: true; rec: JournalRecord } | { ok: false; reason: string };

/** Checks one line (without its newline): JSON, checksum, then shape. */
export function decodeLine(line: string): DecodedLine {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return { ok: false, reason: 'is not valid JSON' };
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, reason: 'is not a JSON object' };
  const { sum, ...rest } = v as Record<string, unknown>;
  if (sum === undefined) return { ok: false, reason: 'carries no checksum (written by an older build, or altered)' };
  if (typeof sum !== 'string' || !SUM_RE.test(sum))
    return { ok: false, reason: `has a malformed checksum (${JSON.stringify(sum).slice(0, 40)})` };
  const want = recordSum(rest);
  if (want !== sum) return { ok: false, reason: `fails its checksum (recorded ${sum}, content gives ${want})` };
  const parsed = RecordSchema.safeParse(rest);
  if (!parsed.success)
    return {
      ok: false,
      reason: `holds its checksum but is not a known record (${parsed.error.issues[0]?.message ?? 'invalid'})`,
    };
  return { ok: true, rec: parsed.data as JournalRecord };
}

export interface JournalLine {
  /** 1-based line number in the file. */
  no: number;
  /** The line's text without its newline. */
  raw: string;
  decoded: DecodedLine;
}

/** Splits a journal into complete lines; bytes after the last newline (a torn append) are left out of `validBytes`. */
export function splitJournal(data: string | Buffer): { lines: JournalLine[]; validBytes: number; tornTail: boolean } {
  const buf = typeof data === 'string' ? Buffer.from(data) : data;
  const lines: JournalLine[] = [];
  let pos = 0;
  for (;;) {
    const nl = buf.indexOf(0x0a, pos);
    if (nl < 0) break;
    const raw = buf.toString('utf8', pos, nl);
    lines.push({ no: lines.length + 1, raw, decoded: decodeLine(raw) });
    pos = nl + 1;
  }
  return { lines, validBytes: pos, tornTail: pos < buf.length };
}

/** What a damaged record seems to have been about (the path, if the text still shows one), for messages only. */
export function hintOf(raw: string): string {
  const m = /"t":"(\w+)"[^\n]*?"path":"((?:[^"\\]|\\.)*)"/.exec(raw);
  return m ? ` (it looks like the ${m[1]} record of ${m[2]})` : '';
}
