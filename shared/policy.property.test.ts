import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  ITEM_KINDS,
  MONTHS,
  RETENTION_TIERS,
  WEEKDAYS,
  WEEKS_OF_MONTH,
  checkExclusions,
  checkFilePattern,
  checkItems,
  checkOwnDisk,
  checkPath,
  checkRetention,
  checkRetentionCount,
  checkSchedule,
  checkStagingLocation,
  checkTime,
  isUnder,
  recoveryPoints,
  suggestedExclusions,
  type OwnDiskSettings,
  type Retention,
  type Schedule,
} from './policy.ts';
import {
  checkBandwidth,
  checkPort,
  checkProxyHost,
  policyInputSchema,
  policySchema,
  proxySchema,
  throttlingSchema,
} from './policy-schema.ts';
import { WIZARD_STEPS, firstInvalidStep, validateStep, visibleSteps, type WizardData } from './policy-steps.ts';
import { nextRuns } from './schedule.ts';
import {
  PROTO_KEYS,
  hostileNumber,
  hostileString,
  isErrorMap,
  isMessage,
  prototypeUntouched,
} from './validators/hostile-arbitraries.ts';

const msgOrNull = (m: unknown) => expect(m === null || isMessage(m)).toBe(true);
const pathLike = fc.oneof(
  hostileString,
  fc.constantFrom('/srv/data', 'C:\\Data', '\\\\nas\\share\\x', '/', 'C:\\', '/srv/data/../etc'),
);
const items = fc.array(fc.record({ path: pathLike, kind: fc.constantFrom(...ITEM_KINDS) }), { maxLength: 8 });
const exclusions = fc.record({
  folders: fc.array(fc.record({ path: pathLike, subfolders: fc.boolean() }), { maxLength: 5 }),
  patterns: fc.array(hostileString, { maxLength: 5 }),
  fileTypes: fc.array(fc.record({ folder: pathLike, pattern: hostileString, subfolders: fc.boolean() }), {
    maxLength: 5,
  }),
});
const schedule: fc.Arbitrary<Schedule> = fc.record({
  frequency: fc.constantFrom('daily', 'weekly'),
  times: fc.array(fc.oneof(hostileString, fc.constantFrom('00:00', '23:30', '12:15', '24:00', '9:00')), {
    maxLength: 5,
  }),
  days: fc.uniqueArray(fc.constantFrom(...WEEKDAYS)),
  everyWeeks: hostileNumber,
  timeZone: fc.oneof(
    hostileString,
    fc.constantFrom('UTC', 'Europe/Berlin', 'America/St_Johns', 'Asia/Kathmandu', 'Etc/GMT+12', 'Mars/Olympus'),
  ),
}) as fc.Arbitrary<Schedule>;
const row = fc.record({ enabled: fc.boolean(), count: hostileNumber });
const timesArb = fc.array(fc.oneof(hostileString, fc.constantFrom('00:00', '21:00', '12:15')), { maxLength: 4 });
const monthDay = {
  by: fc.constantFrom('day', 'week', 'x'),
  daysOfMonth: fc.array(fc.oneof(hostileNumber, fc.constant('last')), { maxLength: 4 }),
  weeksOfMonth: fc.array(fc.constantFrom(...WEEKS_OF_MONTH), { maxLength: 6 }),
  weekdays: fc.array(fc.constantFrom(...WEEKDAYS), { maxLength: 8 }),
  times: timesArb,
};
const retention: fc.Arbitrary<Retention> = fc.record({
  daily: row,
  weekly: fc.record({
    enabled: fc.boolean(),
    count: hostileNumber,
    days: fc.array(fc.constantFrom(...WEEKDAYS), { maxLength: 8 }),
    times: timesArb,
  }),
  monthly: fc.record({ enabled: fc.boolean(), count: hostileNumber, ...monthDay }),
  yearly: fc.record({
    enabled: fc.boolean(),
    count: hostileNumber,
    ...monthDay,
    months: fc.array(fc.constantFrom(...MONTHS), { maxLength: 13 }),
  }),
}) as fc.Arbitrary<Retention>;
const ownDisk: fc.Arbitrary<OwnDiskSettings> = fc.record({
  stagingLocation: pathLike,
  subscriptionId: fc.oneof(hostileString, fc.constant('00000000-0000-0000-0000-000000000000')),
  storageAccount: hostileString,
  storageAccountResourceGroup: hostileString,
  container: hostileString,
  importJobName: hostileString,
  jobResourceGroup: hostileString,
});

