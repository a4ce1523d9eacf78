import { describe, expect, it } from 'vitest';
import { jobTypeOf } from './job-type.ts';

describe('--job-type', () => {
  it('names a backend, is optional, and refuses anything else by the two words it takes', () => {
    expect(jobTypeOf('data-box')).toBe('DataBox');
    expect(jobTypeOf('import-export')).toBe('ImportExport');
    expect(jobTypeOf(undefined)).toBeUndefined();
    for (const v of ['pigeon', 'DataBox', 'constructor', '__proto__'])
      expect(() => jobTypeOf(v)).toThrow(`--job-type "${v}" must be data-box or import-export.`);
  });
});
