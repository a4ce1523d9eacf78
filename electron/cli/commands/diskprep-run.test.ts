import { describe, expect, it } from 'vitest';
import type { DiskProgress } from '../../../shared/contract/diskprep.ts';
import { humanProgress } from './diskprep-run.ts';

const MiB = 1024 * 1024;
const disk = (serial: string, over: Partial<DiskProgress>): DiskProgress => ({
  serial,
  phase: 'copy',
  state: 'running',
  bytes: 100 * MiB,
  files: 2,
  copiedBytes: 0,
  copiedFiles: 0,
  verifiedBytes: 0,
  doneBytes: 0,
  totalBytes: 200 * MiB,
  ...over,
});

describe('obc diskprep progress lines', () => {
  it('one disk: the run line as before; several: one line per disk at work with its rate and ETA, a failed one named', () => {
    const one = {
      phase: 'copy' as const,
      serial: 'A',
      currentFile: 'packs/000001.pack',
      doneBytes: 50 * MiB,
      totalBytes: 200 * MiB,
      rate: 10 * MiB,
      etaSeconds: 14.2,
      disks: [disk('A', { doneBytes: 50 * MiB })],
      neededBytes: 0,
    };
    expect(humanProgress(one)).toBe('copy disk A: 25.0% · 10.0 MiB/s · ETA 15 s · packs/000001.pack');
    const many = {
      ...one,
      totalBytes: 600 * MiB,
      doneBytes: 150 * MiB,
      disks: [
        disk('A', { doneBytes: 50 * MiB, rate: 6 * MiB, etaSeconds: 25 }),
        disk('B', { phase: 'readback', doneBytes: 100 * MiB, rate: 4 * MiB, etaSeconds: 25 }),
        disk('C', { state: 'done', phase: 'done', doneBytes: 200 * MiB }),
        disk('D', { state: 'failed', error: 'Disk D (/d) is full.' }),
      ],
    };
    expect(humanProgress(many).split('\n')).toEqual([
      'copy disk A: 25.0% · 10.0 MiB/s · ETA 15 s · packs/000001.pack',
      '  disk A: copy 25.0% · 6.00 MiB/s · ETA 25 s',
      '  disk B: readback 50.0% · 4.00 MiB/s · ETA 25 s',
      '  disk D: failed: Disk D (/d) is full.',
    ]);
  });
});
