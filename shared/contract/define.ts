import type { z } from 'zod';

/**
 * One invoke channel: a runtime schema for the request (the renderer is untrusted) and a phantom response type.
 * `channel<Res>()(schema)` keeps the response type without a runtime value.
 */
export interface ChannelDef<S extends z.ZodType, Res> {
  req: S;
  /** Phantom: never read at run time. */
  res?: Res;
}

export const channel =
  <Res>() =>
  <S extends z.ZodType>(req: S): ChannelDef<S, Res> => ({ req });
