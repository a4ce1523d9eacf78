import type { RawApi } from '../../../shared/ipc.ts';

/**
 * Where the renderer stands with its host.
 * - connecting: first attempt in progress
 * - connected: calls go through
 * - reconnecting: was connected, lost it, retrying with backoff
 * - unreachable: never connected (or gave up for now); retrying with backoff
 * - unauthorized: the page has no token, or the host refused it
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unreachable' | 'unauthorized';

export interface ConnectionStatus {
  state: ConnectionState;
  /** Human-readable reason for the last failure (for the status area). */
  detail?: string;
  /** Milliseconds until the next attempt, when one is scheduled. */
  retryInMs?: number;
  /**
   * Why `unauthorized`: no token in the page's address, a token the running host does not know (the address is
   * out of date: the host was restarted), or a refusal the host explained with a close code.
   */
  reason?: 'noToken' | 'tokenMismatch' | 'refused';
}

/** A RawApi plus what the shell needs to know about the link itself. */
export interface Transport extends RawApi {
  readonly kind: 'electron' | 'websocket';
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  /** Try again now (resets the backoff). No-op for Electron. */
  reconnect(): void;
  close(): void;
}
