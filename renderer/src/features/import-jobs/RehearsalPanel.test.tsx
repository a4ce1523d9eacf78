import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CloudInfo, ImportJobInfo } from '../../../../shared/contract/azure.ts';
import type { SandboxStatusView } from '../../../../shared/contract/sandbox.ts';
import { DEFAULT_SETTINGS } from '../../../../shared/contract/core.ts';
import { installTransport } from '../../api/client.ts';
import { resetAppStore, useAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { RehearsalPanel, isRehearsalJob } from './RehearsalPanel.tsx';

const SUB = '11111111-2222-3333-4444-555555555555';
const cloud = (name: string, rehearsal: boolean) => ({ name, displayName: name, rehearsal }) as CloudInfo;
const CLOUDS = [cloud('AzurePublic', false), cloud('LocalSandbox', true)];
const SANDBOX: SandboxStatusView = {
  running: true,
  dataDir: '/d/sandbox',
  cloudName: 'LocalSandbox',
  subscriptionId: SUB,
  users: [],
};
const job = (over: Partial<ImportJobInfo> = {}): ImportJobInfo =>
  ({
    backend: 'ImportExport',
    id: 'x',
    name: 'seed-job',
    subscriptionId: SUB,
    resourceGroup: 'backup-rg',
    location: 'westus',
    state: 'Shipping',
    cancelRequested: false,
    drives: [{ driveId: 'D1' }],
    ...over,
  }) as ImportJobInfo;

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
  t.handle('sandbox:status', () => ({ ok: true, value: SANDBOX }));
  t.handle('azure:subscriptions', () => ({ ok: true, value: [] }));
});
afterEach(cleanup);

const show = (j: ImportJobInfo, cloudName: string, sandbox: SandboxStatusView | null = SANDBOX) => {
  useAppStore.setState({
    auth: { cloud: cloudName } as never,
    clouds: CLOUDS,
    sandbox,
    settings: { ...DEFAULT_SETTINGS, lastStagingLocation: '/staging' },
  });
  return render(
    <FluentProvider theme={webLightTheme}>
      <RehearsalPanel job={j} />
    </FluentProvider>,
  );
};

describe('Rehearsal: play the datacenter', () => {
  it('is for jobs of the rehearsal cloud only', () => {
    expect(isRehearsalJob(job(), { cloud: 'LocalSandbox' }, CLOUDS, SANDBOX)).toBe(true);
    expect(isRehearsalJob(job(), { cloud: 'AzurePublic' }, CLOUDS, SANDBOX)).toBe(false);
    expect(isRehearsalJob(job(), null, CLOUDS, SANDBOX)).toBe(false);
    // A cloud that is not listed (or not marked rehearsal) is never treated as the sandbox.
    expect(isRehearsalJob(job(), { cloud: 'LocalSandbox' }, [cloud('LocalSandbox', false)], SANDBOX)).toBe(false);
    expect(
      isRehearsalJob(
        job({ subscriptionId: '99999999-2222-3333-4444-555555555555' }),
        { cloud: 'LocalSandbox' },
        CLOUDS,
        SANDBOX,
      ),
    ).toBe(false);
  });

  it('never renders for a real cloud', () => {
    show(job(), 'AzurePublic');
    expect(screen.queryByTestId('ij-rehearsal')).toBeNull();
    expect(t.calls.some((c) => c.channel.startsWith('diskprep:') || c.channel.startsWith('sandbox:'))).toBe(false);
  });

  it('in the sandbox: prefills the Disk Prep folder disks; disks arrive; the job list refreshes', async () => {
    t.handle('diskprep:status', () => ({
      ok: true,
      value: {
        jobName: 'seed-job',
        stateDir: '/s',
        started: true,
        complete: true,
        disks: [
          {
            serial: 'D1',
            id: '/disks/d1',
            kind: 'folder' as const,
            files: 1,
            bytes: 1,
            committedFiles: 1,
            committedBytes: 1,
            verified: true,
          },
        ],
      },
    }));
    t.handle('sandbox:receiveDisks', (req) => ({
      ok: true,
      value: {
        jobName: req.jobName,
        resourceGroup: req.resourceGroup,
        state: 'Received',
        drives: [{ driveId: 'D1', state: 'Received' }],
      },
    }));
    show(job(), 'LocalSandbox');
    expect(screen.getByTestId('ij-rehearsal').textContent).toMatch(
      /Rehearsal: play the datacenter.*Local sandbox only/,
    );
    expect((await screen.findByTestId('ij-rehearsal-disk-0')).textContent).toContain('/disks/d1');
    expect((screen.getByTestId('ij-rehearsal-transfer') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('ij-rehearsal-receive'));
    expect((await screen.findByTestId('ij-rehearsal-result')).textContent).toMatch(/now Received/);
    expect(t.calls.find((c) => c.channel === 'sandbox:receiveDisks')?.req).toEqual({
      jobName: 'seed-job',
      resourceGroup: 'backup-rg',
      subscriptionId: SUB,
      disks: ['/disks/d1'],
    });
    await expect.poll(() => t.calls.some((c) => c.channel === 'azure:subscriptions')).toBe(true);
  });

  it('explains why a step is not possible yet and points to the start button when the sandbox is stopped', async () => {
    t.handle('diskprep:status', () => ({ ok: false, error: { code: 'NOT_FOUND', message: 'no such job' } }));
    show(job({ state: 'Creating' }), 'LocalSandbox', { ...SANDBOX, running: false });
    expect(screen.getByTestId('ij-rehearsal-reason').textContent).toMatch(/not running/);
    expect(screen.getByTestId('ij-rehearsal-start')).toBeTruthy();
    expect((screen.getByTestId('ij-rehearsal-receive') as HTMLButtonElement).disabled).toBe(true);
    cleanup();
    show(job({ state: 'Creating' }), 'LocalSandbox');
    expect(screen.getByTestId('ij-rehearsal-reason').textContent).toMatch(/tracking number first/);
  });
});
