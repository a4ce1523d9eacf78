import { AppError, toIpcError } from '../../shared/errors.ts';
import { invokeChannels, isChannel, TEST_ONLY_CHANNELS, type Channel } from '../../shared/ipc.ts';
import type { IpcResult } from '../../shared/result.ts';
import type { HandlerCtx, HandlerTable } from './types.ts';

/**
 * The one entry both hosts call for every invoke: channel check, test-only gate, schema validation,
 * handler, result envelope. Never throws.
 */
export async function dispatch(
  table: HandlerTable,
  channel: unknown,
  payload: unknown,
  ctx: HandlerCtx,
): Promise<IpcResult<unknown>> {
  const started = Date.now();
  const result = await dispatchInner(table, channel, payload, ctx);
  // Channel, outcome and time only: payloads may carry passphrases and are never logged.
  const log = (ctx.services as Partial<HandlerCtx['services']>).log;
  if (log) {
    const name = typeof channel === 'string' ? channel.slice(0, 80) : typeof channel;
    if (result.ok) log.write('debug', 'invoke', { channel: name, host: ctx.host, ms: Date.now() - started });
    else if (result.error.code === 'INTERNAL')
      log.write('error', 'invoke:failed', {
        channel: name,
        host: ctx.host,
        code: result.error.code,
        message: result.error.message,
      });
    else {
      // A refused call is the caller's problem (bad payload, unknown channel, a check that said no): debug level, and
      // a page that repeats it in a loop cannot fill the log — one line per channel and code per window.
      const seen = refusedLog.take(`${name}\0${result.error.code}`, Date.now());
      if (seen)
        log.write('debug', 'invoke:refused', {
          channel: name,
          host: ctx.host,
          code: result.error.code,
          message: result.error.message,
          ...(seen.suppressed ? { suppressed: seen.suppressed } : {}),
        });
    }
  }
  return result;
}

/** Lets one line per key through per window; counts the others, reported with the next line let through. */
export class LogRateLimit {
  private readonly last = new Map<string, { at: number; suppressed: number }>();
  private readonly windowMs: number;
  private readonly maxKeys: number;
  constructor(windowMs = 10_000, maxKeys = 1000) {
    this.windowMs = windowMs;
    this.maxKeys = maxKeys;
  }
  /** null: drop this line; else write it, mentioning how many were dropped since the last one. */
  take(key: string, now: number): { suppressed: number } | null {
    const prev = this.last.get(key);
    if (prev && now - prev.at < this.windowMs) {
      prev.suppressed++;
      return null;
    }
    if (!prev && this.last.size >= this.maxKeys) this.last.delete(this.last.keys().next().value!);
    this.last.set(key, { at: now, suppressed: 0 });
    return { suppressed: prev?.suppressed ?? 0 };
  }
}
const refusedLog = new LogRateLimit();

async function dispatchInner(
  table: HandlerTable,
  channel: unknown,
  payload: unknown,
  ctx: HandlerCtx,
): Promise<IpcResult<unknown>> {
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
