/**
 * State and actions of the ui slice (slices/ui.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
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
  defaultPath?: string | undefined;
  includeFiles?: boolean | undefined;
  resolve: (path: string | null) => void;
}

export interface UiState {
  screen: ScreenId;
  /** The server-side folder browser, when a pickFolder() call is waiting for the user. */
  folderRequest: FolderRequest | null;
  /** A failure nothing on screen handled (a rejected `void action()`, see store/unhandled.ts), until dismissed. */
  unexpectedError: string | null;
}

export interface UiActions {
  navigate(screen: ScreenId): void;
  openFolderBrowser(req: FolderRequest): void;
  closeFolderBrowser(path: string | null): void;
  reportUnexpected(reason: unknown): void;
  dismissUnexpected(): void;
}

export type UiSlice = UiState & UiActions;
