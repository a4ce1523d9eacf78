import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';

describe('formatBytes', () => {
  it('formats bytes in binary units', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(7.5649 * 1024 * 1024)).toBe('7.56 MiB');
    expect(formatBytes(7.5649 * 1024 * 1024, true)).toBe('7.57 MiB');
    expect(formatBytes(7 * 1024 * 1024, true)).toBe('7.00 MiB');
    expect(formatBytes(1536)).toBe('1.50 KiB');
    expect(formatBytes(12.34 * 1024 ** 2)).toBe('12.3 MiB');
    expect(formatBytes(512 * 1024 ** 3)).toBe('512 GiB');
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(1.5 * 1024 ** 3)).toBe('1.50 GiB');
    expect(formatBytes(5 * 1024 ** 2 + 1, true)).toBe('5.01 MiB'); // "at least" never rounds down
  });
});
