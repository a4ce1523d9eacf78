import { EventEmitter } from 'node:events';
import type { EventMap, EventName } from '../../../shared/ipc.ts';

type Tap = (event: EventName, payload: unknown) => void;

/**
 * The services' typed event bus. Services emit contract events on it; the hosts `tap` it once and forward
 * every event to the renderer (Electron webContents or browser-mode sockets), whatever domain declared it.
 */
export class EventBus extends EventEmitter<{ [E in EventName]: [EventMap[E]] }> {
  private readonly taps = new Set<Tap>();

  constructor() {
    super();
    this.setMaxListeners(100);
  }

  publish<E extends EventName>(event: E, payload: EventMap[E]): void {
    for (const tap of this.taps) tap(event, payload);
    (this.emit as (e: string, p: unknown) => boolean)(event, payload);
  }

  tap(fn: Tap): () => void {
    this.taps.add(fn);
    return () => this.taps.delete(fn);
  }
}
