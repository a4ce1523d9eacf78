/**
 * Exclusion rules of a backup (MARS-MGR "Exclusion Settings"; `New-OBFileSpec -Exclude [-NonRecursive]`) and the
 * matcher the scan asks about each folder and file. Pure: paths are compared as text, nothing is read from disk.
 *
 * - A folder rule excludes the folder and everything below it (subfolders: true), or only the files directly in it
 *   (subfolders: false; its subfolders are still walked).
 * - A file-type rule excludes files whose name matches its pattern in one folder and, with subfolders, below it.
 * - A pattern without a folder applies in every item.
 * Patterns use `*` and `?` and ignore case (MARS is Windows). As on Windows, a pattern ending in `.*` also matches
 * names without an extension: `*.*` is every file, `report*.*` matches `report` and `report.txt`.
 * Paths compare case-insensitively on Windows and exactly elsewhere.
 */
import { posix, win32 } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import {
  checkFilePattern,
  checkPath,
  type ExclusionFolderRule,
  type Exclusions as PolicyExclusions,
  type FileTypeRule,
} from '../../../shared/policy.ts';

export type FolderRule = ExclusionFolderRule;
export type { FileTypeRule };
/** The policy's exclusions (shared/policy.ts), each list optional: a one-off backup may give none of them. */
export type Exclusions = { [K in keyof PolicyExclusions]?: PolicyExclusions[K] | undefined };

export interface ExclusionMatcher {
  /** Is this folder left out with everything below it? */
  dir(abs: string): boolean;
  /** Is this file (or link) left out? */
  file(abs: string): boolean;
}

export type PathFlavour = 'win32' | 'posix';
const hostFlavour = (): PathFlavour => (process.platform === 'win32' ? 'win32' : 'posix');

/** `*` any run of characters, `?` one character, case-insensitive; a trailing `.*` may match no extension. */
export function globToRegExp(pattern: string): RegExp {
  const body = (p: string) =>
    [...p].map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&'))).join('');
  if (pattern.endsWith('.*') && pattern.length > 2) return new RegExp(`^${body(pattern.slice(0, -2))}(\\..*)?$`, 'is');
  return new RegExp(`^${body(pattern)}$`, 'is');
}

export function compileExclusions(ex: Exclusions, flavour: PathFlavour = hostFlavour()): ExclusionMatcher {
  const p = flavour === 'win32' ? win32 : posix;
  const norm = (s: string) => {
    const r = p.resolve(s);
    return flavour === 'win32' ? r.toLowerCase() : r;
  };
  const under = (x: string, root: string) => x === root || x.startsWith(root.endsWith(p.sep) ? root : root + p.sep);
  const folders = (ex.folders ?? []).map((r) => ({ path: norm(r.path), subfolders: r.subfolders }));
  const everywhere = (ex.patterns ?? []).filter(Boolean).map(globToRegExp);
  const typed = (ex.fileTypes ?? []).map((r) => ({
    folder: norm(r.folder),
    re: globToRegExp(r.pattern),
    subfolders: r.subfolders,
  }));
  return {
    dir: (abs) => {
      const d = norm(abs);
      return folders.some((r) => r.subfolders && under(d, r.path));
    },
    file: (abs) => {
      const f = norm(abs);
      const parent = p.dirname(f);
      const name = p.basename(abs);
      if (everywhere.some((re) => re.test(name))) return true;
      if (folders.some((r) => (r.subfolders ? under(f, r.path) : parent === r.path))) return true;
      return typed.some((r) => (r.subfolders ? under(parent, r.folder) : parent === r.folder) && r.re.test(name));
    },
  };
}

/**
 * One `obc backup --exclude` (recursive) or `--exclude-nonrecursive` argument:
 * - a full folder path: that folder (`D:\Temp`, `/srv/data/cache`);
 * - a full path ending in a pattern with `*` or `?`: that file type in that folder (`D:\Data\*.mp3`);
 * - a bare pattern: that file type in every item (`*.tmp`; recursive only).
 */
export function parseExcludeArg(
  arg: string,
  recursive: boolean,
): { folder: FolderRule } | { fileType: FileTypeRule } | { pattern: string } {
  const x = arg.trim();
  const flag = recursive ? '--exclude' : '--exclude-nonrecursive';
  const win = /^[A-Za-z]:[\\/]|^\\\\/.test(x);
  const p = win ? win32 : posix;
  if (!win && !x.startsWith('/')) {
    const m = checkFilePattern(x);
    if (m) throw new AppError('VALIDATION', `${flag} ${arg}: ${m}`, { arg });
    if (!recursive)
      throw new AppError(
        'VALIDATION',
        `${flag} ${arg}: a file type without a folder applies in every folder; give the folder too (for example /srv/data/${x}).`,
        { arg },
      );
    return { pattern: x };
  }
  const base = p.basename(x);
  if (/[*?]/.test(base)) {
    const folder = p.dirname(x);
    const m = checkPath(folder, 'Folder') ?? checkFilePattern(base);
    if (m) throw new AppError('VALIDATION', `${flag} ${arg}: ${m}`, { arg });
    if (/[*?]/.test(folder))
      throw new AppError(
        'VALIDATION',
        `${flag} ${arg}: only the last part may hold * or ?; folders are given in full.`,
        { arg },
      );
    return { fileType: { folder, pattern: base, subfolders: recursive } };
  }
  const m = checkPath(x, 'Excluded folder');
  if (m) throw new AppError('VALIDATION', `${flag} ${arg}: ${m}`, { arg });
  return { folder: { path: x, subfolders: recursive } };
}

/** The exclusions of a list of `--exclude` and `--exclude-nonrecursive` arguments. */
export function exclusionsFromArgs(
  recursive: readonly string[],
  nonRecursive: readonly string[] = [],
): PolicyExclusions {
  const out: PolicyExclusions = { folders: [], patterns: [], fileTypes: [] };
  const take = (arg: string, rec: boolean) => {
    const r = parseExcludeArg(arg, rec);
    if ('folder' in r) out.folders.push(r.folder);
    else if ('fileType' in r) out.fileTypes.push(r.fileType);
    else out.patterns.push(r.pattern);
  };
  for (const a of recursive) take(a, true);
  for (const a of nonRecursive) take(a, false);
  return out;
}
