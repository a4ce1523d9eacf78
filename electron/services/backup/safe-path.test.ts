import { describe, expect, it } from 'vitest';
import { unsafeCatalogPath } from './safe-path.ts';

describe('catalog path safety', () => {
  it('accepts plain relative paths', () => {
    expect(unsafeCatalogPath('home/ann/docs/a.txt', 'linux')).toBeNull();
    expect(unsafeCatalogPath('C/Users/ann/Ünïcødé 文件.txt', 'win32')).toBeNull();
    expect(unsafeCatalogPath('src/aux.c', 'linux')).toBeNull();
  });
  it.each([
    ['', 'empty'],
    ['../etc/passwd', '".."'],
    ['a/../../b', '".."'],
    ['/etc/passwd', 'absolute'],
    ['\\\\srv\\share', ''],
    ['a/b\0c', 'NUL'],
    ['a//b', 'empty path component'],
    ['a/./b', '"."'],
  ])('refuses %j on every platform', (p, why) => {
    expect(unsafeCatalogPath(p, 'linux')).toContain(why);
    expect(unsafeCatalogPath(p, 'win32')).not.toBeNull();
  });
  it.each([
    'data/CON',
    'data/nul.txt',
    'data/com1',
    'LPT9.log',
    'a/b\\\\c',
    'a/b:c',
    'trailing.',
    'x/y ',
    'C:/Windows',
    'a/C:evil',
    '\\\\srv',
  ])('refuses %j on Windows', (p) => {
    expect(unsafeCatalogPath(p, 'win32')).not.toBeNull();
  });
  it('on POSIX every byte but NUL and "/" is a name: drive-letter look-alikes, backslashes, bytes that are not UTF-8', () => {
    for (const p of [
      'C:/Windows',
      'home/ann/.wine/dosdevices/c:',
      'a/b\\\\c',
      'data/caf\\xE9',
      'data/\\x01bell',
      'data/CON',
    ])
      expect(unsafeCatalogPath(p, 'linux'), p).toBeNull();
  });
  it.each([
    ['a/b\\q', 'bad escape'],
    ['a/\\x4', 'bad escape'],
    ['a/\\x41', 'bad escape'],
    ['a/\\x00', 'NUL'],
    ['a/x\\x2Fy', 'bad escape'],
    ['a/\\x2E\\x2E', 'bad escape'],
  ])('refuses the malformed or non-canonical name %j everywhere', (p, why) => {
    expect(unsafeCatalogPath(p, 'linux')).toContain(why);
    expect(unsafeCatalogPath(p, 'win32')).not.toBeNull();
  });
  it('a name that is not valid UTF-8 cannot be written on Windows', () => {
    expect(unsafeCatalogPath('data/caf\\xE9', 'win32')).toMatch(/not valid Unicode/);
  });
});
