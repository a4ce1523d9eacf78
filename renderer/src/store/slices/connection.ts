import type { AppInfo } from '../../../../shared/contract/core.ts';
import { api, errorMessage } from '../../api/client.ts';
import type { ConnectionStatus } from '../../api/types.ts';
import { setDateLocale } from '../../components/format.ts';
import type { SliceCreator } from '../types.ts';

export interface ConnectionState {
  connection: ConnectionStatus;
  appInfo: AppInfo | null;
  appInfoError: string | null;
}

export interface ConnectionActions {
  setConnection(status: ConnectionStatus): void;
  loadAppInfo(): Promise<void>;
  retryConnection(): void;
}

export type ConnectionSlice = ConnectionState & ConnectionActions;

export const initConnectionState: ConnectionState = { connection: { state: 'connecting' }, appInfo: null, appInfoError: null };

export const createConnectionSlice: SliceCreator<ConnectionSlice> = (set) => ({
  ...initConnectionState,
  setConnection(connection) {
    set({ connection });
  },
  async loadAppInfo() {
    try {
      const appInfo = await api.invoke('app:info', {});
      setDateLocale(appInfo.locale);
      set({ appInfo, appInfoError: null });
    } catch (err) {
      set({ appInfoError: errorMessage(err) });
    }
  },
  retryConnection() {
    api.reconnect();
  },
});
