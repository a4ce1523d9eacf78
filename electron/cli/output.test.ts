import { describe, expect, it } from 'vitest';
import { printable } from './output.ts';

describe('terminal output', () => {
  it('escapes control characters, DEL, C1 and bidirectional overrides; leaves other text alone', () => {
    expect(printable('red\x1b[31malert\x07')).toBe('red\\x1B[31malert\\x07');
    expect(printable('two\nlines\tand\rreturn')).toBe('two\\x0Alines\\x09and\\x0Dreturn');
    expect(printable('del\x7f c1\u009b')).toBe('del\\x7F c1\\x9B');
    expect(printable('\u202Etxt.exe \u2066x\u2069 \u200e')).toBe('\\u202Etxt.exe \\u2066x\\u2069 \\u200E');
    expect(printable('Ünïcødé 文件 🎉 a\\\\b caf\\xE9')).toBe('Ünïcødé 文件 🎉 a\\\\b caf\\xE9');
    // Error messages that list findings one per line keep their newlines, nothing else.
    expect(printable('bad:\n  one\x1b[2J', { keepNewlines: true })).toBe('bad:\n  one\\x1B[2J');
  });
});
