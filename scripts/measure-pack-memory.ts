/**
 * `node --expose-gc scripts/measure-pack-memory.ts [--packs 100000] [--dir <tmp>]`
 *
 * Memory a backup holds per committed pack at terabyte scale (80 000 packs for 10 TB at ~50 % compression), in three
 * places, each as bytes of JS heap + external memory (Buffers) per pack, measured after a full GC:
 * - held: the committed packs kept through the run, as objects of hex strings (how the engine held them before
 *   job-state.ts PackTable) and in a PackTable (what it holds now);
 * - resume: a state log of that many packs read back, as readState's objects and as readStateTable's table;
 * - end: the packs' seed.json entries and the side file written from them (engine.ts packSeedFiles +
 *   seed-ranges-file.ts writeSeedRanges), retained while seed.json is written, and the peak sampled meanwhile.
 * Records are made as the pack writer makes them: 64 MiB + 300 KiB packs (17 page ranges), digests from `digest('hex')`.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommittedPack } from '../electron/services/backup/pack-writer.ts';
import { packPath } from '../electron/services/backup/pack-format.ts';
import { PackTable, readState, readStateTable, writeState } from '../electron/services/backup/job-state.ts';
import { packSeedFiles } from '../electron/services/backup/engine.ts';
import { writeSeedRanges } from '../electron/services/seed-ranges-file.ts';
import { rangeCount } from '../shared/page-ranges.ts';

const arg = (name: string, def: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : def;
};
const N = Number(arg('packs', '100000'));
const LENGTH = (64 << 20) + (300 << 10);

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('Run with node --expose-gc: the figures are taken after a full GC.');
const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};
const settled = (): number => {
  gc();
  gc();
  return used();
};

/** Runs `make`, keeps what it returns alive, and gives the retained bytes per pack and the sampled peak per pack. */
async function measure<T>(make: () => Promise<T> | T): Promise<{ kept: T; perPack: number; peakPerPack: number }> {
  const before = settled();
  let peak = before;
  const tick = setInterval(() => (peak = Math.max(peak, used())), 5);
  const kept = await make();
  clearInterval(tick);
  peak = Math.max(peak, used());
  const after = settled();
  return { kept, perPack: (after - before) / N, peakPerPack: (peak - before) / N };
}

const hex = (n: number, what: string, bytes: 'md5' | 'sha256') => createHash(bytes).update(`${what}${n}`).digest('hex');
const committed = (n: number): CommittedPack => ({
  n,
  path: packPath(n),
  length: LENGTH,
  sha256: hex(n, 'pack', 'sha256'),
  ranges: Array.from({ length: rangeCount(LENGTH) }, (_, r) => hex(n, `range${r}-`, 'md5')),
  chunks: 900,
});

const dir = await mkdtemp(join(arg('dir', tmpdir()), 'obc-pack-memory-'));
const row = (what: string, r: { perPack: number; peakPerPack: number }) =>
  console.log(
    `${what.padEnd(58)} ${r.perPack.toFixed(0).padStart(6)} B/pack retained  ${r.peakPerPack.toFixed(0).padStart(6)} B/pack peak  (${((r.perPack * 80000) / 1e6).toFixed(1)} MB at 80 000 packs)`,
  );
try {
  console.log(
    `${N} committed packs of ${LENGTH} bytes (${rangeCount(LENGTH)} page ranges each), node ${process.version}`,
  );
  const objects = await measure(() => Array.from({ length: N }, (_, i) => committed(i + 1)));
  row('held: CommittedPack objects (before)', objects);
  const table = await measure(() => {
    const t = new PackTable();
    for (let i = 1; i <= N; i++) t.push(committed(i));
    return t;
  });
  row('held: PackTable (now)', table);

  await writeState(dir, { jobName: 'measure', runs: 1, packs: table.kept });
  objects.kept.length = 0;
  const readObjects = await measure(() => readState(dir));
  row('resume: readState, objects (before)', readObjects);
  readObjects.kept!.packs.length = 0;
  const readTable = await measure(() => readStateTable(dir));
  row('resume: readStateTable, PackTable (now)', readTable);

  const end = await measure(async () => {
    const packs = await packSeedFiles(dir, readTable.kept!.packs);
    const side = await writeSeedRanges(dir, packs.files, (_, i) => packs.rangesAt(i));
    return side.files;
  });
  row('end: seed.json entries + side file (now)', end);
  const endBefore = await measure(async () => {
    const files = [...readTable.kept!.packs].map((p) => ({
      path: p.path,
      length: p.length,
      sha256: p.sha256,
      ranges: p.ranges,
    }));
    const side = await writeSeedRanges(dir, files);
    return { files, out: side.files }; // the engine held both until seed.json was written
  });
  row('end: seed.json entries + side file, hex ranges (before)', endBefore);
} finally {
  await rm(dir, { recursive: true, force: true });
}
