import { api, errorMessage } from '../api/client.ts';
import { useAppStore } from '../store/index.ts';

export interface PickFolderOptions {
  title?: string;
  defaultPath?: string;
  /** Let the user pick a file too (server-side browser only). */
  includeFiles?: boolean;
}

/**
 * Asks the host for its native folder dialog (desktop). In browser mode the host answers useBrowser: true and
 * the server-side FolderBrowserDialog opens instead (rendered once by FolderBrowserHost).
 * Resolves to the chosen path, or null when the user cancelled; never rejects.
 */
export async function pickFolder(opts: PickFolderOptions = {}): Promise<string | null> {
  const title = opts.title ?? 'Choose a folder';
  if (!opts.includeFiles) {
    try {
      const res = await api.invoke('dialog:pickFolder', {
        title,
        ...(opts.defaultPath ? { defaultPath: opts.defaultPath } : {}),
      });
      if (!res.useBrowser) return res.path;
    } catch (err) {
      // The native dialog failed: the in-app browser still lets the user choose (and shows its own errors), so a
      // Browse button never does nothing, and no caller has to handle a rejection.
      console.warn(`The folder dialog failed (${errorMessage(err)}); using the in-app folder browser.`);
    }
  }
  return new Promise((resolve) => {
    useAppStore
      .getState()
      .openFolderBrowser({ title, defaultPath: opts.defaultPath, includeFiles: opts.includeFiles, resolve });
  });
}
