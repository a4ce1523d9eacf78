import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportJobInfo } from '../../../../shared/contract/azure.ts';
import { installTransport } from '../../api/client.ts';
import { resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { ImportJobsScreen } from './ImportJobsScreen.tsx';

/** Import Jobs lists both backends' jobs, names the type, and sends every action to the job's own backend. */
const SUB = '11111111-2222-3333-4444-555555555555';
const job = (over: Partial<ImportJobInfo>): ImportJobInfo => ({
  backend: 'ImportExport',
  id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.ImportExport/jobs/${over.name}`,
  name: 'j',
  subscriptionId: SUB,
  resourceGroup: 'rg',
  location: 'westus',
  state: 'Creating',
  cancelRequested: false,
  createdAt: new Date(Date.now() - 86_400_000).toISOString(),
  drives: [{ driveId: 'D1', state: 'Specified' }],
  returnShipping: { carrierName: 'FedEx', carrierAccountNumber: '1234' },
  ...over,
});
const dbx = (over: Partial<ImportJobInfo>) =>
  job({
    backend: 'DataBox',
    stage: 'DeviceOrdered',
    id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DataBox/jobs/${over.name}`,
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
  t.handle('azure:locations', () => ({ ok: true, value: [] }));
  t.handle('importVerify:lastReport', () => ({ ok: true, value: null }));
});
afterEach(cleanup);

describe('Import Jobs with Data Box customer-disk jobs', () => {
  it('shows the type, the Data Box rules, and cancels through the Data Box backend', async () => {
    const jobs = [
      job({ name: 'ie-one' }),
      dbx({ name: 'dbx-one' }),
      dbx({
        name: 'dbx-done',
        state: 'Closed',
        stage: 'CompletedWithErrors',
        drives: [{ driveId: 'D2', state: 'CompletedMoreInfo', copyStatus: 'MetadataFilesModifiedOrRemoved' }],
      }),
    ];
    t.handle('jobs:list', () => ({ ok: true, value: jobs }));
    t.handle('jobs:cancel', (req) => ({
      ok: true,
      value: (jobs[1] = dbx({ name: req.jobName, state: 'Canceled', stage: 'Cancelled', cancelRequested: true })),
    }));
    render(
      <FluentProvider theme={webLightTheme}>
        <ImportJobsScreen />
      </FluentProvider>,
    );
    expect((await screen.findByTestId('ij-type-ie-one')).textContent).toBe('Import/Export');
    expect(screen.getByTestId('ij-type-dbx-one').textContent).toBe('Data Box');

    fireEvent.click(screen.getByTestId('ij-open-dbx-done'));
    expect(screen.getByTestId('ij-job-type').textContent).toBe(
      'Azure Data Box customer-disk job (stage CompletedWithErrors)',
    );
    expect(screen.getByTestId('ij-drive-copy-D2').textContent).toMatch(
      /manifest was changed or removed after Disk Prep/,
    );

    fireEvent.click(screen.getByTestId('ij-open-dbx-one'));
    expect(screen.getByTestId('ij-action-delete-reason').textContent).toMatch(
      /Data Box job can be deleted only once it is canceled or completed; this one is Creating \(cancel it first\)/,
    );
    fireEvent.click(screen.getByTestId('ij-action-cancel'));
    fireEvent.click(await screen.findByTestId('ij-cancel-dialog-confirm'));
    await expect.poll(() => screen.getByTestId('ij-details').getAttribute('data-state')).toBe('Canceled');
    expect(t.calls.find((c) => c.channel === 'jobs:cancel')?.req).toEqual({
      subscriptionId: SUB,
      resourceGroup: 'rg',
      jobName: 'dbx-one',
      backend: 'DataBox',
    });
    expect((screen.getByTestId('ij-action-delete') as HTMLButtonElement).disabled).toBe(false);
  });
});
