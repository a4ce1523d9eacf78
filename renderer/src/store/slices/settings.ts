import { api, errorMessage } from '../../api/client.ts';
import type { AppStore, SliceCreator } from '../types.ts';
import type { SettingsState, SettingsSlice } from '../state/settings.ts';

export const initSettingsState: SettingsState = { settings: null, settingsError: null };

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  ...initSettingsState,
  async loadSettings() {
    try {
      set({ settings: await api.invoke('settings:get', {}), settingsError: null });
    } catch (err) {
      set({ settingsError: errorMessage(err) });
    }
  },
  async updateSettings(patch) {
    const before = get().settings;
    // Optimistic: the theme switch and the first-run dismiss react at once; rolled back on failure.
    if (before) set({ settings: { ...before, ...patch } });
    try {
      set({ settings: await api.invoke('settings:set', patch), settingsError: null });
    } catch (err) {
      set({ settings: before, settingsError: `Could not save settings: ${errorMessage(err)}` });
    }
  },
  applySettings(settings) {
    set({ settings });
  },
  clearSettingsError() {
    set({ settingsError: null });
  },
});

export const settingsSelectors = {
  theme: (s: AppStore) => s.settings?.theme ?? 'system',
  firstRunDismissed: (s: AppStore) => s.settings?.firstRunDismissed ?? false,
  cloud: (s: AppStore) => s.settings?.cloud,
};
