import type { Channel, EventMap, EventName, Req, Res } from '../../../shared/ipc.ts';
import { AppError, isErrorCode } from '../../../shared/errors.ts';
import type { ConnectionStatus, Transport } from './types.ts';

/** The typed client every store action uses: values come back, failures are thrown as AppError with the code. */
export interface ApiClient {
  invoke<C extends Channel>(channel: C, req: Req<C>): Promise<Res<C>>;
  on<E extends EventName>(event: E, listener: (payload: EventMap[E]) => void): () => void;
  status(): ConnectionStatus;
  onStatus(listener: (status: ConnectionStatus) => void): () => void;
  reconnect(): void;
  readonly kind: Transport['kind'];
}

export function createApiClient(transport: Transport): ApiClient {
  return {
    kind: transport.kind,
    async invoke(channel, req) {
      let result;
      try {
        result = await transport.invoke(channel, req);
      } catch (err) {
        // The bridge itself failed (should not happen: hosts return envelopes).
        throw new AppError(
          'INTERNAL',
          `Calling ${channel} failed: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
      if (!result || typeof result !== 'object' || typeof result.ok !== 'boolean') {
        throw new AppError('INTERNAL', `The host answered ${channel} with something that is not a result envelope.`);
      }
      if (result.ok) return result.value;
      const e = result.error;
      throw new AppError(
        isErrorCode(e?.code) ? e.code : 'INTERNAL',
        e?.message || `${channel} failed without a message.`,
        e?.details,
      );
    },
    on: (event, listener) => transport.on(event, listener),
    status: () => transport.status(),
    onStatus: (listener) => transport.onStatus(listener),
    reconnect: () => transport.reconnect(),
  };
}

let current: ApiClient | null = null;

/** Lazily picks the transport the first time anything calls the host. */
export function getApi(): ApiClient {
  if (!current) {
    current = createApiClient(transportFactory());
  }
  return current;
}

let transportFactory: () => Transport = () => {
  throw new Error('No transport installed: call installTransport() before using the api.');
};

/** main.tsx installs the real selector; tests install a fake transport. */
export function installTransport(factory: () => Transport): void {
  transportFactory = factory;
  current = null;
}

/** Shorthand used by store actions. */
export const api: ApiClient = {
  get kind() {
    return getApi().kind;
  },
  invoke: (channel, req) => getApi().invoke(channel, req),
  on: (event, listener) => getApi().on(event, listener),
  status: () => getApi().status(),
  onStatus: (listener) => getApi().onStatus(listener),
  reconnect: () => getApi().reconnect(),
};

/** Message for any thrown value, for MessageBars. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
