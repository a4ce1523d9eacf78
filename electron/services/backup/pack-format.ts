import { open as openFile, stat } from 'node:fs/promises';
import { open as openSealed, seal } from './crypto.ts';
import { readFull } from '../read-full.ts';

/**
 * Pack file layout (all lengths a multiple of 512 so the file can become a page blob):
 *   header  16 B  'OBCPACK1' ‖ pack number u32 BE ‖ 0 u32
 *   blobs         one sealed chunk after another: nonce ‖ AES-GCM(ct) ‖ tag, AAD = chunk id ‖ flag
 *   index         sealed list of entries, AAD = 'obc-pack-index:<number>'
 *   padding       zeros
 *   footer  16 B  'OBCPKEND' ‖ index offset u32 BE ‖ index length u32 BE
 */
export const PACK_MAGIC = Buffer.from('OBCPACK1');
export const PACK_END = Buffer.from('OBCPKEND');
export const PACK_HEADER_LEN = 16;
export const PACK_FOOTER_LEN = 16;
export const ENTRY_LEN = 32 + 4 + 4 + 4 + 1;

/** Chunk stored as-is (compression did not pay) or zstd-compressed. */
export const FLAG_RAW = 0;
export const FLAG_ZSTD = 1;

export interface PackEntry {
  id: Buffer;
  offset: number;
  length: number;
  rawLength: number;
  flag: number;
}

export const packPath = (n: number): string => `packs/pack-${String(n).padStart(6, '0')}.bin`;
export const padTo512 = (n: number): number => Math.ceil(n / 512) * 512;

export function packHeader(n: number): Buffer {
  const b = Buffer.alloc(PACK_HEADER_LEN);
  PACK_MAGIC.copy(b, 0);
  b.writeUInt32BE(n, 8);
  return b;
}

export function chunkAad(id: Uint8Array, flag: number): Buffer {
  const a = Buffer.alloc(33);
  a.set(id, 0);
  a[32] = flag;
  return a;
}

const indexAad = (n: number): Buffer => Buffer.from(`obc-pack-index:${n}`);

/** Entries per page of a PackIndexBuilder (64 KiB pages). */
const INDEX_PAGE = Math.floor(65536 / ENTRY_LEN);

/**
 * A pack's index entries as they are added, already in their on-disk form (ENTRY_LEN bytes each, in 64 KiB pages):
 * an object and a Buffer per chunk cost ~200 bytes of heap, and a 64 MiB pack of small files holds ~30 000 chunks.
 */
export class PackIndexBuilder {
  private readonly pages: Buffer[] = [];
  count = 0;

  add(id: Uint8Array, offset: number, length: number, rawLength: number, flag: number): void {
    const i = this.count % INDEX_PAGE;
    if (i === 0) this.pages.push(Buffer.allocUnsafe(INDEX_PAGE * ENTRY_LEN));
    const page = this.pages[this.pages.length - 1];
    const o = i * ENTRY_LEN;
    page.set(id.subarray(0, 32), o);
    page.writeUInt32BE(offset, o + 32);
    page.writeUInt32BE(length, o + 36);
    page.writeUInt32BE(rawLength, o + 40);
    page[o + 44] = flag;
    this.count++;
  }

  /** The index's plain bytes. */
  bytes(): Buffer {
    const out = Buffer.allocUnsafe(this.count * ENTRY_LEN);
    this.pages.forEach((p, k) =>
      p.copy(out, k * INDEX_PAGE * ENTRY_LEN, 0, Math.min(p.length, out.length - k * INDEX_PAGE * ENTRY_LEN)),
    );
    return out;
  }
}

/** Index + padding + footer, appended after the last blob at `bodyEnd`. */
export function packTrailer(enc: Buffer, n: number, entries: PackEntry[] | PackIndexBuilder, bodyEnd: number): Buffer {
  let plain: Buffer;
  if (entries instanceof PackIndexBuilder) plain = entries.bytes();
  else {
    const b = new PackIndexBuilder();
    for (const e of entries) b.add(e.id, e.offset, e.length, e.rawLength, e.flag);
    plain = b.bytes();
  }
  const sealed = seal(enc, plain, indexAad(n));
  const total = padTo512(bodyEnd + sealed.length + PACK_FOOTER_LEN);
  const out = Buffer.alloc(total - bodyEnd);
  sealed.copy(out, 0);
  const f = out.length - PACK_FOOTER_LEN;
  PACK_END.copy(out, f);
  out.writeUInt32BE(bodyEnd, f + 8);
  out.writeUInt32BE(sealed.length, f + 12);
  return out;
}

export type PackIndexResult = { ok: true; entries: PackEntry[] } | { ok: false; reason: string };

/** Reads the index given the footer (last 16 bytes) and a reader of byte ranges. */
export async function readPackIndex(
  enc: Buffer,
  n: number,
  size: number,
  read: (offset: number, length: number) => Promise<Buffer>,
): Promise<PackIndexResult> {
  if (size < PACK_HEADER_LEN + PACK_FOOTER_LEN || size % 512 !== 0)
    return { ok: false, reason: `length ${size} is not a whole pack` };
  const header = await read(0, PACK_HEADER_LEN);
  if (!header.subarray(0, 8).equals(PACK_MAGIC)) return { ok: false, reason: 'pack header is damaged' };
  if (header.readUInt32BE(8) !== n)
    return { ok: false, reason: `pack header names pack ${header.readUInt32BE(8)}, expected ${n}` };
  const footer = await read(size - PACK_FOOTER_LEN, PACK_FOOTER_LEN);
  if (!footer.subarray(0, 8).equals(PACK_END)) return { ok: false, reason: 'pack footer is damaged' };
  const off = footer.readUInt32BE(8);
  const len = footer.readUInt32BE(12);
  if (off < PACK_HEADER_LEN || off + len > size - PACK_FOOTER_LEN)
    return { ok: false, reason: 'pack footer points outside the pack' };
  const plain = openSealed(enc, await read(off, len), indexAad(n));
  if (!plain || plain.length % ENTRY_LEN !== 0) return { ok: false, reason: 'pack index does not authenticate' };
  const entries: PackEntry[] = [];
  for (let o = 0; o < plain.length; o += ENTRY_LEN) {
    const e: PackEntry = {
      id: Buffer.from(plain.subarray(o, o + 32)),
      offset: plain.readUInt32BE(o + 32),
      length: plain.readUInt32BE(o + 36),
      rawLength: plain.readUInt32BE(o + 40),
      flag: plain[o + 44],
    };
    if (e.offset < PACK_HEADER_LEN || e.offset + e.length > off)
      return { ok: false, reason: 'pack index entry points outside the pack' };
    entries.push(e);
  }
  return { ok: true, entries };
}

/**
 * The index of a pack file on this machine that should be `length` bytes long (staging, or the online spool after a
 * killed run): not ok when the file is missing, has another length, or its index does not authenticate.
 */
export async function readPackFileIndex(
  enc: Buffer,
  n: number,
  file: string,
  length: number,
): Promise<PackIndexResult> {
  const size = await stat(file).then(
    (s) => s.size,
    () => -1,
  );
  if (size !== length) return { ok: false, reason: size < 0 ? 'missing' : `length ${size}, expected ${length}` };
  const fh = await openFile(file, 'r');
  try {
    return await readPackIndex(enc, n, size, async (offset, want) => {
      const b = Buffer.alloc(want);
      return b.subarray(0, await readFull(fh, b, 0, want, offset));
    });
  } finally {
    await fh.close();
  }
}
