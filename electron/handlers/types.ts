import type { Channel, ParsedReq, Res } from '../../shared/ipc.ts';
import type { Services } from '../services/index.ts';

export interface HandlerCtx {
  services: Services;
  host: 'electron' | 'browser';
  /** Host-specific abilities (native dialogs); absent in browser mode. */
  pickFolderNative?: (opts: { title?: string | undefined; defaultPath?: string | undefined }) => Promise<string | null>;
}

export type Handler<C extends Channel> = (req: ParsedReq<C>, ctx: HandlerCtx) => Promise<Res<C>>;

/** The exhaustive table: a channel without a handler is a compile error. */
export type HandlerTable = { [C in Channel]: Handler<C> };

/** Per-domain slices of the table, checked against the contract. */
export type HandlerSlice<K extends Channel> = { [C in K]: Handler<C> };
