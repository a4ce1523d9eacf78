import { describe, expect, it } from 'vitest';
import { ProgressTracker } from './progress.ts';
import type { DiskPrepProgress } from '../../../shared/contract/diskprep.ts';

const MB = 1_000_000;

describe('ProgressTracker: every disk of a run with its own rate and ETA', () => {
  it('rates and ETAs per disk from the bytes each disk moved; phase changes go out at once, files do not move the phase', () => {
    let t = 1_000_000;
    const out: DiskPrepProgress[] = [];
    const p = new ProgressTracker(
      (s) => out.push(s),
      200,
      () => t,
    );
    p.add({ serial: 'A', id: '/disks/a', bytes: 100 * MB, files: 2 });
    p.add({ serial: 'B', id: '/disks/b', bytes: 50 * MB, files: 1 });
    p.set('copy', 'A', 'packs/1');
    p.set('copy', 'B', 'packs/3');
    expect(out.map((s) => `${s.phase}:${s.serial}`)).toEqual(['copy:A', 'copy:B']);
    // One second: A moves 40 MB, B 10 MB (A at 40 MB/s, B at 10 MB/s).
    for (let i = 0; i < 10; i++) {
      t += 100;
      p.disk('A').copiedBytes += 4 * MB;
      p.worked(4 * MB, 'A');
      p.disk('B').copiedBytes += 1 * MB;
      p.worked(1 * MB, 'B');
    }
    p.set('copy', 'A', 'packs/2'); // another file, same phase: not a phase change
    expect(out.at(-1)!.phase).toBe('copy');
    expect(out.at(-1)!.serial).toBe('B');
    const s = p.snapshot();
    const [a, b] = s.disks;
    expect(a).toMatchObject({
      serial: 'A',
      id: '/disks/a',
      state: 'running',
      phase: 'copy',
      doneBytes: 40 * MB,
      totalBytes: 200 * MB,
      currentFile: 'packs/2',
    });
    expect(a.rate).toBeCloseTo(40 * MB, -3);
    expect(a.etaSeconds).toBeCloseTo(160 / 40, 1);
    expect(b.rate).toBeCloseTo(10 * MB, -3);
    expect(b.etaSeconds).toBeCloseTo(90 / 10, 1);
    expect(s.rate).toBeCloseTo(50 * MB, -3);
    expect(s.doneBytes).toBe(50 * MB);
    expect(s.totalBytes).toBe(300 * MB);

    p.failed('B', 'Disk B (/disks/b) is full: …');
    p.set('done', 'A');
    const end = p.snapshot();
    expect(end.disks[0]).toMatchObject({ state: 'done', phase: 'done' });
    expect(end.disks[0].rate).toBeUndefined();
    expect(end.disks[1]).toMatchObject({ state: 'failed', phase: 'copy', error: 'Disk B (/disks/b) is full: …' });
    expect(end.disks[1].etaSeconds).toBeUndefined();
    expect(`${end.phase}:${end.serial}`).toBe('done:A');
  });
});
