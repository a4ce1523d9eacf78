import type { Channel, EventMap, EventName, IpcResult, Req, Res } from '../../../shared/ipc.ts';
import type { IpcError } from '../../../shared/errors.ts';
import type { ClientMessage, ServerMessage } from '../../../shared/ws-protocol.ts';
import type { ConnectionStatus, Transport } from './types.ts';

export interface WsTransportOptions {
  /** Full ws:// URL including the token; null when the page has no token (state `unauthorized`). */
  url: string | null;
  WebSocketImpl?: typeof WebSocket;
  /** Delay before each successive retry; the last value repeats. */
  backoffMs?: readonly number[];
}

const DEFAULT_BACKOFF = [500, 1000, 2000, 4000, 8000, 15000] as const;
/** Close codes the host uses to refuse a token or an origin: retrying cannot help. */
const REFUSED_CODES = new Set([1008, 4401, 4403]);

type Pending = { channel: string; resolve: (r: IpcResult<unknown>) => void };

// A host that restarted has a new token and answers the old one with HTTP 401, which a browser cannot tell
// apart from a host that is down: say both.
const unreachableText = () =>
  `Cannot reach the console host at ${location.host || 'this address'}. If it was restarted, its access token changed: open the new Console link it printed.`;

const netError = (message: string): IpcResult<never> => ({ ok: false, error: { code: 'NETWORK', message } satisfies IpcError });

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
  let timer: ReturnType<typeof setTimeout> | null = null;
  let status: ConnectionStatus = opts.url
    ? { state: 'connecting' }
    : { state: 'unauthorized', detail: 'This page was opened without its access token (#token=… in the link).' };

  const setStatus = (s: ConnectionStatus) => {
    status = s;
    for (const l of [...statusListeners]) l(s);
  };

  const failQueued = (message: string) => {
    const q = queued;
    queued = [];
    for (const { pending } of q) pending.resolve(netError(message));
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
        failQueued('The console host refused this page’s access token.');
        setStatus({ state: 'unauthorized', detail: `The console host refused the connection (${ev.reason || `code ${ev.code}`}). Open the link printed by npm start again.` });
        return;
      }
      if (!opened) failQueued(unreachableText());
      schedule();
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
      if (closed || !opts.url || socket) return;
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
