import type { Channel, EventMap, EventName, IpcResult, Req, Res } from '../../../shared/ipc.ts';
import type { IpcError } from '../../../shared/errors.ts';
import { TOKEN_CHECK_PATH, type ClientMessage, type ServerMessage } from '../../../shared/ws-protocol.ts';
import type { ConnectionStatus, Transport } from './types.ts';

export interface WsTransportOptions {
  /** Full ws:// URL including the token; null when the page has no token (state `unauthorized`). */
  url: string | null;
  WebSocketImpl?: typeof WebSocket;
  /** Delay before each successive retry; the last value repeats. */
  backoffMs?: readonly number[];
  /**
   * Asked when a connection attempt fails before opening: true/false when the host answered whether the page's token
   * is its own (false = the address is out of date), null when that could not be learnt (host down).
   */
  checkToken?: () => Promise<boolean | null>;
}

const DEFAULT_BACKOFF = [500, 1000, 2000, 4000, 8000, 15000] as const;
/** Close codes the host uses to refuse a token or an origin: retrying cannot help. */
const REFUSED_CODES = new Set([1008, 4401, 4403]);

type Pending = { channel: string; resolve: (r: IpcResult<unknown>) => void };

// A host that restarted has a new token and answers the old one with HTTP 401, which a browser cannot tell
// apart from a host that is down: say both.
const unreachableText = () =>
  `Cannot reach the console host at ${location.host || 'this address'}. If it was restarted, its access token changed: open the new Console link it printed.`;

/** What the page says when the host is up but does not know its token (it was restarted since the page opened). */
export const STALE_TOKEN_TEXT =
  'This console address is out of date (the token does not match the running host): open the address printed by npm start again.';

/**
 * Asks the page's own host (POST /token-check, same origin) whether `token` is the running host's: true/false, or
 * null when nothing (or something else) answered.
 */
export function tokenChecker(
  token: string,
  fetchImpl: typeof fetch = (...a) => globalThis.fetch(...a),
): () => Promise<boolean | null> {
  return async () => {
    try {
      const res = await fetchImpl(TOKEN_CHECK_PATH, {
        method: 'POST',
        body: token,
        headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
        cache: 'no-store',
        credentials: 'omit',
        redirect: 'error',
      });
      if (res.status !== 200) return null;
      const body = (await res.json()) as { valid?: unknown };
      return typeof body?.valid === 'boolean' ? body.valid : null;
    } catch {
      return null;
    }
  };
}

const netError = (message: string): IpcResult<never> => ({
  ok: false,
  error: { code: 'NETWORK', message } satisfies IpcError,
});

