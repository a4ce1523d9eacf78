import { describe, expect, it } from 'vitest';
import { defaultRetention } from './retention-rules.ts';
import { firstInvalidStep, validateStep, visibleSteps, type WizardData } from './policy-steps.ts';

const data = (over: Partial<WizardData> = {}): WizardData => ({
  items: [{ path: '/srv/data', kind: 'folder' }],
  exclusions: { folders: [], patterns: [], fileTypes: [] },
  schedule: { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' },
  retention: defaultRetention({ frequency: 'daily', days: [], times: ['21:00'] }),
  initialType: 'ownDisks',
  ownDisk: {
    stagingLocation: '/stage',
    subscriptionId: '11111111-2222-3333-4444-555555555555',
    storageAccount: 'seedacct01',
    storageAccountResourceGroup: 'rg',
    container: 'seed-data',
    importJobName: 'seed-1',
    jobResourceGroup: 'rg',
  },
  existingJobNames: [],
  stagingCheck: { path: '/stage', ok: true, exists: true, writable: true, message: 'ok' },
  signIn: { signedIn: true, providerRegistered: true },
  passphraseRequired: true,
  passphrase: 'a'.repeat(16),
  passphraseConfirm: 'a'.repeat(16),
  passphraseSaved: true,
  ...over,
});

describe('validateStep', () => {
  it('a complete wizard is valid', () => expect(firstInvalidStep(data())).toBeNull());
  it('hides own-disk, sign-in and passphrase pages when not needed', () => {
    expect(visibleSteps(data({ initialType: 'online', passphraseRequired: false }))).toEqual([
      'gettingStarted',
      'items',
      'schedule',
      'retention',
      'initialType',
      'confirm',
      'progress',
    ]);
    expect(visibleSteps(data())).toHaveLength(10);
  });
  it('staging must have been checked for the current path, and pass', () => {
    expect(validateStep('ownDisk', data({ stagingCheck: null })).stagingLocation).toMatch(/has not been checked yet/);
    expect(
      validateStep('ownDisk', data({ ownDisk: { ...data().ownDisk, stagingLocation: '/other' } })).stagingLocation,
    ).toMatch(/not been checked/);
    expect(
      validateStep(
        'ownDisk',
        data({ stagingCheck: { path: '/stage', ok: false, exists: false, writable: false, message: 'nope' } }),
      ).stagingLocation,
    ).toBe('nope');
  });
  it('sign-in needs an account and the provider', () => {
    expect(validateStep('signIn', data({ signIn: { signedIn: false, providerRegistered: false } }))).toEqual({
      signIn: 'Sign in to Azure to continue.',
    });
    expect(validateStep('signIn', data({ signIn: { signedIn: true, providerRegistered: false } })).provider).toMatch(
      /Register the Microsoft.ImportExport/,
    );
  });
  it('passphrase: 16–256 printable ASCII, typed twice, saved', () => {
    expect(
      validateStep('passphrase', data({ passphrase: 'a'.repeat(15), passphraseConfirm: 'a'.repeat(15) })).passphrase,
    ).toBe('The passphrase is 15 characters long; at least 16 are required.');
    expect(
      validateStep('passphrase', data({ passphrase: 'a'.repeat(256), passphraseConfirm: 'a'.repeat(256) })),
    ).toEqual({});
    expect(
      validateStep('passphrase', data({ passphrase: 'a'.repeat(257), passphraseConfirm: 'a'.repeat(257) })).passphrase,
    ).toMatch(/at most 256/);
    expect(
      validateStep('passphrase', data({ passphrase: 'a'.repeat(15) + 'é', passphraseConfirm: 'a'.repeat(15) + 'é' }))
        .passphrase,
    ).toMatch(/outside printable ASCII/);
    expect(validateStep('passphrase', data({ passphraseConfirm: 'b'.repeat(16) })).passphraseConfirm).toBe(
      'The two passphrases do not match.',
    );
    expect(validateStep('passphrase', data({ passphraseSaved: false })).passphraseSaved).toMatch(/Save the passphrase/);
    expect(validateStep('passphrase', data({ passphraseRequired: false, passphrase: '' }))).toEqual({});
  });
  it('firstInvalidStep points at the earliest broken page', () => {
    expect(firstInvalidStep(data({ items: [], schedule: { ...data().schedule, times: [] } }))).toBe('items');
  });
});
