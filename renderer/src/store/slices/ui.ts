import { errorMessage } from '../../api/client.ts';
import type { SliceCreator } from '../types.ts';
import type { UiState, UiSlice } from '../state/ui.ts';

export const initUiState: UiState = { screen: 'console', folderRequest: null, unexpectedError: null };

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
  reportUnexpected(reason) {
    set({ unexpectedError: errorMessage(reason) });
  },
  dismissUnexpected() {
    set({ unexpectedError: null });
  },
});
