import { describe, expect, it } from 'vitest';
import { formatDuration, formatProgress } from './format.ts';

describe('formatters', () => {
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
