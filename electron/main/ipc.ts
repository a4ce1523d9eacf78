import { BrowserWindow, dialog, ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { dispatch } from '../handlers/dispatch.ts';
import { handlers } from '../handlers/table.ts';
import type { Services } from '../services/index.ts';
import { rendererDist } from '../services/paths.ts';
import { IPC_EVENT, IPC_INVOKE } from '../preload/channels.ts';

const trusted = new Set<number>();

/** Only our own windows, showing our own renderer file, may call handlers (GitHub Desktop's trusted sender). */
function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  if (!trusted.has(event.sender.id)) return false;
  const frameUrl = event.senderFrame?.url ?? '';
  const expected = pathToFileURL(join(rendererDist(), 'index.html')).href;
  return frameUrl.split('#')[0] === expected;
}

export function trustWebContents(wc: WebContents): void {
  trusted.add(wc.id);
  wc.once('destroyed', () => trusted.delete(wc.id));
}

export function registerIpc(services: Services): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, payload: unknown) => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'This window may not call the console.' } };
    }
    return dispatch(handlers, channel, payload, {
      services,
      host: 'electron',
      pickFolderNative: async ({ title, defaultPath }) => {
        const win = BrowserWindow.fromWebContents(event.sender) ?? undefined;
        const opts = {
          title: title ?? 'Choose a folder',
          properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'>,
          ...(defaultPath ? { defaultPath } : {}),
        };
        const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts);
        return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0];
      },
    });
  });
  // Forward every service event to every trusted, live window.
  const untap = services.events.tap((name, payload) => {
    for (const id of trusted) {
      const win = BrowserWindow.getAllWindows().find((w) => w.webContents.id === id);
      if (win && !win.webContents.isDestroyed()) win.webContents.send(IPC_EVENT, name, payload);
    }
  });
  return () => {
    untap();
    ipcMain.removeHandler(IPC_INVOKE);
  };
}
