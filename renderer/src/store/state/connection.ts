/**
 * State and actions of the connection slice (slices/connection.ts). Types only, importing nothing from the store, so
 * store/types.ts composes them without an import cycle.
 */
import type { AppInfo } from '../../../../shared/contract/core.ts';
import type { ConnectionStatus } from '../../api/types.ts';

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
