import '../../test-dom-shims.ts';
import { cleanup, render, screen, within } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiskInfo, DiskPrepStatus, DiskProgress } from '../../../../shared/contract/diskprep.ts';
import type { TaskSnapshot } from '../../../../shared/task.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore, useAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { makeTask } from '../../test-fixtures.ts';
import { CopyProgressPage } from './CopyProgressPage.tsx';

const MiB = 1024 * 1024;
const STAGING = '/data/staging';
const JOB = 'seed-e2e';

const disk = (serial: string, over: Partial<DiskInfo> = {}): DiskInfo => ({
  id: `/disks/${serial}`,
  kind: 'folder',
  rehearsal: true,
  serial,
  model: 'Rehearsal folder disk',
  sizeBytes: 24 * MiB,
  busType: 'Folder',
  partitionStyle: 'GPT',
  volumes: [],
  isSystem: false,
  isBoot: false,
  readOnly: false,
  holdsStaging: false,
  usedBytes: 0,
  refusals: [],
  warnings: [],
  ...over,
});

const status: DiskPrepStatus = {
  jobName: JOB,
  stateDir: `${STAGING}/${JOB}.diskprep`,
  started: true,
  complete: false,
  disks: [
    {
      serial: 'E2EDISK1',
      id: '/disks/E2EDISK1',
      kind: 'folder',
      files: 2,
      bytes: 60 * MiB,
      committedFiles: 2,
      committedBytes: 60 * MiB,
      verified: true,
    },
  ],
  needsDisk: { neededBytes: 22 * MiB, remainingFiles: 1, remainingBytes: 21 * MiB },
  waitingTaskId: 'dp1',
};

const waiting = (): TaskSnapshot =>
  makeTask({
    id: 'dp1',
    kind: 'diskprep',
    title: `Prepare disks for ${JOB}`,
    status: 'waiting',
    message: 'Waiting for another disk: at least 22.0 MiB more (1 file, 21.0 MiB left).',
    progress: { done: 120 * MiB, total: 120 * MiB, unit: 'bytes' },
    waiting: {
      reason: 'anotherDisk',
      since: '2026-11-22T04:02:00.000Z',
      details: {
        neededBytes: 22 * MiB,
        remainingFiles: 1,
        remainingBytes: 21 * MiB,
        stagingLocation: STAGING,
        job: JOB,
      },
    },
  });

const noWait = (): TaskSnapshot => {
  const { waiting: _w, ...rest } = waiting();
  return rest;
};

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
  t.handle('diskprep:status', () => ({ ok: true, value: status }));
  useAppStore.setState((s) => ({
    diskPrep: {
      ...s.diskPrep,
      stagingLocation: STAGING,
      job: JOB,
      step: 'copy',
      reached: 3,
      taskId: 'dp1',
      passphrase: 'pp',
      disks: { disks: [disk('E2EDISK1'), disk('E2EDISK2')], windowsAvailable: false },
    },
  }));
});
afterEach(cleanup);

const renderPage = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <CopyProgressPage />
    </FluentProvider>,
  );

