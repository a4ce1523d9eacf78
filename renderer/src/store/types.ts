import type { StateCreator } from 'zustand';
import type { TasksSlice } from './slices/tasks.ts';
import type { SettingsSlice } from './slices/settings.ts';
import type { UiSlice } from './slices/ui.ts';
import type { ConnectionSlice } from './slices/connection.ts';
import type { BackUpNowSlice } from './slices/back-up-now.ts';
import type { RecoverSlice } from './slices/recover.ts';

export type AppStore = TasksSlice & SettingsSlice & UiSlice & ConnectionSlice & BackUpNowSlice & RecoverSlice;

/** Slices see the whole store (first parameter) and return their own part (last parameter). */
export type SliceCreator<T> = StateCreator<AppStore, [], [], T>;
