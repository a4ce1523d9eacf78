import { create } from 'zustand';
import { createConnectionSlice, initConnectionState } from './slices/connection.ts';
import { createSettingsSlice, initSettingsState } from './slices/settings.ts';
import { createTasksSlice, initTasksState } from './slices/tasks.ts';
import { createUiSlice, initUiState } from './slices/ui.ts';
import { createBackUpNowSlice, initBackUpNowState } from './slices/back-up-now.ts';
import { createRecoverSlice, initRecoverState } from './slices/recover-data.ts';
import { createScheduleBackupSlice, initScheduleBackupState } from './slices/schedule-backup.ts';
import { createChangePropertiesSlice, initChangePropertiesState } from './slices/change-properties.ts';
import { createDiskPrepSlice, initDiskPrepState } from './slices/disk-prep.ts';
import { createImportJobsSlice, initImportJobsState } from './slices/import-jobs.ts';
import { createAuthSlice, initAuthState } from './slices/sign-in.ts';
import { createSandboxSlice, initSandboxState } from './slices/sandbox.ts';
import type { AppStore } from './types.ts';

/** The one store. Middleware (if any) goes here, never inside a slice. */
export const useAppStore = create<AppStore>()((...a) => ({
  ...createTasksSlice(...a),
  ...createSettingsSlice(...a),
  ...createUiSlice(...a),
  ...createConnectionSlice(...a),
  ...createBackUpNowSlice(...a),
  ...createRecoverSlice(...a),
  ...createScheduleBackupSlice(...a),
  ...createChangePropertiesSlice(...a),
  ...createDiskPrepSlice(...a),
  ...createImportJobsSlice(...a),
  ...createAuthSlice(...a),
  ...createSandboxSlice(...a),
}));

export const getAppState = () => useAppStore.getState();

/** Tests: back to a fresh state (actions kept). */
export function resetAppStore(): void {
  useAppStore.setState({
    ...initTasksState,
    ...initSettingsState,
    ...initUiState,
    ...initConnectionState,
    ...initBackUpNowState,
    ...initRecoverState,
    ...initScheduleBackupState,
    ...initChangePropertiesState,
    ...initDiskPrepState,
    ...initImportJobsState,
    ...initAuthState,
    ...initSandboxState,
  });
}

export type { AppStore } from './types.ts';
