import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  jobActions,
  jobPercent,
  jobTimeline,
  normalizeState,
  trackingDeadline,
  trackingNumberOwner,
  type JobLike,
} from './import-jobs.ts';
import { explainBlobStatus, explainDriveState, explainLogStatus } from './drive-log.ts';
import { PROTO_KEYS, hostileNumber, hostileString, isMessage } from './validators/hostile-arbitraries.ts';

/** Job states, dates and copy-log codes come from Azure (or a tampered copy log): any string must be handled. */
const state = fc.oneof(
  hostileString,
  fc.constantFrom(
    'Creating',
    'shipping',
    'Received',
    'Transferring',
    'Packaging',
    'Completed',
    'Closed',
    'Cancelled',
    'Canceled',
    ...PROTO_KEYS,
  ),
);
const date = fc.oneof(
  hostileString,
  fc.constantFrom(
    '+275760-09-13T00:00:00.000Z',
    '-271821-04-20T00:00:00.000Z',
    '2026-11-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    'Invalid Date',
  ),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
);
const job: fc.Arbitrary<JobLike> = fc.record(
  {
    name: hostileString,
    state,
    createdAt: date,
    cancelRequested: fc.boolean(),
    deliveryPackage: fc.record({ carrierName: hostileString, trackingNumber: hostileString }, { requiredKeys: [] }),
  },
  { requiredKeys: ['name', 'state'] },
);
const explanation = (e: { text: unknown; severity: unknown }) => {
  expect(isMessage(e.text)).toBe(true);
  expect(['ok', 'info', 'warning', 'error']).toContain(e.severity);
};

describe('import job rules with random and hostile values', () => {
  it('trackingDeadline never throws, even for dates at the edge of the JS range', () => {
    fc.assert(
      fc.property(job, fc.date({ noInvalidDate: true }), (j, now) => {
        const d = trackingDeadline(j, now);
        expect(['none', 'ok', 'warning', 'overdue']).toContain(d.level);
        expect(isMessage(d.text)).toBe(true);
        if (d.daysLeft !== undefined) expect(Number.isFinite(d.daysLeft)).toBe(true);
      }),
      { numRuns: 800 },
    );
  });

  it('timeline, actions and state names are typed for any state', () => {
    fc.assert(
      fc.property(job, (j) => {
        expect(typeof normalizeState(j.state)).toBe('string');
        const line = jobTimeline(j.state, j.cancelRequested);
        for (const s of line) {
          expect(['done', 'current', 'future', 'failed', 'skipped']).toContain(s.status);
          expect(isMessage(s.label)).toBe(true);
        }
        for (const rule of Object.values(jobActions(j))) {
          expect(typeof rule.allowed).toBe('boolean');
          if (!rule.allowed) expect(isMessage(rule.reason)).toBe(true);
        }
      }),
      { numRuns: 800 },
    );
  });

  it('trackingNumberOwner and jobPercent never throw', () => {
    fc.assert(
      fc.property(
        hostileString,
        fc.array(job, { maxLength: 5 }),
        fc.option(hostileString, { nil: undefined }),
        (t, jobs, except) => {
          const o = trackingNumberOwner(t, jobs, except);
          expect(o === null || typeof o === 'string').toBe(true);
        },
      ),
      { numRuns: 400 },
    );
    fc.assert(
      fc.property(
        fc.option(hostileNumber, { nil: undefined }),
        fc.array(fc.record({ percentComplete: fc.option(hostileNumber, { nil: undefined }) }), { maxLength: 4 }),
        (p, drives) => {
          const v = jobPercent({ percentComplete: p, drives });
          expect(v === undefined || typeof v === 'number').toBe(true);
        },
      ),
    );
  });

  it('copy-log and drive-state explanations: any code, prototype keys included, gives a text and a severity', () => {
    for (const k of PROTO_KEYS) {
      explanation(explainDriveState(k));
      explanation(explainBlobStatus(k));
      explanation(explainLogStatus(k));
    }
    fc.assert(
      fc.property(fc.option(state, { nil: undefined }), (code) => {
        explanation(explainDriveState(code));
        explanation(explainBlobStatus(code));
        explanation(explainLogStatus(code));
      }),
      { numRuns: 800 },
    );
  });
});
