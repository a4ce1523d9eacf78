import '../../test/dom-shims.ts';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test/fake-transport.ts';
import { makeTask } from '../../test/fixtures.ts';
import { RecoverWizard } from './RecoverWizard.tsx';

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

const renderWizard = () => render(<FluentProvider theme={webLightTheme}><RecoverWizard /></FluentProvider>);
const type = (id: string, value: string) => {
  const el = screen.getByTestId(id);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};
const next = () => screen.getByTestId('wizard-next') as HTMLButtonElement;
const child = (path: string, type: 'file' | 'dir', size = 0) => ({ name: path.split('/').pop()!, path, type, size, mtimeMs: Date.UTC(2026, 10, 1) });

describe('Recover Data wizard', () => {
  it('walks source → job → browse → destination with each page gating Next, and starts recover:start with the selection', async () => {
    t.handle('backup:jobs', () => ({
      ok: true,
      value: [
        { jobName: 'half-done', dir: '/mnt/st/half-done', state: 'inProgress' as const },
        { jobName: 'seed-one', dir: '/mnt/st/seed-one', state: 'complete' as const, completedAt: '2026-11-20T10:00:00Z', totals: { files: 3, bytes: 300, storedBytes: 200, chunks: 3, skipped: 0 } },
      ],
    }));
    t.handle('recover:list', (req) => {
      if (req.passphrase !== 'right') return { ok: false, error: { code: 'WRONG_PASSPHRASE', message: 'The passphrase does not match the one used for backup job "seed-one".' } };
      const tree: Record<string, ReturnType<typeof child>[]> = {
        '': [child('srv', 'dir')],
        srv: [child('srv/a', 'dir'), child('srv/b.txt', 'file', 2048)],
        'srv/a': [child('srv/a/x.bin', 'file', 10)],
      };
      return { ok: true, value: { path: req.path ?? '', children: tree[req.path ?? ''] ?? [] } };
    });
    t.handle('recover:start', () => ({ ok: true, value: { taskId: 'r1' } }));
    renderWizard();

    // Source: only the staging folder can be read in this build.
    expect((screen.getByTestId('rec-source-disks') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByTestId('rec-source-blob') as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId('rec-source-note').textContent).toMatch(/not available in this build/);
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
      staging: '/mnt/st',
      job: 'seed-one',
      passphrase: 'right',
      to: '/restore',
      paths: ['srv/b.txt'],
      conflict: 'overwrite',
    });

    act(() => getAppState().upsertTask(makeTask({ id: 'r1', kind: 'restore', status: 'succeeded', result: { files: 1, dirs: 1, symlinks: 0, bytes: 2048, skipped: [] } })));
    expect(screen.getByTestId('rec-status').getAttribute('data-status')).toBe('succeeded');
    expect(screen.getByTestId('rec-result').textContent).toMatch(/Recovery completed/);
    expect(next().textContent).toBe('Close');
  });
});
