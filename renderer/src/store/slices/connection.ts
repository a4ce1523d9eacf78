import { api, errorMessage } from '../../api/client.ts';
import { setDateLocale } from '../../components/format.ts';
import type { SliceCreator } from '../types.ts';
import type { ConnectionState, ConnectionSlice } from '../state/connection.ts';

export const initConnectionState: ConnectionState = {
  connection: { state: 'connecting' },
  appInfo: null,
  appInfoError: null,
};

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
