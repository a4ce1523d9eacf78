import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { needsDiskFromSession, needsDiskMessage, needsDiskOf } from './needs-disk.ts';
import { planDisks } from './planner.ts';
import type { Session } from './session.ts';

const MiB = 1024 * 1024;
const files = [1, 2, 3].map((i) => ({ path: `packs/${i}.pack`, length: 5 * MiB }));
const session = (disks: Session['disks']): Session => ({
  format: 'obc-diskprep-session',
  formatVersion: 1,
  jobName: 'j',
  container: 'c',
  disks,
});

describe('needs another disk', () => {
  it('reads the numbers of the engine NO_SPACE pause, nothing else', () => {
    expect(
      needsDiskOf(new AppError('NO_SPACE', 'x', { neededBytes: 10, remainingFiles: 2, remainingBytes: 8 })),
    ).toEqual({ neededBytes: 10, remainingFiles: 2, remainingBytes: 8 });
    expect(needsDiskOf(new AppError('NO_SPACE', 'disk full'))).toBeNull();
    expect(needsDiskOf(new AppError('CONFLICT', 'x', { neededBytes: 10 }))).toBeNull();
  });

  it('works the pause out again from session.json with the planner rule the engine uses', () => {
    const first = planDisks(files, [{ serial: 'A', capacityBytes: 12 * MiB }]);
    const s = session([
      { serial: 'A', id: '/a', kind: 'folder', capacityBytes: 12 * MiB, files: first.disks[0].files },
    ]);
    expect(needsDiskFromSession(files, s)).toEqual({
      neededBytes: first.neededBytes,
      remainingFiles: 1,
      remainingBytes: 5 * MiB,
    });
    expect(needsDiskFromSession(files, null)).toBeNull();
    expect(needsDiskFromSession(files, session([]))).toBeNull();
    const all = session([
      { serial: 'A', id: '/a', kind: 'folder', capacityBytes: 64 * MiB, files: files.map((f) => f.path) },
    ]);
    expect(needsDiskFromSession(files, all)).toBeNull();
  });

  it('says how much more, how many files and how much is left', () => {
    // "at least" never rounds down: 5 MiB + 1 byte more is needed.
    expect(needsDiskMessage({ neededBytes: 5 * MiB + 1, remainingFiles: 1, remainingBytes: 512 })).toMatch(
      /^Waiting for another disk: at least 5\.01 MiB more \(1 file, 512 B left\)/,
    );
    expect(
      needsDiskMessage({ neededBytes: 3 * 1024 ** 3, remainingFiles: 2, remainingBytes: 2.5 * 1024 ** 3 }),
    ).toMatch(/^Waiting for another disk: at least 3\.00 GiB more \(2 files, 2\.50 GiB left\)\. Attach a disk/);
  });
});
