import { describe, expect, it } from 'vitest';
import type { PolicyDefaults } from './policy-defaults.ts';
import { backUpNowTarget, onlineStepErrors } from './back-up-now-target.ts';

const policy = (over: Partial<PolicyDefaults> = {}): PolicyDefaults => ({
  items: [{ path: '/srv/a', kind: 'folder' }],
  stagingLocation: '/mnt/st',
  jobName: 'seed-job',
  storageAccount: 'acct1',
  container: 'cont1',
  passphraseSet: true,
  ...over,
});

describe('Back Up Now: staging backup or online restore point', () => {
  it('goes online only once the scheduler has seen the seed’s import job Completed, and says why either way', () => {
    expect(backUpNowTarget(null)).toMatchObject({ kind: 'staging', why: expect.stringMatching(/No backup policy/) });
    const { storageAccount: _none, ...noAccount } = policy();
    expect(backUpNowTarget(noAccount)).toMatchObject({
      kind: 'staging',
      why: expect.stringMatching(/names no storage account container/),
    });
    expect(backUpNowTarget(policy())).toMatchObject({
      kind: 'staging',
      title: 'Initial backup to the staging location',
      why: expect.stringMatching(/not imported yet \(import job "seed-job": not checked yet\)/),
    });
    const shipping = backUpNowTarget(
      policy({ seed: { completed: false, importJobState: 'Shipping', checkedAt: '2026-12-04T21:00:00Z' } }),
    );
    expect(shipping).toMatchObject({
      kind: 'staging',
      why: expect.stringMatching(
        /Shipping, checked 2026-12-04T21:00:00Z.*Once the import job is seen Completed \(by a scheduled run, or Check the import job now\)/,
      ),
      seedPending: true,
    });
    const done = backUpNowTarget(policy({ seed: { completed: true, importJobState: 'Completed' } }));
    expect(done).toMatchObject({
      kind: 'online',
      container: 'acct1/cont1/seed-job/',
      why: expect.stringMatching(/seed is imported.*incremental.*acct1\/cont1\/seed-job\//),
    });
  });

  it('online page rules: the policy’s items and saved passphrase; no staging, job folder or estimate', () => {
    const p = policy({ seed: { completed: true } });
    expect(onlineStepErrors('items', p, { staging: 'ignored online' }, false)).toEqual({});
    expect(onlineStepErrors('items', policy({ items: [] }), {}, false)).toEqual({
      items: 'The backup policy has no items.',
    });
    expect(onlineStepErrors('retain', p, { retainUntil: 'bad date' }, false)).toEqual({ retainUntil: 'bad date' });
    expect(onlineStepErrors('passphrase', p, { passphrase: 'typed one ignored' }, false)).toEqual({});
    expect(onlineStepErrors('passphrase', policy({ passphraseSet: false }), {}, false).passphrase).toMatch(
      /No encryption passphrase is saved/,
    );
    expect(onlineStepErrors('confirm', p, { estimate: 'The size estimate is not available yet.' }, false)).toEqual({});
    expect(onlineStepErrors('confirm', p, {}, true).confirm).toMatch(/still running/);
  });
});