describe('policy checks with random and hostile values', () => {
  it('path, pattern, time and staging checks never throw and return null or a message', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        msgOrNull(checkPath(v));
        msgOrNull(checkFilePattern(v));
        msgOrNull(checkTime(v));
        msgOrNull(checkStagingLocation(v));
        msgOrNull(checkProxyHost(v));
        expect(typeof isUnder(v, '/srv')).toBe('boolean');
        expect(typeof isUnder('C:\\x', v)).toBe('boolean');
      }),
      { numRuns: 800 },
    );
  });

  it('an accepted path is a full path without NUL; an accepted pattern has no separators', () => {
    fc.assert(
      fc.property(hostileString, (v) => {
        if (checkPath(v) === null) {
          expect(v).not.toContain('\0');
          expect(/^(\/|[A-Za-z]:[\\/]|\\\\)/.test(v)).toBe(true);
        }
        if (checkFilePattern(v) === null) expect(v).not.toMatch(/[\\/\0]/);
      }),
      { numRuns: 800 },
    );
  });

  it('numbers at and over bounds: retention counts, bandwidth, port', () => {
    fc.assert(
      fc.property(hostileNumber, fc.constantFrom(...RETENTION_TIERS), (n, tier) => {
        const r = checkRetentionCount(tier, n);
        msgOrNull(r);
        if (r === null) expect(Number.isInteger(n) && n >= 1).toBe(true);
        const b = checkBandwidth(n, 'Bandwidth');
        msgOrNull(b);
        if (b === null) expect(Number.isInteger(n) && n >= 512 && n <= 1023 * 1024).toBe(true);
        const p = checkPort(n);
        msgOrNull(p);
        if (p === null) expect(Number.isInteger(n) && n >= 1 && n <= 65535).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it('item, exclusion, schedule, retention and own-disk checks return { field: message } maps', () => {
    fc.assert(
      fc.property(
        items,
        exclusions,
        schedule,
        retention,
        ownDisk,
        fc.array(hostileString, { maxLength: 3 }),
        (it_, ex, s, r, o, names) => {
          msgOrNull(checkItems(it_));
          expect(isErrorMap(checkExclusions(ex, it_))).toBe(true);
          expect(isErrorMap(checkSchedule(s))).toBe(true);
          expect(isErrorMap(checkRetention(r, s))).toBe(true);
          expect(isErrorMap(checkOwnDisk(o, names))).toBe(true);
          expect(Array.isArray(suggestedExclusions(it_))).toBe(true);
          expect(Number.isNaN(recoveryPoints(r, s)) || typeof recoveryPoints(r, s) === 'number').toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('a schedule the check accepts can always be planned (nextRuns never throws, even for odd time zones)', () => {
    fc.assert(
      fc.property(schedule, fc.integer({ min: 0, max: 4_102_444_800_000 }), (s, from) => {
        if (Object.keys(checkSchedule(s)).length) return;
        const runs = nextRuns(s, from, 3);
        expect(runs.length).toBeGreaterThan(0);
        for (const t of runs) expect(Number.isFinite(t) && t > from).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('an unknown time zone is refused with a message instead of failing later', () => {
    for (const tz of ['Mars/Olympus', '../../etc/localtime', '\0', 'x'.repeat(5000), '__proto__'])
      expect(
        checkSchedule({ frequency: 'daily', times: ['10:00'], days: [], everyWeeks: 1, timeZone: tz }).timeZone,
      ).toMatch(/time zone/i);
  });

  it('the policy, throttling and proxy schemas: safeParse of anything never throws; refusals carry messages', () => {
    const policyLike = fc.record(
      {
        items,
        exclusions,
        schedule,
        retention,
        initialBackup: fc.record(
          { type: fc.constantFrom('online', 'ownDisks', 'dataBox', 'x'), ownDisk },
          { requiredKeys: ['type'] },
        ),
      },
      { requiredKeys: [] },
    );
    const hostile = fc.oneof(
      fc.anything(),
      policyLike,
      policyLike.map((p) => ({ ...p, id: 'p1', createdAt: '', updatedAt: '', state: 'active', lastRuns: [] })),
      fc.record({
        enabled: fc.boolean(),
        workDays: fc.constant(['monday']),
        workStart: hostileString,
        workEnd: hostileString,
        workKbps: hostileNumber,
        nonWorkKbps: hostileNumber,
      }),
      fc.record(
        {
          mode: fc.constantFrom('none', 'manual'),
          host: hostileString,
          port: hostileNumber,
          username: hostileString,
          password: hostileString,
        },
        { requiredKeys: ['mode'] },
      ),
      fc.constantFrom(...PROTO_KEYS).map((k) => JSON.parse(`{"${k}": {"polluted": true}, "items": []}`)),
    );
    fc.assert(
      fc.property(hostile, (v) => {
        for (const schema of [policyInputSchema, policySchema, throttlingSchema, proxySchema]) {
          const r = schema.safeParse(v);
          if (!r.success) for (const i of r.error.issues) expect(isMessage(i.message)).toBe(true);
        }
      }),
      { numRuns: 600 },
    );
    expect(prototypeUntouched()).toBe(true);
  });

  it('the wizard pages: validateStep and firstInvalidStep never throw on hostile data', () => {
    const data: fc.Arbitrary<WizardData> = fc.record({
      items,
      exclusions,
      schedule,
      retention,
      initialType: fc.constantFrom('online', 'ownDisks', 'dataBox'),
      ownDisk,
      existingJobNames: fc.array(hostileString, { maxLength: 3 }),
      stagingCheck: fc.option(
        fc.record({
          path: hostileString,
          ok: fc.boolean(),
          exists: fc.boolean(),
          writable: fc.boolean(),
          message: hostileString,
        }),
      ),
      signIn: fc.record({ signedIn: fc.boolean(), providerRegistered: fc.boolean() }),
      passphraseRequired: fc.boolean(),
      passphrase: hostileString,
      passphraseConfirm: hostileString,
      passphraseSaved: fc.boolean(),
    }) as fc.Arbitrary<WizardData>;
    fc.assert(
      fc.property(data, (d) => {
        for (const s of WIZARD_STEPS) expect(isErrorMap(validateStep(s, d))).toBe(true);
        const f = firstInvalidStep(d);
        expect(f === null || visibleSteps(d).includes(f)).toBe(true);
        // The passphrase is never echoed in a page message.
        if (d.passphrase.length >= 6)
          for (const m of Object.values(validateStep('passphrase', d))) expect(m).not.toContain(d.passphrase);
      }),
      { numRuns: 300 },
    );
  });
});
