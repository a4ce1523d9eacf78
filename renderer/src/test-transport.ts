import type { Channel, EventMap, EventName, IpcResult, Req, Res } from '../../shared/ipc.ts';
import type { ConnectionStatus, Transport } from './api/types.ts';

type Handler = (req: unknown) => IpcResult<unknown> | Promise<IpcResult<unknown>>;

/** A Transport for renderer tests: per-channel handlers, recorded calls, emit() for host events. */
export interface FakeTransport extends Transport {
  calls: { channel: string; req: unknown }[];
  handle<C extends Channel>(channel: C, fn: (req: Req<C>) => IpcResult<Res<C>> | Promise<IpcResult<Res<C>>>): void;
  emit<E extends EventName>(event: E, payload: EventMap[E]): void;
  setStatus(status: ConnectionStatus): void;
}

export function createFakeTransport(initial: ConnectionStatus = { state: 'connected' }): FakeTransport {
  const handlers = new Map<string, Handler>();
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const statusListeners = new Set<(s: ConnectionStatus) => void>();
  let status = initial;
  const calls: { channel: string; req: unknown }[] = [];
  return {
    kind: 'electron',
    calls,
    async invoke<C extends Channel>(channel: C, req: Req<C>) {
      calls.push({ channel, req });
      const h = handlers.get(channel);
      if (!h)
        return {
          ok: false,
          error: { code: 'UNKNOWN_CHANNEL', message: `no fake handler for ${channel}` },
        } as IpcResult<Res<C>>;
      return (await h(req)) as IpcResult<Res<C>>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (p: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    handle(channel, fn) {
      handlers.set(channel, fn as Handler);
    },
    emit(event, payload) {
      for (const l of listeners.get(event) ?? []) l(payload);
    },
    status: () => status,
    onStatus(l) {
      statusListeners.add(l);
      return () => void statusListeners.delete(l);
    },
    setStatus(s) {
      status = s;
      for (const l of statusListeners) l(s);
    },
    reconnect() {},
    close() {},
  };
}
