import { describe, expect, it } from 'vitest';
import { sleep } from './sleep.ts';

describe('sleep', () => {
  it('resolves after the time', async () => {
    const t0 = performance.now();
    await sleep(5);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(4);
  });
  it('rejects at once with the reason of a signal already aborted', async () => {
    const ac = new AbortController();
    ac.abort(new Error('stop'));
    await expect(sleep(60_000, ac.signal)).rejects.toThrow('stop');
  });
  it('rejects with the reason when aborted while waiting, and leaves no listener behind', async () => {
    const ac = new AbortController();
    const p = sleep(60_000, ac.signal);
    ac.abort(new Error('cancelled'));
    await expect(p).rejects.toThrow('cancelled');
    const done = new AbortController();
    let added = 0;
    let removed = 0;
    const sig = done.signal;
    const add = sig.addEventListener.bind(sig);
    const rem = sig.removeEventListener.bind(sig);
    sig.addEventListener = ((...a: Parameters<typeof add>) => (added++, add(...a))) as typeof sig.addEventListener;
    sig.removeEventListener = ((...a: Parameters<typeof rem>) => (
      removed++,
      rem(...a)
    )) as typeof sig.removeEventListener;
    await sleep(1, sig);
    expect([added, removed]).toEqual([1, 1]);
  });
});
