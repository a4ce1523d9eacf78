import { describe, expect, it } from 'vitest';
import { readPolicyDocument } from './policy-document.ts';
import type { Schedule } from './policy.ts';
import { defaultRetention } from './retention-rules.ts';

const schedule: Schedule = { frequency: 'daily', times: ['21:00'], days: [], everyWeeks: 1, timeZone: 'UTC' };
const policy = {
  items: [{ path: '/srv/data', kind: 'folder' }],
  exclusions: { folders: [], patterns: [], fileTypes: [] },
  schedule,
  retention: defaultRetention(schedule),
  initialBackup: { type: 'online' },
};

describe('readPolicyDocument', () => {
  it('reads the policy itself, { policy }, and obc policy show --json output; machine fields are named, not taken', () => {
    expect(readPolicyDocument(JSON.stringify(policy))).toEqual({ policy, notes: [] });
    expect(readPolicyDocument(JSON.stringify({ policy })).policy).toEqual(policy);
    const shown = {
      type: 'result',
      result: { policy: { ...policy, id: 'p', state: 'paused', lastRuns: [] }, nextRuns: [] },
    };
    expect(readPolicyDocument(JSON.stringify(shown), 'a.json')).toEqual({
      policy,
      notes: ['Not taken from a.json (they belong to the machine that saved it): id, state, lastRuns.'],
    });
  });
  it('a format-1 policy (no file-type rules, enabled/count rows) is read with a note', () => {
    const v1 = {
      ...policy,
      exclusions: { folders: [], patterns: ['*.tmp'] },
      retention: {
        daily: { enabled: true, count: 7 },
        weekly: { enabled: false, count: 4 },
        monthly: { enabled: false, count: 12 },
        yearly: { enabled: false, count: 10 },
      },
    };
    const doc = readPolicyDocument(JSON.stringify(v1), 'old.json');
    expect(doc.policy.exclusions.fileTypes).toEqual([]);
    expect(doc.policy.retention.weekly.days).toEqual(['sunday']);
    expect(doc.notes).toEqual([
      'old.json has retention rows of policy format 1; they were read with the defaults for its schedule (see obc policy show).',
    ]);
  });
  it('refuses what is not a policy, saying what it expected', () => {
    expect(() => readPolicyDocument('nope', 'x.json')).toThrow(/^x\.json is not valid JSON: /);
    expect(() => readPolicyDocument('{"type":"result","result":{"policy":null}}', 'x.json')).toThrow(
      'x.json holds no policy (the machine it came from had none).',
    );
    expect(() => readPolicyDocument('[1]', 'x.json')).toThrow(
      'x.json must hold a JSON object with the policy (items, exclusions, schedule, retention, initialBackup).',
    );
    try {
      readPolicyDocument(JSON.stringify({ ...policy, items: [] }), 'x.json');
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({
        code: 'VALIDATION',
        message: 'x.json is not a valid backup policy:\n  items: Add at least one file, folder or drive to back up.',
        details: { issues: [{ path: 'items', message: 'Add at least one file, folder or drive to back up.' }] },
      });
    }
  });
});
