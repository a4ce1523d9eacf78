import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { FluentProvider, tokens, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiskPrepStatus } from '../../../../shared/contract/diskprep.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { StatusBar } from '../console/StatusBar.tsx';
import { JobsView } from './JobsView.tsx';

const MiB = 1024 * 1024;
const MESSAGE =
  'Waiting for another disk: at least 22.1 MiB more (1 file, 21.0 MiB left). Attach a disk and add it in Prepare Disks, or cancel; the prepared disks are kept.';

/** A Disk Prep task as the host sends it while it waits for another disk (service.ts). */
const waitingTask = () =>
  makeTask({
    id: 'dp1',
    kind: 'diskprep',
    title: 'Prepare disks for seed-e2e',
    status: 'waiting',
    message: MESSAGE,
    progress: { done: 100 * MiB, total: 142 * MiB, unit: 'bytes' },
    waiting: {
      reason: 'anotherDisk',
      since: '2026-11-22T04:02:00.000Z',
      details: {
        neededBytes: 22.1 * MiB,
        remainingFiles: 1,
        remainingBytes: 21 * MiB,
        stagingLocation: '/data/staging',
        job: 'seed-e2e',
      },
    },
  });

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

const wrap = (ui: React.ReactNode) => render(<FluentProvider theme={webLightTheme}>{ui}</FluentProvider>);

describe('a task waiting for the user', () => {
  it('shows in the Jobs view as waiting (not failed, not red) with its message, cancel and the way to continue', async () => {
    getAppState().upsertTask(waitingTask());
    getAppState().upsertTask(makeTask({ id: 'done1', status: 'succeeded', endedAt: '2026-11-22T04:01:00.000Z' }));
    const { waiting: _w, ...rest } = waitingTask();
    t.handle('task:cancel', ({ id }) => ({ ok: true, value: { ...rest, id, status: 'cancelling' as const } }));
    wrap(<JobsView />);
    const row = screen.getByTestId('job-row-dp1');
    expect(row.getAttribute('data-status')).toBe('waiting');
    expect(within(row).getByTestId('job-status').textContent).toBe('Waiting for you');
    const message = within(row).getByTestId('job-message');
    expect(message.textContent).toBe(MESSAGE);
    expect(message.textContent).not.toMatch(/NO_SPACE/);
    expect((message.firstElementChild as HTMLElement).style.color).not.toBe(tokens.colorPaletteRedForeground1);
    expect(within(row).getByTestId('task-progress-text').textContent).toBe('Paused · 100 MiB of 142 MiB (70%)');
    expect(within(row).queryByTestId('job-dismiss')).toBeNull(); // not finished: cancel, never dismiss
    expect(screen.getByTestId('jobs-clear-finished').textContent).toBe('Clear finished (1)');
    fireEvent.click(within(row).getByTestId('task-progress-cancel'));
    await expect.poll(() => screen.getByTestId('job-row-dp1').getAttribute('data-status')).toBe('cancelling');
    expect(t.calls).toContainEqual({ channel: 'task:cancel', req: { id: 'dp1' } });
  });

  it('"Attach another disk" opens Prepare Disks at the copy step of that job', async () => {
    getAppState().upsertTask(waitingTask());
    const status: DiskPrepStatus = {
      jobName: 'seed-e2e',
      stateDir: '/data/staging/seed-e2e.diskprep',
      started: true,
      disks: [],
      complete: false,
      waitingTaskId: 'dp1',
    };
    t.handle('diskprep:status', () => ({ ok: true, value: status }));
    t.handle('diskprep:disks', () => ({ ok: true, value: { disks: [], windowsAvailable: false } }));
    t.handle('diskprep:jobs', () => ({ ok: true, value: { stagingLocation: '/data/staging', jobs: [], broken: [] } }));
    wrap(<JobsView />);
    fireEvent.click(screen.getByTestId('job-open-diskprep'));
    await expect.poll(() => getAppState().diskPrep.status?.waitingTaskId).toBe('dp1');
    expect(getAppState().screen).toBe('prepareDisks');
    expect(getAppState().diskPrep).toMatchObject({
      taskId: 'dp1',
      step: 'copy',
      stagingLocation: '/data/staging',
      job: 'seed-e2e',
    });
    expect(t.calls).toContainEqual({
      channel: 'diskprep:status',
      req: { stagingLocation: '/data/staging', job: 'seed-e2e' },
    });
  });

  it('a Disk Prep task waiting for sign-in says so, and "Sign in to continue" opens Prepare Disks at its copy step', async () => {
    const message =
      'Waiting for sign-in: every drive manifest carries a container SAS, signed through your Azure sign-in. Sign in and the copy continues by itself, or cancel; nothing more is written to the disks until then. (Not signed in.)';
    getAppState().upsertTask(
      makeTask({
        id: 'dp2',
        kind: 'diskprep',
        title: 'Prepare disks for seed-e2e',
        status: 'waiting',
        message,
        progress: { done: 0, unit: 'bytes' },
        waiting: {
          reason: 'signIn',
          since: '2026-11-22T04:02:00.000Z',
          details: { stagingLocation: '/data/staging', job: 'seed-e2e' },
        },
      }),
    );
    const status: DiskPrepStatus = {
      jobName: 'seed-e2e',
      stateDir: '/data/staging/seed-e2e.diskprep',
      started: false,
      disks: [],
      complete: false,
      waitingTaskId: 'dp2',
      waitingFor: 'signIn',
    };
    t.handle('diskprep:status', () => ({ ok: true, value: status }));
    t.handle('diskprep:disks', () => ({ ok: true, value: { disks: [], windowsAvailable: false } }));
    t.handle('diskprep:jobs', () => ({ ok: true, value: { stagingLocation: '/data/staging', jobs: [], broken: [] } }));
    wrap(<JobsView />);
    const row = screen.getByTestId('job-row-dp2');
    expect(within(row).getByTestId('job-status').textContent).toBe('Waiting for you');
    expect(within(row).getByTestId('job-message').textContent).toBe(message);
    const open = within(row).getByTestId('job-open-diskprep');
    expect(open.textContent).toBe('Sign in to continue');
    expect(open.getAttribute('data-waiting-for')).toBe('signIn');
    fireEvent.click(open);
    await expect.poll(() => getAppState().diskPrep.status?.waitingFor).toBe('signIn');
    expect(getAppState().diskPrep).toMatchObject({ taskId: 'dp2', step: 'copy', job: 'seed-e2e' });
  });

  it('counts in the status bar apart from running jobs, in the attention colour, with what it waits for', () => {
    wrap(<StatusBar />);
    expect(screen.queryByTestId('status-tasks')).toBeNull();
    cleanup();
    getAppState().upsertTask(waitingTask());
    getAppState().upsertTask(makeTask({ id: 'run1' }));
    getAppState().upsertTask(makeTask({ id: 'old', status: 'failed', endedAt: '2026-11-22T04:01:00.000Z' }));
    wrap(<StatusBar />);
    expect(screen.getByTestId('status-tasks-running').textContent).toBe('1 running');
    const w = screen.getByTestId('status-tasks-waiting');
    expect(w.textContent).toBe('1 waiting for you');
    expect(w.getAttribute('title')).toBe(MESSAGE);
    expect(w.className).not.toMatch(/danger/);
  });
});
