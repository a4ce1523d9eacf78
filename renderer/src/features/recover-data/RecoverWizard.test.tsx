import '../../test-dom-shims.ts';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { RecoverWizard } from './RecoverWizard.tsx';
import type { PolicyView } from '../../../../shared/contract/policies.ts';
import type { AuthStatus } from '../../../../shared/contract/azure.ts';

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
      <RecoverWizard />
    </FluentProvider>,
  );
const type = (id: string, value: string) => {
  const el = screen.getByTestId(id);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};
const next = () => screen.getByTestId('wizard-next') as HTMLButtonElement;
const child = (path: string, type: 'file' | 'dir', size = 0) => ({
  name: path.split('/').pop()!,
  path,
  type,
  size,
  mtimeMs: Date.UTC(2026, 10, 1),
});

describe('Recover Data wizard', () => {
  it('walks source → job → browse → destination with each page gating Next, and starts recover:start with the selection', async () => {
    t.handle('backup:jobs', () => ({
      ok: true,
      value: [
        { jobName: 'half-done', dir: '/mnt/st/half-done', state: 'inProgress' as const },
        {
          jobName: 'seed-one',
          dir: '/mnt/st/seed-one',
          state: 'complete' as const,
          completedAt: '2026-11-20T10:00:00Z',
          totals: { files: 3, bytes: 300, storedBytes: 200, chunks: 3, skipped: 0 },
        },
      ],
    }));
    t.handle('recover:list', (req) => {
      if (req.passphrase !== 'right')
        return {
          ok: false,
          error: {
            code: 'WRONG_PASSPHRASE',
            message: 'The passphrase does not match the one used for backup job "seed-one".',
          },
        };
      const tree: Record<string, ReturnType<typeof child>[]> = {
        '': [child('srv', 'dir')],
        srv: [child('srv/a', 'dir'), child('srv/b.txt', 'file', 2048)],
        'srv/a': [child('srv/a/x.bin', 'file', 10)],
      };
      return { ok: true, value: { path: req.path ?? '', children: tree[req.path ?? ''] ?? [] } };
    });
    t.handle('recover:start', () => ({ ok: true, value: { taskId: 'r1' } }));
    renderWizard();

    // Source: all three can be read; the staging folder is the default.
    expect((screen.getByTestId('rec-source-disks') as HTMLInputElement).disabled).toBe(false);
    expect((screen.getByTestId('rec-source-blob') as HTMLInputElement).disabled).toBe(false);
    expect(next().disabled).toBe(true);
    type('rec-staging', 'staging');
    expect(screen.getByText(/must be a full path/)).toBeTruthy();
    type('rec-staging', '/mnt/st');
    fireEvent.click(next());

    // Job + passphrase: the only complete job is preselected; an unfinished one cannot be chosen; a wrong passphrase stays here.
    await waitFor(() => expect((screen.getByTestId('rec-job-seed-one') as HTMLInputElement).checked).toBe(true));
    fireEvent.click(screen.getByTestId('rec-job-half-done'));
    type('rec-passphrase', 'right');
    expect(screen.getByText(/is not complete/)).toBeTruthy();
    expect(next().disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rec-job-seed-one'));
    type('rec-passphrase', 'wrong');
    fireEvent.click(next());
    expect((await screen.findByTestId('rec-unlock-error')).getAttribute('data-code')).toBe('WRONG_PASSPHRASE');
    type('rec-passphrase', 'right');
    fireEvent.click(next());

    // Browse: nothing selected → Next disabled; tick a file deep in the tree.
    await screen.findByTestId('rec-tree');
    expect(next().disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rec-expand-srv'));
    await screen.findByTestId('rec-row-srv/b.txt');
    expect(screen.getByTestId('rec-row-srv/b.txt').textContent).toMatch(/2\.00 KiB/);
    fireEvent.click(screen.getByTestId('rec-check-srv/b.txt'));
    expect(screen.getByTestId('rec-selection').textContent).toBe('1 item selected');
    expect((screen.getByTestId('rec-check-srv') as HTMLInputElement).indeterminate).toBe(true);
    fireEvent.click(next());

    // Destination: a full path outside the staging folder; Recover starts the task.
    type('rec-destination', '/mnt/st/out');
    expect(screen.getByText(/outside the staging location/)).toBeTruthy();
    expect((screen.getByTestId('rec-start') as HTMLButtonElement).disabled).toBe(true);
    type('rec-destination', '/restore');
    fireEvent.click(screen.getByTestId('rec-conflict-overwrite'));
    fireEvent.click(screen.getByTestId('rec-start'));
    await screen.findByTestId('rec-progress');
    expect(t.calls.find((c) => c.channel === 'recover:start')?.req).toEqual({
      source: { kind: 'staging', stagingLocation: '/mnt/st', job: 'seed-one' },
      passphrase: 'right',
      to: '/restore',
      paths: ['srv/b.txt'],
      conflict: 'overwrite',
    });

    act(() =>
      getAppState().upsertTask(
        makeTask({
          id: 'r1',
          kind: 'restore',
          status: 'succeeded',
          result: { files: 1, dirs: 1, symlinks: 0, bytes: 2048, skipped: [] },
        }),
      ),
    );
    expect(screen.getByTestId('rec-status').getAttribute('data-status')).toBe('succeeded');
    expect(screen.getByTestId('rec-result').textContent).toMatch(/Recovery completed/);
    expect(next().textContent).toBe('Close');
  });

  it('prepared disks: folders added through the folder dialog, a typed job name, recover:list/start with the disks source', async () => {
    const picks = ['/media/disk1', '/media/disk2'];
    t.handle('dialog:pickFolder', () => ({ ok: true, value: { path: picks.shift() ?? null, useBrowser: false } }));
    t.handle('recover:list', (req) => ({ ok: true, value: { path: req.path ?? '', children: [child('srv', 'dir')] } }));
    t.handle('recover:start', () => ({ ok: true, value: { taskId: 'r2' } }));
    renderWizard();
    fireEvent.click(screen.getByTestId('rec-source-disks'));
    await waitFor(() => expect(screen.getByTestId('rec-disk-add')).toBeTruthy());
    expect(next().disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rec-disk-add'));
    await waitFor(() => expect((screen.getByTestId('rec-disk-0') as HTMLInputElement).value).toBe('/media/disk1'));
    fireEvent.click(screen.getByTestId('rec-disk-add'));
    await waitFor(() => expect((screen.getByTestId('rec-disk-1') as HTMLInputElement).value).toBe('/media/disk2'));
    expect(next().disabled).toBe(false);
    fireEvent.click(next());
    await screen.findByTestId('rec-job-name');
    type('rec-job-name', 'Bad Name');
    expect(screen.getByText('Job name "Bad Name" must start with a lowercase letter.')).toBeTruthy();
    type('rec-job-name', 'seed-one');
    type('rec-passphrase', 'right');
    fireEvent.click(next());
    await screen.findByTestId('rec-tree');
    expect(t.calls.find((c) => c.channel === 'recover:list')?.req).toEqual({
      source: { kind: 'disks', disks: ['/media/disk1', '/media/disk2'], job: 'seed-one' },
      passphrase: 'right',
      path: '',
    });
    fireEvent.click(screen.getByTestId('rec-check-srv'));
    fireEvent.click(next());
    type('rec-destination', '/media/disk1/out');
    expect(screen.getByText(/outside the prepared disks/)).toBeTruthy();
    type('rec-destination', '/restore');
    fireEvent.click(screen.getByTestId('rec-conflict-skip'));
    fireEvent.click(screen.getByTestId('rec-start'));
    await screen.findByTestId('rec-progress');
    expect(t.calls.find((c) => c.channel === 'recover:start')?.req).toMatchObject({
      source: { kind: 'disks', disks: ['/media/disk1', '/media/disk2'], job: 'seed-one' },
      to: '/restore',
    });
  });

  it('blob container: fields prefilled from the policy, SIGNIN_REQUIRED shows a sign-in prompt that opens the backup after signing in', async () => {
    t.handle('policy:get', () => ({
      ok: true,
      value: {
        policy: {
          items: [{ path: '/srv', kind: 'folder' }],
          initialBackup: {
            type: 'ownDisks',
            ownDisk: {
              stagingLocation: '/mnt/st',
              importJobName: 'seed-one',
              subscriptionId: 'sub-1',
              jobResourceGroup: 'rg-1',
              storageAccount: 'acct1',
              container: 'seed',
            },
          },
        },
      } as unknown as PolicyView,
    }));
    t.handle('backup:jobs', () => ({ ok: true, value: [] }));
    let signedIn = false;
    t.handle('auth:signIn', () => {
      signedIn = true;
      return {
        ok: true,
        value: { cloud: 'sandbox', cloudDisplayName: 'Local sandbox', signedIn: true } as unknown as AuthStatus,
      };
    });
    t.handle('recover:list', (req) =>
      signedIn
        ? { ok: true, value: { path: req.path ?? '', children: [child('srv', 'dir')] } }
        : { ok: false, error: { code: 'SIGNIN_REQUIRED', message: 'Sign in to read job "seed-one".' } },
    );
    renderWizard();
    fireEvent.click(screen.getByTestId('rec-source-blob'));
    await waitFor(() => expect((screen.getByTestId('rec-storage-account') as HTMLInputElement).value).toBe('acct1'));
    expect((screen.getByTestId('rec-subscription') as HTMLInputElement).value).toBe('sub-1');
    expect((screen.getByTestId('rec-resource-group') as HTMLInputElement).value).toBe('rg-1');
    expect((screen.getByTestId('rec-container') as HTMLInputElement).value).toBe('seed');
    type('rec-container', 'Bad--name');
    expect(next().disabled).toBe(true);
    type('rec-container', 'seed');
    fireEvent.click(next());
    await waitFor(() => expect((screen.getByTestId('rec-job-name') as HTMLInputElement).value).toBe('seed-one'));
    type('rec-passphrase', 'right');
    fireEvent.click(next());
    await screen.findByTestId('rec-signin');
    fireEvent.click(screen.getByTestId('rec-container-signin'));
    await waitFor(() => expect(getAppState().recoverData.step).toBe('browse'));
    expect(getAppState().recoverData.tree['']).toBeTruthy();
    expect(t.calls.filter((c) => c.channel === 'recover:list').at(-1)?.req).toEqual({
      source: {
        kind: 'container',
        job: 'seed-one',
        subscriptionId: 'sub-1',
        resourceGroup: 'rg-1',
        storageAccount: 'acct1',
        container: 'seed',
        stagingLocation: '/mnt/st',
      },
      passphrase: 'right',
      path: '',
    });

    // Check this backup: verifies the same source in the container; progress, then the result.
    t.handle('backup:verify', () => ({ ok: true, value: { taskId: 'v1' } }));
    expect(screen.getByTestId('rec-check-note').textContent).toMatch(
      /from the storage account container \(it downloads the whole backup\)/,
    );
    fireEvent.click(screen.getByTestId('rec-check-backup'));
    await waitFor(() => expect(getAppState().recoverData.checkTaskId).toBe('v1'));
    expect(t.calls.find((c) => c.channel === 'backup:verify')?.req).toEqual({
      source: {
        kind: 'container',
        job: 'seed-one',
        subscriptionId: 'sub-1',
        resourceGroup: 'rg-1',
        storageAccount: 'acct1',
        container: 'seed',
        stagingLocation: '/mnt/st',
      },
      passphrase: 'right',
    });
    act(() => getAppState().upsertTask(makeTask({ id: 'v1', kind: 'verify', title: 'Verify backup: seed-one' })));
    expect((await screen.findByTestId('rec-check-status')).getAttribute('data-status')).toBe('running');
    expect((screen.getByTestId('rec-check-backup') as HTMLButtonElement).disabled).toBe(true);
    act(() =>
      getAppState().upsertTask(
        makeTask({
          id: 'v1',
          kind: 'verify',
          status: 'succeeded',
          message: 'All 4 packs and 3 files are intact.',
          endedAt: '2026-11-22T04:01:00.000Z',
        }),
      ),
    );
    await waitFor(() =>
      expect(screen.getByTestId('rec-check-status').textContent).toBe('All 4 packs and 3 files are intact.'),
    );
    expect((screen.getByTestId('rec-check-backup') as HTMLButtonElement).disabled).toBe(false);
  });

  it("the policy's saved passphrase: used by default (the host reads it), or typed after unticking", async () => {
    t.handle('policy:get', () => ({
      ok: true,
      value: {
        passphraseSet: true,
        policy: {
          items: [],
          initialBackup: { type: 'ownDisks', ownDisk: { stagingLocation: '/mnt/st', importJobName: 'seed-one' } },
        },
      } as unknown as PolicyView,
    }));
    t.handle('backup:jobs', () => ({
      ok: true,
      value: [{ jobName: 'seed-one', dir: '/mnt/st/seed-one', state: 'complete' as const }],
    }));
    t.handle('recover:list', (req) => ({ ok: true, value: { path: req.path ?? '', children: [child('srv', 'dir')] } }));
    renderWizard();
    await waitFor(() => expect((screen.getByTestId('rec-staging') as HTMLInputElement).value).toBe('/mnt/st'));
    fireEvent.click(next());
    await waitFor(() =>
      expect((screen.getByTestId('rec-use-policy-passphrase') as HTMLInputElement).checked).toBe(true),
    );
    expect(screen.queryByTestId('rec-passphrase')).toBeNull();
    fireEvent.click(screen.getByTestId('rec-use-policy-passphrase'));
    expect(next().disabled).toBe(true);
    fireEvent.click(screen.getByTestId('rec-use-policy-passphrase'));
    fireEvent.click(next());
    await screen.findByTestId('rec-tree');
    expect(t.calls.find((c) => c.channel === 'recover:list')?.req).toEqual({
      source: { kind: 'staging', stagingLocation: '/mnt/st', job: 'seed-one' },
      usePolicyPassphrase: true,
      path: '',
    });
  });
});
