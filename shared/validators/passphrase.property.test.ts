import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PASSPHRASE_MAX,
  PASSPHRASE_MIN,
  checkPassphrase,
  generatePassphrase,
  isValidPassphrase,
} from './passphrase.ts';
import { hostileNumber, hostileString, isMessage } from './hostile-arbitraries.ts';

describe('passphrase rule with random and hostile values', () => {
  it('never throws, always a typed result, and never echoes the passphrase', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        const r = checkPassphrase(v);
        expect(typeof r.ok).toBe('boolean');
        if (!r.ok) {
          expect(isMessage(r.reason)).toBe(true);
          if (v.trim().length >= 6) expect(r.reason).not.toContain(v);
        }
        expect(isValidPassphrase(v)).toBe(r.ok);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepts exactly 16–256 printable ASCII characters', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        const expected = v.length >= PASSPHRASE_MIN && v.length <= PASSPHRASE_MAX && /^[\x20-\x7e]*$/.test(v);
        expect(checkPassphrase(v).ok).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('non-string values (from a hostile IPC caller) give a typed refusal', () => {
    fc.assert(
      fc.property(
        fc.anything().filter((v) => typeof v !== 'string'),
        (v) => {
          const r = checkPassphrase(v as string);
          expect(r.ok).toBe(false);
        },
      ),
    );
  });

  it('generatePassphrase always yields a valid passphrase, whatever length is asked (NaN, ±Infinity, fractions)', () => {
    fc.assert(
      fc.property(hostileNumber, (n) => {
        const p = generatePassphrase(n);
        expect(checkPassphrase(p)).toEqual({ ok: true });
      }),
      { numRuns: 300 },
    );
  });
});
