import { BroadcastChannel } from 'node:worker_threads';
import { describe, expect, it, vi } from 'vitest';
import type { JobKeys } from './crypto.ts';
import type { UnitList } from './plan.ts';
import { runPool, StartedWorkers } from './worker-pool.ts';
import { ITEM_DONE, REC_FIELDS, type WorkPiece } from './worker-protocol.ts';

/**
 * A stand-in chunk worker (worker-protocol.ts): each unit is answered with one "done" item per piece and `unitDone`.
 * A unit whose first path is "block" waits until the test has released it (`holdUnits`): the worker asks on a
 * broadcast channel and is answered once the test releases, however late the worker loaded (a release posted before
 * its channel existed would be lost, and the pool would wait for ever: seen under load).
 */
const fakeWorker = (channel: string) =>
  new URL(
    `data:text/javascript,${encodeURIComponent(`
import { parentPort, BroadcastChannel } from 'node:worker_threads';
const release = new BroadcastChannel(${JSON.stringify(channel)});
let released = false;
let wake = null;
release.onmessage = (e) => { if (e.data === 'go') { released = true; wake?.(); } };
const queue = [];
let running = false;
async function run() {
  running = true;
  while (queue.length) {
    const unit = queue.shift();
    if (unit[0].path === 'block' && !released) {
      const go = new Promise((r) => (wake = r));
      release.postMessage('wait');
      await go;
    }
    const rec = new Float64Array(${REC_FIELDS} * unit.length);
    unit.forEach((p, i) => { rec[i * ${REC_FIELDS}] = ${ITEM_DONE}; rec[i * ${REC_FIELDS} + 1] = p.piece; rec[i * ${REC_FIELDS} + 2] = p.length; });
    parentPort.postMessage({ type: 'out', count: unit.length, rec, ids: new Uint8Array(0), errors: [], bytes: 0 });
    parentPort.postMessage({ type: 'unitDone' });
  }
  running = false;
  if (released) release.close();
}
parentPort.postMessage({ type: 'ready' });
parentPort.on('message', (m) => {
  if (m.type === 'unit') { queue.push(m.pieces); if (!running) void run(); }
  if (m.type === 'init' && m.level === -1) release.close();
});
`)}`,
  );

/** The test's end of the channel: `release()` lets a held unit go, now or when its worker asks later. */
function holdUnits(channel: string) {
  const port = new BroadcastChannel(channel);
  let released = false;
  port.onmessage = (e) => {
    if ((e as MessageEvent).data === 'wait' && released) port.postMessage('go');
  };
  return {
    release() {
      released = true;
      port.postMessage('go');
    },
    close: () => port.close(),
  };
}

/** Units of one piece each; unit 0 is the one that blocks unless `block` is false. */
const unitsOf = (count: number, block = true): UnitList => ({
  length: count,
  take: (u): WorkPiece[] => [
    { piece: u, path: u === 0 && block ? 'block' : `f${u}`, start: 0, length: 1, stat: [1, 0, 0, 0] },
  ],
});

const keys: JobKeys = { enc: Buffer.alloc(32), mac: Buffer.alloc(32) };

/**
 * Runs a pool of two fake workers over `count` units with unit 0 held; waits until exactly `whileHeld` are handled,
 * then releases unit 0 (in any case, so that a failed check does not leave the pool waiting) and returns every unit
 * handled, sorted.
 */
async function withUnitZeroHeld(count: number, whileHeld: number[]): Promise<number[]> {
  const channel = `worker-pool-test-${count}-${process.pid}-${Date.now()}`;
  const handled: number[] = [];
  const hold = holdUnits(channel);
  const pool = runPool({
    keys,
    known: new Uint8Array(0),
    level: 1,
    workers: 2,
    units: unitsOf(count),
    workerUrl: fakeWorker(channel),
    handle: async (b) => {
      for (let i = 0; i < b.count; i++) handled.push(b.rec[i * REC_FIELDS + 1]);
    },
  });
  try {
    await vi.waitFor(() => expect([...handled].sort()).toEqual(whileHeld), { timeout: 10_000, interval: 20 });
  } finally {
    hold.release();
    await pool;
    hold.close();
  }
  return [...handled].sort();
}

describe('runPool', () => {
  it('hands the last units to the worker that has none left, not behind a busy worker’s unit', async () => {
    // Two workers, four units: each gets one; the two left go to whichever worker runs out first. The worker with
    // unit 0 is held until the other has done units 1, 2 and 3 (with two queued per worker from the start, unit 2
    // would wait behind unit 0 and this never happens).
    expect(await withUnitZeroHeld(4, [1, 2, 3])).toEqual([0, 1, 2, 3]);
  });

  it('keeps two units per worker queued while more units are left than workers', async () => {
    // Unit 0 blocks its worker; with eight units that worker got unit 2 as well (the second of its two), so the
    // other worker does all the others but unit 2 while unit 0 is held.
    expect(await withUnitZeroHeld(8, [1, 3, 4, 5, 6, 7])).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });
});

describe('StartedWorkers', () => {
  it('are the workers the pass uses, and end with it', async () => {
    const channel = `worker-pool-test-s-${process.pid}-${Date.now()}`;
    const started = new StartedWorkers(2, fakeWorker(channel));
    started.start();
    const workers = started.take()!;
    expect(workers).toHaveLength(2);
    expect(started.take()).toBeNull();
    const exits = workers.map((w) => new Promise((r) => w.once('exit', r)));
    const handled: number[] = [];
    try {
      await runPool({
        keys,
        known: new Uint8Array(0),
        level: 1,
        workers: 2,
        units: unitsOf(5, false),
        started: workers,
        // No URL: the pool must not start workers of its own (the default chunk worker would fail on these units).
        workerUrl: new URL('data:text/javascript,throw new Error("a worker was started by the pool")'),
        handle: async (b) => {
          for (let i = 0; i < b.count; i++) handled.push(b.rec[i * REC_FIELDS + 1]);
        },
      });
    } finally {
      await started.close();
    }
    expect([...handled].sort()).toEqual([0, 1, 2, 3, 4]);
    await Promise.all(exits);
  });

  it('a worker that failed before its pass fails the pass instead of leaving it waiting', async () => {
    const started = new StartedWorkers(2, new URL('data:text/javascript,throw new Error("the worker failed to load")'));
    started.start();
    await vi.waitFor(() => expect(started.failed).toBeTruthy(), { timeout: 10_000, interval: 20 });
    await expect(
      (async () =>
        runPool({
          keys,
          known: new Uint8Array(0),
          level: 1,
          workers: 2,
          units: unitsOf(3),
          started: started.take(),
          handle: async () => undefined,
        }))(),
    ).rejects.toThrow('the worker failed to load');
    await started.close();
  });

  it('close ends the workers no pass took, and a start after it starts none', async () => {
    const started = new StartedWorkers(3, fakeWorker(`worker-pool-test-c-${process.pid}`));
    expect(started.count).toBe(0);
    started.start();
    started.start();
    expect(started.count).toBe(3);
    await started.close();
    expect(started.count).toBe(0);
    started.start();
    expect(started.count).toBe(0);
    expect(started.take()).toBeNull();
  });

  it('a pass that takes them before they were started starts its own', () => {
    const started = new StartedWorkers(2);
    expect(started.take()).toBeNull();
    started.start();
    expect(started.count).toBe(0);
  });
});
