import '../test-dom-shims.ts';
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, settingsSchema, type Settings } from '../../../shared/contract/core.ts';
import { App } from '../App.tsx';
import { installTransport } from '../api/client.ts';
import { getAppState, resetAppStore } from '../store/index.ts';
import { createFakeTransport, type FakeTransport } from '../test-transport.ts';
import { resolveTheme } from './theme.ts';

describe('resolveTheme', () => {
  it('lets a manual choice win and otherwise follows forced colors, then dark/light', () => {
    expect(resolveTheme('dark', { dark: false, forcedColors: true })).toBe('dark');
    expect(resolveTheme('highContrast', { dark: false, forcedColors: false })).toBe('highContrast');
    expect(resolveTheme('system', { dark: true, forcedColors: true })).toBe('highContrast');
    expect(resolveTheme('system', { dark: true, forcedColors: false })).toBe('dark');
    expect(resolveTheme('system', { dark: false, forcedColors: false })).toBe('light');
  });
});

describe('theme switch', () => {
  let t: FakeTransport;
  let saved: Settings;
  let media: { dark: boolean; listeners: Set<() => void> };

  beforeEach(() => {
    media = { dark: false, listeners: new Set() };
    window.matchMedia = ((q: string) => ({
      get matches() {
        return q.includes('dark') ? media.dark : false;
      },
      media: q,
      addEventListener: (_: string, l: () => void) => media.listeners.add(l),
      removeEventListener: (_: string, l: () => void) => media.listeners.delete(l),
    })) as unknown as typeof window.matchMedia;
    saved = { ...DEFAULT_SETTINGS };
    t = createFakeTransport();
    t.handle('settings:set', (patch) => ({ ok: true, value: (saved = settingsSchema.parse({ ...saved, ...patch })) }));
    installTransport(() => t);
    resetAppStore();
    getAppState().applySettings(saved);
  });
  afterEach(cleanup);

  it('follows the OS under "System" and persists a manual choice through settings:set', async () => {
    render(<App />);
    const root = screen.getByTestId('app-root');
    expect(root.getAttribute('data-theme')).toBe('light');
    act(() => {
      media.dark = true;
      for (const l of media.listeners) l();
    });
    expect(root.getAttribute('data-theme')).toBe('dark');

    fireEvent.click(screen.getByTestId('theme-switch'));
    fireEvent.click(await screen.findByTestId('theme-option-highContrast'));
    await expect.poll(() => root.getAttribute('data-theme')).toBe('highContrast');
    expect(t.calls).toContainEqual({ channel: 'settings:set', req: { theme: 'highContrast' } });
    expect(saved.theme).toBe('highContrast');
  });
});
