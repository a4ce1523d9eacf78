import { act, cleanup, fireEvent, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthStatus } from '../../../../shared/contract/azure.ts';
import { CONTAINER_NAME_RULE } from '../../../../shared/validators/azure-names.ts';
import { emptyWizardData } from '../../store/slices/schedule-backup.ts';
import { getAppState } from '../../store/index.ts';
import { SUB, emptyView, fakeHost, nextEnabled, renderAt, validData } from './test-harness.tsx';

afterEach(cleanup);

const type = (id: string, value: string) => {
  const el = screen.getByTestId(id);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};
const msg = (id: string) => screen.queryByTestId(`${id}-error`)?.textContent ?? null;
const auth = (signedIn: boolean): AuthStatus => ({
  cloud: 'LocalSandbox',
  cloudDisplayName: 'Local sandbox',
  signedIn,
  signInInProgress: false,
  clientIdConfigured: true,
  clientIdSource: 'cloud',
  protection: 'test',
  ...(signedIn
    ? { account: { name: 'Ann', username: 'ann@contoso.test', tenantId: 't', objectId: 'o', homeAccountId: 'h' } }
    : {}),
});
// Azure channels are called by name (they may not be composed into shared/ipc.ts yet).
const handle = (t: ReturnType<typeof fakeHost>, ch: string, fn: (req: never) => unknown) =>
  (t.handle as (c: string, f: (r: never) => unknown) => void)(ch, (req) => ({ ok: true, value: fn(req) }));

