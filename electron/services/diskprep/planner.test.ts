import { describe, expect, it } from 'vitest';
import { RESERVE_BASE, fileCost, planDisks, proposeSplit } from './planner.ts';

const MiB = 1024 * 1024;
const files = (ls: number[]) => ls.map((length, i) => ({ path: `p/${i}`, length }));

describe('planner', () => {
  it('fills disks first-fit in order and keeps room for manifest/BOM/journal', () => {
    const p = planDisks(files([5 * MiB, 5 * MiB, 5 * MiB]), [
      { serial: 'A', capacityBytes: 12 * MiB },
      { serial: 'B', capacityBytes: 12 * MiB },
    ]);
    expect(p.disks.map((d) => d.files)).toEqual([['p/0', 'p/1'], ['p/2']]);
    expect(p.fits).toBe(true);
    for (const d of p.disks) expect(d.plannedBytes).toBeLessThanOrEqual(d.capacityBytes);
    expect(p.disks[0].plannedBytes).toBe(RESERVE_BASE + 2 * fileCost({ path: 'x', length: 5 * MiB }));
  });

  it('says exactly how much more capacity is needed', () => {
    const f = files([5 * MiB, 5 * MiB, 5 * MiB]);
    const p = planDisks(f, [{ serial: 'A', capacityBytes: 12 * MiB }]);
    expect(p.fits).toBe(false);
    expect(p.unassigned.map((x) => x.path)).toEqual(['p/2']);
    expect(p.neededBytes).toBe(RESERVE_BASE + fileCost(f[2]));
    const more = planDisks(f, [
      { serial: 'A', capacityBytes: 12 * MiB, assigned: p.disks[0].files },
      { serial: 'B', capacityBytes: p.neededBytes },
    ]);
    expect(more.fits).toBe(true);
    expect(more.disks[0].files).toEqual(p.disks[0].files);
    expect(
      planDisks(f, [
        { serial: 'A', capacityBytes: 12 * MiB, assigned: p.disks[0].files },
        { serial: 'B', capacityBytes: p.neededBytes - 1 },
      ]).fits,
    ).toBe(false);
  });

  it('never plans more than 10 disks; proposes a split', () => {
    const f = files(Array.from({ length: 25 }, () => 3 * MiB));
    const disks = Array.from({ length: 10 }, (_, i) => ({ serial: `D${i}`, capacityBytes: 8 * MiB }));
    const p = planDisks(f, disks);
    expect(p.tooManyDisks).toBe(true);
    const parts = proposeSplit(f, 8 * MiB);
    expect(parts.every((x) => x.disks <= 10)).toBe(true);
    expect(parts.reduce((s, x) => s + x.files, 0)).toBe(25);
    expect(parts.length).toBe(2);
    expect(parts[1].firstFile).toBe('p/20');
  });
});
