import '../../test-dom-shims.ts';
import { act, cleanup, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { installTransport } from '../../api/client.ts';
import { createWsTransport, STALE_TOKEN_TEXT } from '../../api/ws-transport.ts';
import type { Transport } from '../../api/types.ts';
import { getAppState, resetAppStore } from '../../store/index.ts';
import { wireSubscriptions } from '../../store/subscriptions.ts';
import { ConnectionBanner } from './ConnectionBanner.tsx';

/** A browser WebSocket whose handshake the test fails (what a browser reports for HTTP 401 or a stopped host). */
class RefusedWs {
  static OPEN = 1;
  static all: RefusedWs[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onclose: ((ev: { code: number; reason: string }) => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  constructor() {
    RefusedWs.all.push(this);
  }
  send() {}
  close() {}
  fail() {
    this.readyState = 3;
    this.onclose?.({ code: 1006, reason: '' });
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function show(checkToken: () => Promise<boolean | null>): { transport: Transport; off: () => void } {
  const transport = createWsTransport({
    url: 'ws://127.0.0.1:1/ws?token=old',
    WebSocketImpl: RefusedWs as unknown as typeof WebSocket,
    backoffMs: [1000],
    checkToken,
  });
  installTransport(() => transport);
  const off = wireSubscriptions();
  render(
    <FluentProvider theme={webLightTheme}>
      <ConnectionBanner />
    </FluentProvider>,
  );
  return { transport, off };
}

describe('ConnectionBanner', () => {
  beforeEach(() => {
    RefusedWs.all = [];
    resetAppStore();
    vi.useFakeTimers();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  it('a stale token (host up, token unknown) says the address is out of date, not that the host is unreachable', async () => {
    const { transport, off } = show(async () => false);
    expect(screen.queryByTestId('connection-banner')).toBeNull(); // connecting
    await act(async () => {
      RefusedWs.all[0].fail();
      await flush();
    });
    const banner = screen.getByTestId('connection-banner');
    expect(banner.getAttribute('data-state')).toBe('unauthorized');
    expect(banner.getAttribute('data-reason')).toBe('tokenMismatch');
    expect(banner.textContent).toBe(
      `Reopen the console from its new address${STALE_TOKEN_TEXT} It is the "Console:" line, ending in #token=….`,
    );
    expect(banner.textContent).not.toMatch(/Cannot reach/);
    // No retry button: the same token will never be accepted again.
    expect(screen.queryByTestId('connection-retry')).toBeNull();
    expect(getAppState().connection).toMatchObject({ state: 'unauthorized', reason: 'tokenMismatch' });
    off();
    transport.close();
  });

  it('a stopped host (the check gets no answer) says nothing answers, with a retry', async () => {
    const { transport, off } = show(async () => null);
    await act(async () => {
      RefusedWs.all[0].fail();
      await flush();
    });
    const banner = screen.getByTestId('connection-banner');
    expect(banner.getAttribute('data-state')).toBe('unreachable');
    expect(banner.textContent).toMatch(/Cannot reach the console host.*Nothing answers at/);
    expect(banner.textContent).not.toContain('out of date');
    expect(screen.getByTestId('connection-retry')).toBeTruthy();
    off();
    transport.close();
  });

  it('a page without a token says Not authorized', () => {
    const transport = createWsTransport({ url: null, WebSocketImpl: RefusedWs as unknown as typeof WebSocket });
    installTransport(() => transport);
    const off = wireSubscriptions();
    render(
      <FluentProvider theme={webLightTheme}>
        <ConnectionBanner />
      </FluentProvider>,
    );
    const banner = screen.getByTestId('connection-banner');
    expect(banner.getAttribute('data-reason')).toBe('noToken');
    expect(banner.textContent).toMatch(/^Not authorized.*without its access token/);
    off();
  });
});
