import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PolicyView } from '../../../../shared/contract/policies.ts';
import type { RunRecord } from '../../../../shared/policy-schema.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { JobsView } from './JobsView.tsx';
import { jobsRows } from './scheduled-runs.ts';
import { onlineRunMessage } from '../../../../shared/online-facts.ts';

const WAITING =
  'Waiting for Azure Import Job to complete. Please check on Azure Management portal for more information on job status. Import job "seed-2026": Shipping.';
const runs: RunRecord[] = [
  {
    id: 'r2',
    at: '2026-12-05T21:00:00.000Z',
    startedAt: '2026-12-05T21:00:00.000Z',
    endedAt: '2026-12-05T21:00:01.000Z',
    outcome: 'waitingForImport',
    message: WAITING,
    ranBy: 'obc agent on srv-01 (pid 4242)',
    taskId: 'agent-task',
    details: { importJob: 'seed-2026', importJobState: 'Shipping', checkedAt: '2026-12-05T21:00:00.500Z' },
  },
  {
    id: 'r1',
    at: '2026-12-04T21:00:00.000Z',
    startedAt: '2026-12-04T21:00:00.000Z',
    outcome: 'waitingForImport',
    message: 'Waiting for Azure Data Box job to be completed. Data Box job "seed-2026": Received.',
    details: { backend: 'DataBox' },
  },
  {
    id: 'r0',
    at: '2026-12-03T21:00:00.000Z',
    outcome: 'failed',
    message: 'The run did not finish: obc agent on srv-01 (pid 4000) stopped before it ended.',
    hidden: true,
  },
];
const viewWith = (lastRuns: RunRecord[]): PolicyView =>
  ({
    policy: { lastRuns, state: 'active', schedule: { timeZone: 'UTC' } },
    loadProblem: null,
    nextRuns: [],
    passphraseSet: true,
  }) as unknown as PolicyView;

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

