import '../../test-dom-shims.ts';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportJobInfo } from '../../../../shared/contract/azure.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { jobNotifications, refreshDelayMs } from '../../store/slices/import-jobs.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { ImportJobsScreen } from './ImportJobsScreen.tsx';

const SUB = '11111111-2222-3333-4444-555555555555';
const DAY = 86_400_000;
const job = (over: Partial<ImportJobInfo>): ImportJobInfo => ({
  backend: 'ImportExport',
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/${over.name}`,
  name: 'j',
  subscriptionId: SUB,
  resourceGroup: 'rg',
  location: 'westus',
  state: 'Creating',
  cancelRequested: false,
  createdAt: new Date(Date.now() - DAY).toISOString(),
  storageAccountId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/acct1`,
  drives: [{ driveId: 'D1', state: 'Specified' }],
  returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1234' },
  ...over,
});

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
  t.handle('azure:subscriptions', () => ({
    ok: true,
    value: [{ subscriptionId: SUB, displayName: 'Sub', state: 'Enabled' }],
  }));
  t.handle('azure:locations', () => ({
    ok: true,
    value: [
      {
        id: '/providers/Microsoft.ImportExport/locations/westus',
        name: 'West US',
        supportedCarriers: ['FedEx', 'DHL'],
        alternateLocations: [],
      },
    ],
  }));
  t.handle('importVerify:lastReport', () => ({ ok: true, value: null }));
});
afterEach(cleanup);

const renderScreen = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <ImportJobsScreen />
    </FluentProvider>,
  );

describe('Import Jobs', () => {
  it('lists jobs with the days left, warns from day 10, and explains disabled actions', async () => {
    const jobs = [
      job({ name: 'fresh' }),
      job({ name: 'late', createdAt: new Date(Date.now() - 11 * DAY).toISOString() }),
      job({
        name: 'moving',
        state: 'Transferring',
        deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'ABC12345' },
        drives: [
          {
            driveId: 'D9',
            state: 'Transferring',
            percentComplete: 40,
            bytesSucceeded: 1024,
            copyStatus: 'ManifestCorrupted',
          },
        ],
      }),
    ];
    t.handle('jobs:list', () => ({ ok: true, value: jobs }));
    renderScreen();
    expect((await screen.findByTestId('ij-deadline-fresh')).textContent).toBe('13 days left');
    expect(screen.getByTestId('ij-row-late').getAttribute('data-deadline')).toBe('warning');
    expect(screen.getByTestId('ij-notice-0').textContent).toMatch(/late: enter the tracking number — 3 days left/);
    fireEvent.click(screen.getByTestId('ij-open-moving'));
    expect(screen.getByTestId('ij-step-Transferring').getAttribute('data-status')).toBe('current');
    // Import/Export allows a cancel until Packaging ("Canceling and deleting Import/Export jobs").
    expect((screen.getByTestId('ij-action-cancel') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.getByTestId('ij-action-delete-reason').textContent).toMatch(/only while Creating or once Completed/);
    expect(screen.getByTestId('ij-drive-copy-D9').textContent).toMatch(/does not match the hash given in the job/);
    expect(screen.getByTestId('ij-verify-reason').textContent).toMatch(/once the job is Completed/);
  });

  it('refuses a tracking number another job already uses, then saves a fresh one', async () => {
    const jobs = [
      job({ name: 'a', state: 'Shipping', deliveryPackage: { carrierName: 'FedEx', trackingNumber: 'TRACK11111' } }),
      job({ name: 'b' }),
    ];
    t.handle('jobs:list', () => ({ ok: true, value: jobs }));
    // Azure keeps the change: the list read again after saving shows it too.
    t.handle('jobs:updateShipping', (req) => ({
      ok: true,
      value: (jobs[1] = job({ name: 'b', state: 'Shipping', deliveryPackage: { ...req.deliveryPackage } })),
    }));
    renderScreen();
    fireEvent.click(await screen.findByTestId('ij-open-b'));
    fireEvent.click(screen.getByTestId('ij-action-tracking'));
    fireEvent.change(screen.getByTestId('ij-track-number'), { target: { value: 'track-11111' } });
    fireEvent.click(screen.getByTestId('ij-track-save'));
    expect((await screen.findByTestId('ij-track-number-error')).textContent).toMatch(/already used by job a/);
    fireEvent.change(screen.getByTestId('ij-track-number'), { target: { value: 'NEW 22222' } });
    fireEvent.click(screen.getByTestId('ij-track-save'));
    await expect.poll(() => screen.getByTestId('ij-details').getAttribute('data-state')).toBe('Shipping');
    const call = t.calls.find((c) => c.channel === 'jobs:updateShipping')?.req as {
      deliveryPackage: { trackingNumber: string; driveCount: number };
    };
    expect(call.deliveryPackage).toMatchObject({ trackingNumber: 'NEW22222', driveCount: 1 });
    // Saving reads the list again: the "Updated" time is the time of that read (issue 18: it stayed old).
    const lists = () => t.calls.filter((c) => c.channel === 'jobs:list').length;
    await expect.poll(lists).toBeGreaterThanOrEqual(2);
  });

  it('notifies state changes once and backs off after failures', async () => {
    const before = [job({ name: 'x', state: 'Shipping' })];
    const after = [job({ name: 'x', state: 'Received' })];
    const notes = jobNotifications(before, after, new Set());
    expect(notes.map((n) => n.text)).toEqual(['Import job x changed from Shipping to Received.']);
    expect(jobNotifications(before, after, new Set(notes.map((n) => n.id)))).toEqual([]);
    expect(jobNotifications(null, after, new Set())).toEqual([]);
    expect([0, 1, 2, 3, 10].map(refreshDelayMs)).toEqual([60_000, 15_000, 30_000, 60_000, 600_000]);
    t.handle('azure:subscriptions', () => ({ ok: false, error: { code: 'NETWORK', message: 'offline' } }));
    await act(() => getAppState().refreshImportJobs());
    await act(() => getAppState().refreshImportJobs());
    expect(getAppState().importJobs.failures).toBe(2);
  });
});
