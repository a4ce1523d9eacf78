import { describe, expect, it } from 'vitest';
import { backupInvoke } from './backup.ts';

/** recover:start takes a destination folder or the original location: exactly one. */
describe('recover:start request', () => {
  const source = { kind: 'staging' as const, stagingLocation: '/mnt/st', job: 'seed-one' };
  const parse = (more: Record<string, unknown>) =>
    backupInvoke['recover:start'].req.safeParse({ source, passphrase: 'p', ...more });

  it('accepts `to` or `originalLocation: true`', () => {
    expect(parse({ to: '/restore' }).success).toBe(true);
    expect(parse({ originalLocation: true, conflict: 'skip' }).success).toBe(true);
  });

  it('refuses both, neither, and originalLocation other than true', () => {
    for (const bad of [{ to: '/restore', originalLocation: true }, {}, { originalLocation: false }]) {
      const r = parse(bad);
      expect(r.success, JSON.stringify(bad)).toBe(false);
    }
    expect(parse({}).error?.issues[0].message).toMatch(/one of the two/);
  });
});
