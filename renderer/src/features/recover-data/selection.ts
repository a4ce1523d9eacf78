/**
 * Check-box selection over a lazily loaded catalog tree. `selected` holds catalog paths; a folder stands for
 * everything below it and '' for the whole backup. Pure, so the tree component stays simple and testable.
 */
import type { CatalogChild } from '../../../../shared/contract/backup.ts';

export type CheckState = 'checked' | 'mixed' | 'unchecked';
export type Tree = Record<string, CatalogChild[] | undefined>;

export const parentOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

/** '', 'a', 'a/b' for 'a/b/c' (not the path itself). */
export function ancestorsOf(p: string): string[] {
  if (p === '') return [];
  const parts = p.split('/');
  const out = [''];
  for (let i = 1; i < parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

const isBelow = (p: string, folder: string) => (folder === '' ? p !== '' : p.startsWith(folder + '/'));

export function checkState(path: string, selected: readonly string[]): CheckState {
  if (selected.includes(path) || ancestorsOf(path).some((a) => selected.includes(a))) return 'checked';
  if (selected.some((s) => isBelow(s, path))) return 'mixed';
  return 'unchecked';
}

/** Selection after the user clicks `path`'s box. Unchecking inside a selected folder splits it into its loaded children. */
export function toggle(path: string, selected: readonly string[], tree: Tree): string[] {
  const state = checkState(path, selected);
  if (state !== 'checked') return normalise([...selected.filter((s) => !isBelow(s, path)), path], tree);
  if (selected.includes(path)) return selected.filter((s) => s !== path);
  const chain = [...ancestorsOf(path), path];
  const top = chain.findIndex((a) => selected.includes(a));
  let out = selected.filter((s) => s !== chain[top]);
  // Walk down from the selected ancestor: keep every sibling of the path's branch at each level.
  for (let i = top; i < chain.length - 1; i++) {
    const kids = tree[chain[i]] ?? [];
    out = [...out, ...kids.map((k) => k.path).filter((k) => k !== chain[i + 1])];
  }
  return out;
}

/** Folds fully selected folders into the folder itself, so the request names as few paths as possible. */
export function normalise(selected: string[], tree: Tree): string[] {
  let out = [...new Set(selected)];
  for (let changed = true; changed;) {
    changed = false;
    for (const s of out) {
      if (s === '') continue;
      const parent = parentOf(s);
      const kids = tree[parent];
      if (kids && kids.length > 0 && kids.every((k) => out.includes(k.path))) {
        out = [...out.filter((x) => parentOf(x) !== parent || !kids.some((k) => k.path === x)), parent];
        changed = true;
        break;
      }
    }
  }
  return out;
}

export function selectionSummary(selected: readonly string[]): string {
  if (selected.includes('')) return 'Everything in the backup';
  if (selected.length === 0) return 'Nothing selected';
  return `${selected.length} item${selected.length === 1 ? '' : 's'} selected`;
}
