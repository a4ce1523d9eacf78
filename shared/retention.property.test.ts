import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { WEEKDAYS, type Schedule } from './policy.ts';
import { evaluateRetention, type RestorePointRef, type RetentionInput } from './retention.ts';
import {
  MONTHS,
  RETENTION_LIMITS,
  RETENTION_TIERS,
  WEEKS_OF_MONTH,
  checkRetention,
  type Retention,
} from './retention-rules.ts';
import { HALF_HOURS, nextRuns } from './schedule.ts';

const H = 3_600_000;
const DAY = 24 * H;
// Zones with DST of one hour, of half an hour (Lord Howe), southern DST (Santiago), odd offsets (Kathmandu, Chatham).
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Pacific/Chatham',
  'America/Santiago',
  'Asia/Kathmandu',
];

const scheduleArb: fc.Arbitrary<Schedule> = fc
  .record({
    frequency: fc.constantFrom('daily' as const, 'weekly' as const),
    times: fc.uniqueArray(fc.constantFrom(...HALF_HOURS), { minLength: 1, maxLength: 3 }),
    days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS), { minLength: 1, maxLength: 7 }),
    everyWeeks: fc.integer({ min: 1, max: 4 }),
    timeZone: fc.constantFrom(...ZONES),
  })
  .map((s) => ({ ...s, days: s.frequency === 'weekly' ? s.days : [] }));

const subset = <T>(xs: readonly T[]) => fc.uniqueArray(fc.constantFrom(...xs), { minLength: 1, maxLength: xs.length });

function retentionFor(s: Schedule): fc.Arbitrary<Retention> {
  const days = s.frequency === 'weekly' ? s.days : [...WEEKDAYS];
  const monthDay = fc.record({
    by: s.frequency === 'weekly' ? fc.constant('week' as const) : fc.constantFrom('day' as const, 'week' as const),
    daysOfMonth: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 28 }), fc.constant('last' as const)), {
      minLength: 1,
      maxLength: 3,
    }),
    weeksOfMonth: subset(WEEKS_OF_MONTH),
    weekdays: subset(days),
    times: subset(s.times),
  });
  return fc
    .record({
      daily: fc.record({ enabled: fc.boolean(), count: fc.integer({ min: 1, max: 40 }) }),
      weekly: fc.record({
        enabled: fc.boolean(),
        count: fc.integer({ min: 1, max: 12 }),
        days: subset(days),
        times: subset(s.times),
      }),
      monthly: fc
        .record({ enabled: fc.boolean(), count: fc.integer({ min: 1, max: 14 }) })
        .chain((r) => monthDay.map((m) => ({ ...r, ...m }))),
      yearly: fc
        .record({ enabled: fc.boolean(), count: fc.integer({ min: 1, max: 3 }), months: subset(MONTHS) })
        .chain((r) => monthDay.map((m) => ({ ...r, ...m }))),
    })
    .map((r) => (RETENTION_TIERS.some((t) => r[t].enabled) ? r : { ...r, daily: { ...r.daily, enabled: true } }));
}

/** Scheduled runs from `from` for `spanDays`, some dropped (failed runs), plus a few points at odd times. */
const caseArb: fc.Arbitrary<CaseParams> = scheduleArb.chain((schedule) =>
  fc.record({
    schedule: fc.constant(schedule),
    retention: retentionFor(schedule),
    from: fc.integer({ min: Date.UTC(2019, 0, 1), max: Date.UTC(2027, 0, 1) }),
    spanDays: fc.integer({ min: 1, max: 420 }),
    drop: fc.integer({ min: 0, max: 2 ** 30 }),
    extras: fc.array(
      fc.record({
        at: fc.double({ min: 0, max: 1, noNaN: true }),
        keepDays: fc.option(fc.integer({ min: 0, max: 400 })),
      }),
      { maxLength: 4 },
    ),
    nowAt: fc.double({ min: 0, max: 1.3, noNaN: true }),
  }),
);

interface Case {
  input: RetentionInput;
  runs: number[];
}

interface CaseParams {
  schedule: Schedule;
  retention: Retention;
  from: number;
  spanDays: number;
  drop: number;
  extras: { at: number; keepDays: number | null }[];
  nowAt: number;
}

function build(c: CaseParams): Case {
  const to = c.from + c.spanDays * DAY;
  const runs: number[] = [];
  for (let t = c.from - 1; ;) {
    const batch = nextRuns(c.schedule, t, 3, c.from);
    const within = batch.filter((x) => x <= to);
    runs.push(...within);
    if (within.length < batch.length || batch.length === 0) break;
    t = batch[batch.length - 1];
  }
  const points: RestorePointRef[] = runs
    .filter((_, i) => ((i * 2654435761 + c.drop) >>> 0) % 7 !== 0)
    .map((t) => ({ id: `run-${t}`, time: t }));
  c.extras.forEach((e, i) => {
    const at = Math.round(c.from + e.at * (to - c.from));
    const d = new Date(at + (e.keepDays ?? 0) * DAY).toISOString().slice(0, 10);
    points.push({
      id: `extra-${i}`,
      time: new Date(at).toISOString(),
      ...(e.keepDays !== null ? { retainUntil: d } : {}),
    });
  });
  return {
    input: {
      schedule: c.schedule,
      retention: c.retention,
      points,
      now: Math.round(c.from + c.nowAt * (to - c.from)),
      anchor: c.from,
    },
    runs,
  };
}

