/**
 * What a Windows file system can hold, as pure functions (this code cannot run on Windows here; the rules are
 * tested by their results). Names arrive as catalog names already unescaped (names.ts): text, or bytes when they
 * are not valid UTF-8.
 *
 * Sources: "Naming Files, Paths, and Namespaces" (Win32 docs): reserved device names with or without an
 * extension, no trailing dot or space, none of `<>:"/\|?*` or codes 1–31, at most 255 UTF-16 units per name;
 * `\\?\` paths lift the 260-character MAX_PATH limit. NTFS compares names through its upcase table (a simple,
 * one-to-one upper-casing per UTF-16 unit), so names differing only in letter case cannot share a folder.
 */

const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³]|conin\$|conout\$)(\..*)?$/i;
// eslint-disable-next-line no-control-regex -- control characters are exactly what Windows refuses in names
const FORBIDDEN = /[<>:"/\\|?*\x00-\x1f]/;

/** Why Windows cannot hold a file or folder of this name, or null. */
export function windowsNameProblem(name: string | Uint8Array): string | null {
  if (typeof name !== 'string') return 'is not valid Unicode (Windows names are UTF-16 text)';
  const shown = JSON.stringify(name);
  if (name.includes('\\')) return `${shown} contains a backslash`;
  if (FORBIDDEN.test(name)) return `${shown} has characters Windows does not allow`;
  if (RESERVED.test(name)) return `${shown} is a reserved Windows name`;
  if (/[. ]$/.test(name)) return `${shown} ends with a dot or space`;
  if (name.length > 255) return `${shown.slice(0, 40)}…" is ${name.length} characters long; Windows allows 255`;
  return null;
}

/** NTFS-style case key of one name: each UTF-16 unit upper-cased where that maps one unit to one unit. */
export function windowsCaseKey(name: string): string {
  let out = '';
  for (const ch of name) {
    const up = ch.toUpperCase();
    out += up.length === ch.length ? up : ch;
  }
  return out;
}

/**
 * Catalog paths (in catalog order: a folder before what is in it) that a case-insensitive Windows folder cannot
 * hold next to an earlier one: path → the earlier path it would land on. Everything below such a folder is
 * listed too (it would be written into the other folder).
 */
export function windowsCaseCollisions(paths: readonly string[]): Map<string, string> {
  const firstByKey = new Map<string, string>();
  const out = new Map<string, string>();
  for (const p of paths) {
    const cut = p.lastIndexOf('/');
    const parent = cut < 0 ? '' : p.slice(0, cut);
    const parentHit = parent ? out.get(parent) : undefined;
    if (parentHit !== undefined) {
      out.set(p, parentHit);
      continue;
    }
    const key = windowsCaseKey(p);
    const first = firstByKey.get(key);
    if (first === undefined) firstByKey.set(key, p);
    else if (first !== p) out.set(p, first);
  }
  return out;
}

/**
 * The `\\?\` form of an absolute, already normalised Windows path (no '.', '..' or '/'), which lifts the
 * 260-character limit and takes names literally: `C:\x` → `\\?\C:\x`, `\\srv\share\x` → `\\?\UNC\srv\share\x`.
 */
export function windowsExtendedPath(p: string): string {
  if (p.startsWith('\\\\?\\') || p.startsWith('\\\\.\\')) return p;
  if (/^[A-Za-z]:\\/.test(p)) return `\\\\?\\${p}`;
  if (/^\\\\[^\\]+\\[^\\]+/.test(p)) return `\\\\?\\UNC\\${p.slice(2)}`;
  throw new Error(`not an absolute Windows path: ${p}`);
}

/** Longest path the classic Windows API takes (MAX_PATH 260 with its terminating NUL). */
export const WINDOWS_MAX_PATH = 259;
