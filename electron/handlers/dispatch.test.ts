import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHANNELS, invokeChannels } from '../../shared/ipc.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import { dispatch } from './dispatch.ts';
import { handlers } from './table.ts';
import type { HandlerCtx, HandlerTable } from './types.ts';

/**
 * Hostile payloads at the boundary: for every channel of the contract, random and malformed values never throw
 * past dispatch and always come back as a typed envelope. Handlers are replaced by recorders so nothing real runs.
 */
const seen: Array<{ channel: string; req: unknown }> = [];
const recorders = Object.fromEntries(
  CHANNELS.map((c) => [c, async (req: unknown) => {
    seen.push({ channel: c, req });
    return null;
  }]),
) as unknown as HandlerTable;
const ctx = { services: { testHooks: true }, host: 'browser' } as unknown as HandlerCtx;

const hostile = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.string(), fc.anything()),
  fc.record({ path: fc.oneof(fc.string(), fc.constant('../../etc/passwd'), fc.constant('C:\\Windows\\System32'), fc.constant('a\0b')) }),
  fc.constant({ __proto__: { polluted: true } }),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}')),
  fc.string({ maxLength: 5000 }),
);

describe('dispatch at the boundary', () => {
  it('the handler table covers every channel', () => {
    for (const c of CHANNELS) expect(typeof handlers[c]).toBe('function');
  });

  it('never throws and always answers with a typed envelope, for every channel', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), hostile, async (channel, payload) => {
        const r = await dispatch(recorders, channel, payload, ctx);
        if (r.ok) {
          // Whatever got through must satisfy the channel's schema.
          expect(invokeChannels[channel].req.safeParse(payload ?? {}).success).toBe(true);
        } else {
          expect(ERROR_CODES).toContain(r.error.code);
          expect(typeof r.error.message).toBe('string');
        }
      }),
      { numRuns: 2000 },
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses unknown channels and non-string channel names', async () => {
    await fc.assert(
      fc.asyncProperty(fc.anything().filter((c) => !(CHANNELS as unknown[]).includes(c)), async (channel) => {
        const r = await dispatch(recorders, channel, {}, ctx);
        expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
      }),
      { numRuns: 300 },
    );
  });

  it('turns a thrown handler error into a value without a stack trace', async () => {
    const throwing = { ...recorders, 'app:info': async () => { throw new Error('boom at /secret/path'); } } as HandlerTable;
    const r = await dispatch(throwing, 'app:info', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom at /secret/path' } });
  });
});