describe('Use your own disk', () => {
  it('each field shows its rule and blocks Next', async () => {
    fakeHost();
    await renderAt('ownDisk');
    expect(nextEnabled()).toBe(true);
    const cases: [string, string, string][] = [
      [
        'sb-subscription',
        'not-a-guid',
        'Subscription id "not-a-guid" is not a GUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx).',
      ],
      ['sb-account', 'Seed_Acct', 'Storage account name "Seed_Acct" must be 3 to 24 lowercase letters and digits.'],
      ['sb-account', 'ab', 'Storage account name "ab" must be 3 to 24 lowercase letters and digits.'],
      ['sb-account-rg', 'rg.', 'Resource group name "rg." may not end with a period.'],
      // Decision 10, the rule in every message (shared/validators/azure-names.ts).
      ['sb-container', 'ab', `Container name "ab" has 2 characters: ${CONTAINER_NAME_RULE}.`],
      ['sb-container', 'x', `Container name "x" has 1 characters: ${CONTAINER_NAME_RULE}.`],
      [
        'sb-container',
        'Bad_Container',
        `Container name "Bad_Container" has upper-case letters: ${CONTAINER_NAME_RULE}.`,
      ],
      ['sb-container', 'a--b', `Container name "a--b" has "--": ${CONTAINER_NAME_RULE}.`],
      [
        'sb-container',
        'seed-',
        `Container name "seed-" does not start and end with a letter or digit: ${CONTAINER_NAME_RULE}.`,
      ],
      ['sb-job-name', '1seed', 'Job name "1seed" must start with a lowercase letter.'],
      ['sb-job-name', 'a', 'Job name "a" must be 2 to 64 characters long (it has 1).'],
      ['sb-job-name', 'Seed_1', 'Job name "Seed_1" must start with a lowercase letter.'],
      ['sb-job-rg', '', 'Import job resource group is required.'],
    ];
    const good: Record<string, string> = {
      'sb-subscription': SUB,
      'sb-account': 'seedacct01',
      'sb-account-rg': 'rg-seed',
      'sb-container': 'seed-data',
      'sb-job-name': 'seed-1',
      'sb-job-rg': 'rg-seed',
    };
    for (const [id, bad, message] of cases) {
      type(id, bad);
      expect(msg(id)).toBe(message);
      expect(nextEnabled()).toBe(false);
      type(id, good[id]);
      expect(msg(id)).toBeNull();
    }
    expect(nextEnabled()).toBe(true);
  });

  it('the job type: Data Box by default for a new policy, its 3–24 character names checked; Import/Export selectable', async () => {
    fakeHost();
    const { jobBackend: _none, ...older } = validData().ownDisk;
    await renderAt('ownDisk', validData({ ownDisk: { ...older, jobBackend: 'DataBox' } }));
    expect((screen.getByTestId('sb-job-type-DataBox') as HTMLInputElement).checked).toBe(true);
    type('sb-job-name', 'seed-name-longer-than-24c');
    expect(msg('sb-job-name')).toBe(
      'Job name "seed-name-longer-than-24c" has 25 characters; a Data Box job name is 3 to 24 characters (choose a shorter name, or an Import/Export job).',
    );
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-job-type-ImportExport'));
    expect(getAppState().scheduleBackup.data.ownDisk.jobBackend).toBe('ImportExport');
    expect(msg('sb-job-name')).toBeNull();
    expect(nextEnabled()).toBe(true);
    expect(emptyWizardData().ownDisk.jobBackend).toBe('DataBox');
  });

  it('checks the staging location and shows why it is unusable', async () => {
    const t = fakeHost();
    t.handle('policy:checkStaging', (req) => ({
      ok: true,
      value: {
        path: req.path,
        ok: false,
        exists: false,
        writable: false,
        message: `Staging location "${req.path}" does not exist. Create the folder (or connect the share) first.`,
      },
    }));
    await renderAt('ownDisk', validData({ stagingCheck: null }));
    type('sb-staging', 'relative');
    expect(msg('sb-staging')).toMatch(/must be a full path/);
    type('sb-staging', '/missing');
    await waitFor(() =>
      expect(msg('sb-staging')).toBe(
        'Staging location "/missing" does not exist. Create the folder (or connect the share) first.',
      ),
    );
    expect(nextEnabled()).toBe(false);
    // Opening the page re-checked the saved location; a malformed path is never sent.
    // The items go along: a staging location inside them is refused by the check (issue 13 §7).
    const items = validData().items.map((i) => i.path);
    expect(t.calls.filter((c) => c.channel === 'policy:checkStaging').map((c) => c.req)).toEqual([
      { path: '/stage', items, requiredBytes: 4 * 1024 * 1024 },
      { path: '/missing', items, requiredBytes: 4 * 1024 * 1024 },
    ]);
    t.handle('policy:checkStaging', (req) => ({
      ok: true,
      value: {
        path: req.path,
        ok: true,
        exists: true,
        writable: true,
        message: `"${req.path}" is writable and has 9 GiB free.`,
      },
    }));
    type('sb-staging', '/stage2');
    await screen.findByTestId('sb-staging-result');
    expect(nextEnabled()).toBe(true);
  });

  it('once signed in: pickers, page-blob eligibility with the reason, job name unique vs existing jobs', async () => {
    const t = fakeHost();
    handle(t, 'auth:status', () => auth(true));
    handle(t, 'azure:subscriptions', () => [{ subscriptionId: SUB, displayName: 'Contoso', state: 'Enabled' }]);
    handle(t, 'azure:storageAccounts', () => [
      {
        id: '/a',
        name: 'seedacct01',
        resourceGroup: 'rg-seed',
        location: 'westus',
        kind: 'StorageV2',
        pageBlobEligible: true,
      },
      {
        id: '/b',
        name: 'blobonly',
        resourceGroup: 'rg-x',
        location: 'westus',
        kind: 'BlobStorage',
        pageBlobEligible: false,
        ineligibleReason: 'BlobStorage accounts cannot hold page blobs',
      },
    ]);
    handle(t, 'jobs:list', () => [{ name: 'taken-job' }]);
    handle(t, 'azure:containers', () => [{ name: 'seed-data' }]);
    await renderAt('ownDisk', validData({ signIn: { signedIn: true, providerRegistered: true } }));
    await act(async () => {
      await getAppState().openScheduleBackup();
    });
    act(() => getAppState().goWizardStep('gettingStarted'));
    act(() => {
      getAppState().updateWizardData({
        ...validData(),
        existingJobNames: getAppState().scheduleBackup.data.existingJobNames,
      });
      for (let i = 0; i < 5; i++) getAppState().nextWizardStep();
    });
    await waitFor(() => expect(screen.getByTestId('sb-account').tagName).toBe('BUTTON'));
    fireEvent.click(screen.getByTestId('sb-account'));
    const blob = await screen.findByText(/blobonly — not usable: BlobStorage accounts cannot hold page blobs/);
    expect(blob.closest('[role="option"]')?.getAttribute('aria-disabled')).toBe('true');
    fireEvent.click(screen.getByText(/seedacct01 \(StorageV2, westus\)/));
    await waitFor(() => expect(screen.getByText('This container exists and will be used.')).toBeTruthy());
    type('sb-job-name', 'taken-job');
    expect(msg('sb-job-name')).toBe(
      'An import job named "taken-job" already exists in this subscription; choose another name.',
    );
    expect(nextEnabled()).toBe(false);
  });
});

