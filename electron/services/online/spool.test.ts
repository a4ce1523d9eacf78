import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdir, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tempDir } from '../test-temp.ts';
import { Spool, SPOOL_LOG, SPOOL_STATE, type SpoolPack } from './spool.ts';

const rec = (n: number): Omit<SpoolPack, 'uploaded'> => ({
  n,
  length: 1000 + n,
  sha256: (n % 256).toString(16).padStart(2, '0').repeat(32),
  chunks: n % 7,
});
const spoolDir = (work: string) => join(work, 'spool');
const logOf = (work: string) => readFile(join(spoolDir(work), SPOOL_LOG), 'utf8').catch(() => '');
const headerOf = async (work: string) => JSON.parse(await readFile(join(spoolDir(work), SPOOL_STATE), 'utf8'));

type Op = { op: 'add'; n: number } | { op: 'uploaded'; n: number } | { op: 'drop'; n: number };
const run = (s: Spool, o: Op) =>
  o.op === 'add' ? s.add(rec(o.n)) : o.op === 'uploaded' ? s.markUploaded(o.n) : s.drop(o.n);
/** What the packs are after the operations, by a model written apart from spool.ts (a map keeps insertion order). */
const model = (ops: Op[]): SpoolPack[] => {
  const m = new Map<number, SpoolPack>();
  for (const o of ops)
    if (o.op === 'add') m.set(o.n, { ...rec(o.n), uploaded: false });
    else if (o.op === 'uploaded') {
      const p = m.get(o.n);
      if (p) m.set(o.n, { ...p, uploaded: true });
    } else m.delete(o.n);
  return [...m.values()];
};

