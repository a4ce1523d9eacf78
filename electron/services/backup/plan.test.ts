import { describe, expect, it } from 'vitest';
import { firstPiece, planUnits } from './plan.ts';
import type { ScanEntry } from './scan-entry.ts';

const entry = (path: string, type: ScanEntry['type'], size: number): ScanEntry => ({
  path,
  abs: '/' + path,
  type,
  size,
  mtimeMs: 1,
  mode: 0o644,
  ctimeMs: 2,
  ino: 3,
});

describe('planUnits', () => {
  it("gives each segment of a large file its start and length from its place among the file's pieces", () => {
    const entries = [
      entry('a', 'dir', 0),
      entry('a/big', 'file', 250),
      entry('a/empty', 'file', 0),
      entry('a/small', 'file', 40),
      entry('a/link', 'symlink', 0),
      entry('a/twice', 'file', 200),
      entry('a/tiny', 'file', 1),
    ];
    const { units, pieceFile, fileCount } = planUnits(entries, 100);
    expect(fileCount).toBe(4);
    expect([...pieceFile]).toEqual([1, 1, 1, 3, 5, 5, 6]);
    const pieces = Array.from({ length: units.length }, (_, u) => units.take(u)).flat();
    expect(pieces.map((p) => [p.piece, p.path, p.start, p.length])).toEqual([
      [0, '/a/big', 0, 100],
      [1, '/a/big', 100, 100],
      [2, '/a/big', 200, 50],
      [3, '/a/small', 0, 40],
      [4, '/a/twice', 0, 100],
      [5, '/a/twice', 100, 100],
      [6, '/a/tiny', 0, 1],
    ]);
    expect(pieces.every((p) => p.stat.join() === [entries[pieceFile[p.piece]].size, 1, 2, 3].join())).toBe(true);
  });

  it('finds the first piece of a file by binary search over the pieces of many files', () => {
    const pieceFile = Int32Array.from([0, 2, 2, 2, 5, 7, 7, 9, 9, 9, 9]);
    const want = [0, 1, 1, 1, 4, 5, 5, 7, 7, 7, 7];
    expect(Array.from(pieceFile, (_, p) => firstPiece(pieceFile, p))).toEqual(want);
  });
});
