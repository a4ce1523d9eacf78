import { describe, expect, it } from 'vitest';
import { readFile, readdir, writeFile, chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { PolicyStore, POLICY_FILE } from './policy-store.ts';
import { samplePolicy, tempDir, testProtector } from './test-policies.ts';

const PASS = 'correct horse battery staple';

describe('PolicyStore', () => {
  it('saves atomically, reloads validated and never writes the passphrase in clear', async () => {
    const dir = await tempDir();
    const a = new PolicyStore({ dataDir: dir, protector: testProtector });
    await a.load();
    expect(a.policy).toBeNull();
    const saved = await a.savePolicy(samplePolicy(), PASS);
    expect(saved.state).toBe('active');
    const text = await readFile(join(dir, POLICY_FILE), 'utf8');
    expect(text).not.toContain(PASS);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const b = new PolicyStore({ dataDir: dir, protector: testProtector });
    await b.load();
    expect(b.policy).toEqual(saved);
    expect(await b.passphrase()).toBe(PASS);
    expect(b.loadProblem).toBeNull();
  });

  it('requires the passphrase the first time only', async () => {
    const s = new PolicyStore({ dataDir: await tempDir(), protector: testProtector });
    await s.load();
    await expect(s.savePolicy(samplePolicy())).rejects.toMatchObject({
      code: 'VALIDATION',
      message: expect.stringMatching(/passphrase is required/),
    });
    await s.savePolicy(samplePolicy(), PASS);
    const modified = await s.savePolicy(
      samplePolicy({ exclusions: { folders: [], patterns: ['*.mp3'], fileTypes: [] } }),
    );
    expect(modified.exclusions.patterns).toEqual(['*.mp3']);
    await expect(s.savePolicy(samplePolicy(), PASS)).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('keeps a corrupt file aside, reports it and does not replace it silently', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, POLICY_FILE), '{"format":"obc-policies","formatVersion":1,"policy":{"items":[]}}');
    const s = new PolicyStore({ dataDir: dir, protector: testProtector });
    await s.load();
    expect(s.policy).toBeNull();
    expect(s.loadProblem).toMatch(/was damaged .* It was kept as .*policies\.json\.corrupt-/);
    const files = await readdir(dir);
    expect(files.some((f) => f.startsWith(`${POLICY_FILE}.corrupt-`))).toBe(true);
    expect(files).not.toContain(POLICY_FILE);
    await writeFile(join(dir, POLICY_FILE), 'not json');
    await s.load();
    expect(s.loadProblem).toMatch(/not valid JSON/);
  });

  it('reads a policies.json of format 1 (retention rows with only enabled/count, no file-type rules) and writes format 2', async () => {
    const dir = await tempDir();
    const v1 = {
      format: 'obc-policies',
      formatVersion: 1,
      policy: {
        items: [{ path: '/srv/data', kind: 'folder' }],
        exclusions: { folders: [{ path: '/srv/data/tmp', subfolders: true }], patterns: ['*.tmp'] },
        schedule: {
          frequency: 'weekly',
          times: ['01:00', '21:30'],
          days: ['wednesday', 'saturday'],
          everyWeeks: 2,
          timeZone: 'Europe/Berlin',
        },
        retention: {
          daily: { enabled: true, count: 7 },
          weekly: { enabled: true, count: 4 },
          monthly: { enabled: true, count: 12 },
          yearly: { enabled: false, count: 10 },
        },
        initialBackup: { type: 'online' },
        id: 'policy-old',
        createdAt: '2026-11-01T10:00:00.000Z',
        updatedAt: '2026-11-01T10:00:00.000Z',
        state: 'active',
        seed: { importJobState: 'Shipping', checkedAt: '2026-11-20T21:00:00.000Z', completed: false },
        lastRuns: [{ at: '2026-11-20T21:00:00.000Z', outcome: 'waitingForImport', message: 'Waiting…', taskId: 't1' }],
      },
      properties: {
        proxy: { mode: 'none' },
        throttling: {
          enabled: false,
          workDays: ['monday'],
          workStart: '09:00',
          workEnd: '18:00',
          workKbps: 1024,
          nonWorkKbps: 2048,
        },
      },
      secrets: { retired: [] },
    };
    await writeFile(join(dir, POLICY_FILE), JSON.stringify(v1));
    const s = new PolicyStore({ dataDir: dir, protector: testProtector });
    await s.load();
    expect(s.loadProblem).toBeNull();
    const p = s.policy!;
    expect(p.exclusions.fileTypes).toEqual([]);
    expect(p.lastRuns).toEqual(v1.policy.lastRuns);
    // The first backup day of the weekly schedule, at all its times; monthly on its last occurrence in the month.
    expect(p.retention).toEqual({
      daily: { enabled: true, count: 7 },
      weekly: { enabled: true, count: 4, days: ['wednesday'], times: ['01:00', '21:30'] },
      monthly: {
        enabled: true,
        count: 12,
        by: 'week',
        daysOfMonth: ['last'],
        weeksOfMonth: ['last'],
        weekdays: ['wednesday'],
        times: ['01:00', '21:30'],
      },
      yearly: {
        enabled: false,
        count: 10,
        by: 'week',
        daysOfMonth: ['last'],
        weeksOfMonth: ['last'],
        weekdays: ['wednesday'],
        times: ['01:00', '21:30'],
        months: ['december'],
      },
    });
    expect(JSON.parse(await readFile(join(dir, POLICY_FILE), 'utf8')).formatVersion).toBe(1); // reading writes nothing
    await s.setState('paused');
    const written = JSON.parse(await readFile(join(dir, POLICY_FILE), 'utf8'));
    expect(written.formatVersion).toBe(2);
    expect(written.policy.retention.weekly.days).toEqual(['wednesday']);
  });

  it('a failed change leaves the previous file and memory untouched', async () => {
    const dir = await tempDir();
    let fail = false;
    const flaky = {
      ...testProtector,
      protect: async (b: Buffer) => (fail ? Promise.reject(new Error('keychain locked')) : testProtector.protect(b)),
    };
    const s = new PolicyStore({ dataDir: dir, protector: flaky });
    await s.load();
    await s.savePolicy(samplePolicy(), PASS);
    const before = await readFile(join(dir, POLICY_FILE), 'utf8');
    fail = true;
    await expect(
      s.setProperties({ proxy: { mode: 'manual', host: 'p.local', port: 8080, password: 'pw' } }),
    ).rejects.toThrow('keychain locked');
    await expect(s.savePolicy({ ...samplePolicy(), items: [] })).rejects.toBeTruthy();
    expect(await readFile(join(dir, POLICY_FILE), 'utf8')).toBe(before);
    expect(s.proxy.mode).toBe('none');
    expect(s.policy?.items).toHaveLength(1);
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    if (process.getuid?.() === 0) return; // root ignores directory modes
    fail = false;
    await chmod(dir, 0o500);
    try {
      await expect(s.setState('paused')).rejects.toBeTruthy();
    } finally {
      await chmod(dir, 0o700);
    }
    expect(await readFile(join(dir, POLICY_FILE), 'utf8')).toBe(before);
    expect(s.policy?.state).toBe('active');
  });

  it('pause, stop and delete; properties with a protected proxy password', async () => {
    const s = new PolicyStore({ dataDir: await tempDir(), protector: testProtector });
    await s.load();
    await expect(s.setState('paused')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await s.savePolicy(samplePolicy(), PASS);
    expect((await s.setState('paused')).state).toBe('paused');
    expect((await s.setState('stopped')).state).toBe('stopped');
    expect((await s.deletePolicy()).id).toMatch(/^policy-/);
    expect(s.policy).toBeNull();
    await s.setProperties({
      proxy: { mode: 'manual', host: 'proxy.local', port: 3128, username: 'u', password: 'secret-pw' },
    });
    expect(s.proxy).toEqual({ mode: 'manual', host: 'proxy.local', port: 3128, username: 'u', hasPassword: true });
    expect(await readFile(s.file, 'utf8')).not.toContain('secret-pw');
    expect(await s.proxyPassword()).toBe('secret-pw');
    await s.setProperties({ proxy: { mode: 'none' } });
    expect(s.proxy.hasPassword).toBe(false);
  });

  it('serialises concurrent writes', async () => {
    const s = new PolicyStore({ dataDir: await tempDir(), protector: testProtector });
    await s.load();
    await s.savePolicy(samplePolicy(), PASS);
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        s.recordRun({ at: `2026-01-0${i}`, outcome: 'skipped', message: String(i) }),
      ),
    );
    expect(s.policy?.lastRuns.map((r) => r.message).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it("picks up another console's write before changing the file and on syncFromDisk (no lost run record)", async () => {
    const dir = await tempDir();
    const a = new PolicyStore({ dataDir: dir, protector: testProtector });
    const b = new PolicyStore({ dataDir: dir, protector: testProtector });
    await a.load();
    await b.load();
    await a.savePolicy(samplePolicy(), PASS);
    await a.recordRun({
      at: '2026-11-22T21:00:00.000Z',
      outcome: 'waitingForImport',
      message: 'recorded by the scheduler of a',
    });
    // b has not looked yet; its own change starts from what is on disk, so a's run record survives.
    await b.setState('paused');
    expect(b.policy).toMatchObject({ state: 'paused', lastRuns: [{ message: 'recorded by the scheduler of a' }] });
    const seen: string[] = [];
    a.on('changed', (p) => seen.push(p!.state));
    expect(await a.syncFromDisk()).toBe(true);
    expect(seen).toEqual(['paused']);
    expect(await a.syncFromDisk()).toBe(false);
    expect(await b.syncFromDisk()).toBe(false);
  });
});
