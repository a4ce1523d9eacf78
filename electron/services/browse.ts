/**
 * The folder browser of browse mode and of the console's file pickers (fs:browse): one folder's entries, folders
 * first, with the roots of this machine (drive letters on Windows; / and the home folder elsewhere).
 */
import { readdir, stat } from 'node:fs/promises';
import { dirname, join, parse, resolve } from 'node:path';
import { homedir, platform } from 'node:os';
import { AppError } from '../../shared/errors.ts';
import type { BrowseResult, DirEntry } from '../../shared/contract/core.ts';

async function listRoots(): Promise<string[]> {
  if (platform() !== 'win32') return ['/', homedir()];
  const letters = 'CDEFGHIJKLMNOPQRSTUVWXYZ'.split('');
  const found = await Promise.all(
    letters.map(async (l) => ((await stat(`${l}:\\`).catch(() => null)) ? `${l}:\\` : null)),
  );
  return found.filter((x): x is string => x !== null);
}

export async function browse(pathIn: string | undefined, includeFiles: boolean): Promise<BrowseResult> {
  const path = resolve(pathIn ?? homedir());
  let st;
  try {
    st = await stat(path);
  } catch {
    throw new AppError('NOT_FOUND', `Folder not found: ${path}`, { path });
  }
  if (!st.isDirectory()) throw new AppError('VALIDATION', `Not a folder: ${path}`, { path });
  let dirents;
  try {
    dirents = await readdir(path, { withFileTypes: true });
  } catch (err) {
    throw new AppError('PERMISSION_DENIED', `Cannot read ${path}: ${(err as Error).message}`, { path });
  }
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    const full = join(path, d.name);
    if (d.isDirectory()) entries.push({ name: d.name, path: full, kind: 'dir' });
    else if (d.isSymbolicLink()) entries.push({ name: d.name, path: full, kind: 'link' });
    else if (includeFiles && d.isFile()) {
      const s = await stat(full).catch(() => null);
      entries.push({ name: d.name, path: full, kind: 'file', ...(s ? { size: s.size } : {}) });
    }
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
  const root = parse(path).root;
  return { path, parent: path === root ? null : dirname(path), entries, roots: await listRoots() };
}
