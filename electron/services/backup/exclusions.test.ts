import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compileExclusions, exclusionsFromArgs, globToRegExp, parseExcludeArg, type Exclusions } from './exclusions.ts';
import { scanItems } from './scan.ts';
import { tempDir } from '../test-temp.ts';

describe('globToRegExp', () => {
  it('* and ? over names, any case; a trailing .* also matches names without an extension (as on Windows)', () => {
    const m = (p: string, n: string) => globToRegExp(p).test(n);
    expect(m('*.mp3', 'song.MP3')).toBe(true);
    expect(m('*.mp3', 'song.mp3.part')).toBe(false);
    expect(m('~$*', '~$report.docx')).toBe(true);
    expect(m('file?.txt', 'file1.txt')).toBe(true);
    expect(m('file?.txt', 'file10.txt')).toBe(false);
    expect(m('*.*', 'README')).toBe(true);
    expect(m('report*.*', 'report')).toBe(true);
    expect(m('report*.*', 'report-2026.pdf')).toBe(true);
    expect(m('report*.*', 'summary.pdf')).toBe(false);
    expect(m('a+b(1).[x]', 'A+B(1).[X]')).toBe(true); // regex characters are literal
    expect(m('*.log', 'line\nbreak.log')).toBe(true);
  });
});

describe('compileExclusions', () => {
  const ex: Exclusions = {
    folders: [
      { path: 'D:\\Data\\Temp', subfolders: true },
      { path: 'D:\\Data\\Inbox', subfolders: false },
    ],
    patterns: ['thumbs.db'],
    fileTypes: [
      { folder: 'D:\\Data\\Music', pattern: '*.mp3', subfolders: true },
      { folder: 'D:\\Data\\Iso', pattern: '*.iso', subfolders: false },
    ],
  };
  const win = compileExclusions(ex, 'win32');

  it('Windows: folder rules with and without subfolders, case-insensitive paths', () => {
    expect(win.dir('d:\\data\\temp')).toBe(true);
    expect(win.dir('D:\\Data\\Temp\\deep\\er')).toBe(true);
    expect(win.dir('D:\\Data\\Temporary')).toBe(false);
    expect(win.file('D:\\Data\\TEMP\\x.txt')).toBe(true);
    // Without subfolders: the files directly inside go, its subfolders are still walked and kept.
    expect(win.dir('D:\\Data\\Inbox')).toBe(false);
    expect(win.file('D:\\Data\\Inbox\\mail.eml')).toBe(true);
    expect(win.file('D:\\Data\\Inbox\\keep\\mail.eml')).toBe(false);
  });

  it('Windows: file types scoped to a folder, with and without subfolders; patterns everywhere', () => {
    expect(win.file('D:\\Data\\Music\\a.mp3')).toBe(true);
    expect(win.file('D:\\Data\\Music\\Albums\\b.MP3')).toBe(true);
    expect(win.file('D:\\Data\\Music\\a.flac')).toBe(false);
    expect(win.file('D:\\Data\\Other\\a.mp3')).toBe(false); // the rule is scoped to Music
    expect(win.file('D:\\Data\\Iso\\disc.iso')).toBe(true);
    expect(win.file('D:\\Data\\Iso\\old\\disc.iso')).toBe(false);
    expect(win.dir('D:\\Data\\Music')).toBe(false); // a file-type rule never drops a folder
    expect(win.file('E:\\Photos\\Thumbs.db')).toBe(true);
    expect(win.file('D:\\Data\\MusicBox\\a.mp3')).toBe(false); // not a prefix match on names
  });

  it('POSIX: paths compare exactly (case matters), patterns still ignore case', () => {
    const px = compileExclusions(
      {
        folders: [{ path: '/srv/data/cache/', subfolders: true }],
        fileTypes: [{ folder: '/srv/data/music', pattern: '*.mp3', subfolders: true }],
      },
      'posix',
    );
    expect(px.dir('/srv/data/cache')).toBe(true);
    expect(px.dir('/srv/data/Cache')).toBe(false);
    expect(px.file('/srv/data/music/x.MP3')).toBe(true);
    expect(px.file('/srv/data/Music/x.mp3')).toBe(false);
    expect(compileExclusions({}, 'posix').file('/a/b')).toBe(false);
  });
});

