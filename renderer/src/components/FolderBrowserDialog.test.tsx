import '../test-dom-shims.ts';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { BrowseResult } from '../../../shared/contract/core.ts';
import { installTransport } from '../api/client.ts';
import { resetAppStore } from '../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../test-transport.ts';
import { FolderBrowserHost } from './FolderBrowserHost.tsx';
import { pickFolder } from './pick-folder.ts';

const tree: Record<string, BrowseResult> = {
  '/': { path: '/', parent: null, roots: ['/'], entries: [{ name: 'srv', path: '/srv', kind: 'dir' }] },
  '/srv': {
    path: '/srv',
    parent: '/',
    roots: ['/'],
    entries: [{ name: 'staging', path: '/srv/staging', kind: 'dir' }],
  },
  '/srv/staging': { path: '/srv/staging', parent: '/srv', roots: ['/'], entries: [] },
};

let t: FakeTransport;
beforeEach(() => {
  t = createFakeTransport();
  t.handle('fs:browse', ({ path }) =>
    tree[path ?? '/']
      ? { ok: true, value: tree[path ?? '/'] }
      : { ok: false, error: { code: 'NOT_FOUND', message: `Folder ${path} does not exist.` } },
  );
  installTransport(() => t);
  resetAppStore();
});
afterEach(cleanup);

describe('pickFolder', () => {
  it('returns the native dialog answer on the desktop', async () => {
    t.handle('dialog:pickFolder', () => ({ ok: true, value: { path: 'C:\\Staging', useBrowser: false } }));
    await expect(pickFolder({ title: 'Staging' })).resolves.toBe('C:\\Staging');
  });

  it('opens the in-app browser when the native dialog fails, instead of rejecting', async () => {
    t.handle('dialog:pickFolder', () => ({ ok: false, error: { code: 'INTERNAL', message: 'no dialog' } }));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    render(
      <FluentProvider theme={webLightTheme}>
        <FolderBrowserHost />
      </FluentProvider>,
    );
    let picked: Promise<string | null> = Promise.resolve(null);
    await act(async () => {
      picked = pickFolder({ title: 'Choose the staging location' });
    });
    fireEvent.click(await screen.findByTestId('folder-browser-entry-srv'));
    await expect.poll(() => screen.getByTestId('folder-browser-selected').textContent).toBe('Selected: /srv');
    fireEvent.click(screen.getByTestId('folder-browser-select'));
    await expect(picked).resolves.toBe('/srv');
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('no dialog'));
    warn.mockRestore();
  });

  it('falls back to the server-side browser: navigate, see errors, select', async () => {
    t.handle('dialog:pickFolder', () => ({ ok: true, value: { path: null, useBrowser: true } }));
    render(
      <FluentProvider theme={webLightTheme}>
        <FolderBrowserHost />
      </FluentProvider>,
    );
    let picked: Promise<string | null> = Promise.resolve(null);
    await act(async () => {
      picked = pickFolder({ title: 'Choose the staging location' });
    });
    fireEvent.click(await screen.findByTestId('folder-browser-entry-srv'));
    fireEvent.click(await screen.findByTestId('folder-browser-entry-staging'));
    await expect.poll(() => screen.getByTestId('folder-browser-selected').textContent).toBe('Selected: /srv/staging');
    fireEvent.change(screen.getByTestId('folder-browser-path'), { target: { value: '/nope' } });
    fireEvent.click(screen.getByTestId('folder-browser-go'));
    expect((await screen.findByTestId('folder-browser-error')).textContent).toContain('Folder /nope does not exist.');
    fireEvent.click(screen.getByTestId('folder-browser-up'));
    await expect.poll(() => screen.getByTestId('folder-browser-selected').textContent).toBe('Selected: /srv');
    fireEvent.click(screen.getByTestId('folder-browser-select'));
    await expect(picked).resolves.toBe('/srv');
    expect(screen.queryByTestId('folder-browser')).toBeNull();
  });
});
