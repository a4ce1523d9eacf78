import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkBitLockerKey,
  checkContainerName,
  checkDriveId,
  checkGuid,
  checkJobName,
  checkManifestHash,
  checkResourceGroupName,
  checkStorageAccountId,
  checkStorageAccountName,
  checkSubscriptionId,
  checkTrackingNumber,
  normalizeTrackingNumber,
  zContainerName,
  zJobName,
  zResourceGroupName,
  zStorageAccountId,
  zStorageAccountName,
  zSubscriptionId,
  zTrackingNumber,
  type Check,
} from './azure-names.ts';
import { hostileString, isMessage, prototypeUntouched } from './hostile-arbitraries.ts';

const checks: Record<string, Check> = {
  checkJobName,
  checkStorageAccountName,
  checkContainerName,
  checkSubscriptionId,
  checkResourceGroupName,
  checkTrackingNumber,
  checkDriveId,
  checkBitLockerKey,
  checkManifestHash,
  checkStorageAccountId,
  guid: checkGuid('Tenant id'),
};
const schemas = {
  zJobName,
  zStorageAccountName,
  zContainerName,
  zSubscriptionId,
  zResourceGroupName,
  zTrackingNumber,
  zStorageAccountId,
};

describe('Azure name checks with random and hostile values', () => {
  it.each(Object.entries(checks))('%s never throws and returns null or a message', (_, check) => {
    fc.assert(
      fc.property(hostileString, (v) => {
        const m = check(v);
        expect(m === null || isMessage(m)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('nothing containing NUL, control characters, separators or "..", and nothing huge, is accepted as a name', () => {
    const bad = fc.oneof(
      fc
        .tuple(hostileString, fc.constantFrom('\0', '\n', '\u001b', '/', '\\', '..', ' ', '\u202E'), hostileString)
        .map(([a, c, b]) => a + c + b),
      fc.string({ minLength: 4097, maxLength: 5000 }),
    );
    fc.assert(
      fc.property(bad, (v) => {
        for (const [name, check] of Object.entries(checks)) {
          if (name === 'checkTrackingNumber' && /^[\sA-Za-z0-9-]*$/.test(v)) continue;
          // Dots are legal in resource groups and drive serials (never used as a path of their own).
          if (
            (name === 'checkResourceGroupName' || name === 'checkDriveId') &&
            !['\0', '\n', '\u001b', '/', '\\', ' ', '\u202E'].some((c) => v.includes(c)) &&
            v.length <= 90
          )
            continue;
          expect(check(v), `${name}(${JSON.stringify(v.slice(0, 40))})`).not.toBeNull();
        }
      }),
      { numRuns: 300 },
    );
  });

  it('accepted names match the documented rules', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        if (checkJobName(v) === null) expect(v).toMatch(/^[a-z][a-z0-9-]{1,63}$/);
        if (checkStorageAccountName(v) === null) expect(v).toMatch(/^[a-z0-9]{3,24}$/);
        if (checkContainerName(v) === null) expect(v).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
        if (checkDriveId(v) === null) expect(v.length).toBeLessThanOrEqual(64);
      }),
      { numRuns: 500 },
    );
  });

  it.each(Object.entries(schemas))('%s: safeParse of anything never throws; failures carry messages', (_, schema) => {
    fc.assert(
      fc.property(fc.oneof(hostileString, fc.anything()), (v) => {
        const r = schema.safeParse(v);
        if (!r.success) for (const i of r.error.issues) expect(isMessage(i.message)).toBe(true);
        else expect(typeof r.data).toBe('string');
      }),
      { numRuns: 300 },
    );
    expect(prototypeUntouched()).toBe(true);
  });

  it('normalizeTrackingNumber is idempotent and strips every space and dash', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        const n = normalizeTrackingNumber(v);
        expect(normalizeTrackingNumber(n)).toBe(n);
        expect(n).not.toMatch(/[\s-]/);
      }),
    );
  });
});
