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
    ['\\\\srv\\share', 'absolute'],
    ['C:/Windows', 'drive letter'],
    ['a/C:evil', 'drive letter'],
    ['a/b\0c', 'NUL'],
    ['a//b', 'empty path component'],
    ['a/./b', '"."'],
  ])('refuses %j on every platform', (p, why) => {
    expect(unsafeCatalogPath(p, 'linux')).toContain(why);
    expect(unsafeCatalogPath(p, 'win32')).not.toBeNull();
  });
  it.each(['data/CON', 'data/nul.txt', 'data/com1', 'LPT9.log', 'a/b\\c', 'a/b:c', 'trailing.', 'x/y '])('refuses %j on Windows', (p) => {
    expect(unsafeCatalogPath(p, 'win32')).not.toBeNull();
  });
});
