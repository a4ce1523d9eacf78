import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { JobsView } from './JobsView.tsx';

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

const renderJobs = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <JobsView />
    </FluentProvider>,
  );

describe('JobsView', () => {
  it('renders a running task with progress, rate and ETA, and cancels it', async () => {
    getAppState().upsertTask(makeTask({ id: 'run1' }));
    t.handle('task:cancel', ({ id }) => ({ ok: true, value: makeTask({ id, status: 'cancelling' }) }));
    renderJobs();
    const row = screen.getByTestId('job-row-run1');
    expect(row.getAttribute('data-status')).toBe('running');
    expect(within(row).getByTestId('job-status').textContent).toContain('Running');
    expect(within(row).getByTestId('job-message').textContent).toContain('Reading D:\\Data\\projects');
    expect(within(row).getByTestId('task-progress-text').textContent).toBe(
      '512 MiB of 2.00 GiB (25%) · 80.0 MiB/s · about 19 s left',
    );
    const bar = within(row).getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe(String(512 * 1024 * 1024));
    fireEvent.click(within(row).getByTestId('task-progress-cancel'));
    await screen.findByText(/Cancelling…/);
    expect(t.calls).toContainEqual({ channel: 'task:cancel', req: { id: 'run1' } });
    expect(screen.getByTestId('job-row-run1').getAttribute('data-status')).toBe('cancelling');
  });

  it('renders a failed task with its message (the code only as data, never in the text), and dismisses it', async () => {
    getAppState().upsertTask(
      makeTask({
        id: 'bad1',
        status: 'failed',
        endedAt: '2026-11-22T04:01:05.000Z',
        error: { code: 'NO_SPACE', message: 'Staging volume E:\\ has 2 GiB free; the backup needs 40 GiB.' },
      }),
    );
    t.handle('task:dismiss', () => ({ ok: true, value: undefined }));
    renderJobs();
    const row = screen.getByTestId('job-row-bad1');
    expect(within(row).getByTestId('job-status').textContent).toContain('Failed');
    expect(within(row).getByTestId('job-message').textContent).toBe(
      'Staging volume E:\\ has 2 GiB free; the backup needs 40 GiB.',
    );
    expect(within(row).getByTestId('job-message').getAttribute('data-code')).toBe('NO_SPACE');
    expect(within(row).queryByTestId('task-progress')).toBeNull();
    expect(within(row).getByTestId('job-description').textContent).toContain('1 min 05 s');
    fireEvent.click(within(row).getByTestId('job-dismiss'));
    await expect.poll(() => screen.queryByTestId('job-row-bad1')).toBeNull();
  });

  it('shows an indeterminate bar while the total is unknown, and an empty state', () => {
    renderJobs();
    expect(screen.getByTestId('jobs-empty').textContent).toContain('once the console host answers');
    cleanup();
    getAppState().setConnection({ state: 'connected' });
    renderJobs();
    expect(screen.getByTestId('jobs-empty').textContent).toContain('Loading jobs');
    cleanup();
    getAppState().upsertTask(makeTask({ id: 'scan', progress: { done: 42, unit: 'files' } }));
    renderJobs();
    expect(screen.getByTestId('task-progress-text').textContent).toBe('42 files so far');
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull();
  });
});
