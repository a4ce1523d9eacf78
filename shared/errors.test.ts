import { describe, expect, it } from 'vitest';
import { plainSystemMessage, toIpcError } from './errors.ts';

describe('system errors in plain words', () => {
  it('drops the errno code and the syscall, keeps the words and the path', () => {
    expect(plainSystemMessage("ENOTDIR: not a directory, open '/srv/st/job/seed.json'")).toBe(
      'Not a directory: /srv/st/job/seed.json',
    );
    expect(plainSystemMessage("EXDEV: cross-device link not permitted, rename '/a' -> '/b'")).toBe(
      'Cross-device link not permitted: /a → /b',
    );
    expect(plainSystemMessage('ENOSPC: no space left on device, write')).toBe('No space left on device');
    expect(plainSystemMessage('The passphrase is wrong.')).toBe('The passphrase is wrong.');
  });
  it('toIpcError keeps the code as data and the words as the message', () => {
    const err = Object.assign(new Error("EACCES: permission denied, mkdir '/root/x'"), { code: 'EACCES' });
    expect(toIpcError(err)).toEqual({ code: 'PERMISSION_DENIED', message: 'Permission denied: /root/x' });
  });
});
