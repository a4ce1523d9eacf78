import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CHANNELS, invokeChannels } from '../../shared/ipc.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import { hostileNumber, hostileString } from '../../shared/validators/hostile-arbitraries.ts';
import { dispatch } from './dispatch.ts';
import type { HandlerCtx, HandlerTable } from './types.ts';

/**
 * dispatch.test.ts throws random values at every channel; most of them fail at the top-level object. Here the
 * payloads follow each request schema's own shape (keys, enums, arrays, nesting) with hostile leaves, so the inner
 * refinements (the shared validators) run on them: every refusal must be a VALIDATION error — never INTERNAL, which
 * would mean a schema or refinement threw — and whatever passes must reach the handler unchanged in type.
 */
type Def = { type: string; [k: string]: unknown };
const defOf = (s: unknown): Def => (s as { _zod: { def: Def } })._zod.def;

function arb(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  const d = defOf(schema);
  const leaf = fc.oneof(hostileString, hostileNumber, fc.boolean(), fc.constant(null));
  if (depth > 6) return leaf;
  switch (d.type) {
    case 'string':
      return fc.oneof({ weight: 4, arbitrary: hostileString }, { weight: 1, arbitrary: leaf });
    case 'number':
    case 'int':
      return fc.oneof({ weight: 4, arbitrary: hostileNumber }, { weight: 1, arbitrary: leaf });
    case 'boolean':
      return fc.oneof({ weight: 4, arbitrary: fc.boolean() }, { weight: 1, arbitrary: leaf });
    case 'enum': {
      const values = Object.values(d.entries as Record<string, unknown>);
      return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...values) }, { weight: 1, arbitrary: leaf });
    }
    case 'literal':
      return fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom(...(d.values as unknown[])) },
        { weight: 1, arbitrary: leaf },
      );
    case 'optional':
    case 'nullable':
    case 'default':
    case 'prefault':
    case 'readonly':
    case 'catch':
    case 'nonoptional':
      return fc.option(arb(d.innerType, depth + 1), { nil: undefined });
    case 'pipe':
      return arb(d.in, depth + 1);
    case 'lazy':
      return arb((d.getter as () => unknown)(), depth + 1);
    case 'array':
      return fc.oneof(
        { weight: 4, arbitrary: fc.array(arb(d.element, depth + 1), { maxLength: 4 }) },
        { weight: 1, arbitrary: leaf },
      );
    case 'tuple':
      return fc.tuple(...(d.items as unknown[]).map((i) => arb(i, depth + 1)));
    case 'union':
      return fc.oneof(...(d.options as unknown[]).map((o) => arb(o, depth + 1)));
    case 'record':
      return fc.dictionary(hostileString, arb(d.valueType, depth + 1), { maxKeys: 3 });
    case 'object': {
      const shape = d.shape as Record<string, unknown>;
      const keys = Object.keys(shape);
      const rec = fc.record(Object.fromEntries(keys.map((k) => [k, arb(shape[k], depth + 1)])), { requiredKeys: [] });
      // Sometimes an extra or prototype key as well.
      return fc.oneof(
        { weight: 5, arbitrary: rec },
        { weight: 1, arbitrary: rec.map((r) => ({ ...r, extra: 1 })) },
        { weight: 1, arbitrary: rec.map((r) => Object.assign(JSON.parse('{"__proto__":{"polluted":true}}'), r)) },
      );
    }
    default:
      return fc.anything();
  }
}

const ctx = { services: { testHooks: true }, host: 'browser' } as unknown as HandlerCtx;
let reached = 0;
const recorders = Object.fromEntries(
  CHANNELS.map((c) => [c, async () => (reached++, null)]),
) as unknown as HandlerTable;

describe('dispatch with payloads shaped like each request schema', () => {
  it.each(CHANNELS.map((c) => [c]))(
    '%s: refusals are VALIDATION errors with a message, never INTERNAL',
    async (channel) => {
      const payload = arb(invokeChannels[channel].req);
      await fc.assert(
        fc.asyncProperty(payload, async (p) => {
          const r = await dispatch(recorders, channel, p, ctx);
          if (!r.ok) {
            expect(ERROR_CODES).toContain(r.error.code);
            expect(r.error.code, `${channel}: ${r.error.message}`).toBe('VALIDATION');
            expect(r.error.message.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 60 },
      );
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  );

  it('channel values without a usable toString are UNKNOWN_CHANNEL, not INTERNAL', async () => {
    for (const c of [
      Object.create(null),
      { toString: 1 },
      { toString: () => ({}) },
      Symbol('x'),
      [Object.create(null)],
    ]) {
      const r = await dispatch(recorders, c, {}, ctx);
      expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    }
  });

  it('the shaped payloads really reach handlers for some channels (the generator is not only producing garbage)', () => {
    expect(reached).toBeGreaterThan(0);
  });
});
