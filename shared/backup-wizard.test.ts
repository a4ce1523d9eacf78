import { describe, expect, it } from 'vitest';
import {
  addYears,
  validateBackupStep,
  validateRecoverStep,
  type BackupDraft,
  type RecoverDraft,
} from './backup-wizard.ts';

const draft = (over: Partial<BackupDraft> = {}): BackupDraft => ({
  source: 'manual',
  items: [{ path: '/srv/data', kind: 'folder', selected: true }],
  stagingLocation: '/mnt/staging',
  jobName: 'seed-one',
  retainUntil: '2027-01-01',
  passphrase: 'correct horse battery staple',
  passphraseConfirm: 'correct horse battery staple',
  overwrite: false,
  ...over,
});
const ctx = {
  today: '2026-11-22',
  existing: 'none' as const,
  estimate: { fits: true, requiredBytes: 10, freeBytes: 100 },
};

describe('Back Up Now page rules', () => {
  it('items: needs a selected item, full paths, no nesting, staging outside the items, a valid job name', () => {
    expect(validateBackupStep('items', draft(), ctx)).toEqual({});
    expect(validateBackupStep('items', draft({ items: [] }), ctx).items).toMatch(/Add at least one/);
    expect(
      validateBackupStep('items', draft({ items: [{ path: '/a', kind: 'folder', selected: false }] }), ctx).items,
    ).toMatch(/Select at least one/);
    expect(
      validateBackupStep('items', draft({ items: [{ path: 'rel/dir', kind: 'folder', selected: true }] }), ctx)[
        'items.0'
      ],
    ).toMatch(/full path/);
    const nested = draft({
      items: [
        { path: '/srv', kind: 'folder', selected: true },
        { path: '/srv/data', kind: 'folder', selected: true },
      ],
    });
    expect(validateBackupStep('items', nested, ctx).items).toMatch(/already included in "\/srv"/);
    expect(validateBackupStep('items', draft({ stagingLocation: '/srv/data/stage' }), ctx).stagingLocation).toMatch(
      /would copy itself/,
    );
    expect(validateBackupStep('items', draft({ stagingLocation: '' }), ctx).stagingLocation).toMatch(/required/);
    expect(validateBackupStep('items', draft({ jobName: 'Seed' }), ctx).jobName).toMatch(/lowercase letter/);
    expect(validateBackupStep('items', draft({ jobName: 'seed_1' }), ctx).jobName).toMatch(/only lowercase/);
    expect(
      validateBackupStep(
        'items',
        draft({ items: [{ path: 'D:\\Data', kind: 'folder', selected: true }], stagingLocation: 'd:\\data\\x' }),
        ctx,
      ).stagingLocation,
    ).toMatch(/inside/);
  });

  it('retain: a real date after today and within 99 years', () => {
    expect(validateBackupStep('retain', draft(), ctx)).toEqual({});
    expect(validateBackupStep('retain', draft({ retainUntil: '' }), ctx).retainUntil).toMatch(/Choose/);
    expect(validateBackupStep('retain', draft({ retainUntil: '2026-02-30' }), ctx).retainUntil).toMatch(
      /not a calendar date/,
    );
    expect(validateBackupStep('retain', draft({ retainUntil: '2026-11-22' }), ctx).retainUntil).toMatch(/after today/);
    expect(validateBackupStep('retain', draft({ retainUntil: '2126-01-01' }), ctx).retainUntil).toMatch(/99 years/);
    expect(addYears('2024-02-29', 1)).toBe('2025-03-01');
  });

  it('passphrase: the passphrase rule; typed twice only for a new job', () => {
    expect(validateBackupStep('passphrase', draft(), ctx)).toEqual({});
    expect(validateBackupStep('passphrase', draft({ passphrase: 'short' }), ctx).passphrase).toMatch(/at least 16/);
    expect(validateBackupStep('passphrase', draft({ passphraseConfirm: 'x' }), ctx).passphraseConfirm).toMatch(
      /differ/,
    );
    expect(
      validateBackupStep('passphrase', draft({ passphraseConfirm: '' }), { ...ctx, existing: 'inProgress' }),
    ).toEqual({});
  });

  it('confirm: needs an estimate that fits and an explicit overwrite of a completed job', () => {
    expect(validateBackupStep('confirm', draft(), ctx)).toEqual({});
    expect(validateBackupStep('confirm', draft(), { ...ctx, estimate: null }).estimate).toMatch(/not available/);
    expect(
      validateBackupStep('confirm', draft(), { ...ctx, estimate: { fits: false, requiredBytes: 200, freeBytes: 100 } })
        .estimate,
    ).toMatch(/100 bytes free/);
    expect(validateBackupStep('confirm', draft(), { ...ctx, existing: 'complete' }).overwrite).toMatch(
      /completed backup/,
    );
    expect(validateBackupStep('confirm', draft({ overwrite: true }), { ...ctx, existing: 'complete' })).toEqual({});
    expect(validateBackupStep('confirm', draft(), { ...ctx, running: true }).confirm).toMatch(/still running/);
  });
});

const rdraft = (over: Partial<RecoverDraft> = {}): RecoverDraft => ({
  source: 'staging',
  stagingLocation: '/mnt/staging',
  jobName: 'seed-one',
  passphrase: 'p',
  selected: ['srv/data'],
  destination: '/restore',
  conflict: 'skip',
  ...over,
});
const rctx = { supportedSources: ['staging'] as const, jobState: 'complete' as const };

describe('Recover Data page rules', () => {
  it('source, job, browse and destination', () => {
    for (const s of ['source', 'job', 'browse', 'destination'] as const)
      expect(validateRecoverStep(s, rdraft(), rctx)).toEqual({});
    expect(validateRecoverStep('source', rdraft({ source: 'disks' }), rctx).source).toMatch(/cannot be read/);
    expect(validateRecoverStep('source', rdraft({ stagingLocation: 'x' }), rctx).stagingLocation).toMatch(/full path/);
    expect(validateRecoverStep('job', rdraft({ jobName: '' }), rctx).jobName).toMatch(/Choose/);
    expect(validateRecoverStep('job', rdraft(), { ...rctx, jobState: 'inProgress' }).jobName).toMatch(/not complete/);
    expect(validateRecoverStep('job', rdraft({ passphrase: '' }), rctx).passphrase).toMatch(/passphrase/);
    expect(validateRecoverStep('browse', rdraft({ selected: [] }), rctx).selected).toMatch(/at least one/);
    expect(validateRecoverStep('destination', rdraft({ destination: '/mnt/staging/out' }), rctx).destination).toMatch(
      /outside the staging/,
    );
    expect(validateRecoverStep('destination', rdraft({ conflict: '' }), rctx).conflict).toMatch(/already exists/);
  });
});
