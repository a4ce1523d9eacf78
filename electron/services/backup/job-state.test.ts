import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readState, removeState, StateLog, STATE_FILE, STATE_LOG, writeState, type StatePack } from './job-state.ts';
import { tempDir } from './test-trees.ts';

const pack = (n: number): StatePack => ({
  n,
  path: `packs/pack-${String(n).padStart(6, '0')}.bin`,
  length: 1000 + n,
  sha256: 'ab'.repeat(32),
  md5: 'cd'.repeat(16),
  ranges: ['cd'.repeat(16)],
  chunks: n,
});

describe('resume state', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => ({ dir, cleanup } = await tempDir('obc-state-')));
  afterEach(() => cleanup());

  it('appends one line per committed pack: the file grows by that line, not by a rewrite', async () => {
    await writeState(dir, { jobName: 'job-a', runs: 1, packs: [pack(1)] });
    const log = new StateLog(dir);
    for (let n = 2; n <= 50; n++) {
      const before = (await stat(join(dir, STATE_LOG))).size;
      await log.append(pack(n));
      expect((await stat(join(dir, STATE_LOG))).size - before).toBe(JSON.stringify(pack(n)).length + 1);
    }
    expect(await readState(dir)).toEqual({
      jobName: 'job-a',
      runs: 1,
      packs: [1, ...Array.from({ length: 49 }, (_, i) => i + 2)].map(pack),
    });
  });

  it('cut anywhere by a crash, it counts exactly the packs whose line is complete', async () => {
    await writeState(dir, { jobName: 'job-a', runs: 2, packs: [] });
    const log = new StateLog(dir);
    for (let n = 1; n <= 6; n++) await log.append(pack(n));
    const full = await readFile(join(dir, STATE_LOG));
    const ends = [...full.keys()].filter((i) => full[i] === 0x0a).map((i) => i + 1);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: full.length }), fc.boolean(), async (cut, zeros) => {
        // A crash leaves the log cut at any byte, or (delayed allocation) its tail filled with zeros.
        await writeFile(
          join(dir, STATE_LOG),
          zeros ? Buffer.concat([full.subarray(0, cut), Buffer.alloc(full.length - cut)]) : full.subarray(0, cut),
        );
        const complete = ends.filter((e) => e <= cut).length;
        expect((await readState(dir))!.packs.map((p) => p.n)).toEqual([1, 2, 3, 4, 5, 6].slice(0, complete));
      }),
      { numRuns: 60 },
    );
  });

  it('a damaged complete line is loud, naming the file and the line', async () => {
    await writeState(dir, { jobName: 'job-a', runs: 1, packs: [pack(1), pack(2), pack(3)] });
    const text = await readFile(join(dir, STATE_LOG), 'utf8');
    await writeFile(join(dir, STATE_LOG), text.replace('"n":2', '"n":"2"'));
    await expect(readState(dir)).rejects.toMatchObject({
      code: 'CORRUPT_DATA',
      message: expect.stringMatching(/\.obc-state\.log is damaged: line 2 /),
    });
    await writeFile(join(dir, STATE_LOG), text.replace('}\n{', '}\n\u0000{'));
    await expect(readState(dir)).rejects.toMatchObject({ code: 'CORRUPT_DATA' });
  });

  it('reads a version-1 state (every pack in .obc-state.json, no log) and merges a log written after it', async () => {
    await writeFile(
      join(dir, STATE_FILE),
      JSON.stringify({ version: 1, jobName: 'old-job', runs: 3, packs: [pack(1), pack(2)] }),
    );
    expect(await readState(dir)).toEqual({ jobName: 'old-job', runs: 3, packs: [pack(1), pack(2)] });
    const log = new StateLog(dir);
    await log.append({ ...pack(2), length: 7 });
    await log.append(pack(3));
    expect((await readState(dir))!.packs).toEqual([pack(1), { ...pack(2), length: 7 }, pack(3)]);
    // A run rewrites both: version 2 header, the packs in the log.
    await writeState(dir, { jobName: 'old-job', runs: 4, packs: [pack(1), pack(3)] });
    expect(JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8'))).toEqual({
      version: 2,
      jobName: 'old-job',
      runs: 4,
    });
    expect((await readState(dir))!.packs).toEqual([pack(1), pack(3)]);
    await removeState(dir);
    expect(await readState(dir)).toBeNull();
  });

  it('after a failed append it refuses more (nothing may follow a half-written line)', async () => {
    await writeState(dir, { jobName: 'job-a', runs: 1, packs: [pack(1)] });
    await rm(join(dir, STATE_LOG));
    await mkdir(join(dir, STATE_LOG));
    const log = new StateLog(dir);
    await expect(log.append(pack(2))).rejects.toMatchObject({ code: 'EISDIR' });
    await rm(join(dir, STATE_LOG), { recursive: true });
    await expect(log.append(pack(3))).rejects.toMatchObject({ code: 'EISDIR' });
    expect((await readState(dir))!.packs).toEqual([]);
  });
});
