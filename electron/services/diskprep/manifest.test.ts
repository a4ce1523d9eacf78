/**
 * DriveManifest.xml against the rules of Microsoft's "Azure Import/Export service manifest file format"
 * (learn.microsoft.com/en-us/previous-versions/azure/storage/common/storage-import-export-file-format-manifest;
 * MicrosoftDocs/azure-docs articles/storage/common/storage-import-export-file-format-manifest.md @ 21da575), as
 * read there, not as manifest.ts states them: generated file lengths, the manifest built as disk-run.ts builds it
 * (rangeLayout, blobPathFor, filePathFor, buildManifest), read back with a parser of this test's own options.
 *
 * "4 MB" and "1 TB" are read as 4 MiB and 1 TiB: Azure's storage limits of the time use the binary units (Put Page
 * takes at most 4 MiB), and the text does not say otherwise.
 */
import fc from 'fast-check';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { blobPathFor, buildManifest, filePathFor, md5Hex, rangeLayout, type ManifestBlob } from './manifest.ts';

const MB4 = 4 * 1024 * 1024;
const TB = 1024 ** 4;
const MD5_HEX = /^[0-9A-Fa-f]{32}$/;

type Attr = { Offset?: string; Length?: string; Hash?: string };
type XmlBlob = {
  BlobPath?: string;
  FilePath?: string;
  Length?: string;
  ImportDisposition?: string;
  PageRangeList?: { PageRange?: Attr[] } | '';
  BlockList?: unknown;
};

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['BlobList', 'Blob', 'PageRange'].includes(name),
});

/** Every rule the official text states for an import manifest of page blobs; the broken ones, by name. */
function officialViolations(xml: string, container: string): string[] {
  const bad: string[] = [];
  const doc = parser.parse(xml) as { DriveManifest?: { Version?: string; Drive?: Record<string, unknown> } };
  const dm = doc.DriveManifest;
  // "DriveManifest | Root element"; "Version | Attribute, String"; the format shown is Version="2014-11-01".
  if (!dm) return ['no DriveManifest root element'];
  if (dm.Version !== '2014-11-01') bad.push(`Version ${dm.Version}`);
  const drive = dm.Drive;
  if (!drive) return [...bad, 'no Drive'];
  const keys = Object.keys(drive);
  // "The DriveID element must appear before any BlobList element in the manifest file."
  if (!keys.includes('DriveId')) bad.push('no DriveId');
  if (keys.includes('BlobList') && keys.indexOf('DriveId') > keys.indexOf('BlobList'))
    bad.push('DriveId after BlobList');
  if (xml.indexOf('<DriveId>') > xml.indexOf('<BlobList')) bad.push('DriveId after BlobList in the text');
  // StorageAccountKey: "Required for import jobs if and only if ContainerSas is not specified" (and conversely).
  if (keys.includes('StorageAccountKey') === keys.includes('ContainerSas')) bad.push('not exactly one credential');
  for (const list of (drive.BlobList as Array<{ Blob?: XmlBlob[] }> | undefined) ?? [])
    for (const b of list.Blob ?? []) {
      const name = String(b.BlobPath);
      // "Blob/BlobPath: The relative URI to the blob, beginning with the container name."
      if (!name.startsWith(`${container}/`)) bad.push(`${name}: BlobPath does not begin with the container`);
      if (!b.FilePath) bad.push(`${name}: no FilePath`);
      // "Blob/Length: … up to 1 TB for a page blob. For a page blob, this value must be a multiple of 512."
      const length = Number(b.Length);
      if (!/^\d+$/.test(String(b.Length))) bad.push(`${name}: Length ${b.Length} is not an integer`);
      if (length > TB) bad.push(`${name}: Length ${length} over 1 TB`);
      if (length % 512 !== 0) bad.push(`${name}: Length ${length} not a multiple of 512`);
      // ImportDisposition: "no-overwrite", "overwrite" or "rename".
      if (b.ImportDisposition !== undefined && !['no-overwrite', 'overwrite', 'rename'].includes(b.ImportDisposition))
        bad.push(`${name}: ImportDisposition ${b.ImportDisposition}`);
      // "PageRangeList: Required for a page blob." (ours are all page blobs; no BlockList beside it.)
      if (b.PageRangeList === undefined) bad.push(`${name}: no PageRangeList`);
      if (b.BlockList !== undefined) bad.push(`${name}: a BlockList`);
      const ranges = (b.PageRangeList && b.PageRangeList.PageRange) || [];
      let end = 0;
      let total = 0;
      for (const [i, r] of ranges.entries()) {
        const at = `${name}: PageRange ${i}`;
        // "The Hash attribute of a page range is required"; "PageRange/@Hash: … Base16-encoded MD5 hash value".
        if (!MD5_HEX.test(r.Hash ?? '')) bad.push(`${at}: Hash ${r.Hash}`);
        if (!/^\d+$/.test(r.Offset ?? '') || !/^\d+$/.test(r.Length ?? '')) {
          bad.push(`${at}: Offset ${r.Offset} / Length ${r.Length} not integers`);
          continue;
        }
        const off = Number(r.Offset);
        const len = Number(r.Length);
        // "PageRange/@Offset: … This value must be a multiple of 512."
        if (off % 512 !== 0) bad.push(`${at}: Offset ${off} not a multiple of 512`);
        // "PageRange/@Length: … This value must be a multiple of 512 and no more than 4 MB."
        if (len % 512 !== 0) bad.push(`${at}: Length ${len} not a multiple of 512`);
        if (len > MB4) bad.push(`${at}: Length ${len} over 4 MB`);
        // "All page ranges must be ordered by offset and no overlaps are allowed."
        if (off < end) bad.push(`${at}: Offset ${off} before the end of the range before it (${end})`);
        // "the offset in the transfer file and the blob": a range lies inside the file (the blob's Length).
        if (off + len > length) bad.push(`${at}: ends at ${off + len}, past Length ${length}`);
        end = off + len;
        total += len;
      }
      // "Any number of page ranges may be used to describe a file for an import, with the total size up to 1 TB."
      if (total > TB) bad.push(`${name}: page ranges total ${total}, over 1 TB`);
    }
  return bad;
}

