import '../../test-dom-shims.ts';
import { act, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import type { PolicyView } from '../../../../shared/contract/policies.ts';
import type { WizardData, WizardStep } from '../../../../shared/policy-steps.ts';
import { visibleSteps } from '../../../../shared/policy-steps.ts';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore, useAppStore } from '../../store/index.ts';
import { emptyWizardData } from '../../store/slices/schedule-backup.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { ScheduleBackupWizard } from './ScheduleBackupWizard.tsx';

export const SUB = '11111111-2222-3333-4444-555555555555';

export const validData = (over: Partial<WizardData> = {}): WizardData => ({
  ...emptyWizardData(),
  items: [{ path: '/srv/data', kind: 'folder' }],
  schedule: { frequency: 'daily', times: ['21:00'], days: ['sunday'], everyWeeks: 1, timeZone: 'UTC' },
  ownDisk: {
    stagingLocation: '/stage',
    subscriptionId: SUB,
    storageAccount: 'seedacct01',
    storageAccountResourceGroup: 'rg-seed',
    container: 'seed-data',
    importJobName: 'seed-1',
    jobResourceGroup: 'rg-seed',
  },
  stagingCheck: {
    path: '/stage',
    ok: true,
    exists: true,
    writable: true,
    freeBytes: 1e12,
    message: '"/stage" is writable and has 931 GiB free.',
  },
  signIn: { signedIn: true, providerRegistered: true },
  passphrase: 'a'.repeat(20),
  passphraseConfirm: 'a'.repeat(20),
  passphraseSaved: true,
  ...over,
});

export const emptyView: PolicyView = { policy: null, loadProblem: null, nextRuns: [], passphraseSet: false };

/** Fake host with the channels the wizard uses; tests override handlers with t.handle(). */
export function fakeHost(view: PolicyView = emptyView): FakeTransport {
  const t = createFakeTransport();
  t.handle('policy:get', () => ({ ok: true, value: view }));
  t.handle(
    'backup:estimate',
    () =>
      ({
        ok: true,
        value: {
          files: 3,
          dirs: 1,
          bytes: 3 * 1024 * 1024,
          requiredBytes: 4 * 1024 * 1024,
          freeBytes: 1e12,
          fits: true,
          skipped: [],
        },
      }) as never,
  );
  t.handle('policy:checkStaging', (req) => ({
    ok: true,
    value: {
      path: req.path,
      ok: true,
      exists: true,
      writable: true,
      freeBytes: 1e12,
      message: `"${req.path}" is writable.`,
    },
  }));
  installTransport(() => t);
  resetAppStore();
  return t;
}

/** Renders the wizard, waits for the policy to load, then jumps to `step` with `data`. */
export async function renderAt(step: WizardStep, dataIn: WizardData | 'loaded' = validData()) {
  render(
    <FluentProvider theme={webLightTheme}>
      <ScheduleBackupWizard />
    </FluentProvider>,
  );
  await screen.findByTestId('sb-wizard');
  await act(async () => {
    await Promise.resolve();
  });
  act(() => {
    const data = dataIn === 'loaded' ? getAppState().scheduleBackup.data : dataIn;
    useAppStore.setState((s) => ({
      scheduleBackup: { ...s.scheduleBackup, data, step, reached: Math.max(0, visibleSteps(data).indexOf(step)) },
    }));
  });
  return getAppState;
}

export const nextEnabled = () => !(screen.getByTestId('wizard-next') as HTMLButtonElement).disabled;
