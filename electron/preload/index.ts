import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { RawApi } from '../../shared/ipc.ts';
import { IPC_EVENT, IPC_INVOKE } from './channels.ts';

/**
 * Exposes exactly one object, `window.api` (invoke + on → unsubscribe). Bundled into one CJS file so the
 * sandbox stays on. Nothing from Electron leaks to the page.
 */
const api: RawApi = {
  invoke: (channel, req) => ipcRenderer.invoke(IPC_INVOKE, channel, req),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, name: string, payload: unknown) => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT, wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('api', api);
