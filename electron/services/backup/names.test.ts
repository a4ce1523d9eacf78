import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  catalogNames,
  catalogPathOf,
  displayPath,
  escapeName,
  isCanonicalEscape,
  joinFsPath,
  unescapeBytes,
  unescapeName,
} from './names.ts';

const b = (...parts: Array<string | number[]>) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))));

describe('names as bytes (catalog format 2)', () => {
  it('keeps valid UTF-8 as text and escapes backslashes, control bytes and bytes that are not UTF-8', () => {
    expect(escapeName('Ünïcødé 文件 🎉.txt')).toBe('Ünïcødé 文件 🎉.txt');
    expect(escapeName('a\\b')).toBe('a\\\\b');
    expect(escapeName('bell\x07\x7f')).toBe('bell\\x07\\x7F');
    expect(escapeName(b('caf', [0xe9], '.txt'))).toBe('caf\\xE9.txt');
    expect(escapeName(b([0xff, 0xfe]))).toBe('\\xFF\\xFE');
    // Overlong, surrogate and out-of-range sequences are not UTF-8: every byte is escaped.
    expect(escapeName(b([0xc0, 0xaf]))).toBe('\\xC0\\xAF');
    expect(escapeName(b([0xed, 0xa0, 0x80]))).toBe('\\xED\\xA0\\x80');
    expect(escapeName(b([0xf4, 0x90, 0x80, 0x80]))).toBe('\\xF4\\x90\\x80\\x80');
    // A valid sequence next to an invalid byte stays text.
    expect(escapeName(b('é', [0xe9], 'é'))).toBe('é\\xE9é');
    expect(escapeName(b([0xe2, 0x82]))).toBe('\\xE2\\x82');
  });

  it('is injective and reversible on any bytes (fast-check)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 24 }), fc.uint8Array({ maxLength: 24 }), (x, y) => {
        const ex = escapeName(x);
        expect(unescapeBytes(ex).equals(Buffer.from(x))).toBe(true);
        expect(isCanonicalEscape(ex)).toBe(true);
        if (!Buffer.from(x).equals(Buffer.from(y))) expect(escapeName(y)).not.toBe(ex);
      }),
      { numRuns: 2000, seed: 13 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        expect(unescapeName(escapeName(s))).toBe(s);
      }),
      { numRuns: 1000, seed: 14 },
    );
  });

  it('a backslash name and a folder path never meet: `a\\b` is `a\\\\b`, `a/b` stays two names', () => {
    expect(catalogPathOf('/data/a\\b', 'linux')).toBe('data/a\\\\b');
    expect(catalogPathOf('/data/a/b', 'linux')).toBe('data/a/b');
    expect(catalogNames('data/a\\\\b')).toEqual(['data', 'a\\b']);
    expect(catalogNames('data/caf\\xE9')[1]).toEqual(b('caf', [0xe9]));
  });

  it('catalog paths of Windows paths: drive letters, UNC and the \\\\?\\ spellings of both', () => {
    expect(catalogPathOf('C:\\Users\\ann', 'win32')).toBe('C/Users/ann');
    expect(catalogPathOf('c:/Users', 'win32')).toBe('C/Users');
    expect(catalogPathOf('C:\\', 'win32')).toBe('C');
    expect(catalogPathOf('\\\\srv\\share\\x', 'win32')).toBe('UNC/srv/share/x');
    expect(catalogPathOf('\\\\?\\C:\\Users\\ann', 'win32')).toBe('C/Users/ann');
    expect(catalogPathOf('\\\\?\\UNC\\srv\\share\\x', 'win32')).toBe('UNC/srv/share/x');
  });

  it('refuses malformed escapes and tells canonical spellings from others', () => {
    for (const bad of ['\\', 'a\\q', '\\x4', '\\xZZ']) expect(() => unescapeBytes(bad), bad).toThrow(/bad escape/);
    expect(isCanonicalEscape('\\x41')).toBe(false);
    expect(isCanonicalEscape('\\xC3\\xA9')).toBe(false);
    expect(isCanonicalEscape('caf\\xE9')).toBe(true);
    expect(isCanonicalEscape('tab\there')).toBe(false);
  });

  it('paths in messages: names escaped on POSIX, only control characters on Windows (where a backslash separates)', () => {
    expect(displayPath('/data/a\\b\x1b', 'linux')).toBe('/data/a\\\\b\\x1B');
    expect(displayPath(b('/data/caf', [0xe9]), 'linux')).toBe('/data/caf\\xE9');
    expect(displayPath('C:\\Users\\ann\x07', 'win32')).toBe('C:\\Users\\ann\\x07');
  });

  it('joins text while it can and bytes when it must', () => {
    expect(joinFsPath('/a', 'b')).toBe('/a/b');
    expect(joinFsPath('/', 'b')).toBe('/b');
    expect(joinFsPath('/a', b([0xff]))).toEqual(b('/a/', [0xff]));
    expect(joinFsPath(b('/', [0xff]), 'c')).toEqual(b('/', [0xff], '/c'));
    expect(joinFsPath('C:\\x', 'y', '\\')).toBe('C:\\x\\y');
  });
});