describe('obc backup --exclude / --exclude-nonrecursive arguments', () => {
  it('a folder, a file type in a folder, a file type everywhere', () => {
    expect(parseExcludeArg('D:\\Temp', true)).toEqual({ folder: { path: 'D:\\Temp', subfolders: true } });
    expect(parseExcludeArg('D:\\Data\\*.mp3', true)).toEqual({
      fileType: { folder: 'D:\\Data', pattern: '*.mp3', subfolders: true },
    });
    expect(parseExcludeArg('/srv/data/*.iso', false)).toEqual({
      fileType: { folder: '/srv/data', pattern: '*.iso', subfolders: false },
    });
    expect(parseExcludeArg('*.tmp', true)).toEqual({ pattern: '*.tmp' });
    expect(exclusionsFromArgs(['*.tmp', '/srv/cache'], ['/srv/inbox'])).toEqual({
      folders: [
        { path: '/srv/cache', subfolders: true },
        { path: '/srv/inbox', subfolders: false },
      ],
      patterns: ['*.tmp'],
      fileTypes: [],
    });
  });
  it('clear refusals', () => {
    expect(() => parseExcludeArg('*.tmp', false)).toThrow(
      '--exclude-nonrecursive *.tmp: a file type without a folder applies in every folder; give the folder too (for example /srv/data/*.tmp).',
    );
    expect(() => parseExcludeArg('music/*.mp3', true)).toThrow(
      /--exclude music\/\*\.mp3: File type pattern "music\/\*\.mp3" may not contain/,
    );
    expect(() => parseExcludeArg('/srv/*/cache/*.tmp', true)).toThrow(
      '--exclude /srv/*/cache/*.tmp: only the last part may hold * or ?; folders are given in full.',
    );
    expect(() => parseExcludeArg('/srv/data/*', true)).toThrow(/would exclude every file/);
    expect(() => parseExcludeArg('', true)).toThrow(/File type pattern is required/);
  });
});

/**
 * Against an independent tree walker: GNU find over a generated tree, with the rules written as find expressions
 * (-prune for a folder, -path/-iname for file types, "! -path X/*\/*" for "not in subfolders").
 */
describe('the scan with exclusions agrees with find(1)', () => {
  const NAMES = ['a.mp3', 'b.MP3', 'c.txt', 'd.iso', 'thumbs.db', 'e'];
  const DIRS = ['music', 'music/live', 'iso', 'iso/old', 'temp', 'temp/x', 'docs'];
  it('on random trees and rules', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(fc.tuple(fc.constantFrom('', ...DIRS), fc.constantFrom(...NAMES)), {
          minLength: 1,
          maxLength: 25,
        }),
        fc.record({
          folder: fc.option(fc.record({ dir: fc.constantFrom(...DIRS), subfolders: fc.boolean() })),
          type: fc.option(
            fc.record({
              dir: fc.constantFrom('', ...DIRS),
              pattern: fc.constantFrom('*.mp3', '*.iso', 'c.*', '?.txt'),
              subfolders: fc.boolean(),
            }),
          ),
          everywhere: fc.option(fc.constantFrom('thumbs.db', '*.txt')),
        }),
        async (files, rule) => {
          const root = await tempDir('obc-excl-');
          try {
            for (const d of DIRS) await mkdir(join(root, d), { recursive: true });
            for (const [d, n] of files) await writeFile(join(root, d, n), n);
            const ex: Exclusions = { folders: [], patterns: [], fileTypes: [] };
            const find: string[] = [root];
            if (rule.folder) {
              const p = join(root, rule.folder.dir);
              ex.folders!.push({ path: p, subfolders: rule.folder.subfolders });
              if (rule.folder.subfolders) find.push('(', '-path', p, '-prune', ')', '-o');
              else find.push('(', '-path', `${p}/*`, '!', '-path', `${p}/*/*`, '-type', 'f', ')', '-o');
            }
            if (rule.type) {
              const p = join(root, rule.type.dir);
              ex.fileTypes!.push({ folder: p, pattern: rule.type.pattern, subfolders: rule.type.subfolders });
              find.push(
                '(',
                '-path',
                `${p}/*`,
                ...(rule.type.subfolders ? [] : ['!', '-path', `${p}/*/*`]),
                '-type',
                'f',
                '-iname',
                rule.type.pattern,
                ')',
                '-o',
              );
            }
            if (rule.everywhere) {
              ex.patterns!.push(rule.everywhere);
              find.push('(', '-type', 'f', '-iname', rule.everywhere, ')', '-o');
            }
            find.push('-type', 'f', '-print');
            const expected = execFileSync('find', find, { encoding: 'utf8' }).split('\n').filter(Boolean).sort();
            const scan = await scanItems([root], ex);
            const got = scan.entries
              .filter((e) => e.type === 'file')
              .map((e) => e.abs)
              .sort();
            expect(got).toEqual(expected);
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 25 },
    );
  });
});