/**
 * Not an official rule, ours: the text lets ranges leave gaps whose content "can be undefined"; a gap in a shipped
 * file would be bytes lost, so the ranges must cover the file exactly.
 */
function gaps(xml: string): string[] {
  const out: string[] = [];
  const doc = parser.parse(xml) as { DriveManifest: { Drive: { BlobList?: Array<{ Blob?: XmlBlob[] }> } } };
  for (const list of doc.DriveManifest.Drive.BlobList ?? [])
    for (const b of list.Blob ?? []) {
      let end = 0;
      for (const r of (b.PageRangeList && b.PageRangeList.PageRange) || []) {
        if (Number(r.Offset) !== end) out.push(`${b.BlobPath}: gap before ${r.Offset}`);
        end = Number(r.Offset) + Number(r.Length);
      }
      if (end !== Number(b.Length)) out.push(`${b.BlobPath}: covered to ${end} of ${b.Length}`);
    }
  return out;
}

/** A file of the seed as disk-run.ts turns it into a manifest blob (the range hashes stand in for the copier's). */
function blobOf(container: string, job: string, path: string, length: number): ManifestBlob {
  return {
    blobPath: blobPathFor(container, job, path),
    filePath: filePathFor(job, path),
    length,
    ranges: rangeLayout(length).map((r, i) => ({ ...r, hash: md5Hex(`${path}:${i}`) })),
  };
}

const name = fc.stringMatching(/^[a-z0-9][a-z0-9-]{1,20}[a-z0-9]$/);
/**
 * Lengths of shippable files: multiples of 512, small, at the 4 MiB range edges and up to 4 GiB (a TB-sized file is
 * one example below: 262 144 ranges). `anyLength` adds lengths that are not multiples of 512.
 */
