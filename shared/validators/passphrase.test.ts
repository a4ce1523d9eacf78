import { describe, expect, it } from 'vitest';
import { checkPassphrase, generatePassphrase, isValidPassphrase } from './passphrase.ts';

describe('passphrase rule (decision 9)', () => {
  it('accepts 16–256 printable ASCII characters, spaces included', () => {
    expect(isValidPassphrase('a'.repeat(16))).toBe(true);
    expect(isValidPassphrase(' ~!@#$%^&*()_+{}|:"<>?'.padEnd(20, 'x'))).toBe(true);
    expect(isValidPassphrase('x'.repeat(256))).toBe(true);
  });
  it('refuses short, long and non-ASCII passphrases with the reason', () => {
    const short = checkPassphrase('short');
    expect(short.ok).toBe(false);
    expect(!short.ok && short.reason).toMatch(/at least 16/);
    expect(checkPassphrase('x'.repeat(257)).ok).toBe(false);
    const bad = checkPassphrase('ünicode passphrase here');
    expect(!bad.ok && bad.reason).toMatch(/position 1/);
    expect(checkPassphrase('tab\there is not allowed').ok).toBe(false);
  });
  it('generates valid passphrases', () => {
    for (let i = 0; i < 20; i++) expect(isValidPassphrase(generatePassphrase(32))).toBe(true);
    expect(generatePassphrase(5).length).toBe(16);
  });
});
