/**
 * Passphrase rule (SPEC decision 9): 16 to 256 ASCII characters, codes 32–126 (printable, space allowed).
 * Pure: used by the Back Up Now wizard, the CLI and the backup engine alike. Never echoes the passphrase.
 */
export const PASSPHRASE_MIN = 16;
export const PASSPHRASE_MAX = 256;

export type PassphraseCheck = { ok: true } | { ok: false; reason: string };

export function checkPassphrase(value: string): PassphraseCheck {
  if (typeof value !== 'string') return { ok: false, reason: 'The passphrase must be text.' };
  if (value.length < PASSPHRASE_MIN) {
    return {
      ok: false,
      reason: `The passphrase is ${value.length} characters long; at least ${PASSPHRASE_MIN} are required.`,
    };
  }
  if (value.length > PASSPHRASE_MAX) {
    return {
      ok: false,
      reason: `The passphrase is ${value.length} characters long; at most ${PASSPHRASE_MAX} are allowed.`,
    };
  }
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 32 || c > 126) {
      return {
        ok: false,
        reason: `The passphrase has a character outside printable ASCII (code ${c}) at position ${i + 1}; only codes 32–126 are allowed.`,
      };
    }
  }
  return { ok: true };
}

export const isValidPassphrase = (value: string): boolean => checkPassphrase(value).ok;

/** Generates a random passphrase from an unambiguous printable alphabet (the wizard's "generate" button). */
export function generatePassphrase(length = 32, random: (n: number) => Uint8Array = defaultRandom): string {
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!#%+=';
  const n = Math.min(PASSPHRASE_MAX, Math.max(PASSPHRASE_MIN, Number.isNaN(length) ? 32 : Math.trunc(length)));
  let out = '';
  while (out.length < n) {
    for (const b of random(n * 2)) {
      // Rejection sampling keeps the distribution uniform.
      if (b < 256 - (256 % alphabet.length)) out += alphabet[b % alphabet.length];
      if (out.length === n) break;
    }
  }
  return out;
}

function defaultRandom(n: number): Uint8Array {
  const a = new Uint8Array(n);
  (globalThis as unknown as { crypto: { getRandomValues(x: Uint8Array): Uint8Array } }).crypto.getRandomValues(a);
  return a;
}
