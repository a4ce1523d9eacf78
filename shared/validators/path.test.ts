import { describe, expect, it } from 'vitest';
import { zPath } from './path.ts';

const problem = (v: unknown) => {
  const r = zPath.safeParse(v);
  return r.success ? null : r.error.issues[0]?.message;
};

describe('zPath', () => {
  it('takes a path of up to 4096 characters', () => {
    expect(problem('/srv/data')).toBeNull();
    expect(problem('C:\\Data')).toBeNull();
    expect(problem('x'.repeat(4096))).toBeNull();
  });
  it('refuses an empty path, a longer one and a NUL', () => {
    expect(problem('')).toBe('a path is required');
    expect(problem('x'.repeat(4097))).not.toBeNull();
    expect(problem('/srv/da\0ta')).toBe('path contains a NUL character');
    expect(problem(42)).not.toBeNull();
  });
});