describe('Azure sign-in', () => {
  it('sign in, register the provider with one click, set up the Entra application', async () => {
    const t = fakeHost();
    handle(t, 'auth:status', () => auth(false));
    handle(t, 'auth:signIn', () => auth(true));
    handle(t, 'azure:subscriptions', () => []);
    let registered = false;
    handle(t, 'azure:providerStatus', () => ({
      namespace: 'Microsoft.ImportExport',
      registrationState: registered ? 'Registered' : 'NotRegistered',
      registered,
    }));
    handle(
      t,
      'azure:registerProvider',
      () => (
        (registered = true),
        { namespace: 'Microsoft.ImportExport', registrationState: 'Registered', registered: true }
      ),
    );
    handle(t, 'azure:ensureEntraApp', () => ({
      displayName: 'AzureOfflineBackup_o',
      appId: 'app-1',
      applicationObjectId: 'x',
      servicePrincipalId: 'y',
      tenantId: 't',
      keyId: 'k',
      thumbprint: 'th',
      createdApplication: true,
      addedCredential: true,
      otherCredentials: 0,
      roleAssignments: [{ role: 'Storage Blob Data Contributor', scope: '/a', created: true }],
      notes: [],
    }));
    await renderAt('signIn', validData({ signIn: { signedIn: false, providerRegistered: false } }));
    expect(screen.getByTestId('sb-signin-status').textContent).toBe('Sign in to Azure to continue.');
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-signin'));
    await waitFor(() => expect(screen.getByTestId('sb-provider-status').getAttribute('data-registered')).toBe('no'));
    expect(screen.getByTestId('sb-provider-status').textContent).toMatch(
      /Register the Microsoft.ImportExport resource provider/,
    );
    expect(nextEnabled()).toBe(false);
    fireEvent.click(screen.getByTestId('sb-provider-register'));
    await waitFor(() => expect(nextEnabled()).toBe(true));
    fireEvent.click(screen.getByTestId('sb-entra-create'));
    expect((await screen.findByTestId('sb-entra-result')).textContent).toMatch(
      /AzureOfflineBackup_o \(app id app-1\) was created; this machine's certificate was added; roles: Storage Blob Data Contributor \(granted\)/,
    );
  });

  it("a sign-in that fails says why on the page, through the console's one sign-in", async () => {
    const t = fakeHost();
    handle(t, 'auth:status', () => auth(false));
    t.handle('auth:signIn', () => ({
      ok: false,
      error: { code: 'SIGNIN_REQUIRED', message: 'The sign-in window was closed before it finished.' },
    }));
    await renderAt('signIn', validData({ signIn: { signedIn: false, providerRegistered: false } }));
    fireEvent.click(screen.getByTestId('sb-signin'));
    expect((await screen.findByTestId('sb-signin-error')).textContent).toMatch(
      /The sign-in window was closed before it finished\./,
    );
    expect(getAppState().authError).toBe('The sign-in window was closed before it finished.');
  });
});

