import type { SliceCreator } from '../types.ts';

export const SCREEN_IDS = [
  'console',
  'scheduleBackup',
  'backUpNow',
  'recoverData',
  'prepareDisks',
  'importJobs',
  'changeProperties',
  'signIn',
] as const;
export type ScreenId = (typeof SCREEN_IDS)[number];

export interface FolderRequest {
  title: string;
  defaultPath?: string;
  includeFiles?: boolean;
  resolve: (path: string | null) => void;
}

export interface UiState {
  screen: ScreenId;
  /** The server-side folder browser, when a pickFolder() call is waiting for the user. */
  folderRequest: FolderRequest | null;
}

export interface UiActions {
  navigate(screen: ScreenId): void;
  openFolderBrowser(req: FolderRequest): void;
  closeFolderBrowser(path: string | null): void;
}

export type UiSlice = UiState & UiActions;

export const initUiState: UiState = { screen: 'console', folderRequest: null };

export const createUiSlice: SliceCreator<UiSlice> = (set, get) => ({
  ...initUiState,
  navigate(screen) {
    set({ screen });
  },
  openFolderBrowser(req) {
    get().folderRequest?.resolve(null);
    set({ folderRequest: req });
  },
  closeFolderBrowser(path) {
    const req = get().folderRequest;
    set({ folderRequest: null });
    req?.resolve(path);
  },
});
