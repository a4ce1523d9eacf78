import '../../test-dom-shims.ts';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore, useAppStore } from '../../store/index.ts';
import { addYears } from '../../../../shared/backup-wizard.ts';
import { localToday } from '../../store/slices/back-up-now.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { BackUpNowWizard } from './BackUpNowWizard.tsx';

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

const renderWizard = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <BackUpNowWizard />
    </FluentProvider>,
  );
const next = () => screen.getByTestId('wizard-next') as HTMLButtonElement;
const ownDisk = {
  stagingLocation: '/mnt/st',
  importJobName: 'seed-job',
  subscriptionId: 'sub-1',
  storageAccount: 'acct1',
  container: 'cont1',
  jobResourceGroup: 'rg1',
  storageAccountResourceGroup: 'rg1',
};
const policyView = (seed?: { completed: boolean; importJobState?: string; checkedAt?: string }) => ({
  ok: true as const,
  value: {
    policy: {
      items: [{ path: '/srv/a', kind: 'folder' }],
      exclusions: { folders: [], patterns: ['*.tmp'] },
      initialBackup: { type: 'ownDisks', ownDisk },
      ...(seed ? { seed } : {}),
    },
    loadProblem: null,
    nextRuns: [],
    passphraseSet: true,
  } as never,
});
const onlineTask = (over: Parameters<typeof makeTask>[0]) =>
  makeTask({
    id: 'o1',
    kind: 'scheduled',
    title: 'Back Up Now (online restore point)',
    progress: { done: 3 << 20, total: 12 << 20, unit: 'bytes', rate: 1 << 20, etaSeconds: 9 },
    ...over,
  });

