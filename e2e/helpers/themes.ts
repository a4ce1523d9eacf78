import { expect, type Page } from '@playwright/test';
import { invoke } from './ipc.ts';

const THEMES = ['light', 'dark', 'highContrast'] as const;

/**
 * Saves the screen as it is now in the light, dark and high-contrast themes (`<name>-light.png`, `-dark`, `-hc`),
 * then goes back to the theme it had. The theme is set through settings:set, as the theme switch does.
 */
export async function shotThemes(page: Page, shot: (name: string) => Promise<void>, name: string): Promise<void> {
  const root = page.getByTestId('app-root');
  const before = (await invoke<{ theme: string }>(page, 'settings:get', {})).theme;
  for (const theme of THEMES) {
    await invoke(page, 'settings:set', { theme });
    await expect(root).toHaveAttribute('data-theme', theme);
    await shot(`${name}-${theme === 'highContrast' ? 'hc' : theme}`);
  }
  await invoke(page, 'settings:set', { theme: before });
}
