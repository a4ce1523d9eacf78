import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';
import type { Journal, JournalRecord } from './journal.ts';

/** A journal whose writes finish only when the test says so. */
function fakeJournal() {
  const batches: string[][] = [];
  const pending: Array<() => void> = [];
  const journal = {
    appendMany(recs: JournalRecord[]) {
      batches.push(recs.map((r) => (r.t === 'commit' ? r.path : r.t)));
      return new Promise<void>((resolve) => pending.push(resolve));
    },
  } as unknown as Journal;
  return { journal, batches, release: () => pending.shift()?.() };
}

const commit = (path: string): JournalRecord => ({
  t: 'commit',
  path,
  length: 512,
  md5: '0'.repeat(32),
  ranges: ['0'.repeat(32)],
});
const tick = () => new Promise((r) => setImmediate(r));

describe('GroupCommit', () => {
  it('writes a lone record at once, and records arriving while a write is busy together in the next one', async () => {
    const { journal, batches, release } = fakeJournal();
    const g = new GroupCommit(journal);
    const done: string[] = [];
    void g.add(commit('a')).then(() => done.push('a'));
    await tick();
    expect(batches).toEqual([['a']]);
    void g.add(commit('b')).then(() => done.push('b'));
    void g.add(commit('c')).then(() => done.push('c'));
    await tick();
    expect(batches).toEqual([['a']]); // b and c wait for a's write (and its fsync)
    expect(done).toEqual([]);
    release();
    await tick();
    expect(done).toEqual(['a']);
    expect(batches).toEqual([['a'], ['b', 'c']]);
    release();
    await tick();
    expect(done).toEqual(['a', 'b', 'c']);
  });

  it('a failed write rejects the records of that batch only', async () => {
    let n = 0;
    const journal = {
      appendMany: () => (++n === 1 ? Promise.reject(new Error('EIO')) : Promise.resolve()),
    } as unknown as Journal;
    const g = new GroupCommit(journal);
    await expect(g.add(commit('a'))).rejects.toThrow('EIO');
    await expect(g.add(commit('b'))).resolves.toBeUndefined();
  });
});
