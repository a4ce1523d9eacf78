import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatProgress } from './format.ts';

describe('formatters', () => {
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
  });
  it('formats durations', () => {
    expect(formatDuration(45.4)).toBe('45 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(7620)).toBe('2 h 07 min');
    expect(formatDuration(3 * 86400 + 4 * 3600)).toBe('3 d 4 h');
  });
  it('formats progress with only the known parts', () => {
    expect(formatProgress({ done: 3, total: 12, unit: 'steps' })).toBe('3 steps of 12 steps (25%)');
    expect(formatProgress({ done: 1, unit: 'files', rate: 2.5 })).toBe('1 file so far · 2.5 files/s');
  });
});
