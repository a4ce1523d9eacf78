import { createHash } from 'node:crypto';
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { XML_AS_TEXT } from '../xml-options.ts';
import { AppError } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';

export const MANIFEST_VERSION = '2014-11-01';
/**
 * `overwrite`: every blob lives under `<container>/<job>/` and belongs to this job alone; packs are immutable and
 * named by the backup engine. If a disk is imported twice (re-shipped after a failed import, or the same pack on
 * a repaired disk), `rename` would leave "000001 (2).pack" copies that no restore reads and that cost storage;
 * `overwrite` makes a re-import idempotent (the content is the same bytes, checked by the page-range MD5s).
 */
export const IMPORT_DISPOSITION = 'overwrite';

export interface ManifestRange {
  offset: number;
  length: number;
  /** Upper-case hex MD5. */
  hash: string;
}

export interface ManifestBlob {
  blobPath: string;
  /** Relative to the drive root, backslash-separated, leading backslash. */
  filePath: string;
  length: number;
  ranges: ManifestRange[];
}

/** FMT-MANIFEST `import-export-credential`: exactly one of the two for an import. */
export type ManifestCredentialElement = { containerSas: string } | { storageAccountKey: string };

export interface ManifestInput {
  driveId: string;
  /** A secret: the manifest file is the only place it is written (on the BitLocker-encrypted disk). */
  credential: ManifestCredentialElement;
  clientCreator: string;
  blobs: ManifestBlob[];
}

/** `\obc-session-1\<job>\packs\000001.pack` for seed path `packs/000001.pack`. */
export function filePathFor(job: string, seedPath: string): string {
  return `\\${DISK_LAYOUT.sessionDir}\\${job}\\${seedPath.split('/').join('\\')}`;
}

/** Platform path of a seed file under the drive root. */
export function diskRelPath(job: string, seedPath: string): string {
  return [DISK_LAYOUT.sessionDir, job, ...seedPath.split('/')].join('/');
}

export function blobPathFor(container: string, job: string, seedPath: string): string {
  return `${container}/${job}/${seedPath}`;
}

/** The page ranges of a file: the rule the backup's seed.json MD5s follow too (shared/page-ranges.ts). */
export { rangeLayout } from '../../../shared/page-ranges.ts';

/**
 * The most a page blob may hold: "The value may be up to 200 GB for a block blob and up to 1 TB for a page blob"
 * (Blob/Length in Microsoft's manifest file format; 1 TB read as 1 TiB, as its 4 MB is 4 MiB).
 */
export const PAGE_BLOB_MAX_LENGTH = 1024 ** 4;

/**
 * A file the format cannot describe as a page blob ("For a page blob, this value must be a multiple of 512", at most
 * 1 TB) is refused, not written: the datacenter would fail the import. Seeds only ship such files (shared/staging.ts).
 */
function assertPageBlob(b: ManifestBlob): void {
  const why =
    !Number.isSafeInteger(b.length) || b.length < 0 || b.length % 512 !== 0
      ? `its length ${b.length} is not a multiple of 512, as a page blob's must be`
      : b.length > PAGE_BLOB_MAX_LENGTH
        ? `its length ${b.length} is over 1 TB, the most a page blob may hold`
        : null;
  if (why)
    throw new AppError('INTERNAL', `${b.blobPath} cannot be written into DriveManifest.xml: ${why}.`, {
      path: b.filePath,
    });
}