describe('Scheduled runs in the Jobs view', () => {
  it('each run is one row with MARS’s words and its details, also runs done by obc agent while the console was closed', () => {
    getAppState().applyPolicyView(viewWith(runs));
    renderJobs();
    const row = screen.getByTestId('job-run-r2');
    expect(row.getAttribute('data-outcome')).toBe('waitingForImport');
    expect(within(row).getByTestId('job-status').textContent).toContain('Completed with warnings');
    expect(within(row).getByTestId('job-message').textContent).toBe(WAITING);
    const details = within(row).getByTestId('job-run-details').textContent!;
    for (const part of [
      'Run by',
      'obc agent on srv-01 (pid 4242)',
      'Import job',
      'seed-2026',
      'Job state',
      'Shipping',
      'Took',
      '1 s',
    ])
      expect(details).toContain(part);
    expect(within(screen.getByTestId('job-run-r1')).getByTestId('job-message').textContent).toMatch(
      /^Waiting for Azure Data Box job to be completed\./,
    );
    expect(screen.queryByTestId('job-run-r0')).toBeNull(); // hidden by the user
    const order = screen
      .getAllByRole('row')
      .map((r) => r.getAttribute('data-testid'))
      .filter(Boolean);
    expect(order).toEqual(['job-run-r2', 'job-run-r1']);
  });

  it('removing a run from the list asks the host and shows what it says when it refuses', async () => {
    getAppState().applyPolicyView(viewWith(runs));
    t.handle('policy:hideRun', ({ id }) => ({
      ok: true,
      value: viewWith(runs.map((r) => (r.id === id ? { ...r, hidden: true } : r))),
    }));
    renderJobs();
    fireEvent.click(within(screen.getByTestId('job-run-r1')).getByTestId('job-run-dismiss'));
    await expect.poll(() => screen.queryByTestId('job-run-r1')).toBeNull();
    expect(t.calls).toContainEqual({ channel: 'policy:hideRun', req: { id: 'r1' } });
    t.handle('policy:hideRun', () => ({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'That scheduled run is no longer in the history.' },
    }));
    fireEvent.click(within(screen.getByTestId('job-run-r2')).getByTestId('job-run-dismiss'));
    expect((await screen.findByTestId('jobs-run-error')).textContent).toBe(
      'That scheduled run is no longer in the history.',
    );
  });

  it('a run this console is running shows as its live task (progress, Cancel); once finished, as its record', () => {
    const running: RunRecord = {
      id: 'r3',
      at: '2026-12-06T21:00:00.000Z',
      startedAt: '2026-12-06T21:00:00.000Z',
      outcome: 'running',
      message: 'Running…',
      taskId: 'live',
    };
    const live = makeTask({
      id: 'live',
      kind: 'scheduled',
      title: 'Scheduled backup (due 2026-12-06T21:00:00.000Z)',
      startedAt: '2026-12-06T21:00:00.000Z',
    });
    expect(jobsRows([live], [running]).map((r) => r.kind)).toEqual(['task']);
    const done = { ...live, status: 'succeededWithWarnings' as const, endedAt: '2026-12-06T21:00:02.000Z' };
    const rec = {
      ...running,
      outcome: 'skipped' as const,
      message: 'No online backup engine is connected to this scheduler…',
    };
    expect(jobsRows([done], [rec]).map((r) => r.kind)).toEqual(['run']);
    // Other tasks stay, newest first, interleaved with runs by time.
    const backup = makeTask({ id: 'b', startedAt: '2026-12-07T08:00:00.000Z' });
    expect(jobsRows([backup, done], [rec, runs[1]]).map((r) => (r.kind === 'task' ? r.task.id : r.run.id))).toEqual([
      'b',
      'r3',
      'r1',
    ]);
  });

  it('an online run shows scanned, new and uploaded bytes with rate and ETA while it runs, and its figures afterwards', async () => {
    const GiB = 1024 ** 3;
    const live = makeTask({
      id: 'online-live',
      kind: 'scheduled',
      title: 'Scheduled backup (due 2026-12-08T21:00:00.000Z)',
      progress: { done: 256 * 1024 * 1024, total: GiB, unit: 'bytes', rate: 4 * 1024 * 1024, etaSeconds: 192 },
      counters: {
        bytesScanned: { value: 40 * GiB, unit: 'bytes' },
        newBytes: { value: GiB, unit: 'bytes' },
        uploadedBytes: { value: 256 * 1024 * 1024, unit: 'bytes' },
      },
    });
    getAppState().upsertTask(live);
    getAppState().applyPolicyView(
      viewWith([
        {
          id: 'r4',
          at: '2026-12-07T21:00:00.000Z',
          startedAt: '2026-12-07T21:00:00.000Z',
          endedAt: '2026-12-07T21:10:00.000Z',
          outcome: 'succeeded',
          message: 'Restore point uploaded.',
          ranBy: 'obc agent on srv-01 (pid 4242)',
          details: {
            restorePoint: '20261207T210000Z-a1b2c3',
            bytesScanned: 40 * GiB,
            newBytes: 3 * 1024 * 1024,
            uploadedBytes: 2 * 1024 * 1024,
            bytesPerSecond: 512 * 1024,
          },
        },
      ]),
    );
    renderJobs();
    const row = screen.getByTestId('job-row-online-live');
    expect(within(row).getByTestId('job-online-counters').textContent).toBe(
      'Scanned 40.0 GiB · New 1.00 GiB · Uploaded 256 MiB',
    );
    expect(within(row).getByTestId('task-progress-text').textContent).toBe(
      '256 MiB of 1.00 GiB (25%) · 4.00 MiB/s · about 3 min 12 s left',
    );
    const details = within(screen.getByTestId('job-run-r4')).getByTestId('job-run-details').textContent!;
    for (const part of [
      'Restore point',
      '20261207T210000Z-a1b2c3',
      'Bytes scanned',
      '40.0 GiB',
      'New bytes',
      '3.00 MiB',
      'Uploaded bytes',
      '2.00 MiB',
      'Average rate',
      '512 KiB/s',
    ])
      expect(details).toContain(part);
    // Other kinds of task never show these.
    getAppState().upsertTask(makeTask({ id: 'plain', counters: { newBytes: { value: 1, unit: 'bytes' } } }));
    expect(within(await screen.findByTestId('job-row-plain')).queryByTestId('job-online-counters')).toBeNull();
  });

  it('an online run’s message states bytes as its details do, and a Back Up Now run is named so', () => {
    const details = {
      restorePoint: '20261208T101500Z-0a1b2c',
      filesScanned: 12,
      bytesScanned: 9_000_000,
      newBytes: 4393,
      uploadedBytes: 4393,
      bytesPerSecond: 4393,
      startedFrom: 'Back Up Now',
    };
    const message = onlineRunMessage({
      restorePoint: details.restorePoint,
      files: 12,
      filesRead: 1,
      uploadedBytes: 4393,
      pointsPruned: 0,
    });
    getAppState().applyPolicyView(
      viewWith([
        {
          id: 'r9',
          at: '2026-12-08T10:15:00.000Z',
          startedAt: '2026-12-08T10:15:00.000Z',
          endedAt: '2026-12-08T10:15:09.000Z',
          outcome: 'succeeded',
          message,
          details,
        },
      ]),
    );
    renderJobs();
    const row = screen.getByTestId('job-run-r9');
    expect(within(row).getByTestId('job-message').textContent).toBe(
      'Restore point 20261208T101500Z-0a1b2c: 12 files, 1 read, 4.29 KiB uploaded.',
    );
    expect(within(row).getByTestId('job-message').textContent).not.toMatch(/\d bytes/);
    const shown = within(row).getByTestId('job-run-details').textContent!;
    for (const part of [
      'Uploaded bytes4.29 KiB',
      'New bytes4.29 KiB',
      'Bytes scanned8.58 MiB',
      'Average rate4.29 KiB/s',
      'Started fromBack Up Now',
      'Selected',
    ])
      expect(shown).toContain(part);
    expect(within(row).getByTestId('job-description').textContent).toContain('Back Up Now (online restore point)');
  });
});
