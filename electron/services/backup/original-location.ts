import { catalogPathOf, catalogNames } from './names.ts';

/**
 * Restore to the original location: each catalog path back to the absolute path it was backed up from. The catalog
 * path is the absolute source path without its root (names.ts `catalogPathOf`): `home/ann/x` ← `/home/ann/x`, on
 * Windows `C/Users/x` ← `C:\Users\x` and `UNC/srv/share/x` ← `\\srv\share\x`. Pure functions; restore.ts applies them.
 */

/** The platform a backup's items were named on: POSIX items start with '/', Windows ones with a drive or `\\`. */
export function sourcePlatformOf(items: readonly string[]): 'posix' | 'win32' | null {
  const win = items.filter((i) => /^[A-Za-z]:([\\/]|$)/.test(i) || /^[\\/]{2}/.test(i)).length;
  const posix = items.filter((i) => i.startsWith('/') && !/^[\\/]{2}/.test(i)).length;
  if (items.length === 0) return null;
  if (win === items.length) return 'win32';
  if (posix === items.length) return 'posix';
  return null;
}

/** The absolute path a catalog path came from, as text (for messages and the Windows mapping). */
export function originalPathOf(catPath: string, platform: NodeJS.Platform): string {
  const parts = catPath.split('/');
  if (platform !== 'win32') return '/' + parts.join('/');
  if (/^[A-Z]$/.test(parts[0])) return `${parts[0]}:\\` + parts.slice(1).join('\\');
  if (parts[0] === 'UNC' && parts.length >= 3)
    return `\\\\${parts[1]}\\${parts[2]}` + (parts.length > 3 ? '\\' + parts.slice(3).join('\\') : '');
  throw new Error(`"${catPath}" is not a Windows catalog path (it starts with neither a drive letter nor UNC)`);
}

/**
 * Where the original-location restore starts and the names it walks from there: on POSIX `/` and every name; on
 * Windows the drive (`C:\`) or share (`\\srv\share\`) root and the names below it.
 */
export function originalRootOf(
  catPath: string,
  platform: NodeJS.Platform,
): { root: string; names: Array<string | Buffer>; rootParts: number } {
  const names = catalogNames(catPath);
  if (platform !== 'win32') return { root: '/', names, rootParts: 0 };
  const parts = catPath.split('/');
  if (/^[A-Z]$/.test(parts[0])) return { root: `${parts[0]}:\\`, names: names.slice(1), rootParts: 1 };
  if (parts[0] === 'UNC' && parts.length >= 3)
    return { root: `\\\\${parts[1]}\\${parts[2]}\\`, names: names.slice(3), rootParts: 3 };
  throw new Error(`"${catPath}" is not a Windows catalog path (it starts with neither a drive letter nor UNC)`);
}

/** The catalog paths of the backup's items (the folders and files the user chose), on the source's rules. */
export function itemRoots(items: readonly string[], platform: NodeJS.Platform): string[] {
  return items.map((i) => catalogPathOf(i, platform)).filter(Boolean);
}

/** True when `path` is a folder strictly above one of the items (`home` above item `home/ann`): it is never created or changed. */
export function isAboveItem(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => r.startsWith(path + '/'));
}

/** True when `path` is an item or below one: only there are missing folders created. */
export function isAtOrBelowItem(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(r + '/'));
}
