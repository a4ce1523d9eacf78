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
  CHANNELS.map((c) => [
    c,
    async (req: unknown) => {
      seen.push({ channel: c, req });
      return null;
    },
  ]),
) as unknown as HandlerTable;
const ctx = { services: { testHooks: true }, host: 'browser' } as unknown as HandlerCtx;

const hostile = fc.oneof(
  fc.anything(),
  fc.dictionary(fc.string(), fc.anything()),
  fc.record({
    path: fc.oneof(
      fc.string(),
      fc.constant('../../etc/passwd'),
      fc.constant('C:\\Windows\\System32'),
      fc.constant('a\0b'),
    ),
  }),
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
      fc.asyncProperty(
        fc.anything().filter((c) => !(CHANNELS as unknown[]).includes(c)),
        async (channel) => {
          const r = await dispatch(recorders, channel, {}, ctx);
          expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('turns a thrown handler error into a value without a stack trace', async () => {
    const throwing = {
      ...recorders,
      'app:info': async () => {
        throw new Error('boom at /secret/path');
      },
    } as HandlerTable;
    const r = await dispatch(throwing, 'app:info', {}, ctx);
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'boom at /secret/path' } });
  });
});

describe('refused calls in the activity log', () => {
  it('are written at debug level, one line per channel and code per window, with the count of the dropped ones', async () => {
    const { LogRateLimit } = await import('./dispatch.ts');
    const rl = new LogRateLimit(10_000);
    expect(rl.take('a\0VALIDATION', 0)).toEqual({ suppressed: 0 });
    for (let t = 1; t < 50; t++) expect(rl.take('a\0VALIDATION', t)).toBeNull();
    expect(rl.take('b\0VALIDATION', 60)).toEqual({ suppressed: 0 });
    expect(rl.take('a\0VALIDATION', 10_000)).toEqual({ suppressed: 49 });
    expect(rl.take('a\0VALIDATION', 10_001)).toBeNull();
  });

  it('a page hammering a refused channel leaves one debug line, not thousands of info lines', async () => {
    const lines: Array<{ level: string; event: string; fields: Record<string, unknown> }> = [];
    const log = {
      write: (level: string, event: string, fields: Record<string, unknown> = {}) =>
        void lines.push({ level, event, fields }),
    };
    const ctx = { services: { log }, host: 'browser' } as unknown as Parameters<typeof dispatch>[3];
    for (let i = 0; i < 500; i++) await dispatch({} as Parameters<typeof dispatch>[0], 'no:such-channel-here', {}, ctx);
    const refused = lines.filter((l) => l.event === 'invoke:refused');
    expect(refused.length).toBe(1);
    expect(refused[0].level).toBe('debug');
    expect(refused[0].fields).toMatchObject({ code: 'UNKNOWN_CHANNEL' });
  });
});
