import { describe, expect, it } from 'vitest';
import { windowsCaseCollisions, windowsCaseKey, windowsExtendedPath, windowsNameProblem } from './windows-names.ts';

/** The Windows rules as pure functions: these run here; the code that uses them on Windows has never run there. */
describe('what a Windows file system can hold', () => {
  it.each([
    ['CON', /reserved/],
    ['con.txt', /reserved/],
    ['Nul.tar.gz', /reserved/],
    ['COM1', /reserved/],
    ['com¹', /reserved/],
    ['LPT9.log', /reserved/],
    ['CONIN$', /reserved/],
    ['dot.', /dot or space/],
    ['space ', /dot or space/],
    ['a:b', /not allow/],
    ['q?', /not allow/],
    ['tab\t', /not allow/],
    ['a\\b', /backslash/],
    ['x'.repeat(256), /255/],
  ])('%j: %s', (name, why) => {
    expect(windowsNameProblem(name)).toMatch(why);
  });
  it('accepts ordinary names, including ones that only look reserved', () => {
    for (const n of ['CONSOLE', 'aux-files', 'com10', 'report.CON.txt', 'x'.repeat(255), 'Ünïcødé 文件', '.hidden'])
      expect(windowsNameProblem(n), n).toBeNull();
  });
  it('names that are not valid UTF-8 cannot become UTF-16 names', () => {
    expect(windowsNameProblem(Buffer.from([0x66, 0xff]))).toMatch(/not valid Unicode/);
  });

  it('case twins: the later one (and everything below a twin folder) lands on the earlier one', () => {
    const paths = [
      'C/Docs',
      'C/Docs/a.txt',
      'C/README',
      'C/docs',
      'C/docs/b.txt',
      'C/readme',
      'C/straße',
      'C/STRASSE',
      'C/ǅ',
      'C/ǆ',
    ];
    const hits = windowsCaseCollisions(paths);
    expect(Object.fromEntries(hits)).toEqual({
      'C/docs': 'C/Docs',
      'C/docs/b.txt': 'C/Docs',
      'C/readme': 'C/README',
      'C/ǆ': 'C/ǅ',
    });
    // NTFS upper-cases one unit to one unit: ß stays ß (not SS), so these two can share a folder.
    expect(windowsCaseKey('straße')).toBe('STRAßE');
  });

  it('\\\\?\\ paths: drive, UNC, already extended', () => {
    expect(windowsExtendedPath('C:\\Users\\ann')).toBe('\\\\?\\C:\\Users\\ann');
    expect(windowsExtendedPath('\\\\srv\\share\\x')).toBe('\\\\?\\UNC\\srv\\share\\x');
    expect(windowsExtendedPath('\\\\?\\D:\\x')).toBe('\\\\?\\D:\\x');
    expect(() => windowsExtendedPath('relative\\x')).toThrow(/not an absolute/);
    expect(() => windowsExtendedPath('/tmp/x')).toThrow(/not an absolute/);
  });
});
