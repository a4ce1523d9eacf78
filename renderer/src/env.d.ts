import type { RawApi } from '../../shared/ipc.ts';

declare global {
  interface Window {
    /** Exposed by the Electron preload. Absent in browser mode (the renderer opens its own WebSocket). */
    api?: RawApi;
  }
}

export {};
