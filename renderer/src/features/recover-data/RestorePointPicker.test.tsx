import '../../test-dom-shims.ts';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { BrowsePage } from './BrowsePage.tsx';
import type { RestorePointInfo } from '../../../../shared/contract/backup.ts';

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

const point = (id: string, kind: 'seed' | 'online', time: string, files: number): RestorePointInfo => ({
  id,
  kind,
  time,
  completedAt: time,
  files,
  bytes: files * 1024,
  newBytes: 100,
  sourceMachine: 'srv-01',
});
const SEED = point('seed', 'seed', '2026-11-20T10:00:00.000Z', 3);
const P1 = point('20261205T210000Z-a1b2c3', 'online', '2026-12-05T21:00:00.000Z', 4);
const file = (name: string) => ({ name, path: name, type: 'file' as const, size: 10, mtimeMs: 0 });

describe('Recover Data: restore points of the container', () => {
  it('lists the points newest first, opens the newest, and browses and recovers the one chosen', async () => {
    const listed: Array<string | undefined> = [];
    t.handle('recover:list', (req) => {
      const rp = (req.source as { restorePoint?: string } | undefined)?.restorePoint;
      listed.push(rp);
      return { ok: true, value: { path: '', children: [file(rp === 'seed' ? 'old.txt' : 'new.txt')] } };
    });
    t.handle('recover:points', () => ({
      ok: true,
      value: { points: [SEED, P1], damaged: [{ id: '20261206T210000Z-ffffff', reason: 'its header does not open' }] },
    }));
    t.handle('recover:start', () => ({ ok: true, value: { taskId: 'r1' } }));
    const s = getAppState();
    s.updateRecoverDraft({
      source: 'blob',
      subscriptionId: 'sub',
      storageAccount: 'acct1',
      container: 'seed',
      jobName: 'job-a',
      passphrase: 'pw',
    });
    await act(async () => void (await getAppState().unlockRecoverJob()));
    render(
      <FluentProvider theme={webLightTheme}>
        <BrowsePage errors={{}} />
      </FluentProvider>,
    );

    const radios = screen.getAllByRole('radio') as HTMLInputElement[];
    expect(radios.map((r) => r.value)).toEqual([P1.id, 'seed']);
    expect(radios[0].checked).toBe(true);
    expect(screen.getByLabelText(/newest · 4 files/)).toBe(screen.getByTestId(`rec-point-${P1.id}`));
    expect(screen.getByLabelText(/imported seed/)).toBe(screen.getByTestId('rec-point-seed'));
    expect(screen.getByTestId('rec-points-damaged').textContent).toContain('20261206T210000Z-ffffff');
    expect(screen.getByText('new.txt')).toBeTruthy();
    expect(listed).toEqual([undefined]);

    fireEvent.click(radios[1]);
    await waitFor(() => expect(screen.getByText('old.txt')).toBeTruthy());
    expect(listed).toEqual([undefined, 'seed']);
    expect(getAppState().recoverData.draft.restorePoint).toBe('seed');

    getAppState().updateRecoverDraft({ selected: ['old.txt'], destination: '/tmp/out' });
    await act(async () => getAppState().startRecover());
    const start = t.calls.find((c) => c.channel === 'recover:start');
    expect((start?.req as { source: { restorePoint?: string } }).source.restorePoint).toBe('seed');
  });
});
