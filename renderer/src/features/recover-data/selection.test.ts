import { describe, expect, it } from 'vitest';
import type { CatalogChild } from '../../../../shared/contract/backup.ts';
import { ancestorsOf, checkState, normalise, toggle } from './selection.ts';

const node = (path: string, type: CatalogChild['type'] = 'file'): CatalogChild => ({
  name: path.split('/').pop()!,
  path,
  type,
  size: 1,
  mtimeMs: 0,
});
const tree = {
  '': [node('srv', 'dir')],
  srv: [node('srv/a', 'dir'), node('srv/b.txt')],
  'srv/a': [node('srv/a/x'), node('srv/a/y')],
};

describe('catalog selection', () => {
  it('knows ancestors and check states', () => {
    expect(ancestorsOf('srv/a/x')).toEqual(['', 'srv', 'srv/a']);
    expect(checkState('srv/a/x', ['srv'])).toBe('checked');
    expect(checkState('srv', ['srv/a/x'])).toBe('mixed');
    expect(checkState('srv/b.txt', ['srv/a'])).toBe('unchecked');
    expect(checkState('srv/a', [''])).toBe('checked');
  });

  it('checks a folder (dropping its descendants) and folds a full folder into its parent', () => {
    expect(toggle('srv/a', ['srv/a/x'], tree)).toEqual(['srv/a']);
    expect(toggle('srv/a/y', ['srv/a/x'], tree)).toEqual(['srv/a']);
    expect(normalise(['srv/a', 'srv/b.txt'], tree)).toEqual(['']);
  });

  it('unchecking inside a selected folder keeps the siblings on every level', () => {
    expect(toggle('srv/a/x', ['srv'], tree).sort()).toEqual(['srv/a/y', 'srv/b.txt']);
    expect(toggle('srv/a/x', [''], tree).sort()).toEqual(['srv/a/y', 'srv/b.txt']);
    expect(toggle('srv', ['srv'], tree)).toEqual([]);
  });
});
