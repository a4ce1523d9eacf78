import { AppError, toIpcError } from '../../shared/errors.ts';
import { invokeChannels, isChannel, TEST_ONLY_CHANNELS, type Channel } from '../../shared/ipc.ts';
import type { IpcResult } from '../../shared/result.ts';
import type { HandlerCtx, HandlerTable } from './types.ts';

/**
 * The one entry both hosts call for every invoke: channel check, test-only gate, schema validation,
 * handler, result envelope. Never throws.
 */
export async function dispatch(table: HandlerTable, channel: unknown, payload: unknown, ctx: HandlerCtx): Promise<IpcResult<unknown>> {
  try {
    if (!isChannel(channel)) throw new AppError('UNKNOWN_CHANNEL', `Unknown channel: ${describeChannel(channel)}`);
    if (TEST_ONLY_CHANNELS.includes(channel) && !ctx.services.testHooks) {
      throw new AppError('UNKNOWN_CHANNEL', `Unknown channel: ${channel}`);
    }
    const schema = invokeChannels[channel].req;
    const parsed = schema.safeParse(payload ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
      const first = issues[0];
      throw new AppError(
        'VALIDATION',
        `Invalid request for ${channel}: ${first.path ? `${first.path}: ` : ''}${first.message}`,
        { issues },
      );
    }
    const handler = table[channel] as (req: unknown, ctx: HandlerCtx) => Promise<unknown>;
    const value = await handler(parsed.data, ctx);
    return { ok: true, value: value === undefined ? null : value };
  } catch (err) {
    return { ok: false, error: toIpcError(err) };
  }
}

/** A printable name for any value sent as a channel (String() throws for objects without a usable toString). */
function describeChannel(channel: unknown): string {
  try {
    return String(channel).slice(0, 80);
  } catch {
    return `(${typeof channel})`;
  }
}

export type { Channel };
