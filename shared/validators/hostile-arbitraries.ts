/**
 * Test-only fast-check arbitraries for the `*.property.test.ts` files next to the validators: random and hostile
 * strings (huge, unicode, NUL and control characters, path traversal, Windows device names, prototype keys)
 * and numbers at and over every bound (NaN, ±Infinity, -0, fractions, huge).
 */
import fc from 'fast-check';

export const PROTO_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
];

const SPECIAL_STRINGS = [
  '',
  ' ',
  '\0',
  'a\0b',
  '\u0007\u001b[2J\r\n\t',
  '../../../etc/passwd',
  '..\\..\\Windows\\System32\\config\\SAM',
  '/etc/shadow',
  'C:\\Windows',
  'C:',
  'c:/',
  '\\\\server\\share\\folder',
  '\\\\?\\C:\\x',
  '\\\\.\\PhysicalDrive0',
  'CON',
  'NUL',
  'COM1',
  'LPT1.txt',
  'name. ',
  'file...',
  '%2e%2e%2f',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  "'; DROP TABLE jobs; --",
  '\u202Egnp.exe',
  '\uFEFF',
  '\uD800',
  '𝒜😀e\u0301',
  'İ',
  'ǅ',
  '٣٤٥',
  '０１２３',
  ...PROTO_KEYS,
];

/** Any string a hostile caller could send, including very long ones. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 80 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 80 }) },
  { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_STRINGS) },
  {
    weight: 1,
    arbitrary: fc.string({ unit: fc.constantFrom('a', '-', '.', '/', '\\', '\0', ' ', ':', '@', '0'), maxLength: 300 }),
  },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom('a', '0', '.', '-', '@', '/', '\\', 'x'), fc.integer({ min: 1_000, max: 200_000 }))
      .map(([c, n]) => c.repeat(n)),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.constantFrom(...SPECIAL_STRINGS), fc.string({ maxLength: 20 })).map(([a, b]) => a + b),
  },
);

/** Numbers at and over bounds: NaN, ±Infinity, -0, fractions, huge and tiny. */
export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(
    NaN,
    Infinity,
    -Infinity,
    -0,
    0,
    1,
    -1,
    0.5,
    1.5,
    2 ** 31,
    2 ** 53,
    -(2 ** 53),
    Number.MAX_VALUE,
    Number.MIN_VALUE,
    Number.EPSILON,
  ),
  fc.integer({ min: -100, max: 100_000 }),
  fc.double(),
);

/** A message for an admin: a non-empty string, never an object or a function. */
export function isMessage(m: unknown): m is string {
  return typeof m === 'string' && m.trim().length > 0;
}

/** Every value of an error map is a message (the maps the wizards use: { field: message }). */
export function isErrorMap(m: unknown): boolean {
  if (m === null || typeof m !== 'object' || Array.isArray(m)) return false;
  return Object.values(m).every((v) => v === undefined || isMessage(v));
}

/** Node's/JS's own prototypes stay clean after the run. */
export function prototypeUntouched(): boolean {
  return ({} as Record<string, unknown>).polluted === undefined && Object.getPrototypeOf({}) === Object.prototype;
}
