import { describe, expect, it } from 'vitest';
import {
  DAY_MS,
  jobActions,
  jobPercent,
  jobTimeline,
  normalizeState,
  trackingDeadline,
  trackingNumberOwner,
} from './import-jobs.ts';
import { explainDriveState, explainLogStatus } from './drive-log.ts';

const created = '2026-11-01T10:00:00.000Z';
const at = (days: number, extraMs = 0) => new Date(Date.parse(created) + days * DAY_MS + extraMs);
const job = (over: Partial<Parameters<typeof trackingDeadline>[0]> = {}) => ({
  name: 'seed-1',
  state: 'Creating',
  createdAt: created,
  ...over,
});

describe('trackingDeadline (decision 11: two weeks, warn from day 10)', () => {
  it('counts 14 days on the day of creation, due exactly two weeks later', () => {
    const d = trackingDeadline(job(), at(0));
    expect(d).toMatchObject({ level: 'ok', daysLeft: 14, text: '14 days left' });
    expect(d.deadline).toBe('2026-11-15T10:00:00.000Z');
  });
  it('rounds partial days up and stays ok before day 10', () => {
    expect(trackingDeadline(job(), at(0, 1)).daysLeft).toBe(14);
    expect(trackingDeadline(job(), at(9, DAY_MS - 1))).toMatchObject({ level: 'ok', daysLeft: 5 });
  });
  it('warns from the start of day 10 to the deadline', () => {
    expect(trackingDeadline(job(), at(10))).toMatchObject({ level: 'warning', daysLeft: 4 });
    expect(trackingDeadline(job(), at(13, 1))).toMatchObject({ level: 'warning', daysLeft: 1, text: '1 day left' });
    expect(trackingDeadline(job(), at(14, -1))).toMatchObject({ level: 'warning', daysLeft: 1 });
  });
  it('is overdue from the deadline on', () => {
    expect(trackingDeadline(job(), at(14))).toMatchObject({ level: 'overdue', daysLeft: 0 });
    expect(trackingDeadline(job(), at(16, 5))).toMatchObject({ level: 'overdue', daysLeft: -2 });
    expect(trackingDeadline(job(), at(16, 5)).text).toMatch(/Overdue by 2 days/);
  });
  it('does not apply once tracking is entered, after Creating, or without a creation time', () => {
    expect(
      trackingDeadline(job({ deliveryPackage: { carrierName: 'FedEx', trackingNumber: '123456' } }), at(13)).level,
    ).toBe('none');
    expect(trackingDeadline(job({ state: 'Transferring' }), at(13)).level).toBe('none');
    const { createdAt: _none, ...undated } = job();
    expect(trackingDeadline(undated, at(13)).level).toBe('none');
    expect(trackingDeadline(job({ createdAt: 'garbage' }), at(13)).text).toMatch(/Unknown/);
  });
});

describe('jobTimeline', () => {
  it('marks earlier states done, the current one current and later ones future', () => {
    const t = jobTimeline('Received');
    expect(t.map((s) => s.state)).toEqual([
      'Creating',
      'Shipping',
      'Received',
      'Transferring',
      'Packaging',
      'Completed',
    ]);
    expect(t.map((s) => s.status)).toEqual(['done', 'done', 'current', 'future', 'future', 'future']);
  });
  it('ends with Completed done, or Closed failed', () => {
    expect(jobTimeline('Completed').every((s) => s.status === 'done')).toBe(true);
    const closed = jobTimeline('Closed');
    expect(closed.at(-1)).toMatchObject({ state: 'Closed', status: 'failed' });
    expect(closed.slice(0, 5).every((s) => s.status === 'done')).toBe(true);
  });
  it('shows a canceled job as Creating then Canceled, accepting the British spelling', () => {
    expect(jobTimeline('Cancelled').map((s) => `${s.state}:${s.status}`)).toEqual(['Creating:done', 'Canceled:failed']);
    expect(jobTimeline('Creating', true).at(-1)).toMatchObject({ status: 'current', label: 'Cancel requested' });
    expect(normalizeState('transferring')).toBe('Transferring');
  });
});

