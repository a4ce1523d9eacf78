/**
 * State and actions of the settings slice (slices/settings.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { Settings } from '../../../../shared/contract/core.ts';

export interface SettingsState {
  /** null until settings:get answered. */
  settings: Settings | null;
  settingsError: string | null;
}

export interface SettingsActions {
  loadSettings(): Promise<void>;
  /** Persists through settings:set; the host answers with the full settings. */
  updateSettings(patch: Partial<Settings>): Promise<void>;
  applySettings(settings: Settings): void;
  clearSettingsError(): void;
}

export type SettingsSlice = SettingsState & SettingsActions;