describe('Encryption passphrase', () => {
  it('16–256 printable ASCII, typed twice, saved or copied before Next', async () => {
    fakeHost();
    await renderAt('passphrase', validData({ passphrase: '', passphraseConfirm: '', passphraseSaved: false }));
    expect(nextEnabled()).toBe(false);
    type('sb-passphrase', 'x'.repeat(15));
    expect(msg('sb-passphrase')).toBe('The passphrase is 15 characters long; at least 16 are required.');
    type('sb-passphrase', 'x'.repeat(257));
    expect(msg('sb-passphrase')).toBe('The passphrase is 257 characters long; at most 256 are allowed.');
    type('sb-passphrase', 'x'.repeat(15) + '€');
    expect(msg('sb-passphrase')).toBe(
      'The passphrase has a character outside printable ASCII (code 8364) at position 16; only codes 32–126 are allowed.',
    );
    type('sb-passphrase', 'x'.repeat(16));
    expect(msg('sb-passphrase')).toBeNull();
    type('sb-passphrase-confirm', 'y'.repeat(16));
    expect(msg('sb-passphrase-confirm')).toBe('The two passphrases do not match.');
    type('sb-passphrase-confirm', 'x'.repeat(16));
    expect(msg('sb-passphrase-saved')).toBe(
      'Save the passphrase to a file or copy it before continuing: nothing can be restored without it.',
    );
    expect(nextEnabled()).toBe(false);
    let copied = '';
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText: async (s: string) => void (copied = s) },
      configurable: true,
    });
    fireEvent.click(screen.getByTestId('sb-passphrase-copy'));
    await waitFor(() => expect(nextEnabled()).toBe(true));
    expect(copied).toBe('x'.repeat(16));
    type('sb-passphrase', 'z'.repeat(16));
    expect(getAppState().scheduleBackup.data.passphraseSaved).toBe(false);
    fireEvent.click(screen.getByTestId('sb-passphrase-generate'));
    const p = getAppState().scheduleBackup.data.passphrase;
    expect(p).toHaveLength(32);
    expect(getAppState().scheduleBackup.data.passphraseConfirm).toBe(p);
    expect(nextEnabled()).toBe(false);
  });
});

describe('Confirmation and progress', () => {
  it('jumps back to edit, then Finish runs container, app and policy with per-step results and Retry', async () => {
    const t = fakeHost();
    handle(t, 'azure:createContainer', () => ({ name: 'seed-data', created: true }));
    let appCalls = 0;
    (t.handle as (c: string, f: () => unknown) => void)('azure:ensureEntraApp', () =>
      ++appCalls === 1
        ? { ok: false, error: { code: 'AZURE', message: 'Insufficient privileges to complete the operation.' } }
        : {
            ok: true,
            value: {
              displayName: 'AzureOfflineBackup_o',
              appId: 'app-1',
              createdApplication: true,
              addedCredential: true,
              roleAssignments: [],
              notes: [],
            },
          },
    );
    t.handle('policy:save', () => ({
      ok: true,
      value: { ...emptyView, passphraseSet: true, nextRuns: ['2026-11-22T21:00:00.000Z'] },
    }));
    await renderAt('confirm');
    expect(screen.getByTestId('sb-confirm-ownDisk').textContent).toMatch(
      /Import job: seed-1 \(resource group rg-seed\)/,
    );
    fireEvent.click(screen.getByTestId('sb-edit-schedule'));
    expect(screen.getByTestId('sb-wizard').getAttribute('data-step')).toBe('schedule');
    act(() => getAppState().goWizardStep('confirm'));
    expect(screen.getByTestId('wizard-next').textContent).toBe('Finish');
    fireEvent.click(screen.getByTestId('wizard-next'));
    await waitFor(() => expect(screen.getByTestId('sb-progress').getAttribute('data-state')).toBe('failed'));
    expect(screen.getByTestId('sb-run-container').getAttribute('data-status')).toBe('succeeded');
    expect(screen.getByTestId('sb-run-container-message').textContent).toBe(
      'Container "seed-data" created in seedacct01.',
    );
    expect(screen.getByTestId('sb-run-app-message').textContent).toBe(
      'Insufficient privileges to complete the operation.',
    );
    expect(screen.getByTestId('sb-run-policy').getAttribute('data-status')).toBe('pending');
    fireEvent.click(screen.getByTestId('sb-progress-retry'));
    await waitFor(() => expect(screen.getByTestId('sb-progress').getAttribute('data-state')).toBe('done'));
    expect(t.calls.filter((c) => c.channel === 'azure:createContainer')).toHaveLength(1);
    const save = t.calls.find((c) => c.channel === 'policy:save')!.req as {
      policy: { initialBackup: { type: string } };
      passphrase: string;
    };
    expect(save.policy.initialBackup.type).toBe('ownDisks');
    expect(save.passphrase).toBe('a'.repeat(20));
    expect(screen.getByTestId('sb-run-policy-message').textContent).toMatch(/^Policy saved\. Next backup: /);
  });
});

