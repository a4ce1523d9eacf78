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

const PASS = 'a long enough passphrase';
const renderWizard = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <BackUpNowWizard />
    </FluentProvider>,
  );
const type = (id: string, value: string) => {
  const el = screen.getByTestId(id);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};
/** Test set-up only: put the wizard in a given state. */
const useStoreBun = (p: Partial<ReturnType<typeof getAppState>['backUpNow']>) =>
  useAppStore.setState((s) => ({ backUpNow: { ...s.backUpNow, ...p } }));
const next = () => screen.getByTestId('wizard-next') as HTMLButtonElement;
const estimate = (fits: boolean) => ({
  files: 3,
  dirs: 1,
  bytes: 1000,
  requiredBytes: 2000,
  freeBytes: fits ? 10_000 : 1000,
  fits,
  skipped: [],
});

describe('Back Up Now wizard', () => {
  it('without a policy: validates items, staging, job name, date and passphrase before Next, and refuses a backup that does not fit', async () => {
    t.handle('backup:jobs', () => ({ ok: true, value: [] }));
    t.handle('backup:estimate', () => ({ ok: true, value: estimate(false) }));
    renderWizard();
    expect((await screen.findByTestId('bun-source-note')).textContent).toMatch(/not available in this build/);
    expect(next().disabled).toBe(true);

    type('bun-item-path', '/srv/data');
    fireEvent.click(screen.getByTestId('bun-item-add'));
    expect(screen.getByTestId('bun-item-0').textContent).toBe('/srv/data');
    type('bun-staging', '/srv/data/stage');
    expect(screen.getByText(/the backup would copy itself/)).toBeTruthy();
    type('bun-staging', '/mnt/staging');
    type('bun-job-name', 'Seed');
    expect(screen.getByText(/must start with a lowercase letter/)).toBeTruthy();
    expect(next().disabled).toBe(true);
    type('bun-job-name', 'seed-one');
    expect(next().disabled).toBe(false);
    fireEvent.keyDown(screen.getByTestId('bun-job-name'), { key: 'Enter' }); // keyboard: Enter in a field of a valid page is Next

    await screen.findByTestId('bun-retain');
    expect(t.calls).toContainEqual({ channel: 'backup:jobs', req: { stagingLocation: '/mnt/staging' } });
    type('bun-retain', localToday());
    expect(next().disabled).toBe(true);
    expect(screen.getByText(/must be after today/)).toBeTruthy();
    type('bun-retain', addYears(localToday(), 2));
    fireEvent.click(next());

    type('bun-passphrase', 'short');
    expect(screen.getByText(/at least 16 are required/)).toBeTruthy();
    type('bun-passphrase', PASS);
    type('bun-passphrase-confirm', PASS + 'x');
    expect(screen.getByText(/The two passphrases differ/)).toBeTruthy();
    expect(next().disabled).toBe(true);
    fireEvent.keyDown(screen.getByTestId('bun-passphrase-confirm'), { key: 'Enter' }); // invalid page: Enter stays
    expect(screen.getByTestId('bun-passphrase-confirm')).toBeTruthy();
    type('bun-passphrase-confirm', PASS);
    expect(next().disabled).toBe(false);
    fireEvent.click(next());

    expect((await screen.findByTestId('bun-estimate-fits')).textContent).toMatch(/Does not fit/);
    expect((screen.getByTestId('bun-start') as HTMLButtonElement).disabled).toBe(true);
    expect(t.calls).toContainEqual({
      channel: 'backup:estimate',
      req: { items: ['/srv/data'], stagingLocation: '/mnt/staging' },
    });
    expect(next().disabled).toBe(true);
  });

  it('with a policy: its items can be narrowed, a completed job must be replaced explicitly, and the start request carries the job identity', async () => {
    t.handle('policy:get', () => ({
      ok: true,
      value: {
        policy: {
          items: [
            { path: '/srv/a', kind: 'folder' },
            { path: '/srv/b', kind: 'folder' },
          ],
          exclusions: { folders: [], patterns: ['*.tmp'] },
          initialBackup: {
            type: 'ownDisks',
            ownDisk: {
              stagingLocation: '/mnt/st',
              importJobName: 'seed-job',
              subscriptionId: 'sub-1',
              storageAccount: 'acct1',
              container: 'cont1',
              jobResourceGroup: 'rg1',
              storageAccountResourceGroup: 'rg1',
            },
          },
        },
        loadProblem: null,
        nextRuns: [],
        passphraseSet: true,
      } as never,
    }));
    t.handle('backup:jobs', () => ({
      ok: true,
      value: [
        {
          jobName: 'seed-job',
          dir: '/mnt/st/seed-job',
          state: 'complete' as const,
          completedAt: '2026-11-20T10:00:00Z',
        },
      ],
    }));
    t.handle('backup:estimate', () => ({ ok: true, value: estimate(true) }));
    t.handle('backup:start', () => ({ ok: true, value: { taskId: 'b1' } }));
    renderWizard();
    await screen.findByTestId('bun-item-1');
    expect((screen.getByTestId('bun-staging') as HTMLInputElement).readOnly).toBe(true);
    expect((screen.getByTestId('bun-job-name') as HTMLInputElement).value).toBe('seed-job');
    fireEvent.click(screen.getByTestId('bun-item-0'));
    fireEvent.click(screen.getByTestId('bun-item-1'));
    expect(next().disabled).toBe(true);
    fireEvent.click(screen.getByTestId('bun-item-0'));
    expect(next().disabled).toBe(false);
    fireEvent.click(next());
    await screen.findByTestId('bun-retain');
    fireEvent.click(next());
    expect(screen.getByTestId('bun-passphrase-note').getAttribute('data-existing')).toBe('complete');
    // The policy keeps a passphrase: used by the host unless the user chooses to type one.
    expect((screen.getByTestId('bun-use-policy-passphrase') as HTMLInputElement).checked).toBe(true);
    expect(screen.queryByTestId('bun-passphrase')).toBeNull();
    fireEvent.click(screen.getByTestId('bun-use-policy-passphrase'));
    expect(next().disabled).toBe(true);
    type('bun-passphrase', PASS);
    type('bun-passphrase-confirm', PASS);
    fireEvent.click(screen.getByTestId('bun-use-policy-passphrase'));
    expect(next().disabled).toBe(false);
    fireEvent.click(next());

    await screen.findByTestId('bun-estimate-fits');
    const start = screen.getByTestId('bun-start') as HTMLButtonElement;
    expect(start.disabled).toBe(true);
    fireEvent.click(screen.getByTestId('bun-overwrite'));
    expect(start.disabled).toBe(false);
    fireEvent.click(start);
    await screen.findByTestId('bun-progress');
    expect(t.calls.find((c) => c.channel === 'backup:start')?.req).toEqual({
      items: ['/srv/a'],
      stagingLocation: '/mnt/st',
      job: {
        name: 'seed-job',
        subscriptionId: 'sub-1',
        resourceGroup: 'rg1',
        storageAccount: 'acct1',
        container: 'cont1',
      },
      usePolicyPassphrase: true,
      retainUntil: addYears(localToday(), 1),
      exclusions: { folders: [], patterns: ['*.tmp'] },
      overwrite: true,
    });
  });

  it('progress: counters, skipped files, completed with warnings; a wrong passphrase leads back to the passphrase page', async () => {
    t.handle('backup:jobs', () => ({
      ok: true,
      value: [{ jobName: 'seed-one', dir: '/mnt/st/seed-one', state: 'inProgress' as const }],
    }));
    act(() => {
      getAppState().updateBackupDraft({
        items: [{ path: '/srv/data', kind: 'folder', selected: true }],
        stagingLocation: '/mnt/st',
        jobName: 'seed-one',
        passphrase: PASS,
      });
      useStoreBun({ policyLoad: 'unavailable', existing: 'inProgress', taskId: 'b2', step: 'progress', reached: 4 });
      getAppState().upsertTask(
        makeTask({
          id: 'b2',
          status: 'running',
          counters: {
            filesScanned: { value: 10 },
            filesProcessed: { value: 4 },
            bytesWritten: { value: 2048 },
            dedupSavedBytes: { value: 1024 },
            compressionSavedBytes: { value: 512 },
          },
          warnings: ['Skipped /srv/data/locked.db: permission denied'],
        }),
      );
    });
    renderWizard();
    expect(screen.getByTestId('bun-status').getAttribute('data-status')).toBe('running');
    expect(screen.getByTestId('bun-resume-note').textContent).toMatch(/Resuming/);
    expect(screen.getByTestId('bun-close-note').textContent).toMatch(/does not stop the backup/);
    expect(screen.getByTestId('bun-counter-filesProcessed').textContent).toBe('4 of 10');
    expect(screen.getByTestId('bun-counter-dedupSavedBytes').textContent).toBe('1.00 KiB');
    expect(screen.getByTestId('bun-counter-eta').textContent).toBe('19 s');
    expect(screen.getByTestId('bun-warnings').textContent).toMatch(/locked.db: permission denied/);
    expect(next().textContent).toBe('Close');

    act(() => {
      getAppState().upsertTask(
        makeTask({
          id: 'b2',
          status: 'succeededWithWarnings',
          warnings: [
            'Skipped /srv/data/locked.db: permission denied',
            'Skipped /srv/data/gone.txt: vanished during the scan',
          ],
          result: { files: 8, bytes: 4096, storedBytes: 2048, packs: 1, skippedCount: 2, resumed: true, seconds: 3 },
        }),
      );
    });
    expect(screen.getByTestId('bun-result').textContent).toMatch(/Completed with warnings: 2 item\(s\) skipped/);
    expect(screen.getByTestId('bun-resume-note').textContent).toMatch(/resumed an unfinished backup/);

    act(() => {
      getAppState().upsertTask(
        makeTask({
          id: 'b3',
          status: 'failed',
          error: {
            code: 'WRONG_PASSPHRASE',
            message: 'The passphrase does not match the one used for backup job "seed-one".',
          },
        }),
      );
      useStoreBun({ taskId: 'b3' });
    });
    expect(screen.getByTestId('bun-failure').textContent).toMatch(
      /does not match the one used for backup job "seed-one"/,
    );
    fireEvent.click(screen.getByTestId('bun-fix-passphrase'));
    expect(screen.getByTestId('bun-passphrase-error').textContent).toMatch(/does not match/);
    await waitFor(() =>
      expect(screen.getByTestId('bun-passphrase-note').getAttribute('data-existing')).toBe('inProgress'),
    );
    expect(screen.queryByTestId('bun-passphrase-confirm')).toBeNull();
  });

  it('verify after a finished backup names the damaged pack and the file it affects', async () => {
    t.handle('backup:verify', () => ({ ok: true, value: { taskId: 'v1' } }));
    act(() => {
      getAppState().updateBackupDraft({ stagingLocation: '/mnt/st', jobName: 'seed-one', passphrase: PASS });
      useStoreBun({ policyLoad: 'unavailable', existing: 'none', taskId: 'b4', step: 'progress', reached: 4 });
      getAppState().upsertTask(
        makeTask({
          id: 'b4',
          status: 'succeeded',
          result: { files: 2, bytes: 10, storedBytes: 10, packs: 1, skippedCount: 0, resumed: false, seconds: 1 },
        }),
      );
    });
    renderWizard();
    fireEvent.click(screen.getByTestId('bun-verify'));
    await waitFor(() =>
      expect(t.calls).toContainEqual({
        channel: 'backup:verify',
        req: { stagingLocation: '/mnt/st', job: 'seed-one', passphrase: PASS },
      }),
    );
    act(() =>
      getAppState().upsertTask(
        makeTask({
          id: 'v1',
          kind: 'verify',
          status: 'succeededWithWarnings',
          result: {
            ok: false,
            jobName: 'seed-one',
            packsChecked: 1,
            chunksChecked: 3,
            filesChecked: 2,
            catalogOk: true,
            damagedPacks: [{ path: 'packs/000001.pack', reason: 'chunk 2 does not authenticate' }],
            damagedFiles: [{ path: 'srv/data/a.bin', reason: 'needs a damaged chunk' }],
          },
        }),
      ),
    );
    expect(screen.getByTestId('bun-verify-result').textContent).toMatch(/The backup is damaged/);
    expect(screen.getByTestId('bun-verify-damaged').textContent).toMatch(
      /packs\/000001.pack: chunk 2 does not authenticate/,
    );
    expect(screen.getByTestId('bun-verify-damaged').textContent).toMatch(/srv\/data\/a.bin: needs a damaged chunk/);
  });

  it("a typed passphrase other than the policy's is refused before Next (one passphrase per backup, issue 13 §8)", async () => {
    t.handle('backup:jobs', () => ({ ok: true, value: [] }));
    t.handle('backup:checkPassphrase', (req) =>
      req.passphrase === PASS
        ? { ok: true, value: { ok: true as const, exists: false } }
        : {
            ok: false,
            error: {
              code: 'WRONG_PASSPHRASE',
              message: 'The passphrase typed is not the one saved with the backup policy for job "seed-one".',
            },
          },
    );
    renderWizard();
    await screen.findByTestId('bun-wizard');
    act(() => {
      useStoreBun({ policy: { passphraseSet: true } as never });
      getAppState().updateBackupDraft({
        items: [{ path: '/srv/data', kind: 'folder', selected: true }],
        stagingLocation: '/mnt/st',
        jobName: 'seed-one',
        usePolicyPassphrase: false,
      });
    });
    await act(async () => {
      await getAppState().checkBackupJob();
      getAppState().goBackupStep('passphrase');
    });
    type('bun-passphrase', 'another passphrase of enough length');
    type('bun-passphrase-confirm', 'another passphrase of enough length');
    fireEvent.click(next());
    expect((await screen.findByTestId('bun-passphrase-error')).textContent).toMatch(
      /not the one saved with the backup policy/,
    );
    expect(getAppState().backUpNow.step).toBe('passphrase');
    type('bun-passphrase', PASS);
    type('bun-passphrase-confirm', PASS);
    fireEvent.click(next());
    await waitFor(() => expect(getAppState().backUpNow.step).toBe('confirm'));
    expect(t.calls.filter((c) => c.channel === 'backup:checkPassphrase').length).toBe(2);
  });

  it('resuming an unfinished job: a wrong passphrase is caught by backup:checkPassphrase before Next', async () => {
    t.handle('backup:jobs', () => ({
      ok: true,
      value: [{ jobName: 'seed-one', dir: '/mnt/st/seed-one', state: 'inProgress' as const }],
    }));
    t.handle('backup:checkPassphrase', (req) =>
      req.passphrase === PASS
        ? { ok: true, value: { ok: true as const, exists: true } }
        : {
            ok: false,
            error: {
              code: 'WRONG_PASSPHRASE',
              message: 'The passphrase does not match the one used for backup job "seed-one".',
            },
          },
    );
    t.handle('backup:estimate', () => ({
      ok: true,
      value: { files: 1, dirs: 0, bytes: 10, requiredBytes: 2000, freeBytes: 1e9, fits: true, skipped: [] },
    }));
    renderWizard();
    await screen.findByTestId('bun-wizard');
    act(() => {
      getAppState().updateBackupDraft({
        items: [{ path: '/srv/data', kind: 'folder', selected: true }],
        stagingLocation: '/mnt/st',
        jobName: 'seed-one',
      });
    });
    await act(async () => {
      await getAppState().checkBackupJob();
      getAppState().goBackupStep('passphrase');
    });
    expect(screen.getByTestId('bun-passphrase-note').getAttribute('data-existing')).toBe('inProgress');
    type('bun-passphrase', 'a different passphrase of enough length');
    fireEvent.click(next());
    expect((await screen.findByTestId('bun-passphrase-error')).textContent).toMatch(/does not match/);
    expect(getAppState().backUpNow.step).toBe('passphrase');
    type('bun-passphrase', PASS);
    expect(screen.queryByTestId('bun-passphrase-error')).toBeNull();
    fireEvent.click(next());
    await waitFor(() => expect(getAppState().backUpNow.step).toBe('confirm'));
    expect(t.calls.filter((c) => c.channel === 'backup:checkPassphrase').map((c) => c.req)).toEqual([
      { stagingLocation: '/mnt/st', job: 'seed-one', passphrase: 'a different passphrase of enough length' },
      { stagingLocation: '/mnt/st', job: 'seed-one', passphrase: PASS },
    ]);
  });
});
