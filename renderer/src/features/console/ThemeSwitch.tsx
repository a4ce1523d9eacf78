/**
 * Theme choice, persisted through settings:set (`theme`). "System" follows prefers-color-scheme and forced-colors.
 * data-testid: theme-switch, theme-option-<system|light|dark|highContrast>
 */
import { Dropdown, Option, useId } from '@fluentui/react-components';
import type { ThemeChoice } from '../../../../shared/contract/core.ts';
import { THEMES } from '../../../../shared/contract/core.ts';
import { useAppStore } from '../../store/index.ts';
import { settingsSelectors } from '../../store/slices/settings.ts';

export const THEME_LABELS: Record<ThemeChoice, string> = {
  system: 'System',
  light: 'Light',
  dark: 'Dark',
  highContrast: 'High contrast',
};

export function ThemeSwitch() {
  const theme = useAppStore(settingsSelectors.theme);
  const loaded = useAppStore((s) => s.settings !== null);
  const updateSettings = useAppStore((s) => s.updateSettings);
  const labelId = useId('theme-label');
  return (
    <div style={{ display: 'flex', alignItems: 'center', gap: 6 }}>
      <label id={labelId} style={{ fontSize: 12 }}>
        Theme
      </label>
      <Dropdown
        data-testid="theme-switch"
        aria-labelledby={labelId}
        size="small"
        style={{ minWidth: 140 }}
        disabled={!loaded}
        value={THEME_LABELS[theme]}
        selectedOptions={[theme]}
        onOptionSelect={(_, d) => {
          const next = d.optionValue as ThemeChoice | undefined;
          if (next && next !== theme) void updateSettings({ theme: next });
        }}
      >
        {THEMES.map((t) => (
          <Option key={t} value={t} data-testid={`theme-option-${t}`}>
            {THEME_LABELS[t]}
          </Option>
        ))}
      </Dropdown>
    </div>
  );
}
