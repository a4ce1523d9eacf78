import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { catalogPathOf } from './names.ts';
import { isAboveItem, isAtOrBelowItem, originalPathOf, originalRootOf, sourcePlatformOf } from './original-location.ts';

/** The pure mapping of original-location restores, POSIX and Windows (drive letters, shares), against catalogPathOf. */
describe('original location mapping', () => {
  it('maps POSIX catalog paths back to their absolute paths', () => {
    expect(originalPathOf('home/ann/x', 'linux')).toBe('/home/ann/x');
    expect(originalRootOf('home/ann/x', 'linux')).toEqual({ root: '/', names: ['home', 'ann', 'x'], rootParts: 0 });
    expect(originalRootOf('data/caf\\xE9', 'linux').names[1]).toEqual(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
  });

  it('maps Windows drive letters and shares back', () => {
    expect(originalPathOf('C/Users/ann/x.txt', 'win32')).toBe('C:\\Users\\ann\\x.txt');
    expect(originalPathOf('D', 'win32')).toBe('D:\\');
    expect(originalPathOf('UNC/srv/share/dir/f', 'win32')).toBe('\\\\srv\\share\\dir\\f');
    expect(originalPathOf('UNC/srv/share', 'win32')).toBe('\\\\srv\\share');
    expect(originalRootOf('C/Users/x', 'win32')).toEqual({ root: 'C:\\', names: ['Users', 'x'], rootParts: 1 });
    expect(originalRootOf('UNC/srv/share/x', 'win32')).toEqual({
      root: '\\\\srv\\share\\',
      names: ['x'],
      rootParts: 3,
    });
    expect(() => originalPathOf('home/ann', 'win32')).toThrow(/not a Windows catalog path/);
    expect(() => originalRootOf('UNC/srv', 'win32')).toThrow(/not a Windows catalog path/);
  });

  it('is the inverse of catalogPathOf for Windows paths (generated)', () => {
    const name = fc
      .stringMatching(/^[A-Za-z0-9 ._-]{1,12}$/)
      .filter((n) => n !== '.' && n !== '..' && !/^[ .]|[ .]$/.test(n));
    const drive = fc.constantFrom('C', 'D', 'Z').map((d) => `${d}:\\`);
    const share = fc.tuple(name, name).map(([s, h]) => `\\\\${s}\\${h}\\`);
    fc.assert(
      fc.property(fc.oneof(drive, share), fc.array(name, { minLength: 1, maxLength: 6 }), (root, names) => {
        const abs = root + names.join('\\');
        expect(originalPathOf(catalogPathOf(abs, 'win32'), 'win32')).toBe(abs);
      }),
    );
  });

  it('is the inverse of catalogPathOf for POSIX paths (generated)', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9 ._\-é:]{1,12}$/).filter((n) => n !== '.' && n !== '..');
    fc.assert(
      fc.property(fc.array(name, { minLength: 1, maxLength: 6 }), (names) => {
        expect(originalPathOf(catalogPathOf('/' + names.join('/'), 'linux'), 'linux')).toBe('/' + names.join('/'));
      }),
    );
  });

  it('tells the platform the items were named on', () => {
    expect(sourcePlatformOf(['/home/ann', '/srv'])).toBe('posix');
    expect(sourcePlatformOf(['C:\\Users', '\\\\srv\\share\\x', 'd:/data'])).toBe('win32');
    expect(sourcePlatformOf(['/home', 'C:\\Users'])).toBeNull();
    expect(sourcePlatformOf(['relative'])).toBeNull();
    expect(sourcePlatformOf([])).toBeNull();
  });

  it('tells folders above the items from the items and below', () => {
    const roots = ['home/ann', 'srv/data'];
    expect(isAboveItem('home', roots)).toBe(true);
    expect(isAboveItem('home/ann', roots)).toBe(false);
    expect(isAtOrBelowItem('home/ann', roots)).toBe(true);
    expect(isAtOrBelowItem('home/ann/x', roots)).toBe(true);
    expect(isAtOrBelowItem('home/annex', roots)).toBe(false);
    expect(isAtOrBelowItem('home', roots)).toBe(false);
  });
});
