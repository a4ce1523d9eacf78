import { isCanonicalEscape, unescapeName } from './names.ts';
import { windowsNameProblem } from './windows-names.ts';

/**
 * Catalog paths are data from a (possibly tampered or foreign) backup: before anything is written they must be
 * plain relative paths that stay inside the restore folder on this platform. Names are in the escaped form of
 * names.ts; on POSIX any bytes but NUL and '/' make a name (`C:`, `a\b` and `CON` are ordinary names there).
 */

/** Returns why `path` cannot be restored, or null when it is safe. */
export function unsafeCatalogPath(path: string, platform: NodeJS.Platform = process.platform): string | null {
  if (path.length === 0) return 'empty path';
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.startsWith('/')) return 'absolute path';
  const win = platform === 'win32';
  if (win && path.startsWith('\\')) return 'absolute path';
  if (win && /^[A-Za-z]:/.test(path)) return 'starts with a drive letter';
  for (const part of path.split('/')) {
    if (part === '') return 'empty path component';
    if (part === '.' || part === '..') return `"${part}" component`;
    if (!isCanonicalEscape(part)) return `"${part}" is not a well-formed name (bad escape)`;
    const name = unescapeName(part);
    if (typeof name === 'string' ? name.includes('\0') || name.includes('/') : name.includes(0) || name.includes(0x2f))
      return `"${part}" contains a NUL or "/" byte`;
    if (win) {
      if (typeof name === 'string' && /^[A-Za-z]:/.test(name)) return 'contains a drive letter';
      const why = windowsNameProblem(name);
      if (why) return why;
    }
  }
  return null;
}
