import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PackTable, readStateTable, StateLog, STATE_FILE, STATE_LOG, writeState, type StatePack } from './job-state.ts';
import { packPath } from './pack-format.ts';
import { tempDir } from './test-trees.ts';

const hexOf = (bytes: number) =>
  fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
/** Mostly what the pack writer commits; sometimes what only a hand-edited or older log has (kept as objects). */
const record = (n: number): fc.Arbitrary<StatePack> =>
  fc.record(
    {
      n: fc.constant(n),
      path: fc.oneof({ weight: 5, arbitrary: fc.constant(packPath(n)) }, { weight: 1, arbitrary: fc.string() }),
      length: fc.oneof(fc.nat(), fc.constant((64 << 20) + 12345)),
      sha256: fc.oneof(
        { weight: 5, arbitrary: hexOf(32) },
        { weight: 1, arbitrary: hexOf(32).map((h) => h.toUpperCase()) },
      ),
      md5: fc.oneof({ weight: 5, arbitrary: hexOf(16) }, { weight: 1, arbitrary: fc.string() }),
      ranges: fc.array(fc.oneof({ weight: 9, arbitrary: hexOf(16) }, { weight: 1, arbitrary: hexOf(15) }), {
        maxLength: 18,
      }),
      chunks: fc.nat(),
    },
    { requiredKeys: ['n', 'path', 'length', 'sha256', 'chunks'] },
  );
/** The records of distinct pack numbers, in the shape the log has them (key order of the schema). */
const records = fc
  .uniqueArray(fc.integer({ min: 1, max: 2 ** 40 }), { maxLength: 40 })
  .chain((ns) => fc.tuple(...ns.map(record)))
  .map((ps) => ps.map((p) => JSON.parse(JSON.stringify(p)) as StatePack));
const lines = (ps: Iterable<StatePack>) => [...ps].map((p) => JSON.stringify(p) + '\n').join('');

describe('PackTable: committed packs held compact', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-pack-table-')));
  afterEach(() => cleanup());

  it('gives back every record as the state log has it, byte for byte, also after dropping some', () => {
    fc.assert(
      fc.property(records, fc.array(fc.boolean(), { maxLength: 40 }), (ps, keep) => {
        const t = new PackTable();
        for (const p of ps) t.push(p);
        expect(t.size).toBe(ps.length);
        expect(lines(t)).toBe(lines(ps));
        expect(t.maxN()).toBe(Math.max(0, ...ps.map((p) => p.n)));
        expect(t.totalLength()).toBe(ps.reduce((s, p) => s + p.length, 0));
        expect(ps.map((_, i) => [t.numberAt(i), t.pathAt(i), t.lengthAt(i)])).toEqual(
          ps.map((p) => [p.n, p.path, p.length]),
        );
        t.retain((_, i) => keep[i] ?? true);
        const kept = ps.filter((_, i) => keep[i] ?? true);
        expect(lines(t)).toBe(lines(kept));
        // The range MD5s as the side file takes them, where the table holds them as bytes.
        kept.forEach((p, i) => {
          const b = t.rangeBytesAt(i);
          if (b) expect(b).toEqual(Buffer.from(p.ranges!.join(''), 'hex'));
        });
        expect(t.byNumber().map((i) => t.numberAt(i))).toEqual(kept.map((p) => p.n).sort((a, b) => a - b));
      }),
      { numRuns: 200 },
    );
  });

  it("a state log read into the table and written again is the same bytes (the log's later line wins)", async () => {
    const ps = fc.sample(records, { numRuns: 1, seed: 17 })[0].slice(0, 30);
    await writeState(dir, { jobName: 'job-a', runs: 1, packs: [] });
    const log = new StateLog(dir);
    for (const p of ps) await log.append(p);
    const again = { ...ps[0], length: ps[0].length + 1 };
    await log.append(again);
    const appended = await readFile(join(dir, STATE_LOG), 'utf8');
    expect(appended).toBe(lines([...ps, again]));
    const state = (await readStateTable(dir))!;
    expect(lines(state.packs)).toBe(lines([again, ...ps.slice(1)]));
    await writeState(dir, state);
    expect(await readFile(join(dir, STATE_LOG), 'utf8')).toBe(lines([again, ...ps.slice(1)]));
  });

  it('a version-1 header pack logged again is replaced where it stands, with more range MD5s or as many', async () => {
    const pack = (n: number, k: number): StatePack => ({
      n,
      path: packPath(n),
      length: k << 22,
      sha256: String(n % 10).repeat(64),
      md5: 'ab'.repeat(16),
      ranges: Array.from({ length: k }, (_, r) => String(r % 10).repeat(32)),
      chunks: n,
    });
    const ps = [1, 2, 3, 4].map((n) => pack(n, 2));
    await writeFile(join(dir, STATE_FILE), JSON.stringify({ version: 1, jobName: 'old', runs: 2, packs: ps }));
    const log = new StateLog(dir);
    for (const p of [pack(2, 3), pack(3, 2), pack(1, 0), pack(5, 1)]) await log.append(p);
    const state = (await readStateTable(dir))!;
    expect(lines(state.packs)).toBe(lines([pack(1, 0), pack(2, 3), pack(3, 2), pack(4, 2), pack(5, 1)]));
    expect(state.packs.rangeBytesAt(1)).toEqual(Buffer.from(pack(2, 3).ranges!.join(''), 'hex'));
  });
});