describe('online spool state: a header written at open and a log of calls', () => {
  it('each add, markUploaded and drop appends one line to the log; the header is not rewritten', async () => {
    const work = await tempDir('obc-spool-');
    const s = await Spool.open(work, 'job', 'b1');
    const header = await readFile(join(spoolDir(work), SPOOL_STATE), 'utf8');
    const ops: Op[] = [
      { op: 'add', n: 1 },
      { op: 'add', n: 2 },
      { op: 'uploaded', n: 1 },
      { op: 'drop', n: 2 },
    ];
    let size = 0;
    for (const o of ops) {
      await run(s, o);
      const log = await logOf(work);
      expect(log.length).toBeGreaterThan(size);
      expect(log.slice(size).split('\n')).toHaveLength(2); // one line and its newline
      size = log.length;
    }
    expect(await readFile(join(spoolDir(work), SPOOL_STATE), 'utf8')).toBe(header);
    expect(s.state.packs).toEqual(model(ops));
  });

  it('calls made without waiting are logged in call order', async () => {
    const work = await tempDir('obc-spool-');
    const s = await Spool.open(work, 'job', 'b1');
    const ops: Op[] = [];
    for (let n = 1; n <= 30; n++) ops.push({ op: 'add', n }, { op: n % 2 ? 'uploaded' : 'drop', n });
    await Promise.all(ops.map((o) => run(s, o)));
    const lines = (await logOf(work))
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as Op);
    expect(lines.map((l) => [l.op, l.n])).toEqual(ops.map((o) => [o.op, o.n]));
    expect((await Spool.open(work, 'job', 'b1')).state.packs).toEqual(model(ops));
  });

  it('reopening replays add, uploaded and drop in order and compacts them into the header', async () => {
    const work = await tempDir('obc-spool-');
    const s = await Spool.open(work, 'job', 'b1');
    const ops: Op[] = [
      { op: 'add', n: 1 },
      { op: 'add', n: 2 },
      { op: 'add', n: 3 },
      { op: 'uploaded', n: 2 },
      { op: 'drop', n: 1 },
      { op: 'add', n: 1 }, // a dropped pack committed again: after the others, not uploaded
      { op: 'uploaded', n: 3 },
      { op: 'drop', n: 3 },
    ];
    for (const o of ops) await run(s, o);
    const again = await Spool.open(work, 'job', 'b1');
    expect(again.discarded).toBeNull();
    expect(again.state.packs).toEqual([
      { ...rec(2), uploaded: true },
      { ...rec(1), uploaded: false },
    ]);
    expect(again.state.runs).toBe(2);
    // Compacted: the header holds the packs, the log is gone until the next call.
    expect(await readdir(spoolDir(work))).not.toContain(SPOOL_LOG);
    expect(await headerOf(work)).toMatchObject({ version: 1, jobName: 'job', backupId: 'b1', runs: 2 });
    expect((await headerOf(work)).packs).toEqual(again.state.packs);
    // A crash after the header's rewrite and before the log's removal: the log replayed again changes nothing.
    await writeFile(join(spoolDir(work), SPOOL_LOG), await logOfOps(ops));
    expect((await Spool.open(work, 'job', 'b1')).state.packs).toEqual(again.state.packs);
  });

  it('a line cut short by a crash is a call that did not happen', async () => {
    const work = await tempDir('obc-spool-');
    const s = await Spool.open(work, 'job', 'b1');
    await s.add(rec(1));
    await s.add(rec(2));
    const before = (await logOf(work)).length;
    await s.markUploaded(2);
    await truncate(join(spoolDir(work), SPOOL_LOG), before + 5);
    const again = await Spool.open(work, 'job', 'b1');
    expect(again.discarded).toBeNull();
    expect(again.state.packs).toEqual([
      { ...rec(1), uploaded: false },
      { ...rec(2), uploaded: false },
    ]);
  });

  it('a damaged complete line discards the spool, says so and keeps the log aside', async () => {
    const work = await tempDir('obc-spool-');
    const s = await Spool.open(work, 'job', 'b1');
    await s.add(rec(1));
    await writeFile(join(s.dir, 'packs', 'pack-000001.bin'), 'x');
    await s.add(rec(2));
    await s.markUploaded(1);
    const log = (await logOf(work)).split('\n');
    log[1] = log[1].replace('"add"', '"added"');
    await writeFile(join(spoolDir(work), SPOOL_LOG), log.join('\n'));
    const again = await Spool.open(work, 'job', 'b1');
    expect(again.discarded).toMatch(/spool state of an interrupted run was damaged \(line 2 of state\.log .*kept as /);
    expect(again.state.packs).toEqual([]);
    expect(again.state.runs).toBe(1);
    const files = await readdir(spoolDir(work));
    expect(files.filter((f) => f.startsWith(`${SPOOL_LOG}.corrupt-`))).toHaveLength(1);
    expect(files).not.toContain(SPOOL_LOG);
    expect(await readdir(join(spoolDir(work), 'packs'))).toEqual([]);
  });

  it('cut at any byte by a crash after any calls, reopening gives exactly the durable prefix', async () => {
    const opArb = fc.oneof(
      fc.record({ op: fc.constant('add' as const), n: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ op: fc.constant('uploaded' as const), n: fc.integer({ min: 1, max: 8 }) }),
      fc.record({ op: fc.constant('drop' as const), n: fc.integer({ min: 1, max: 8 }) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(opArb, { maxLength: 25 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.boolean(),
        async (ops, at, zeros) => {
          const work = await tempDir('obc-spool-');
          const s = await Spool.open(work, 'job', 'b1');
          const ends: number[] = []; // the log's size once each call resolved: that call is durable
          for (const o of ops) {
            await run(s, o);
            ends.push((await stat(join(spoolDir(work), SPOOL_LOG))).size);
          }
          expect(s.state.packs).toEqual(model(ops));
          const full = await readFile(join(spoolDir(work), SPOOL_LOG)).catch(() => Buffer.alloc(0));
          const cut = Math.floor(at * full.length);
          // A crash leaves the log cut at any byte, or (delayed allocation) its tail filled with zeros.
          if (full.length > 0)
            await writeFile(
              join(spoolDir(work), SPOOL_LOG),
              zeros ? Buffer.concat([full.subarray(0, cut), Buffer.alloc(full.length - cut)]) : full.subarray(0, cut),
            );
          const durable = ends.filter((e) => e <= cut).length;
          const again = await Spool.open(work, 'job', 'b1');
          expect(again.discarded).toBeNull();
          expect(again.state.packs).toEqual(model(ops.slice(0, durable)));
        },
      ),
      { numRuns: 80 },
    );
  });

  it('writes a number of bytes linear in the calls (no rewrite of every pack per call)', async () => {
    const work = await tempDir('obc-spool-');
    const s = await Spool.open(work, 'job', 'b1');
    for (let n = 1; n <= 400; n++) await s.add(rec(n));
    const perAdd = (await logOf(work)).length / 400;
    for (let n = 1; n <= 400; n++) await s.markUploaded(n);
    expect((await logOf(work)).length).toBeLessThan(400 * perAdd + 400 * 40);
    expect((await readFile(join(spoolDir(work), SPOOL_STATE), 'utf8')).length).toBeLessThan(300);
  });
});

/** The log the operations leave, made by a spool in a folder of its own. */
async function logOfOps(ops: Op[]): Promise<string> {
  const work = await tempDir('obc-spool-');
  const s = await Spool.open(work, 'job', 'b1');
  for (const o of ops) await run(s, o);
  return logOf(work);
}