/** RawApi over the browser-mode WebSocket (shared/ws-protocol.ts), with reconnect and backoff. */
export function createWsTransport(opts: WsTransportOptions): Transport {
  const WS = opts.WebSocketImpl ?? globalThis.WebSocket;
  const backoff = opts.backoffMs ?? DEFAULT_BACKOFF;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  const inFlight = new Map<number, Pending>();
  let queued: { msg: ClientMessage; pending: Pending }[] = [];
  let socket: WebSocket | null = null;
  let nextId = 1;
  let attempt = 0;
  let everConnected = false;
  let closed = false;
  /** A token check is under way after a failed attempt; nothing else connects meanwhile. */
  let probing = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let status: ConnectionStatus = opts.url
    ? { state: 'connecting' }
    : {
        state: 'unauthorized',
        reason: 'noToken',
        detail: 'This page was opened without its access token (#token=… in the link).',
      };

  const setStatus = (s: ConnectionStatus) => {
    status = s;
    for (const l of [...statusListeners]) l(s);
  };

  const failQueued = (message: string, code: 'NETWORK' | 'UNAUTHORIZED' = 'NETWORK') => {
    const q = queued;
    queued = [];
    for (const { pending } of q) pending.resolve({ ok: false, error: { code, message } });
  };

  const schedule = () => {
    if (closed || !opts.url) return;
    const delay = backoff[Math.min(attempt, backoff.length - 1)];
    attempt += 1;
    setStatus({
      state: everConnected ? 'reconnecting' : 'unreachable',
      detail: everConnected ? 'The connection to the console host was lost.' : unreachableText(),
      retryInMs: delay,
    });
    timer = setTimeout(() => {
      timer = null;
      connect();
    }, delay);
  };

  const onMessage = (data: unknown) => {
    if (typeof data !== 'string') return;
    let msg: ServerMessage;
    try {
      msg = JSON.parse(data) as ServerMessage;
    } catch {
      return;
    }
    if (msg.t === 'result') {
      const p = inFlight.get(msg.id);
      if (!p) return;
      inFlight.delete(msg.id);
      p.resolve(msg.result);
    } else if (msg.t === 'event') {
      const set = listeners.get(msg.event);
      if (set) for (const l of [...set]) l(msg.payload);
    } else if (msg.t === 'protocolError') {
      console.warn(`Console host refused a message: ${msg.message}`);
    }
  };

  function connect() {
    if (closed || !opts.url) return;
    let opened = false;
    const ws = new WS(opts.url);
    socket = ws;
    ws.onopen = () => {
      opened = true;
      attempt = 0;
      everConnected = true;
      const q = queued;
      queued = [];
      for (const { msg, pending } of q) {
        inFlight.set(msg.id, pending);
        ws.send(JSON.stringify(msg));
      }
      setStatus({ state: 'connected' });
    };
    ws.onmessage = (ev: MessageEvent) => onMessage(ev.data);
    ws.onerror = () => {
      /* onclose follows and decides */
    };
    ws.onclose = (ev: CloseEvent) => {
      if (socket !== ws) return;
      socket = null;
      for (const [id, p] of inFlight) {
        inFlight.delete(id);
        p.resolve(netError(`The connection to the console host closed before it answered ${p.channel}.`));
      }
      if (closed) return;
      if (REFUSED_CODES.has(ev.code)) {
        failQueued('The console host refused this page’s access token.', 'UNAUTHORIZED');
        setStatus({
          state: 'unauthorized',
          reason: 'refused',
          detail: `The console host refused the connection (${ev.reason || `code ${ev.code}`}). Open the link printed by npm start again.`,
        });
        return;
      }
      const retry = () => {
        if (!opened) failQueued(unreachableText());
        schedule();
      };
      // A refused token (HTTP 401) and a stopped host look alike to a page: ask the host which it is.
      if (opened || !opts.checkToken) return retry();
      probing = true;
      void opts
        .checkToken()
        .catch(() => null)
        .then((valid) => {
          probing = false;
          if (closed || socket) return;
          if (valid !== false) return retry();
          failQueued(STALE_TOKEN_TEXT, 'UNAUTHORIZED');
          setStatus({ state: 'unauthorized', reason: 'tokenMismatch', detail: STALE_TOKEN_TEXT });
        });
    };
  }

  const transport: Transport = {
    kind: 'websocket',
    invoke<C extends Channel>(channel: C, req: Req<C>): Promise<IpcResult<Res<C>>> {
      return new Promise((resolve) => {
        const msg: ClientMessage = { t: 'invoke', id: nextId++, channel, payload: req };
        const pending: Pending = { channel, resolve: resolve as (r: IpcResult<unknown>) => void };
        if (status.state === 'unauthorized') {
          resolve({ ok: false, error: { code: 'UNAUTHORIZED', message: status.detail ?? 'Not authorized.' } });
        } else if (socket && socket.readyState === WS.OPEN) {
          inFlight.set(msg.id, pending);
          socket.send(JSON.stringify(msg));
        } else if (status.state === 'unreachable') {
          resolve(netError(status.detail ?? 'Cannot reach the console host.'));
        } else {
          queued.push({ msg, pending });
        }
      });
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => {
        set.delete(l);
      };
    },
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => {
        statusListeners.delete(listener);
      };
    },
    reconnect() {
      if (closed || !opts.url || socket || probing || status.state === 'unauthorized') return;
      if (timer) clearTimeout(timer);
      timer = null;
      attempt = 0;
      setStatus({ state: everConnected ? 'reconnecting' : 'connecting' });
      connect();
    },
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      failQueued('The console closed its connection.');
      socket?.close();
      socket = null;
    },
  };

  connect();
  return transport;
}
