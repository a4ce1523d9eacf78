import '../../test-dom-shims.ts';
import { act, cleanup, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, describe, expect, it } from 'vitest';
import type { PolicyView } from '../../../../shared/contract/policies.ts';
import { wireSubscriptions } from '../../store/subscriptions.ts';
import { emptyView, fakeHost, validData } from './test-harness.tsx';
import { NextBackupLine } from './NextBackupLine.tsx';
import { setDateLocale } from '../../components/format.ts';

afterEach(cleanup);

describe('NextBackupLine', () => {
  it('follows policy:changed: next run in the policy zone, paused, last run message', async () => {
    const t = fakeHost();
    t.handle('task:list', () => ({ ok: true, value: [] }));
    t.handle('settings:get', () => ({ ok: false, error: { code: 'INTERNAL', message: 'n/a' } }));
    t.handle('app:info', () => ({ ok: false, error: { code: 'INTERNAL', message: 'n/a' } }));
    const off = wireSubscriptions();
    render(
      <FluentProvider theme={webLightTheme}>
        <NextBackupLine />
      </FluentProvider>,
    );
    expect((await screen.findByTestId('next-backup')).textContent).toBe('No backup is scheduled.');
    const policy = {
      ...validData(),
      initialBackup: { type: 'ownDisks' as const, ownDisk: validData().ownDisk },
      id: 'p',
      createdAt: '2026-11-01T00:00:00Z',
      updatedAt: '2026-11-01T00:00:00Z',
      state: 'active' as const,
      lastRuns: [
        {
          at: '2026-11-21T21:00:00.000Z',
          outcome: 'waitingForImport' as const,
          message:
            'Waiting for Azure Import Job to complete. Please check on Azure Management portal for more information on job status. Import job "seed-1": Shipping.',
        },
      ],
    };
    setDateLocale('en-US');
    const view = {
      ...emptyView,
      policy,
      nextRuns: ['2026-11-22T21:00:00.000Z'],
      passphraseSet: true,
    } as unknown as PolicyView;
    act(() => t.emit('policy:changed', view));
    // One date format, the OS locale's (here en-US); the zone is named when it is not this machine's.
    expect(screen.getByTestId('next-backup').textContent).toBe(
      `Next backup: Nov 22, 2026, 9:00 PM${Intl.DateTimeFormat().resolvedOptions().timeZone === 'UTC' ? '' : ' (UTC)'}`,
    );
    expect(screen.getByTestId('next-backup-last').textContent).toMatch(
      /Waiting for Azure Import Job to complete\. .*"seed-1": Shipping\.$/,
    );
    expect(screen.queryByTestId('next-backup-host')).toBeNull();
    // Another console on the same data dir holds the scheduler lease: the line says which one runs the schedules.
    act(() =>
      t.emit('policy:changed', {
        ...view,
        scheduler: { runsHere: false, owner: 'desktop app on build-7 (pid 4242)' },
      } as unknown as PolicyView),
    );
    expect(screen.getByTestId('next-backup-host').textContent).toBe(
      'Scheduled backups run in the other console using this data folder: desktop app on build-7 (pid 4242).',
    );
    act(() =>
      t.emit('policy:changed', {
        ...view,
        scheduler: { runsHere: true, owner: 'browser mode on build-7 (pid 1)' },
      } as unknown as PolicyView),
    );
    expect(screen.queryByTestId('next-backup-host')).toBeNull();
    act(() =>
      t.emit('policy:changed', {
        ...view,
        policy: { ...policy, state: 'paused' },
        nextRuns: [],
      } as unknown as PolicyView),
    );
    expect(screen.getByTestId('next-backup').getAttribute('data-state')).toBe('paused');
    off();
  });
});
