/**
 * Parses a copy log (`DriveLog` XML, SPEC §4.7) into a short summary with every status explained in plain words.
 */
import { XMLParser } from 'fast-xml-parser';
import { XML_AS_TEXT } from '../xml-options.ts';
import { AppError } from '../../../shared/errors.ts';
import { RANGE_LOG_STATUSES, explainBlobStatus, explainLogStatus } from '../../../shared/drive-log.ts';
import type { DriveLogEntry, DriveLogSummary } from '../../../shared/contract/import-verify.ts';

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const text = (v: unknown): string | undefined =>
  v === undefined || v === null
    ? undefined
    : typeof v === 'object'
      ? String((v as Record<string, unknown>)['#text'] ?? '')
      : String(v);

interface XmlBlob {
  '@_Status'?: string;
  BlobPath?: unknown;
  PageRangeList?: { PageRange?: XmlRange | XmlRange[] };
  BlockList?: { Block?: XmlRange | XmlRange[] };
}
interface XmlRange {
  '@_Offset'?: string;
  '@_Length'?: string;
  '@_Status'?: string;
}

const MAX_BLOBS = 200;

/** Range status in words; own keys only (codes come from a file, "constructor" must not hit Object.prototype). */
const rangeText = (code: string | undefined): string =>
  code && Object.prototype.hasOwnProperty.call(RANGE_LOG_STATUSES, code)
    ? RANGE_LOG_STATUSES[code].text
    : explainLogStatus(code).text;

export function parseDriveLog(xml: string, uri: string): DriveLogSummary {
  let doc: Record<string, unknown>;
  try {
    doc = new XMLParser(XML_AS_TEXT).parse(xml) as Record<string, unknown>;
  } catch (err) {
    throw new AppError('CORRUPT_DATA', `The copy log ${uri} is not valid XML: ${(err as Error).message}`);
  }
  const root = doc.DriveLog as Record<string, unknown> | undefined;
  if (!root) throw new AppError('CORRUPT_DATA', `The copy log ${uri} has no DriveLog element.`);
  const status = text(root.Status);
  const blobs: DriveLogEntry[] = [];
  let problemCount = 0;
  const all = asArray(root.Blob as XmlBlob | XmlBlob[] | undefined);
  for (const b of all) {
    const st = b['@_Status'] ?? 'Unknown';
    const ranges = [...asArray(b.PageRangeList?.PageRange), ...asArray(b.BlockList?.Block)];
    const problems = ranges
      .filter((r) => r['@_Status'] && !['Completed', 'Committed'].includes(r['@_Status']))
      .slice(0, 20)
      .map(
        (r) => `bytes ${r['@_Offset'] ?? '?'}+${r['@_Length'] ?? '?'}: ${r['@_Status']} — ${rangeText(r['@_Status'])}`,
      );
    const bad = st !== 'Completed' || problems.length > 0;
    if (bad) problemCount++;
    if (blobs.length < MAX_BLOBS && (bad || blobs.length < 50))
      blobs.push({ blobPath: text(b.BlobPath) ?? '', status: st, explanation: explainBlobStatus(st).text, problems });
  }
  const driveId = text(root.DriveId);
  return {
    uri,
    ...(driveId ? { driveId } : {}),
    ...(status ? { status } : {}),
    explanation: explainLogStatus(status).text,
    blobs: blobs.sort((a, b) => Number(b.status !== 'Completed') - Number(a.status !== 'Completed')),
    problemCount,
    blobCount: all.length,
  };
}