describe('Back Up Now after the seed is imported', () => {
  it('before the import is Completed: says so and keeps doing the initial backup to staging', async () => {
    t.handle('policy:get', () =>
      policyView({ completed: false, importJobState: 'Shipping', checkedAt: '2026-12-04T21:00:00Z' }),
    );
    t.handle('backup:jobs', () => ({ ok: true, value: [] }));
    renderWizard();
    const note = await screen.findByTestId('bun-target-note');
    expect(note.getAttribute('data-target')).toBe('staging');
    expect(note.textContent).toMatch(
      /Initial backup to the staging location.*not imported yet \(import job "seed-job": Shipping/,
    );
    expect(screen.getByTestId('bun-staging')).toBeTruthy();
    // Checking the import job now: a failure is shown; a Completed job turns the wizard into an online restore point.
    t.handle('policy:checkSeed', () => ({
      ok: false,
      error: {
        code: 'AZURE',
        message:
          'The import job could not be checked: Unknown (not signed in to Azure). Sign in to Azure (Sign in / out) and check again.',
      },
    }));
    fireEvent.click(screen.getByTestId('bun-check-seed'));
    expect((await screen.findByTestId('bun-check-seed-error')).textContent).toMatch(/Sign in to Azure/);
    t.handle('policy:checkSeed', () => policyView({ completed: true, importJobState: 'Completed' }));
    fireEvent.click(screen.getByTestId('bun-check-seed'));
    await waitFor(() => expect(screen.getByTestId('bun-target-note').getAttribute('data-target')).toBe('online'));
    expect(screen.queryByTestId('bun-check-seed')).toBeNull();
    expect(screen.queryByTestId('bun-staging')).toBeNull();
  });

  it('once Completed: an incremental restore point of the policy’s items through backup:startOnline, with online progress, no staging checks', async () => {
    t.handle('policy:get', () => policyView({ completed: true, importJobState: 'Completed' }));
    t.handle('backup:startOnline', () => ({ ok: true, value: { taskId: 'o1', runId: 'r1' } }));
    renderWizard();
    const note = await screen.findByTestId('bun-target-note');
    expect(note.getAttribute('data-target')).toBe('online');
    expect(note.textContent).toMatch(/seed is imported.*incremental.*acct1\/cont1\/seed-job\//);
    expect(screen.getByTestId('bun-online-items').textContent).toContain('/srv/a (folder)');
    expect(screen.queryByTestId('bun-staging')).toBeNull();
    fireEvent.click(next());
    await screen.findByTestId('bun-retain');
    fireEvent.change(screen.getByTestId('bun-retain'), { target: { value: addYears(localToday(), 3) } });
    fireEvent.click(next());
    expect(screen.getByTestId('bun-passphrase-note').textContent).toMatch(
      /saved \(protected\) with your backup policy/,
    );
    expect(screen.queryByTestId('bun-passphrase')).toBeNull();
    fireEvent.click(next());
    expect((await screen.findByTestId('bun-online-container')).textContent).toBe('acct1/cont1/seed-job/');
    expect(screen.getByTestId('bun-target-note').getAttribute('data-target')).toBe('online');
    fireEvent.click(screen.getByTestId('bun-start'));
    await screen.findByText(/Waiting for the backup task/);
    expect(t.calls).toContainEqual({ channel: 'backup:startOnline', req: { retainUntil: addYears(localToday(), 3) } });
    // Nothing about a staging folder was asked or started.
    for (const ch of [
      'backup:jobs',
      'backup:estimate',
      'policy:checkStaging',
      'backup:checkPassphrase',
      'backup:start',
    ])
      expect(
        t.calls.some((c) => c.channel === ch),
        ch,
      ).toBe(false);

    act(() =>
      getAppState().upsertTask(
        onlineTask({
          counters: {
            bytesScanned: { value: 50 << 20, unit: 'bytes' },
            newBytes: { value: 5 << 20, unit: 'bytes' },
            uploadedBytes: { value: 3 << 20, unit: 'bytes' },
          },
        }),
      ),
    );
    expect(screen.getByTestId('bun-online-progress').getAttribute('data-status')).toBe('running');
    expect(screen.getByTestId('bun-online-counter-bytesScanned').textContent).toBe('50.0 MiB');
    expect(screen.getByTestId('bun-online-counter-newBytes').textContent).toBe('5.00 MiB');
    expect(screen.getByTestId('bun-online-counter-uploadedBytes').textContent).toBe('3.00 MiB');
    expect(screen.getByTestId('bun-online-counter-rate').textContent).toBe('1.00 MiB/s');
    expect(screen.getByTestId('bun-online-counter-eta').textContent).not.toBe('—');
    t.handle('task:cancel', () => ({ ok: true, value: onlineTask({ status: 'cancelling' }) }));
    fireEvent.click(screen.getByTestId('task-progress-cancel'));
    expect(t.calls.some((c) => c.channel === 'task:cancel')).toBe(true);

    act(() =>
      getAppState().upsertTask(onlineTask({ status: 'succeeded', result: { restorePoint: '20261205T210000Z-abc' } })),
    );
    expect(screen.getByTestId('bun-online-result').textContent).toMatch(
      /Restore point created.*20261205T210000Z-abc is in acct1\/cont1\/seed-job\//,
    );
  });

  it('a refused credential points to Change Properties → Container access; a held lock says another run is writing', async () => {
    t.handle('policy:get', () => policyView({ completed: true }));
    renderWizard();
    await screen.findByTestId('bun-target-note');
    act(() => useAppStore.setState((s) => ({ backUpNow: { ...s.backUpNow, taskId: 'o1', step: 'progress' } })));
    const msg =
      'This machine has no Entra application certificate … or give a container SAS URL (Change Properties → Container access, or --container-url).';
    act(() =>
      getAppState().upsertTask(
        onlineTask({
          status: 'failed',
          error: { code: 'SIGNIN_REQUIRED', message: msg, details: { credential: 'entraApp' } },
        }),
      ),
    );
    expect(screen.getByTestId('bun-online-failure').textContent).toContain('Change Properties → Container access');
    fireEvent.click(screen.getByTestId('bun-online-fix'));
    expect(getAppState().screen).toBe('changeProperties');

    act(() =>
      getAppState().upsertTask(
        onlineTask({
          status: 'failed',
          error: {
            code: 'CONFLICT',
            message: 'Another backup is writing to acct1/cont1/seed-job/: obc agent on build-7 (pid 42) since …',
          },
        }),
      ),
    );
    expect(screen.getByTestId('bun-online-failure').textContent).toMatch(/Another backup is writing/);
    expect(screen.queryByTestId('bun-online-fix')).toBeNull();
  });
});