const validLength = fc.oneof(
  fc.integer({ min: 0, max: 40 }).map((k) => k * 512),
  fc
    .integer({ min: 1, max: 6 })
    .chain((m) => fc.integer({ min: -2, max: 2 }).map((d) => Math.max(0, m * MB4 + d * 512))),
  fc.integer({ min: 0, max: (4 * 1024 ** 3) / 512 }).map((k) => k * 512),
);
const anyLength = fc.oneof(validLength, fc.integer({ min: 1, max: 16 * MB4 }));
const fileSet = (length: fc.Arbitrary<number>) =>
  fc.uniqueArray(fc.tuple(fc.integer({ min: 1, max: 999_999 }), length), {
    minLength: 1,
    maxLength: 5,
    selector: (t) => t[0],
  });

describe('DriveManifest.xml against the official manifest format', () => {
  it('every manifest of shippable files keeps every rule, and its ranges cover each file', () => {
    fc.assert(
      fc.property(name, name, fc.boolean(), fileSet(validLength), (container, job, sas, files) => {
        const xml = buildManifest({
          driveId: 'WD-WCC4N1234567',
          credential: sas ? { containerSas: 'sv=2023-11-03&sr=c&sp=rwl&sig=abc%3D' } : { storageAccountKey: 'a2V5' },
          clientCreator: 'Offline Backup Console test',
          blobs: files.map(([n, length]) =>
            blobOf(container, job, `packs/pack-${String(n).padStart(6, '0')}.bin`, length),
          ),
        });
        expect(officialViolations(xml, container)).toEqual([]);
        expect(gaps(xml)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('a file the rules cannot ship as a page blob is refused, naming it; never written into a manifest', () => {
    fc.assert(
      fc.property(name, name, fileSet(anyLength), (container, job, files) => {
        const blobs = files.map(([n, length]) =>
          blobOf(container, job, `packs/pack-${String(n).padStart(6, '0')}.bin`, length),
        );
        const unshippable = blobs.filter((b) => b.length % 512 !== 0);
        let xml: string | null = null;
        let refused: unknown = null;
        try {
          xml = buildManifest({ driveId: 'D1', credential: { containerSas: 'sig=x' }, clientCreator: 't', blobs });
        } catch (err) {
          refused = err;
        }
        if (unshippable.length === 0) {
          expect(refused).toBeNull();
          expect(officialViolations(xml!, container)).toEqual([]);
        } else {
          expect(refused).toBeInstanceOf(AppError);
          expect((refused as AppError).message).toContain(unshippable[0].blobPath);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('a 1 TB file is written; one page more is refused, naming it', () => {
    const at = (length: number) =>
      buildManifest({
        driveId: 'D1',
        credential: { containerSas: 'sig=x' },
        clientCreator: 't',
        blobs: [blobOf('c', 'j', 'catalog/catalog.bin', length)],
      });
    // Written (its 262 144 ranges are the rules the property above checks on smaller files); one page more is not.
    expect(() => at(TB)).not.toThrow();
    expect(() => at(TB + 512)).toThrow(/c\/j\/catalog\/catalog\.bin/);
  });

  it('the rules as read: a checker that passes everything would pass these, ours names each', () => {
    const good = buildManifest({
      driveId: 'D1',
      credential: { containerSas: 'sig=x' },
      clientCreator: 't',
      blobs: [blobOf('c', 'j', 'packs/a', 2 * MB4 + 1024)],
    });
    expect(officialViolations(good, 'c')).toEqual([]);
    const broken = [
      good.replace('Offset="4194304"', 'Offset="4194305"'),
      good.replace('Length="4194304"', 'Length="4194816"'),
      good.replace(/Hash="[0-9A-F]{32}"/, 'Hash="xyz"'),
      good.replace('<Length>8389632</Length>', '<Length>8389633</Length>'),
      good.replace('<BlobPath>c/', '<BlobPath>other/'),
      good.replace('<ContainerSas>sig=x</ContainerSas>', ''),
      good.replace(/<PageRangeList>[\s\S]*<\/PageRangeList>/, ''),
      good.replace('Offset="8388608"', 'Offset="4194304"'),
    ];
    for (const xml of broken) expect(officialViolations(xml, 'c'), xml).not.toEqual([]);
  });
});
