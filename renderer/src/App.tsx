/** Root: Fluent theme from the settings choice and the OS, then the console shell. */
import { FluentProvider } from '@fluentui/react-components';
import { useAppStore } from './store/index.ts';
import { settingsSelectors } from './store/slices/settings.ts';
import { FLUENT_THEMES, resolveTheme, useOsTheme } from './theme/theme.ts';
import { ConsoleShell } from './features/console/ConsoleShell.tsx';

export function App() {
  const choice = useAppStore(settingsSelectors.theme);
  const os = useOsTheme();
  const resolved = resolveTheme(choice, os);
  return (
    <FluentProvider
      theme={FLUENT_THEMES[resolved]}
      data-theme={resolved}
      data-testid="app-root"
      style={{ height: '100%' }}
    >
      <ConsoleShell />
    </FluentProvider>
  );
}
