import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { seedFileSchema, seedSchema } from './staging.ts';
import { BITLOCKER_KEY_RE, folderDiskSchema } from './disks.ts';
import {
  PROTO_KEYS,
  hostileNumber,
  hostileString,
  isMessage,
  prototypeUntouched,
} from './validators/hostile-arbitraries.ts';

/** seed.json and obc-disk.json are read from disks and staging folders that anyone could have edited. */
describe('seed.json and folder-disk descriptors with hostile content', () => {
  const seedFile = fc.record({ path: hostileString, length: hostileNumber, sha256: hostileString });
  it('seed file entries: only relative, traversal-free paths of safe characters pass', () => {
    for (const p of ['..', '../x', 'a/../../b', './a', 'a/.', '/etc/passwd', 'C:/x', 'a\\b', 'a\0b'])
      expect(seedFileSchema.safeParse({ path: p, length: 512, sha256: '0'.repeat(64) }).success, p).toBe(false);
    fc.assert(
      fc.property(fc.oneof(seedFile, fc.anything()), (v) => {
        const r = seedFileSchema.safeParse(v);
        if (!r.success) {
          for (const i of r.error.issues) expect(isMessage(i.message)).toBe(true);
          return;
        }
        const p = r.data.path;
        expect(p.startsWith('/')).toBe(false);
        expect(p).not.toMatch(/[\\:\0]/);
        expect(Number.isInteger(r.data.length) && r.data.length % 512 === 0 && r.data.length >= 0).toBe(true);
        expect(p.split('/')).not.toContain('..');
        expect(p.split('/')).not.toContain('.');
      }),
      { numRuns: 800 },
    );
  });

  it('whole seed descriptors and folder-disk descriptors: safeParse of anything never throws', () => {
    const hostile = fc.oneof(
      fc.anything(),
      fc.record(
        {
          format: fc.constantFrom('obc-seed', 'obc-folder-disk', 'x'),
          formatVersion: hostileNumber,
          jobName: hostileString,
          serial: hostileString,
          capacityBytes: hostileNumber,
          bitLockerKey: hostileString,
          files: fc.array(seedFile, { maxLength: 3 }),
        },
        { requiredKeys: [] },
      ),
      fc.constantFrom(...PROTO_KEYS).map((k) => JSON.parse(`{"${k}": {"polluted": true}, "format": "obc-seed"}`)),
    );
    fc.assert(
      fc.property(hostile, (v) => {
        for (const schema of [seedSchema, folderDiskSchema]) {
          const r = schema.safeParse(v);
          if (!r.success) for (const i of r.error.issues) expect(isMessage(i.message)).toBe(true);
        }
        const d = folderDiskSchema.safeParse(v);
        if (d.success) {
          expect(d.data.serial).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
          expect(Number.isSafeInteger(d.data.capacityBytes) || Number.isInteger(d.data.capacityBytes)).toBe(true);
        }
      }),
      { numRuns: 800 },
    );
    expect(prototypeUntouched()).toBe(true);
  });

  it('the BitLocker key pattern accepts only 8 groups of 6 ASCII digits', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        if (BITLOCKER_KEY_RE.test(v)) expect(v).toMatch(/^[0-9-]{55}$/);
      }),
      { numRuns: 500 },
    );
    expect(BITLOCKER_KEY_RE.test('٠٠٠٠٠٠-000000-000000-000000-000000-000000-000000-000000')).toBe(false);
  });
});
