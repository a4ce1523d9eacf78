import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { XML_AS_TEXT } from '../xml-options.ts';

/**
 * The datacenter's own reading of a DriveManifest (SPEC §4.5) and writing of a DriveLog (SPEC §4.7). Written
 * independently of the disk-prep code on purpose: the sandbox checks what the console produces.
 */
export interface DcRange {
  offset: number;
  length: number;
  hash: string;
  id?: string;
}

export interface DcBlob {
  blobPath: string;
  filePath: string;
  length: number;
  disposition: 'rename' | 'no-overwrite' | 'overwrite';
  kind: 'page' | 'block';
  ranges: DcRange[];
}

/** The manifest's import-export-credential: a container SAS (container + token) or the storage account key. */
export type DcCredential =
  { kind: 'containerSas'; container: string; token: string } | { kind: 'storageAccountKey'; key: string };

export interface DcManifest {
  driveId: string;
  credential: DcCredential;
  blobs: DcBlob[];
}

/** Raised for manifest problems; `status` is the DriveLog drive status the service reports. */
export class ManifestProblem extends Error {
  readonly status: string;
  constructor(status: string, message: string) {
    super(message);
    this.status = status;
  }
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const num = (v: unknown, what: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new ManifestProblem('BlobListFormatInvalid', `${what} is not a non-negative integer: '${String(v)}'.`);
  return n;
};

export function parseDriveManifest(xml: string): DcManifest {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  let doc: Record<string, any>;
  try {
    doc = new XMLParser(XML_AS_TEXT).parse(xml, true);
  } catch (err) {
    throw new ManifestProblem(
      'ManifestFormatInvalid',
      `The manifest is not well-formed XML: ${(err as Error).message}`,
    );
  }
  const drive = doc?.DriveManifest?.Drive;
  if (!drive || typeof drive !== 'object')
    throw new ManifestProblem('ManifestFormatInvalid', 'The manifest has no DriveManifest/Drive element.');
  if (!drive.DriveId) throw new ManifestProblem('ManifestFormatInvalid', 'The manifest has no Drive/DriveId.');
  const credential = readCredential(drive);
  const lists = asArray(drive.BlobList);
  if (lists.length === 0) throw new ManifestProblem('BlobListFormatInvalid', 'The manifest has no BlobList.');
  const blobs: DcBlob[] = [];
  for (const list of lists) {
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    for (const b of asArray((list as Record<string, unknown>)?.Blob as Record<string, any>[])) {
      if (!b?.BlobPath || !b?.FilePath)
        throw new ManifestProblem('BlobListFormatInvalid', 'A Blob entry lacks BlobPath or FilePath.');
      const disposition = String(b.ImportDisposition ?? 'rename');
      if (!['rename', 'no-overwrite', 'overwrite'].includes(disposition))
        throw new ManifestProblem('BlobListFormatInvalid', `Unknown ImportDisposition '${disposition}'.`);
      const pages = asArray(b.PageRangeList?.PageRange);
      const blocks = asArray(b.BlockList?.Block);
      if ((b.PageRangeList !== undefined) === (b.BlockList !== undefined)) {
        throw new ManifestProblem(
          'BlobListFormatInvalid',
          `Blob '${String(b.BlobPath)}' must have exactly one of PageRangeList or BlockList.`,
        );
      }
      const kind = b.PageRangeList !== undefined ? 'page' : 'block';
      const ranges = (kind === 'page' ? pages : blocks).map((r: Record<string, string>) => ({
        offset: num(r['@_Offset'], 'Offset'),
        length: num(r['@_Length'], 'Length'),
        hash: String(r['@_Hash'] ?? ''),
        ...(r['@_Id'] ? { id: String(r['@_Id']) } : {}),
      }));
      blobs.push({
        blobPath: String(b.BlobPath),
        filePath: String(b.FilePath),
        length: num(b.Length, 'Length'),
        disposition: disposition as DcBlob['disposition'],
        kind,
        ranges,
      });
    }
  }
  return { driveId: String(drive.DriveId), credential, blobs };
}

/**
 * FMT-MANIFEST: StorageAccountKey is "required for import jobs if and only if ContainerSas is not specified", and
 * the other way round: none or both → the manifest does not conform (ManifestFormatInvalid). The ContainerSas value
 * as WAImportExport's /csas: takes it (WAIE-V1-PREP: "must begin with the container name, followed by a question
 * mark (?) and the SAS token"); the manifest document only points to Put Job for the format, so a full container
 * URL before the "?" is accepted too. Whether the SAS is valid is the storage service's answer, not the parser's.
 */
function readCredential(drive: Record<string, unknown>): DcCredential {
  const text = (v: unknown) =>
    typeof v === 'string' ? v.trim() : v === undefined || v === null ? undefined : String(v);
  const key = text(drive.StorageAccountKey);
  const sas = text(drive.ContainerSas);
  if (key === undefined && sas === undefined)
    throw new ManifestProblem(
      'ManifestFormatInvalid',
      'The manifest has neither StorageAccountKey nor ContainerSas; an import manifest needs exactly one of them.',
    );
  if (key !== undefined && sas !== undefined)
    throw new ManifestProblem(
      'ManifestFormatInvalid',
      'The manifest has both StorageAccountKey and ContainerSas; an import manifest takes exactly one of them.',
    );
  if (key !== undefined) {
    if (!key) throw new ManifestProblem('ManifestFormatInvalid', 'StorageAccountKey is empty.');
    return { kind: 'storageAccountKey', key };
  }
  const q = sas!.indexOf('?');
  if (q <= 0 || q === sas!.length - 1)
    throw new ManifestProblem('ManifestFormatInvalid', 'ContainerSas is not "<container>?<SAS token>".');
  let container = sas!.slice(0, q);
  if (/^https?:\/\//i.test(container)) {
    try {
      container = decodeURIComponent(new URL(container).pathname.split('/').filter(Boolean).pop() ?? '');
    } catch {
      throw new ManifestProblem('ManifestFormatInvalid', 'ContainerSas starts with a URL that does not parse.');
    }
  }
  if (!container || container.includes('/'))
    throw new ManifestProblem('ManifestFormatInvalid', 'ContainerSas does not name a container before its "?".');
  return { kind: 'containerSas', container, token: sas!.slice(q + 1) };
}

export interface LogRange {
  offset: number;
  length: number;
  hash: string;
  status: string;
}

export interface LogBlob {
  status: string;
  blobPath: string;
  filePath: string;
  length: number;
  disposition?: { value: string; status: string };
  kind: 'page' | 'block';
  ranges: LogRange[];
}

/** DriveLog XML: `DriveLog@Version` → DriveId, Blob* (Status, BlobPath, FilePath, Length, ImportDisposition, ranges), Status. */
export function buildDriveLog(driveId: string, blobs: LogBlob[], status: string): string {
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' },
    DriveLog: {
      '@_Version': '2014-11-01',
      DriveId: driveId,
      Blob: blobs.map((b) => ({
        '@_Status': b.status,
        BlobPath: b.blobPath,
        FilePath: b.filePath,
        Length: b.length,
        ...(b.disposition
          ? { ImportDisposition: { '@_Status': b.disposition.status, '#text': b.disposition.value } }
          : {}),
        ...(b.ranges.length
          ? b.kind === 'page'
            ? {
                PageRangeList: {
                  PageRange: b.ranges.map((r) => ({
                    '@_Offset': r.offset,
                    '@_Length': r.length,
                    '@_Hash': r.hash,
                    '@_Status': r.status,
                  })),
                },
              }
            : {
                BlockList: {
                  Block: b.ranges.map((r) => ({
                    '@_Offset': r.offset,
                    '@_Length': r.length,
                    '@_Hash': r.hash,
                    '@_Status': r.status,
                  })),
                },
              }
          : {}),
      })),
      Status: status,
    },
  };
  return new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
  }).build(doc) as string;
}

/** `Seattle.jpg` → `Seattle (2).jpg`; `NoDot` → `NoDot (2)` (SPEC §4.5 rename rule). */
export function renamed(name: string, n: number): string {
  const slash = name.lastIndexOf('/');
  const dot = name.lastIndexOf('.');
  return dot > slash ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}
