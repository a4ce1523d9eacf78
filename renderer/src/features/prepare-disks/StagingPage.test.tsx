import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DiskPrepStatus } from '../../../../shared/contract/diskprep.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore, useAppStore } from '../../store/index.ts';
import { createFakeTransport } from '../../test-transport.ts';
import { StagingPage } from './StagingPage.tsx';

const MiB = 1024 * 1024;
const JOB = 'seed-e2e';
const base: DiskPrepStatus = {
  jobName: JOB,
  stateDir: `/data/staging/${JOB}.diskprep`,
  started: true,
  complete: false,
  disks: [
    {
      serial: 'D1',
      id: '/disks/D1',
      kind: 'folder',
      files: 2,
      bytes: 60 * MiB,
      committedFiles: 2,
      committedBytes: 60 * MiB,
      verified: true,
    },
  ],
  needsDisk: { neededBytes: 7.5649 * MiB, remainingFiles: 1, remainingBytes: 6.5 * MiB },
};

beforeEach(() => {
  installTransport(() => createFakeTransport());
  resetAppStore();
});
afterEach(cleanup);

const show = (status: DiskPrepStatus) => {
  useAppStore.setState((s) => ({
    diskPrep: {
      ...s.diskPrep,
      stagingLocation: '/data/staging',
      job: JOB,
      status,
      jobs: { stagingLocation: '/data/staging', jobs: [], broken: [] },
    },
  }));
  render(
    <FluentProvider theme={webLightTheme}>
      <StagingPage />
    </FluentProvider>,
  );
};

describe('StagingPage: a job paused for another disk', () => {
  it('after a restart (no task left) offers Resume, saying it waits for another disk of at least the needed size', () => {
    show(base);
    const offer = screen.getByTestId('dp-resume');
    expect(offer.getAttribute('data-needs-disk')).toBe('true');
    expect(offer.textContent).toContain('Waiting for another disk');
    expect(offer.textContent).toContain('at least 7.57 MiB more capacity for 1 remaining file (6.50 MiB)');
    expect(screen.queryByTestId('dp-waiting')).toBeNull();
  });

  it('while its task waits, leads to that task instead of offering a second run', () => {
    show({ ...base, waitingTaskId: 'dp1' });
    expect(screen.queryByTestId('dp-resume')).toBeNull();
    expect(screen.queryByTestId('dp-running')).toBeNull();
    expect(screen.getByTestId('dp-waiting').textContent).toContain('at least 7.57 MiB more capacity is needed');
    fireEvent.click(screen.getByTestId('dp-follow-waiting'));
    expect(getAppState().diskPrep).toMatchObject({ taskId: 'dp1', step: 'copy' });
  });

  it('an interrupted copy (a disk not verified yet) is still "interrupted", with the next disk mentioned', () => {
    show({ ...base, disks: [{ ...base.disks[0], verified: false, committedFiles: 1 }] });
    const offer = screen.getByTestId('dp-resume');
    expect(offer.getAttribute('data-needs-disk')).toBe('false');
    expect(offer.textContent).toContain('A previous run was interrupted');
    expect(offer.textContent).toContain('Afterwards it needs another disk of at least 7.57 MiB');
  });
});
