import { AppError, toIpcError } from '../../shared/errors.ts';
import { invokeChannels, isChannel, TEST_ONLY_CHANNELS, type Channel } from '../../shared/ipc.ts';
import type { IpcResult } from '../../shared/result.ts';
import type { HandlerCtx, HandlerTable } from './types.ts';

/**
 * The one entry both hosts call for every invoke: channel check, test-only gate, schema validation,
 * handler, result envelope. Never throws.
 */
export async function dispatch(table: HandlerTable, channel: unknown, payload: unknown, ctx: HandlerCtx): Promise<IpcResult<unknown>> {
  const started = Date.now();
  const result = await dispatchInner(table, channel, payload, ctx);
  // Channel, outcome and time only: payloads may carry passphrases and are never logged.
  const log = (ctx.services as Partial<HandlerCtx['services']>).log;
  if (log) {
    const name = typeof channel === 'string' ? channel.slice(0, 80) : typeof channel;
    if (result.ok) log.write('debug', 'invoke', { channel: name, host: ctx.host, ms: Date.now() - started });
    else log.write(result.error.code === 'INTERNAL' ? 'error' : 'info', 'invoke:refused', { channel: name, host: ctx.host, code: result.error.code, message: result.error.message });
  }
  return result;
}

async function dispatchInner(table: HandlerTable, channel: unknown, payload: unknown, ctx: HandlerCtx): Promise<IpcResult<unknown>> {
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
