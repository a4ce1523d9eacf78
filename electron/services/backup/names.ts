import { isUtf8 } from 'node:buffer';

/**
 * File names as data (catalog format 2). On POSIX a name is any bytes but '/' and NUL; a backslash is an ordinary
 * character. The catalog keeps every name as text with one injective escape, which is also how names are shown:
 *
 * - valid UTF-8 stays as it is, except `\` → `\\` and the control bytes 0x00–0x1F and 0x7F → `\xHH`;
 * - every byte that is not part of valid UTF-8 → `\xHH` (upper-case hex).
 *
 * So `a\b` (one name) is `a\\b` and never meets the folder path `a/b`, and `caf\xE9` (Latin-1) is kept, not
 * dropped. A catalog path is such names joined by '/'.
 */

/** A path the file system functions take: a string, or the raw bytes when a name in it is not valid UTF-8. */
export type FsPath = string | Buffer;

// eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
const NEEDS_ESCAPE = /[\\\x00-\x1f\x7f]/;
// eslint-disable-next-line no-control-regex -- see above
const ESCAPE_CHARS = /[\\\x00-\x1f\x7f]/g;
const hex2 = (b: number) => b.toString(16).toUpperCase().padStart(2, '0');

/** Length of the valid UTF-8 sequence starting at `i`, or 0 when the byte there does not start one. */
function utf8SeqLength(b: Uint8Array, i: number): number {
  const c = b[i];
  if (c < 0x80) return 1;
  const cont = (j: number, lo = 0x80, hi = 0xbf) => j < b.length && b[j] >= lo && b[j] <= hi;
  if (c >= 0xc2 && c <= 0xdf) return cont(i + 1) ? 2 : 0;
  if (c === 0xe0) return cont(i + 1, 0xa0) && cont(i + 2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(i + 1) && cont(i + 2) ? 3 : 0;
  if (c === 0xed) return cont(i + 1, 0x80, 0x9f) && cont(i + 2) ? 3 : 0;
  if (c === 0xf0) return cont(i + 1, 0x90) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(i + 1) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  if (c === 0xf4) return cont(i + 1, 0x80, 0x8f) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  return 0;
}

const escapeText = (s: string): string =>
  NEEDS_ESCAPE.test(s) ? s.replace(ESCAPE_CHARS, (ch) => (ch === '\\' ? '\\\\' : `\\x${hex2(ch.charCodeAt(0))}`)) : s;

/** The catalog (and display) form of a name or link target given as text or as raw bytes. */
export function escapeName(name: string | Uint8Array): string {
  if (typeof name === 'string') return escapeText(name);
  const buf = Buffer.isBuffer(name) ? name : Buffer.from(name.buffer, name.byteOffset, name.byteLength);
  if (isUtf8(buf)) return escapeText(buf.toString('utf8'));
  let out = '';
  for (let i = 0; i < buf.length;) {
    const n = utf8SeqLength(buf, i);
    if (n === 0) {
      out += `\\x${hex2(buf[i])}`;
      i++;
    } else {
      out += escapeText(buf.toString('utf8', i, i + n));
      i += n;
    }
  }
  return out;
}

/** The bytes an escaped name stands for; throws on a malformed escape (`\q`, `\x4`, a lone trailing `\`). */
export function unescapeBytes(s: string): Buffer {
  if (!s.includes('\\')) return Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let run = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch !== '\\') {
      run += ch;
      continue;
    }
    const next = s[i + 1];
    if (next === '\\') {
      run += '\\';
      i++;
    } else if (next === 'x' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 2, i + 4))) {
      if (run) parts.push(Buffer.from(run, 'utf8'));
      run = '';
      parts.push(Buffer.from([parseInt(s.slice(i + 2, i + 4), 16)]));
      i += 3;
    } else {
      throw new Error(`bad escape at character ${i + 1} of ${JSON.stringify(s)}`);
    }
  }
  if (run) parts.push(Buffer.from(run, 'utf8'));
  return Buffer.concat(parts);
}

/** An escaped name as a file-system name: the plain string when its bytes are valid UTF-8, else the bytes. */
export function unescapeName(s: string): string | Buffer {
  if (!s.includes('\\')) return s;
  const b = unescapeBytes(s);
  return isUtf8(b) ? b.toString('utf8') : b;
}

/** True when `s` is exactly what escapeName writes for its bytes (a tampered catalog could spell one name twice). */
export function isCanonicalEscape(s: string): boolean {
  if (!s.includes('\\') && !NEEDS_ESCAPE.test(s)) return true;
  try {
    return escapeName(unescapeBytes(s)) === s;
  } catch {
    return false;
  }
}

/** `parent` + separator + `name`; a string as long as both are strings, else bytes. */
export function joinFsPath(parent: FsPath, name: string | Buffer, sep = '/'): FsPath {
  if (typeof parent === 'string' && typeof name === 'string')
    return parent.endsWith(sep) ? parent + name : parent + sep + name;
  const p = typeof parent === 'string' ? Buffer.from(parent, 'utf8') : parent;
  const n = typeof name === 'string' ? Buffer.from(name, 'utf8') : name;
  const needSep = p.length > 0 && p[p.length - 1] !== sep.charCodeAt(0);
  return Buffer.concat(needSep ? [p, Buffer.from(sep), n] : [p, n]);
}

/**
 * A file-system path for messages, never with raw control bytes: on POSIX escaped as catalog names are (a backslash
 * there is part of a name); on Windows, where it separates names, only control characters are escaped.
 */
export function displayPath(p: FsPath, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return escapeName(p);
  const text = typeof p === 'string' ? p : escapeName(p);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
  return text.replace(/[\x00-\x1f\x7f]/g, (ch) => `\\x${hex2(ch.charCodeAt(0))}`);
}

/** Names of a folder listed as text, with the names that are not valid UTF-8 kept as bytes. */
export function decodeDirNames(raw: Buffer[]): Array<string | Buffer> {
  return raw.map((b) => (isUtf8(b) ? b.toString('utf8') : b));
}

/**
 * The catalog path of an absolute path: the path without its root, '/'-separated, each name escaped.
 * `/home/ann` → `home/ann`; on Windows `C:\Users` → `C/Users`, `\\srv\share\x` → `UNC/srv/share/x` (also from the
 * `\\?\C:\…` and `\\?\UNC\srv\share\…` spellings). On POSIX only '/' separates: `/data/a\b` → `data/a\\b`.
 */
export function catalogPathOf(abs: string, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return abs.split('/').filter(Boolean).map(escapeName).join('/');
  let p = abs;
  if (/^[\\/]{2}[?.][\\/]UNC[\\/]/i.test(p)) p = '\\\\' + p.slice(8);
  else if (/^[\\/]{2}[?.][\\/][A-Za-z]:/.test(p)) p = p.slice(4);
  let head = '';
  let rest = p;
  const drive = /^([A-Za-z]):([\\/]|$)/.exec(p);
  if (drive) {
    head = drive[1].toUpperCase();
    rest = p.slice(2);
  } else if (/^[\\/]{2}[^\\/]/.test(p)) {
    const [server, share, ...more] = p.slice(2).split(/[\\/]+/);
    head = ['UNC', server, share].filter(Boolean).map(escapeName).join('/');
    rest = more.join('/');
  }
  const tail = rest
    .split(/[\\/]+/)
    .filter(Boolean)
    .map(escapeName)
    .join('/');
  return [head, tail].filter(Boolean).join('/');
}

/** A catalog path's names as file-system names (string, or bytes where not valid UTF-8). */
export function catalogNames(path: string): Array<string | Buffer> {
  return path.split('/').map(unescapeName);
}
