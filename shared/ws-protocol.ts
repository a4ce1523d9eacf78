import type { IpcResult } from './result.ts';

/**
 * Browser mode carries the same contract over one WebSocket: ws://127.0.0.1:<port>/ws?token=<token>.
 * The page gets the token from `#token=…` in its URL (printed by `npm start` / `npm run serve`).
 * The server also checks the Origin header (must be the console's own origin) and the message size.
 */
export const WS_PATH = '/ws';
/**
 * The page asks here whether its token is the running host's when the WebSocket handshake fails (a browser sees a
 * refused token and a stopped host alike): POST with the token as the text/plain body, same Origin rule as /ws;
 * the answer is only `{"valid":true|false}`.
 */
export const TOKEN_CHECK_PATH = '/token-check';
export const TOKEN_CHECK_MAX_BYTES = 1024;
export const WS_MAX_MESSAGE_BYTES = 1024 * 1024;

export type ClientMessage = { t: 'invoke'; id: number; channel: string; payload: unknown };

export type ServerMessage =
  | { t: 'result'; id: number; result: IpcResult<unknown> }
  | { t: 'event'; event: string; payload: unknown }
  /** Sent when the server refuses a malformed message that has no usable id. */
  | { t: 'protocolError'; message: string };
