import type { StateCreator } from 'zustand';
import type { TasksSlice } from './slices/tasks.ts';
import type { SettingsSlice } from './slices/settings.ts';
import type { UiSlice } from './slices/ui.ts';
import type { ConnectionSlice } from './slices/connection.ts';
import type { BackUpNowSlice } from './slices/back-up-now.ts';
import type { RecoverSlice } from './slices/recover-data.ts';
import type { ScheduleBackupSlice } from './slices/schedule-backup.ts';
import type { ChangePropertiesSlice } from './slices/change-properties.ts';
import type { DiskPrepSlice } from './slices/disk-prep.ts';
import type { ImportJobsSlice } from './slices/import-jobs.ts';
import type { AuthSlice } from './slices/sign-in.ts';
import type { SandboxSlice } from './slices/sandbox.ts';

export type AppStore = TasksSlice & SettingsSlice & UiSlice & ConnectionSlice & BackUpNowSlice & RecoverSlice & ScheduleBackupSlice & ChangePropertiesSlice & DiskPrepSlice & ImportJobsSlice & AuthSlice & SandboxSlice;

/** Slices see the whole store (first parameter) and return their own part (last parameter). */
export type SliceCreator<T> = StateCreator<AppStore, [], [], T>;
