import { describe, expect, it } from 'vitest';
import { restoreSource } from './backup.ts';

describe('obc restore: source options', () => {
  it('maps --staging, --from-disk and --from-container to a recover source', () => {
    expect(restoreSource({ staging: '/st', job: 'job-a' })).toEqual({
      kind: 'staging',
      stagingLocation: '/st',
      job: 'job-a',
    });
    expect(restoreSource({ job: 'job-a', fromDisk: ['/d1', '/d2'] })).toEqual({
      kind: 'disks',
      disks: ['/d1', '/d2'],
      job: 'job-a',
    });
    expect(
      restoreSource({
        job: 'job-a',
        fromContainer: true,
        subscription: 'sub',
        storageAccount: 'acct1',
        container: 'seed',
      }),
    ).toEqual({
      kind: 'container',
      job: 'job-a',
      subscriptionId: 'sub',
      storageAccount: 'acct1',
      container: 'seed',
    });
  });
  it('names what is missing or wrong (usage errors)', () => {
    expect(() => restoreSource({ job: 'job-a' })).toThrow(/--staging <dir>, --from-disk/);
    expect(() => restoreSource({ job: 'job-a', fromContainer: true, subscription: 'sub' })).toThrow(
      /needs --storage-account/,
    );
    expect(() => restoreSource({ job: 'job-a', fromDisk: ['/d'], fromContainer: true })).toThrow(/not both/);
    expect(() =>
      restoreSource({
        job: 'job-a',
        fromContainer: true,
        subscription: 's',
        storageAccount: 'Bad_Name',
        container: 'seed',
      }),
    ).toThrow(/storageAccount/);
  });
});
