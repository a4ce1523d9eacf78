import type { StateCreator } from 'zustand';
import type { TasksSlice } from './state/tasks.ts';
import type { SettingsSlice } from './state/settings.ts';
import type { UiSlice } from './state/ui.ts';
import type { ConnectionSlice } from './state/connection.ts';
import type { BackUpNowSlice } from './state/back-up-now.ts';
import type { RecoverSlice } from './state/recover-data.ts';
import type { ScheduleBackupSlice } from './state/schedule-backup.ts';
import type { ChangePropertiesSlice } from './state/change-properties.ts';
import type { DiskPrepSlice } from './state/disk-prep.ts';
import type { ImportJobsSlice } from './state/import-jobs.ts';
import type { AuthSlice } from './state/sign-in.ts';
import type { SandboxSlice } from './state/sandbox.ts';

export type AppStore = TasksSlice &
  SettingsSlice &
  UiSlice &
  ConnectionSlice &
  BackUpNowSlice &
  RecoverSlice &
  ScheduleBackupSlice &
  ChangePropertiesSlice &
  DiskPrepSlice &
  ImportJobsSlice &
  AuthSlice &
  SandboxSlice;

/** Slices see the whole store (first parameter) and return their own part (last parameter). */
export type SliceCreator<T> = StateCreator<AppStore, [], [], T>;
