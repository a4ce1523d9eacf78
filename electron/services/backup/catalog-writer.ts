import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createZstdCompress } from 'node:zlib';
import { AppError } from '../../../shared/errors.ts';
import { writeFileAtomicWith } from '../store/atomic.ts';
import { CATALOG_MAGIC, catalogAad, type Catalog, type CatalogEntry, type ChunkRow } from './catalog.ts';
import { NONCE_LEN } from './crypto.ts';
import { padTo512 } from './pack-format.ts';
import { PageMd5, type RangeMd5s } from '../page-md5.ts';

/** The catalog's head: everything but its four lists. */
export type CatalogHead = Pick<Catalog, 'version' | 'jobName' | 'createdAt' | 'sourceMachine' | 'items'>;

const PIECE = 256 << 10;

/**
 * The catalog's JSON text in pieces of about 256 KiB: exactly the text `JSON.stringify(catalog)` makes for the
 * same catalog (same key order), without ever holding the whole catalog, its entries or its text at once. `chunks`
 * is called after the last entry was taken (the rows are those the entries named).
 */
export function* catalogText(
  head: CatalogHead,
  entries: Iterable<CatalogEntry>,
  chunks: () => Iterable<ChunkRow>,
  packs: Catalog['packs'],
  skipped: Catalog['skipped'],
): Generator<string> {
  const h: CatalogHead = {
    version: head.version,
    jobName: head.jobName,
    createdAt: head.createdAt,
    sourceMachine: head.sourceMachine,
    items: head.items,
  };
  let text = JSON.stringify(h).slice(0, -1) + ',"entries":[';
  const list = function* (items: Iterable<unknown>): Generator<string> {
    let first = true;
    for (const x of items) {
      text += (first ? '' : ',') + JSON.stringify(x);
      first = false;
      if (text.length >= PIECE) {
        yield text;
        text = '';
      }
    }
  };
  yield* list(entries);
  text += '],"chunks":[';
  yield* list(chunks());
  text += `],"packs":${JSON.stringify(packs)},"skipped":[`;
  yield* list(skipped);
  text += ']}';
  yield text;
}

/**
 * Writes the catalog file from its text, streamed: zstd (one frame, the default level, as `encodeCatalog`), then
 * AES-256-GCM, straight into a temp file renamed into place (writeFileAtomicWith) — the same layout as
 * `encodeCatalog` ('OBCCAT01' ‖ sealed length ‖ 0 ‖ nonce ‖ ciphertext ‖ tag ‖ zero padding to 512), so the
 * format is unchanged. The file is then read back: its header must be the one written and the bytes after it must
 * hash to what was written. Returns its length, SHA-256 and range MD5s (for seed.json, format 4: no whole-file MD5).
 */
export async function writeCatalogFile(
  path: string,
  enc: Buffer,
  job: string,
  text: Iterable<string>,
): Promise<{ length: number; sha256: string; ranges: string[] }> {
  const header = Buffer.alloc(16);
  const body = createHash('sha256');
  let length = 0;
  await writeFileAtomicWith(path, async (fh) => {
    let pos = 16;
    const put = async (b: Buffer) => {
      body.update(b);
      await writeAll(fh, b, pos);
      pos += b.length;
    };
    const nonce = randomBytes(NONCE_LEN);
    const cipher = createCipheriv('aes-256-gcm', enc, nonce);
    cipher.setAAD(catalogAad(job));
    await put(nonce);
    await pipeline(
      Readable.from(
        (function* () {
          for (const t of text) yield Buffer.from(t, 'utf8');
        })(),
      ),
      createZstdCompress(),
      async (compressed: AsyncIterable<Buffer>) => {
        for await (const z of compressed) await put(cipher.update(z));
      },
    );
    await put(cipher.final());
    await put(cipher.getAuthTag());
    const sealedLength = pos - 16;
    if (sealedLength > 0xffffffff)
      throw new AppError(
        'INTERNAL',
        `The catalog of job "${job}" is over 4 GiB sealed, more than its format can hold.`,
      );
    length = padTo512(pos);
    if (length > pos) await put(Buffer.alloc(length - pos));
    CATALOG_MAGIC.copy(header, 0);
    header.writeUInt32BE(sealedLength, 8);
    await writeAll(fh, header, 0);
  });
  const back = await hashFile(path);
  if (back.length !== length || !back.header.equals(header) || back.body !== body.digest('hex')) {
    throw new AppError('IO', `The catalog ${path} did not read back intact.`, { path });
  }
  return { length, sha256: back.sha256, ranges: back.ranges };
}

async function writeAll(fh: FileHandle, b: Buffer, at: number): Promise<void> {
  for (let done = 0; done < b.length;) done += (await fh.write(b, done, b.length - done, at + done)).bytesWritten;
}

/**
 * A file read back in 1 MiB pieces: its length, first 16 bytes, SHA-256 of the bytes after them and of all, and its
 * page-range MD5s (each byte through one MD5, seed format 4).
 */
async function hashFile(
  path: string,
): Promise<{ length: number; header: Buffer; body: string; sha256: string } & RangeMd5s> {
  const fh = await open(path, 'r');
  try {
    const all = createHash('sha256');
    const md5s = new PageMd5({ whole: false });
    const body = createHash('sha256');
    const header = Buffer.alloc(16);
    const buf = Buffer.allocUnsafe(1 << 20);
    let pos = 0;
    for (;;) {
      const { bytesRead } = await fh.read(buf, 0, buf.length, pos);
      if (bytesRead === 0) break;
      const got = buf.subarray(0, bytesRead);
      all.update(got);
      md5s.update(got);
      if (pos < 16) got.copy(header, pos, 0, Math.min(bytesRead, 16 - pos));
      if (pos + bytesRead > 16) body.update(got.subarray(Math.max(0, 16 - pos)));
      pos += bytesRead;
    }
    return { length: pos, header, body: body.digest('hex'), sha256: all.digest('hex'), ...md5s.digestRanges() };
  } finally {
    await fh.close();
  }
}
