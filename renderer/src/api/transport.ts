import type { RawApi } from '../../../shared/ipc.ts';
import { WS_PATH } from '../../../shared/ws-protocol.ts';
import { takeToken } from './token.ts';
import type { ConnectionStatus, Transport } from './types.ts';
import { createWsTransport, tokenChecker } from './ws-transport.ts';

/** Electron: the preload's window.api is always connected (the host is the same process tree). */
export function fromPreload(raw: RawApi): Transport {
  const status: ConnectionStatus = { state: 'connected' };
  return {
    kind: 'electron',
    invoke: (channel, req) => raw.invoke(channel, req),
    on: (event, listener) => raw.on(event, listener),
    status: () => status,
    onStatus: () => () => {},
    reconnect: () => {},
    close: () => {},
  };
}

/** window.api when the Electron preload exposed it, else the browser-mode WebSocket to the page's own host. */
export function selectTransport(): Transport {
  if (window.api) return fromPreload(window.api);
  const token = takeToken();
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const url = token ? `${scheme}://${location.host}${WS_PATH}?token=${encodeURIComponent(token)}` : null;
  return createWsTransport({ url, ...(token ? { checkToken: tokenChecker(token) } : {}) });
}
