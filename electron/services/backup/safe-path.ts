/**
 * Catalog paths are data from a (possibly tampered or foreign) backup: before anything is written they must be
 * plain relative paths that stay inside the restore folder on this platform.
 */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;

/** Returns why `path` cannot be restored, or null when it is safe. */
export function unsafeCatalogPath(path: string, platform: NodeJS.Platform = process.platform): string | null {
  if (path.length === 0) return 'empty path';
  if (path.includes('\0')) return 'contains a NUL character';
  if (path.startsWith('/') || path.startsWith('\\')) return 'absolute path';
  if (/^[A-Za-z]:/.test(path)) return 'starts with a drive letter';
  const win = platform === 'win32';
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '' ) return 'empty path component';
    if (part === '.' || part === '..') return `"${part}" component`;
    if (/^[A-Za-z]:/.test(part)) return 'contains a drive letter';
    if (win) {
      if (part.includes('\\')) return 'contains a backslash';
      // eslint-disable-next-line no-control-regex -- control characters are exactly what Windows refuses in names
      if (/[<>:"|?*\x01-\x1f]/.test(part)) return `"${part}" has characters Windows does not allow`;
      if (RESERVED.test(part)) return `"${part}" is a reserved Windows name`;
      if (/[. ]$/.test(part)) return `"${part}" ends with a dot or space`;
    }
  }
  return null;
}