const valid = (c: Case) => Object.keys(checkRetention(c.input.retention, c.input.schedule)).length === 0;
const keptSet = (inp: RetentionInput) => new Set(evaluateRetention(inp).keep);

// shared/ has no Node typings; the test runs on Node, whose Intl follows a changed TZ.
const env = (globalThis as unknown as { process: { env: Record<string, string | undefined> } }).process.env;

describe('evaluateRetention properties (fast-check)', () => {
  const savedTz = env.TZ;
  afterEach(() => {
    if (savedTz === undefined) delete env.TZ;
    else env.TZ = savedTz;
  });

  it('the newest point is kept; every point is decided once; kept points say why, expired ones have no reason', () => {
    fc.assert(
      fc.property(caseArb, (raw) => {
        const c = build(raw);
        fc.pre(valid(c) && c.input.points.length > 0);
        const r = evaluateRetention(c.input);
        expect(r.decisions).toHaveLength(c.input.points.length);
        expect(new Set([...r.keep, ...r.expire]).size).toBe(c.input.points.length);
        const newest = Math.max(
          ...c.input.points.map((p) => (typeof p.time === 'number' ? p.time : Date.parse(p.time))),
        );
        for (const d of r.decisions) {
          if (Date.parse(d.time) === newest) expect(d.keep).toBe(true);
          expect(d.keep).toBe(d.reasons.length > 0);
        }
        for (let i = 1; i < r.decisions.length; i++)
          expect(Date.parse(r.decisions[i - 1].time)).toBeGreaterThanOrEqual(Date.parse(r.decisions[i].time));
      }),
      { numRuns: 80 },
    );
  });

  it('stable: the same input, in any order, gives the same answer, and re-evaluating the kept points keeps all of them for the same reasons', () => {
    fc.assert(
      fc.property(caseArb, (raw) => {
        const c = build(raw);
        fc.pre(valid(c) && c.input.points.length > 0);
        const a = evaluateRetention(c.input);
        expect(evaluateRetention({ ...c.input, points: [...c.input.points].reverse() })).toEqual(a);
        const keptPoints = c.input.points.filter((p) => a.keep.includes(p.id));
        const b = evaluateRetention({ ...c.input, points: keptPoints });
        expect(b.expire).toEqual([]);
        expect(b.decisions).toEqual(a.decisions.filter((d) => d.keep));
      }),
      { numRuns: 60 },
    );
  });

  it('a longer rule is never cut short by a shorter one: raising counts or enabling rows only keeps more', () => {
    fc.assert(
      fc.property(caseArb, fc.array(fc.integer({ min: 0, max: 30 }), { minLength: 4, maxLength: 4 }), (raw, bumps) => {
        const c = build(raw);
        fc.pre(valid(c));
        const more: Retention = JSON.parse(JSON.stringify(c.input.retention));
        RETENTION_TIERS.forEach((t, i) => {
          more[t].enabled = true;
          more[t].count = Math.min(RETENTION_LIMITS[t].max, more[t].count + bumps[i]);
        });
        fc.pre(Object.keys(checkRetention(more, c.input.schedule)).length === 0);
        const before = keptSet(c.input);
        const after = keptSet({ ...c.input, retention: more });
        for (const id of before) expect(after.has(id)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('an expired point stays expired as time goes on', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 800 * DAY }), (raw, later) => {
        const c = build(raw);
        fc.pre(valid(c));
        const maxAt = Math.max(
          ...c.input.points.map((p) => (typeof p.time === 'number' ? p.time : Date.parse(p.time))),
        );
        const now = Math.max(c.input.now, maxAt);
        const first = evaluateRetention({ ...c.input, now });
        const second = keptSet({ ...c.input, now: now + later });
        for (const id of first.expire) expect(second.has(id)).toBe(false);
      }),
      { numRuns: 60 },
    );
  });

  it('every scheduled backup within the daily range is kept (allowing an hour of daylight saving either way)', () => {
    fc.assert(
      fc.property(caseArb, (raw) => {
        const c = build(raw);
        const r = c.input.retention;
        fc.pre(valid(c) && r.daily.enabled);
        const kept = keptSet(c.input);
        // One point per slot: when another point was taken at the very same instant (an extra at a run's time),
        // either one keeps that backup.
        const keptAt = new Set(c.input.points.filter((p) => kept.has(p.id)).map((p) => new Date(p.time).getTime()));
        for (const p of c.input.points) {
          if (!p.id.startsWith('run-')) continue;
          const t = p.time as number;
          if (t <= c.input.now && c.input.now - t < r.daily.count * DAY - 2 * H) expect(keptAt.has(t)).toBe(true);
        }
      }),
      { numRuns: 60 },
    );
  });

  it("does not depend on the machine's own time zone", () => {
    fc.assert(
      fc.property(caseArb, (raw) => {
        const c = build(raw);
        fc.pre(valid(c));
        env.TZ = 'UTC';
        const a = evaluateRetention(c.input);
        env.TZ = 'Pacific/Kiritimati';
        const b = evaluateRetention(c.input);
        env.TZ = 'America/Los_Angeles';
        expect(evaluateRetention(c.input)).toEqual(a);
        expect(b).toEqual(a);
      }),
      { numRuns: 30 },
    );
  });
});
