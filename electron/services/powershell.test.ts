import { describe, expect, it } from 'vitest';
import { powershellArgs, psQuote } from './powershell.ts';

describe('PowerShell quoting and invocation', () => {
  it('quotes a literal: every kind of single quote doubled, control characters refused', () => {
    expect(psQuote("it's")).toBe("'it''s'");
    expect(psQuote('D:\\Backups\\Dana’s files')).toBe("'D:\\Backups\\Dana''s files'");
    expect(psQuote('‘a‚b‛')).toBe("'''a''b'''");
    expect(() => psQuote('a\nb')).toThrow(/line break or control character/);
    expect(() => psQuote('a\u0007b')).toThrow(/control character/);
  });

  it('runs through -EncodedCommand (UTF-16LE, base64), so the script needs no further quoting', () => {
    const a = powershellArgs('\'é\' "x"');
    expect(a.slice(0, 5)).toEqual(['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand']);
    expect(Buffer.from(a[5], 'base64').toString('utf16le')).toBe('\'é\' "x"');
  });
});
