import { tempDir as testTempDir } from '../test-temp.ts';
import type { Protector } from '../azure/protector.ts';
import type { PolicyInput } from '../../../shared/policy-schema.ts';
import { defaultRetention } from '../../../shared/retention-rules.ts';
import type { Clock } from './scheduler.ts';

/** Reversible test protector (XOR) so tests can see that nothing is stored in clear. */
export const testProtector: Protector = {
  description: 'test protector',
  protect: async (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
  unprotect: async (b) => Buffer.from(b.map((x) => x ^ 0x5a)),
};

export const tempDir = (p = 'obc-pol-') => testTempDir(p);

export function samplePolicy(over: Partial<PolicyInput> = {}, stagingLocation = '/tmp/staging'): PolicyInput {
  return {
    items: [{ path: '/srv/data', kind: 'folder' }],
    exclusions: { folders: [], patterns: ['*.tmp'], fileTypes: [] },
    schedule: { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' },
    retention: defaultRetention({ frequency: 'daily', days: [], times: ['21:00'] }),
    initialBackup: {
      type: 'ownDisks',
      ownDisk: {
        stagingLocation: stagingLocation,
        subscriptionId: '11111111-2222-3333-4444-555555555555',
        storageAccount: 'seedacct01',
        storageAccountResourceGroup: 'rg-seed',
        container: 'seed-data',
        importJobName: 'seed-2026',
        jobResourceGroup: 'rg-seed',
      },
    },
    ...over,
  };
}

/** A fake clock: timers fire only when the test advances time. */
export class FakeClock implements Clock {
  t: number;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private seq = 0;
  constructor(start: number) {
    this.t = start;
  }
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = ++this.seq;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== h);
  };
  get pending(): number {
    return this.timers.length;
  }
  /** Moves time forward, firing due timers in order (timers set by fired timers fire too if due). */
  advanceTo(target: number): void {
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.t = Math.max(this.t, next.at);
      next.fn();
    }
    this.t = target;
  }
}