describe('CopyProgressPage while Disk Prep waits for another disk', () => {
  it('prompts to attach another disk with the numbers, keeps Cancel, shows no failure', async () => {
    getAppState().upsertTask(waiting());
    renderPage();
    expect(screen.getByTestId('dp-copy').getAttribute('data-status')).toBe('waiting');
    const prompt = screen.getByTestId('dp-needs-disk');
    expect(prompt.textContent).toContain('Attach another disk');
    expect(prompt.textContent).toContain('At least 22.0 MiB more capacity is needed for 1 remaining file (21.0 MiB).');
    expect(screen.queryByTestId('dp-copy-error')).toBeNull();
    expect(screen.getByTestId('task-progress-cancel')).toBeTruthy();
    expect(screen.getByTestId('task-progress-text').textContent).toMatch(/^Paused · /);
    // Only disks the job does not have yet are offered.
    await expect.poll(() => screen.queryByTestId('disk-row-E2EDISK2')).not.toBeNull();
    expect(screen.queryByTestId('disk-row-E2EDISK1')).toBeNull();
  });

  it('adding a disk continues the same task; a refused disk is named and the task keeps waiting', async () => {
    getAppState().upsertTask(waiting());
    t.handle('diskprep:addDisk', () => ({
      ok: false,
      error: {
        code: 'CONFLICT',
        message:
          'Disk E2EDISK2 holds the staging location; the data would be erased while it is copied. Use another disk.',
      },
    }));
    renderPage();
    getAppState().openErase('add', ['/disks/E2EDISK2']);
    await getAppState().confirmErase();
    const err = await screen.findByTestId('dp-add-error');
    expect(err.textContent).toContain('holds the staging location');
    expect(within(err).queryByTestId('dp-add-error-retry')).toBeNull();
    expect(screen.getByTestId('dp-needs-disk')).toBeTruthy();

    t.handle('diskprep:addDisk', () => ({ ok: true, value: { taskId: 'dp1' } }));
    getAppState().openErase('add', ['/disks/E2EDISK2']);
    await getAppState().confirmErase();
    expect(t.calls.filter((c) => c.channel === 'diskprep:addDisk').at(-1)?.req).toEqual({
      stagingLocation: STAGING,
      job: JOB,
      disk: { id: '/disks/E2EDISK2', confirmErase: true },
      passphrase: 'pp',
    });
    expect(getAppState().diskPrep.taskId).toBe('dp1');
    getAppState().upsertTask({ ...noWait(), status: 'running', message: 'copy · disk E2EDISK2' });
    await expect.poll(() => screen.queryByTestId('dp-needs-disk')).toBeNull();
    expect(screen.getByTestId('dp-copy').getAttribute('data-status')).toBe('running');
    expect(screen.queryByTestId('dp-add-error')).toBeNull();
  });

  it('waiting for sign-in: says so, offers the sign-in (not a disk), keeps Cancel, and goes on once the task runs', async () => {
    useAppStore.setState({
      auth: {
        cloud: 'LocalSandbox',
        cloudDisplayName: 'Local sandbox',
        signedIn: false,
        signInInProgress: false,
        clientIdConfigured: true,
        clientIdSource: 'cloud',
        protection: 'test',
      },
    });
    getAppState().upsertTask({
      ...noWait(),
      progress: { done: 0, unit: 'bytes' },
      message: 'Waiting for sign-in: every drive manifest carries a container SAS, signed through your Azure sign-in.',
      waiting: { reason: 'signIn', since: '2026-11-22T04:02:00.000Z', details: { stagingLocation: STAGING, job: JOB } },
    });
    renderPage();
    expect(screen.getByTestId('dp-copy').getAttribute('data-status')).toBe('waiting');
    const prompt = screen.getByTestId('dp-needs-signin');
    expect(prompt.textContent).toContain('Waiting for sign-in');
    expect(prompt.textContent).toContain('Sign in below and the copy continues by itself');
    expect(screen.getByTestId('dp-signin')).toBeTruthy();
    expect(screen.getByTestId('dp-auth-status').textContent).toBe('Not signed in to Local sandbox.');
    expect(screen.queryByTestId('dp-needs-disk')).toBeNull();
    expect(screen.queryByTestId('dp-needs-disk-refresh')).toBeNull();
    expect(screen.getByTestId('task-progress-cancel')).toBeTruthy();
    getAppState().upsertTask({ ...noWait(), status: 'running', message: 'plan' });
    await expect.poll(() => screen.queryByTestId('dp-needs-signin')).toBeNull();
    expect(screen.queryByTestId('dp-signin')).toBeNull();
  });

  it('a real failure still shows as stopped with Resume, not as a wait', () => {
    getAppState().upsertTask({
      ...noWait(),
      status: 'failed',
      endedAt: '2026-11-22T04:03:00.000Z',
      error: { code: 'CORRUPT_DATA', message: 'Read-back of disk E2EDISK1 differs at bytes 0-4095.' },
    });
    renderPage();
    expect(screen.getByTestId('dp-copy').getAttribute('data-status')).toBe('failed');
    expect(screen.getByTestId('dp-copy-error').textContent).toContain('Read-back of disk E2EDISK1 differs');
    expect(screen.queryByTestId('dp-needs-disk')).toBeNull();
  });

  it("a running copy shows every disk's live rate and ETA from the pushed task snapshot, without polling diskprep:status", async () => {
    const disk = (serial: string, over: Partial<DiskProgress>): DiskProgress => ({
      serial,
      id: `/disks/${serial}`,
      phase: 'copy',
      state: 'running',
      bytes: 60 * MiB,
      files: 2,
      copiedBytes: 0,
      copiedFiles: 0,
      verifiedBytes: 0,
      doneBytes: 0,
      totalBytes: 120 * MiB,
      ...over,
    });
    const running = (disks: DiskProgress[]): TaskSnapshot => ({
      ...noWait(),
      status: 'running',
      message: 'copy · disk E2EDISK2',
      progress: { done: 0, total: 240 * MiB, unit: 'bytes' },
      detail: {
        kind: 'diskprep',
        progress: {
          phase: 'copy',
          serial: 'E2EDISK2',
          doneBytes: disks.reduce((a, d) => a + d.doneBytes, 0),
          totalBytes: 240 * MiB,
          disks,
          neededBytes: 0,
        },
      },
    });
    getAppState().upsertTask(
      running([
        disk('E2EDISK1', { copiedBytes: 30 * MiB, doneBytes: 30 * MiB, rate: 10 * MiB, etaSeconds: 9 }),
        disk('E2EDISK2', { copiedBytes: 12 * MiB, doneBytes: 12 * MiB, rate: 4 * MiB, etaSeconds: 27 }),
      ]),
    );
    renderPage();
    expect(screen.getByTestId('dp-disk-rate-E2EDISK1').textContent).toBe('10.0 MiB/s · about 9 s left');
    expect(screen.getByTestId('dp-disk-rate-E2EDISK2').textContent).toBe('4.00 MiB/s · about 27 s left');
    expect(screen.getByTestId('dp-disk-progress-E2EDISK2').textContent).toContain('12.0 MiB of 60.0 MiB copied');
    await expect.poll(() => t.calls.filter((c) => c.channel === 'diskprep:status').length).toBe(1);
    // Later snapshots move the rows; one disk fails by name while the other goes on. No request is made for it.
    getAppState().upsertTask(
      running([
        disk('E2EDISK1', {
          phase: 'readback',
          copiedBytes: 60 * MiB,
          verifiedBytes: 6 * MiB,
          doneBytes: 66 * MiB,
          rate: 20 * MiB,
          etaSeconds: 3,
        }),
        disk('E2EDISK2', {
          state: 'failed',
          copiedBytes: 24 * MiB,
          doneBytes: 24 * MiB,
          error: 'Disk E2EDISK2 (/disks/E2EDISK2) is full.',
        }),
      ]),
    );
    await expect
      .poll(() => screen.getByTestId('dp-disk-progress-E2EDISK1').getAttribute('data-phase'))
      .toBe('readback');
    expect(screen.getByTestId('dp-disk-rate-E2EDISK1').textContent).toBe('20.0 MiB/s · about 3 s left');
    expect(screen.getByTestId('dp-disk-progress-E2EDISK2').getAttribute('data-state')).toBe('failed');
    expect(screen.getByTestId('dp-disk-error-E2EDISK2').textContent).toContain(
      'Disk E2EDISK2 (/disks/E2EDISK2) is full.',
    );
    expect(screen.queryByTestId('dp-disk-rate-E2EDISK2')).toBeNull();
    expect(t.calls.filter((c) => c.channel === 'diskprep:status').length).toBe(1);
  });
});