/** DriveManifest XML built with fast-xml-parser's XMLBuilder (no string concatenation of values). */
export function buildManifest(m: ManifestInput): string {
  m.blobs.forEach(assertPageBlob);
  const doc = {
    '?xml': { '@_version': '1.0', '@_encoding': 'UTF-8' },
    DriveManifest: {
      '@_Version': MANIFEST_VERSION,
      Drive: {
        DriveId: m.driveId,
        // The grammar puts the credential right after DriveId ("DriveId … must appear before any BlobList").
        ...('containerSas' in m.credential
          ? { ContainerSas: m.credential.containerSas }
          : { StorageAccountKey: m.credential.storageAccountKey }),
        ClientCreator: m.clientCreator,
        BlobList: {
          Blob: m.blobs.map((b) => ({
            BlobPath: b.blobPath,
            FilePath: b.filePath,
            Length: b.length,
            ImportDisposition: IMPORT_DISPOSITION,
            PageRangeList: {
              PageRange: b.ranges.map((r) => ({ '@_Offset': r.offset, '@_Length': r.length, '@_Hash': r.hash })),
            },
          })),
        },
      },
    },
  };
  const builder = new XMLBuilder({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    format: true,
    indentBy: '  ',
    suppressEmptyNode: true,
  });
  return builder.build(doc) as string;
}

export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex').toUpperCase();
}

const asArray = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** Parses a DriveManifest back into blobs (read-back checks the disk against the manifest actually written). */
export function parseManifest(
  xml: string,
): Omit<ManifestInput, 'credential'> & { version: string; credential?: ManifestCredentialElement } {
  type XmlNode = { [k: string]: XmlValue };
  type XmlValue = string | XmlNode | XmlNode[] | undefined;
  let doc: XmlNode;
  try {
    doc = new XMLParser(XML_AS_TEXT).parse(xml, true) as XmlNode;
  } catch (err) {
    throw new AppError('CORRUPT_DATA', `DriveManifest is not well-formed XML: ${(err as Error).message}`);
  }
  const node = (v: XmlValue): XmlNode => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
  const nodes = (v: XmlValue): XmlNode[] => asArray(v as XmlNode | XmlNode[] | undefined).map(node);
  const dm = node(doc.DriveManifest);
  const drive = node(dm.Drive);
  if (drive.DriveId === undefined) throw new AppError('CORRUPT_DATA', 'DriveManifest has no Drive/DriveId.');
  const blobs: ManifestBlob[] = [];
  for (const list of nodes(drive.BlobList)) {
    for (const b of nodes(list.Blob)) {
      blobs.push({
        blobPath: String(b.BlobPath),
        filePath: String(b.FilePath),
        length: Number(b.Length),
        ranges: nodes(node(b.PageRangeList).PageRange).map((r) => ({
          offset: Number(r['@_Offset']),
          length: Number(r['@_Length']),
          hash: String(r['@_Hash']),
        })),
      });
    }
  }
  const credential =
    drive.ContainerSas !== undefined
      ? { containerSas: String(drive.ContainerSas) }
      : drive.StorageAccountKey !== undefined
        ? { storageAccountKey: String(drive.StorageAccountKey) }
        : undefined;
  return {
    version: String(dm['@_Version']),
    driveId: String(drive.DriveId),
    clientCreator: String(drive.ClientCreator ?? ''),
    blobs,
    ...(credential ? { credential } : {}),
  };
}

/**
 * A file on the disk. BOM formatVersion 2 (since seed format 4): `sha256` always (the seed's, lower-case hex), `md5`
 * (upper-case hex) only when the seed gave one (formats 2, 3) or the copy made one (format 1). Version 1 had `md5` only;
 * recovery (backup/disk-source.ts) reads both.
 */
export interface BomEntry {
  filePath: string;
  blobPath: string;
  length: number;
  sha256: string;
  md5?: string;
}

export const BOM_FORMAT_VERSION = 2;

/** The bill of materials (obc-bom.json): deterministic, no timestamps, so a resumed run writes the same bytes. */
/** `backup`: the identity of the backup the files belong to (backup/identity.ts), so each disk names it. */
export function buildBom(
  driveId: string,
  job: string,
  files: BomEntry[],
  backup?: { id: string; completedAt?: string | undefined },
): string {
  return (
    JSON.stringify(
      {
        format: 'obc-bom',
        formatVersion: BOM_FORMAT_VERSION,
        driveId,
        jobName: job,
        ...(backup ? { backup } : {}),
        files: files.length,
        bytes: files.reduce((s, f) => s + f.length, 0),
        entries: files,
      },
      null,
      2,
    ) + '\n'
  );
}
