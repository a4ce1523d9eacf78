import '../../test-dom-shims.ts';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_THROTTLING, type PropertiesView } from '../../../../shared/policy-schema.ts';
import { installTransport } from '../../api/client.ts';
import { resetAppStore } from '../../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../../test-transport.ts';
import { ChangePropertiesScreen } from './ChangePropertiesScreen.tsx';

let t: FakeTransport;
const view: PropertiesView = {
  proxy: { mode: 'none', hasPassword: false },
  throttling: { ...DEFAULT_THROTTLING },
  passphraseSet: true,
  passphraseSetAt: '2026-11-01T00:00:00Z',
  protection: 'Encrypted with a key file.',
  containerAccess: { mode: 'entraApp' },
};
beforeEach(() => {
  t = createFakeTransport();
  t.handle('properties:get', () => ({ ok: true, value: view }));
  t.handle('properties:set', (req) => ({
    ok: true,
    value: { ...view, ...(req.throttling ? { throttling: req.throttling } : {}) } as PropertiesView,
  }));
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

const type = (id: string, value: string) => {
  const el = screen.getByTestId(id);
  fireEvent.change(el, { target: { value } });
  fireEvent.blur(el);
};
const msg = (id: string) => screen.queryByTestId(`${id}-error`)?.textContent ?? null;
const renderIt = async () => {
  render(
    <FluentProvider theme={webLightTheme}>
      <ChangePropertiesScreen />
    </FluentProvider>,
  );
  await screen.findByTestId('cp-throttle-enabled');
};

describe('Change Properties', () => {
  it('throttling: 512 Kbps to 1,023 Mbps, work hours in order, saved through properties:set', async () => {
    await renderIt();
    fireEvent.click(screen.getByTestId('cp-throttle-enabled'));
    type('cp-work-kbps', '511');
    expect(msg('cp-work-kbps')).toBe('Work-hours bandwidth must be 512 Kbps to 1,023 Mbps (got 511 Kbps).');
    expect((screen.getByTestId('cp-throttle-save') as HTMLButtonElement).disabled).toBe(true);
    type('cp-work-kbps', '512');
    expect(msg('cp-work-kbps')).toBeNull();
    type('cp-nonwork-kbps', String(1023 * 1024 + 1));
    expect(msg('cp-nonwork-kbps')).toBe('Non-work-hours bandwidth must be 512 Kbps to 1,023 Mbps (got 1047553 Kbps).');
    type('cp-nonwork-kbps', String(1023 * 1024));
    type('cp-work-end', '08:00');
    expect(msg('cp-work-end')).toBe('Work hours must end after they start (09:00–08:00).');
    type('cp-work-end', '17:30');
    fireEvent.click(screen.getByTestId('cp-throttle-save'));
    await screen.findByTestId('cp-result');
    expect(t.calls.find((c) => c.channel === 'properties:set')?.req).toEqual({
      throttling: { ...DEFAULT_THROTTLING, enabled: true, workKbps: 512, nonWorkKbps: 1047552, workEnd: '17:30' },
    });
  });

  it('proxy: address and port rules; password write-only', async () => {
    await renderIt();
    fireEvent.click(screen.getByTestId('cp-tab-proxy'));
    fireEvent.click(await screen.findByTestId('cp-proxy-manual'));
    type('cp-proxy-host', 'http://proxy:8080');
    expect(msg('cp-proxy-host')).toBe(
      'Proxy address "http://proxy:8080" must be a host name or IP address (no scheme, no port).',
    );
    type('cp-proxy-port', '70000');
    expect(msg('cp-proxy-port')).toBe('Port 70000 must be a whole number from 1 to 65535.');
    type('cp-proxy-host', 'proxy.contoso.local');
    type('cp-proxy-port', '3128');
    type('cp-proxy-password', 'pw');
    fireEvent.click(screen.getByTestId('cp-proxy-save'));
    await waitFor(() => expect(t.calls.some((c) => c.channel === 'properties:set')).toBe(true));
    expect(t.calls.find((c) => c.channel === 'properties:set')?.req).toEqual({
      proxy: { mode: 'manual', host: 'proxy.contoso.local', port: 3128, password: 'pw' },
    });
  });

  it('passphrase change: rules, save before change, server answer shown', async () => {
    t.handle('properties:changePassphrase', () => ({
      ok: false,
      error: { code: 'WRONG_PASSPHRASE', message: 'The current passphrase is not the one set on this machine.' },
    }));
    await renderIt();
    fireEvent.click(screen.getByTestId('cp-tab-passphrase'));
    type('cp-pass-current', '');
    expect(await screen.findByTestId('cp-pass-current-error')).toBeTruthy();
    type('cp-pass-current', 'old passphrase 1234567');
    type('cp-pass-new', 'short');
    expect(msg('cp-pass-new')).toBe('The passphrase is 5 characters long; at least 16 are required.');
    type('cp-pass-new', 'old passphrase 1234567');
    expect(msg('cp-pass-new')).toBe('The new passphrase is the same as the current one.');
    type('cp-pass-new', 'new passphrase 7654321');
    type('cp-pass-confirm', 'new passphrase 765432');
    expect(msg('cp-pass-confirm')).toBe('The two passphrases do not match.');
    type('cp-pass-confirm', 'new passphrase 7654321');
    expect((screen.getByTestId('cp-pass-change') as HTMLButtonElement).disabled).toBe(true);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText: async () => undefined }, configurable: true });
    fireEvent.click(screen.getByTestId('cp-pass-copy'));
    await waitFor(() => expect((screen.getByTestId('cp-pass-change') as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByTestId('cp-pass-change'));
    expect((await screen.findByTestId('cp-result')).textContent).toBe(
      'The current passphrase is not the one set on this machine.',
    );
  });

  it('container access: a SAS URL checked as typed, sent once, never shown back; back to the Entra application', async () => {
    const sig = 'c2lnbmF0dXJlLW9mLXRoZS1zYXM';
    const sasView: PropertiesView = {
      ...view,
      containerAccess: {
        mode: 'sas',
        sas: {
          account: 'seedacct01',
          container: 'seed-data',
          permissions: 'rwdl',
          expiresOn: '2099-01-01T00:00:00.000Z',
          setAt: '2026-12-01T10:00:00Z',
        },
      },
    };
    t.handle('properties:setContainerAccess', (req) => ({ ok: true, value: req.mode === 'sas' ? sasView : view }));
    await renderIt();
    fireEvent.click(screen.getByTestId('cp-tab-containerAccess'));
    expect((await screen.findByTestId('cp-ca-current')).textContent).toMatch(
      /Entra application with this machine's certificate/,
    );
    expect(screen.getByTestId('cp-ca-note').textContent).toMatch(
      /Scheduled runs after the import use it to upload their restore points/,
    );
    expect((screen.getByTestId('cp-ca-save') as HTMLButtonElement).disabled).toBe(true);
    fireEvent.click(screen.getByTestId('cp-ca-sas'));
    type(
      'cp-ca-url',
      `https://seedacct01.blob.core.windows.net/seed-data?sv=2025-11-05&sr=c&sp=rl&se=2099-01-01T00:00:00Z&sig=${sig}`,
    );
    expect(msg('cp-ca-url')).toMatch(/allows "rl" only; online backups need write \(w\), delete \(d\) too/);
    expect((screen.getByTestId('cp-ca-save') as HTMLButtonElement).disabled).toBe(true);
    const good = `https://seedacct01.blob.core.windows.net/seed-data?sv=2025-11-05&sr=c&sp=rwdl&se=2099-01-01T00:00:00Z&sig=${sig}`;
    type('cp-ca-url', good);
    expect(msg('cp-ca-url')).toBeNull();
    fireEvent.click(screen.getByTestId('cp-ca-save'));
    expect((await screen.findByTestId('cp-result')).textContent).toMatch(/checked and stored protected/);
    expect(t.calls.find((c) => c.channel === 'properties:setContainerAccess')?.req).toEqual({
      mode: 'sas',
      sasUrl: good,
    });
    expect(screen.getByTestId('cp-ca-current').textContent).toMatch(
      /A container SAS for seedacct01\/seed-data with the permissions rwdl/,
    );
    expect((screen.getByTestId('cp-ca-url') as HTMLInputElement).value).toBe('');
    expect(document.body.innerHTML).not.toContain(sig);
    fireEvent.click(screen.getByTestId('cp-ca-entra'));
    fireEvent.click(screen.getByTestId('cp-ca-save'));
    await waitFor(() =>
      expect(t.calls.filter((c) => c.channel === 'properties:setContainerAccess').at(-1)?.req).toEqual({
        mode: 'entraApp',
      }),
    );
    await waitFor(() => expect(screen.getByTestId('cp-ca-current').textContent).toMatch(/Entra application/));
  });
});
