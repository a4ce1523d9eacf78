import { teamsHighContrastTheme, webDarkTheme, webLightTheme, type Theme } from '@fluentui/react-components';
import { useEffect, useState } from 'react';
import type { ThemeChoice } from '../../../shared/contract/core.ts';

export type ResolvedTheme = 'light' | 'dark' | 'highContrast';

export interface OsTheme {
  dark: boolean;
  forcedColors: boolean;
}

/** The manual choice wins; `system` follows forced colors first, then the OS light/dark preference. */
export function resolveTheme(choice: ThemeChoice, os: OsTheme): ResolvedTheme {
  if (choice !== 'system') return choice;
  if (os.forcedColors) return 'highContrast';
  return os.dark ? 'dark' : 'light';
}

export const FLUENT_THEMES: Record<ResolvedTheme, Theme> = {
  light: webLightTheme,
  dark: webDarkTheme,
  highContrast: teamsHighContrastTheme,
};

const query = (q: string): MediaQueryList | null =>
  typeof window.matchMedia === 'function' ? window.matchMedia(q) : null;

/** Live OS preferences (prefers-color-scheme, forced-colors). */
export function useOsTheme(): OsTheme {
  const read = (): OsTheme => ({
    dark: query('(prefers-color-scheme: dark)')?.matches ?? false,
    forcedColors: query('(forced-colors: active)')?.matches ?? false,
  });
  const [os, setOs] = useState(read);
  useEffect(() => {
    const lists = [query('(prefers-color-scheme: dark)'), query('(forced-colors: active)')].filter(
      (x): x is MediaQueryList => !!x,
    );
    const onChange = () => setOs(read());
    for (const l of lists) l.addEventListener('change', onChange);
    return () => {
      for (const l of lists) l.removeEventListener('change', onChange);
    };
  }, []);
  return os;
}
