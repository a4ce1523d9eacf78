import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  BACKUP_STEPS,
  RECOVER_SOURCES,
  RECOVER_STEPS,
  addYears,
  checkFullPath,
  checkJobNameValue,
  pathIsUnder,
  validateBackupStep,
  validateRecoverStep,
  type BackupContext,
  type BackupDraft,
  type RecoverContext,
  type RecoverDraft,
} from './backup-wizard.ts';
import { hostileNumber, hostileString, isErrorMap, isMessage } from './validators/hostile-arbitraries.ts';

const pathLike = fc.oneof(
  hostileString,
  fc.constantFrom('/srv/data', 'C:\\Data', '\\\\nas\\share\\x', '/srv/data/../../etc', 'D:\\restore\\..\\..'),
);
const isoDay = fc.oneof(
  hostileString,
  fc.constantFrom('2026-02-29', '2024-02-29', '0000-01-01', '9999-12-31', '2026-13-01', '2026-1-1'),
  fc
    .date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString().slice(0, 10)),
);
const draft: fc.Arbitrary<BackupDraft> = fc.record({
  source: fc.constantFrom('policy', 'manual'),
  items: fc.array(
    fc.record({ path: pathLike, kind: fc.constantFrom('file', 'folder', 'drive'), selected: fc.boolean() }),
    { maxLength: 6 },
  ),
  stagingLocation: pathLike,
  jobName: hostileString,
  retainUntil: isoDay,
  passphrase: hostileString,
  passphraseConfirm: hostileString,
  overwrite: fc.boolean(),
}) as fc.Arbitrary<BackupDraft>;
const ctx: fc.Arbitrary<BackupContext> = fc.record(
  {
    today: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10)),
    existing: fc.constantFrom('none', 'inProgress', 'complete', 'damaged', 'unknown'),
    estimate: fc.option(fc.record({ fits: fc.boolean(), requiredBytes: hostileNumber, freeBytes: hostileNumber })),
    running: fc.boolean(),
  },
  { requiredKeys: ['today', 'existing'] },
) as fc.Arbitrary<BackupContext>;

describe('Back Up Now and Recover Data pages with random and hostile values', () => {
  it('checkFullPath / checkJobNameValue / pathIsUnder never throw; accepted values obey the rules', () => {
    fc.assert(
      fc.property(hostileString, hostileString, (a, b) => {
        const p = checkFullPath(a, 'Destination folder');
        expect(p === null || isMessage(p)).toBe(true);
        if (p === null) expect(a).not.toContain('\0');
        const j = checkJobNameValue(a);
        expect(j === null || isMessage(j)).toBe(true);
        if (j === null) expect(a).toMatch(/^[a-z][a-z0-9-]{1,63}$/);
        expect(typeof pathIsUnder(a, b)).toBe('boolean');
      }),
      { numRuns: 800 },
    );
  });

  it('every Back Up Now page returns a { field: message } map and never echoes the passphrase', () => {
    fc.assert(
      fc.property(draft, ctx, (d, c) => {
        for (const step of BACKUP_STEPS) {
          const e = validateBackupStep(step, d, c);
          expect(isErrorMap(e)).toBe(true);
          if (step === 'passphrase' && d.passphrase.length >= 6)
            for (const m of Object.values(e)) expect(m).not.toContain(d.passphrase);
        }
      }),
      { numRuns: 500 },
    );
  });

  it('every Recover Data page returns a { field: message } map', () => {
    const rdraft: fc.Arbitrary<RecoverDraft> = fc.record({
      source: fc.constantFrom(...RECOVER_SOURCES),
      stagingLocation: pathLike,
      jobName: hostileString,
      passphrase: hostileString,
      selected: fc.array(pathLike, { maxLength: 4 }),
      destination: pathLike,
      conflict: fc.constantFrom('overwrite', 'skip', 'keepBoth', ''),
    }) as fc.Arbitrary<RecoverDraft>;
    const rctx: fc.Arbitrary<RecoverContext> = fc.record(
      {
        supportedSources: fc.subarray([...RECOVER_SOURCES]),
        jobState: fc.constantFrom('inProgress', 'complete', 'damaged'),
      },
      { requiredKeys: ['supportedSources'] },
    ) as fc.Arbitrary<RecoverContext>;
    fc.assert(
      fc.property(rdraft, rctx, (d, c) => {
        for (const step of RECOVER_STEPS) expect(isErrorMap(validateRecoverStep(step, d, c))).toBe(true);
        // A destination the page accepts is a full path outside the staging location.
        if (!validateRecoverStep('destination', d, c).destination && d.stagingLocation.trim())
          expect(pathIsUnder(d.destination, d.stagingLocation)).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('addYears stays a calendar date for valid days and 0–99 years', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1900-01-01'), max: new Date('2200-01-01'), noInvalidDate: true }),
        fc.integer({ min: 0, max: 99 }),
        (d, y) => {
          expect(addYears(d.toISOString().slice(0, 10), y)).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        },
      ),
    );
  });
});
