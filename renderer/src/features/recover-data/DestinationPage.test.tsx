import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore, useAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { RecoverWizard } from './RecoverWizard.tsx';

/** Recover Data's destination page: "Original location" or "Another location" (MARS's words) and what recover:start gets. */
let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
  t.handle('recover:start', () => ({ ok: true, value: { taskId: 'r1' } }));
  // The wizard at its destination page, with a job opened and a folder selected.
  const rec = getAppState().recoverData;
  useAppStore.setState({
    recoverData: {
      ...rec,
      step: 'destination',
      reached: 3,
      draft: {
        ...rec.draft,
        stagingLocation: '/mnt/st',
        jobName: 'seed-one',
        passphrase: 'right',
        selected: ['home/ann'],
      },
    },
  });
});
afterEach(cleanup);

const renderWizard = () =>
  render(
    <FluentProvider theme={webLightTheme}>
      <RecoverWizard />
    </FluentProvider>,
  );
const start = () => screen.getByTestId('rec-start') as HTMLButtonElement;
const radio = (id: string) => screen.getByTestId(id) as HTMLInputElement;

describe('Recover Data destination: original or another location', () => {
  it('another location by default: a folder is required and sent as `to`', async () => {
    renderWizard();
    expect(radio('rec-location-another').checked).toBe(true);
    expect(radio('rec-location-original').checked).toBe(false);
    expect(start().disabled).toBe(true);
    fireEvent.change(screen.getByTestId('rec-destination'), { target: { value: '/restore' } });
    expect(start().disabled).toBe(false);
    fireEvent.click(start());
    await screen.findByTestId('rec-progress');
    const req = t.calls.find((c) => c.channel === 'recover:start')?.req as Record<string, unknown>;
    expect(req.to).toBe('/restore');
    expect(req).not.toHaveProperty('originalLocation');
  });

  it('original location: no folder asked, recover:start gets originalLocation and the conflict choice, no `to`', async () => {
    renderWizard();
    fireEvent.click(radio('rec-location-original'));
    expect(radio('rec-location-original').checked).toBe(true);
    expect(screen.queryByTestId('rec-destination')).toBeNull();
    expect(screen.getByTestId('rec-location-original-note').textContent).toMatch(
      /folders above the items must still exist/,
    );
    fireEvent.click(screen.getByTestId('rec-conflict-skip'));
    expect(start().disabled).toBe(false);
    fireEvent.click(start());
    await screen.findByTestId('rec-progress');
    expect(t.calls.find((c) => c.channel === 'recover:start')?.req).toEqual({
      source: { kind: 'staging', stagingLocation: '/mnt/st', job: 'seed-one' },
      passphrase: 'right',
      originalLocation: true,
      paths: ['home/ann'],
      conflict: 'skip',
    });
  });

  it('back to another location: the folder is asked for again before Recover', () => {
    renderWizard();
    fireEvent.click(radio('rec-location-original'));
    expect(start().disabled).toBe(false);
    fireEvent.click(radio('rec-location-another'));
    expect(screen.getByTestId('rec-destination')).toBeTruthy();
    expect(start().disabled).toBe(true);
  });
});
