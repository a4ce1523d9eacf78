import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scanTable } from './scan.ts';
import { tempDir } from './test-trees.ts';

describe('scanTable pauseAt', () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir('obc-scanpause-'));
    // Folders nested four deep (a/b/c/d), 5 files in each: a folder is listed only after the one above it was
    // listed and added, so when d is about to be listed at least the item, a, b and c are found.
    let at = dir;
    for (const name of ['a', 'b', 'c', 'd']) {
      at = join(at, name);
      await mkdir(at);
      for (let f = 0; f < 5; f++) await writeFile(join(at, `f${f}`), `${name}/${f}`);
    }
  });
  afterEach(() => cleanup());

  it('waits for the promise before listing more folders once it holds the entries given; then finishes alike', async () => {
    const plain = await scanTable([dir], {});
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    // A thenable that tells when the scan starts waiting on it.
    let waiting!: () => void;
    const reached = new Promise<void>((r) => (waiting = r));
    const until = {
      then: (ok: () => void, fail: (e: unknown) => void) => {
        waiting();
        return gate.then(ok, fail);
      },
    } as unknown as Promise<void>;
    let settled = false;
    const paused = scanTable([dir], {}, undefined, undefined, { pauseAt: { entries: 4, until } }).then((r) => {
      settled = true;
      return r;
    });
    await reached;
    expect(settled).toBe(false);
    release();
    const t = await paused;
    expect([...t.table].map((e) => e.path)).toEqual([...plain.table].map((e) => e.path));
    expect(t.files).toBe(20);
  });

  it('does not wait below the number of entries given', async () => {
    const never = new Promise<void>(() => undefined);
    const t = await scanTable([dir], {}, undefined, undefined, { pauseAt: { entries: 1000, until: never } });
    expect(t.files).toBe(20);
  });

  it('stops with the scan signal when the promise settles after the signal was aborted', async () => {
    const stop = new AbortController();
    let release!: () => void;
    const until = new Promise<void>((r) => (release = r));
    const paused = scanTable([dir], {}, stop.signal, undefined, { pauseAt: { entries: 1, until } });
    stop.abort(new Error('keys failed'));
    release();
    await expect(paused).rejects.toThrow('keys failed');
  });
});