describe('Getting Started with an existing policy', () => {
  it('pauses, re-enables and deletes only after typing DELETE', async () => {
    const t = fakeHost();
    const policy = {
      ...validData(),
      id: 'p1',
      createdAt: '2026-11-01T00:00:00Z',
      updatedAt: '2026-11-01T00:00:00Z',
      state: 'active' as const,
      lastRuns: [],
      initialBackup: { type: 'ownDisks' as const, ownDisk: validData().ownDisk },
    };
    t.handle('policy:get', () => ({
      ok: true,
      value: { policy, loadProblem: null, nextRuns: ['2026-11-22T21:00:00.000Z'], passphraseSet: true } as never,
    }));
    t.handle('policy:setState', ({ state }) => ({
      ok: true,
      value: { policy: { ...policy, state }, loadProblem: null, nextRuns: [], passphraseSet: true } as never,
    }));
    t.handle('policy:delete', () => ({
      ok: true,
      value: {
        deleted: true,
        stagingDeleted: false,
        notes: ['The backup schedule was deleted; no further backups will run.'],
      },
    }));
    await renderAt('gettingStarted', 'loaded');
    expect(screen.getByTestId('sb-policy-state').getAttribute('data-state')).toBe('active');
    expect(screen.queryByTestId('wizard-step-passphrase')).toBeNull();
    fireEvent.click(screen.getByTestId('sb-pause'));
    await waitFor(() => expect(screen.getByTestId('sb-policy-state').getAttribute('data-state')).toBe('paused'));
    expect(screen.getByTestId('sb-action-message').textContent).toBe('Scheduled backups are paused.');
    fireEvent.click(screen.getByTestId('sb-delete'));
    type('sb-delete-confirm', 'delete');
    fireEvent.click(screen.getByTestId('sb-delete-submit'));
    expect(screen.getByText('Type DELETE (in capitals) to confirm.')).toBeTruthy();
    expect(t.calls.some((c) => c.channel === 'policy:delete')).toBe(false);
    type('sb-delete-confirm', 'DELETE');
    t.handle('policy:get', () => ({ ok: true, value: emptyView }));
    fireEvent.click(screen.getByTestId('sb-delete-submit'));
    await waitFor(() => expect(screen.getByTestId('sb-action-message').textContent).toMatch(/deleted/));
    expect(t.calls.find((c) => c.channel === 'policy:delete')?.req).toEqual({
      confirm: 'DELETE',
      deleteStagingData: false,
    });
  });
});
