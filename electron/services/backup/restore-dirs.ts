import { lstat, mkdir } from 'node:fs/promises';
import { joinFsPath, type FsPath } from './names.ts';

export type DirResult = { ok: true; path: FsPath } | { ok: false; reason: string };

/** Codes of a name the destination's file system refuses (too long, not in its character set). */
export const NAME_ERRORS = new Set(['ENAMETOOLONG', 'EILSEQ', 'EINVAL']);
export const cannotHold = (err: unknown): string =>
  `the restore folder's file system cannot hold this name (${(err as NodeJS.ErrnoException).code}: ${(err as Error).message})`;

/**
 * The restore's folders, created one name at a time below the restore folder: each name is looked at with lstat
 * first, so a link found there (planted, or dangling) is refused instead of followed — no `mkdir -p` through a
 * link, nothing created outside. Results are kept per catalog folder, so each folder is checked once per run.
 */
export class RestoreDirs {
  private readonly done = new Map<string, DirResult>();
  private readonly root: FsPath;
  private readonly sep: string;
  private readonly mayCreate: (key: string) => boolean;

  /** `mayCreate(catalog folder)`: false where a missing folder is refused, not created (original location: above the items). */
  constructor(root: FsPath, sep: string, mayCreate: (key: string) => boolean = () => true) {
    this.root = root;
    this.sep = sep;
    this.mayCreate = mayCreate;
  }

  /** The folder of catalog path `catPath` whose names (unescaped) are `names`, created where missing. */
  async ensure(catPath: string, names: ReadonlyArray<string | Buffer>): Promise<DirResult> {
    const parts = catPath.split('/');
    let cur: FsPath = this.root;
    let key = '';
    for (let i = 0; i < names.length; i++) {
      key = i === 0 ? parts[0] : `${key}/${parts[i]}`;
      const hit = this.done.get(key);
      if (hit) {
        if (!hit.ok) return hit;
        cur = hit.path;
        continue;
      }
      const next = joinFsPath(cur, names[i], this.sep);
      const r = await this.one(next, key);
      this.done.set(key, r);
      if (!r.ok) return r;
      cur = next;
    }
    return { ok: true, path: cur };
  }

  private async one(p: FsPath, key: string): Promise<DirResult> {
    let st = await lstat(p).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      if (NAME_ERRORS.has(err.code ?? '')) return err;
      throw err;
    });
    if (st instanceof Error) return { ok: false, reason: cannotHold(st) };
    if (!st && !this.mayCreate(key))
      return {
        ok: false,
        reason: `its folder "${key}" (above the backed-up item) no longer exists; the original location creates folders only from the item down`,
      };
    if (!st) {
      try {
        await mkdir(p);
        return { ok: true, path: p };
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? '';
        if (NAME_ERRORS.has(code)) return { ok: false, reason: cannotHold(err) };
        if (code !== 'EEXIST') throw err;
        st = await lstat(p);
      }
    }
    if (st.isSymbolicLink())
      return {
        ok: false,
        reason: `refused: its folder "${key}" is a link in the restore folder (links there are not followed)`,
      };
    if (!st.isDirectory()) return { ok: false, reason: `a file with the name of its folder "${key}" already exists` };
    return { ok: true, path: p };
  }
}
