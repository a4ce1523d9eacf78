import { describe, expect, it } from 'vitest';
import { formatBytes } from './format-bytes.ts';
import { BYTE_FACTS, onlineRunMessage } from './online-facts.ts';

describe('an online run’s Jobs message', () => {
  it('states bytes as the details do (format-bytes), never as a raw count', () => {
    const m = onlineRunMessage({
      restorePoint: '20261205T210000Z-a1b2c3',
      files: 12,
      filesRead: 3,
      uploadedBytes: 4393,
      pointsPruned: 0,
    });
    expect(m).toBe('Restore point 20261205T210000Z-a1b2c3: 12 files, 3 read, 4.29 KiB uploaded.');
    expect(m).toContain(formatBytes(4393));
    expect(m).not.toMatch(/\d bytes/);
    expect(BYTE_FACTS.has('uploadedBytes')).toBe(true);
  });

  it('small, large and pruned runs', () => {
    expect(onlineRunMessage({ restorePoint: 'p', files: 1, filesRead: 0, uploadedBytes: 512, pointsPruned: 0 })).toBe(
      'Restore point p: 1 files, 0 read, 512 B uploaded.',
    );
    expect(
      onlineRunMessage({ restorePoint: 'p', files: 9, filesRead: 9, uploadedBytes: 3 * 1024 ** 3, pointsPruned: 2 }),
    ).toBe('Restore point p: 9 files, 9 read, 3.00 GiB uploaded; 2 expired restore point(s) removed.');
  });
});
