/** The bench's generated corpus: a reproducible mixed tree (text, binaries, already-compressed media, duplicates, small files). */
import { createCipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Seeded xorshift for choices; AES-CTR keystream for bulk random bytes (every bench's corpus draws from it). */
export function rng(seed: number) {
  let s = seed | 0 || 1;
  const next = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
  const key = Buffer.alloc(16);
  key.writeInt32LE(seed, 0);
  const ctr = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return {
    next,
    int: (a: number, b: number) => a + Math.floor(next() * (b - a + 1)),
    bytes: (n: number) => ctr.update(Buffer.alloc(n)),
  };
}

const WORDS =
  'backup restore azure disk import export staging pack chunk catalog server volume folder file report error warning policy retention schedule daily weekly monthly tenant subscription storage container blob page manifest journal verify encrypt passphrase the a of to and in is for on with as by at from'.split(
    ' ',
  );

function textBlock(r: ReturnType<typeof rng>, n: number): Buffer {
  const parts: string[] = [];
  let len = 0;
  while (len < n) {
    const line = `${new Date(1.7e12 + r.int(0, 1e10)).toISOString()} ${Array.from({ length: r.int(4, 14) }, () => WORDS[r.int(0, WORDS.length - 1)]).join(' ')} id=${r.int(0, 1e6)}\n`;
    parts.push(line);
    len += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, n);
}

/** "Executable-like": random blocks, zero runs and repeated tables. */
function binaryBlock(r: ReturnType<typeof rng>, n: number): Buffer {
  const out = Buffer.alloc(n);
  const table = r.bytes(4096);
  for (let pos = 0; pos < n;) {
    const kind = r.int(0, 2);
    const len = Math.min(n - pos, r.int(256, 16384));
    if (kind === 0) r.bytes(len).copy(out, pos);
    else if (kind === 1) table.copy(out, pos, 0, Math.min(len, table.length));
    pos += len;
  }
  return out;
}

export async function makeCorpus(
  dir: string,
  total: number,
  seed = 20261122,
): Promise<{ files: number; bytes: number }> {
  const r = rng(seed);
  let bytes = 0;
  let files = 0;
  const put = async (rel: string, data: Buffer) => {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), data);
    bytes += data.length;
    files++;
  };
  const share = { text: 0.3, bin: 0.2, media: 0.3, dup: 0.1, small: 0.1 };
  const originals: string[] = [];
  for (let i = 0, b = 0; b < total * share.text; i++) {
    const n = Math.max(4096, Math.min(r.int(64 << 10, 16 << 20), total * share.text - b));
    await put(`text/log-${i}.txt`, textBlock(r, n));
    originals.push(`text/log-${i}.txt`);
    b += n;
  }
  for (let i = 0, b = 0; b < total * share.bin; i++) {
    const n = Math.max(4096, Math.min(r.int(256 << 10, 32 << 20), total * share.bin - b));
    await put(`bin/prog-${i}.bin`, binaryBlock(r, n));
    originals.push(`bin/prog-${i}.bin`);
    b += n;
  }
  for (let i = 0, b = 0; b < total * share.media; i++) {
    const n = Math.max(4096, Math.min(r.int(1 << 20, 64 << 20), total * share.media - b));
    await put(`media/clip-${i}.mp4`, r.bytes(n));
    originals.push(`media/clip-${i}.mp4`);
    b += n;
  }
  for (let i = 0, b = 0; b < total * share.dup && originals.length && i < 100_000; i++) {
    const from = originals[r.int(0, originals.length - 1)];
    if ((await stat(join(dir, from))).size > total * share.dup - b + (1 << 20)) continue;
    const data = readFileSync(join(dir, from));
    // Every other duplicate is shifted by a small header, as an edited copy would be.
    const copy = i % 2 ? Buffer.concat([Buffer.from(`edited copy ${i}\n`), data]) : data;
    await put(`dups/copy-${i}-${from.replace(/\//g, '_')}`, copy);
    b += copy.length;
  }
  for (let i = 0, b = 0; b < total * share.small; i++) {
    const n = r.int(200, 16 << 10);
    await put(`small/d${i % 100}/f${i}.${i % 3 ? 'txt' : 'bin'}`, i % 3 ? textBlock(r, n) : binaryBlock(r, n));
    b += n;
  }
  return { files, bytes };
}

/**
 * A tree of `count` small files (200 B – 8 KiB, text and binary, ~4 KiB on average) in nested folders of about 100
 * files, names as long as a node_modules tree's: the per-file costs (memory, hand-offs) without many bytes.
 */
export async function makeFileTree(
  dir: string,
  count: number,
  seed = 20261204,
): Promise<{ files: number; bytes: number }> {
  const r = rng(seed);
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const folder = join(
      dir,
      `package-${String(Math.floor(i / 1000)).padStart(3, '0')}`,
      'lib',
      `module-${Math.floor(i / 100) % 10}`,
    );
    if (i % 100 === 0) await mkdir(folder, { recursive: true });
    const n = r.int(200, 8 << 10);
    await writeFile(
      join(folder, `source-file-${String(i).padStart(7, '0')}.${i % 3 ? 'js' : 'bin'}`),
      i % 3 ? textBlock(r, n) : binaryBlock(r, n),
    );
    bytes += n;
  }
  return { files: count, bytes };
}