describe('jobActions (SPEC §6.4)', () => {
  it('allows cancel until Packaging (Import/Export) and explains why not afterwards', () => {
    for (const state of ['Creating', 'Shipping', 'Received', 'Transferring'])
      expect(jobActions(job({ state })).cancel.allowed, state).toBe(true);
    const r = jobActions(job({ state: 'Packaging' })).cancel;
    expect(r.allowed).toBe(false);
    expect(r.reason).toMatch(/before it reaches Packaging.*Packaging/);
    expect(jobActions(job({ cancelRequested: true })).cancel.reason).toMatch(/already requested/);
    expect(jobActions(job({ backend: 'DataBox', state: 'Shipping' })).cancel.reason).toMatch(
      /Data Box job can be canceled only before the disks ship/,
    );
  });
  it('a canceled Import/Export job reads Completed with cancelRequested: canceled timeline, deletable, nothing to verify', () => {
    const canceled = job({ state: 'Completed', cancelRequested: true });
    expect(jobTimeline(canceled.state, true).map((s) => `${s.state}:${s.status}`)).toEqual([
      'Creating:done',
      'Canceled:failed',
    ]);
    const a = jobActions(canceled);
    expect(a.delete.allowed).toBe(true);
    expect(a.verify).toMatchObject({ allowed: false, reason: expect.stringMatching(/canceled/) });
    expect(a.cancel.reason).toMatch(/already canceled/);
  });
  it('allows delete only in Creating or Completed', () => {
    for (const [state, ok] of [
      ['Creating', true],
      ['Shipping', false],
      ['Transferring', false],
      ['Completed', true],
      ['Closed', false],
    ] as const)
      expect(jobActions(job({ state })).delete.allowed, state).toBe(ok);
    expect(jobActions(job({ state: 'Received' })).delete.reason).toMatch(/Received/);
  });
  it('allows tracking in Creating and Shipping, verify after Completed/Closed', () => {
    expect(jobActions(job({ state: 'Shipping' })).tracking.allowed).toBe(true);
    expect(jobActions(job({ state: 'Received' })).tracking.allowed).toBe(false);
    expect(jobActions(job({ state: 'Completed' })).verify.allowed).toBe(true);
    expect(jobActions(job({ state: 'Transferring' })).verify.reason).toMatch(/Completed/);
    expect(jobActions(job({ state: 'Packaging' })).editReturn.allowed).toBe(false);
  });
});

describe('trackingNumberOwner (unique across jobs)', () => {
  const jobs = [job({ name: 'a', deliveryPackage: { trackingNumber: '1Z 999-AA1' } }), job({ name: 'b' })];
  it('finds another job using the same number, ignoring spaces, dashes and case', () => {
    expect(trackingNumberOwner('1z999aa1', jobs)).toBe('a');
    expect(trackingNumberOwner('1Z999AA1', jobs, 'a')).toBeNull();
    expect(trackingNumberOwner('777777', jobs)).toBeNull();
  });
});

describe('jobPercent and explanations', () => {
  it('uses the job value or the drives mean', () => {
    expect(jobPercent({ percentComplete: 40 })).toBe(40);
    expect(jobPercent({ drives: [{ percentComplete: 50 }, { percentComplete: 100 }] })).toBe(75);
    expect(jobPercent({ drives: [] })).toBeUndefined();
  });
  it('explains statuses in plain words, unknown ones honestly', () => {
    expect(explainLogStatus('ManifestCorrupted')).toMatchObject({ severity: 'error' });
    expect(explainLogStatus('Corrupted').text).toMatch(/MD5/);
    expect(explainLogStatus('Weird').text).toMatch(/not documented/);
    expect(explainDriveState('NeverReceived').severity).toBe('error');
  });
});
