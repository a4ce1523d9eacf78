import { afterEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { PolicyService } from './index.ts';
import { LEASE_FILE, SchedulerLease } from './scheduler-lease.ts';
import { FakeClock, samplePolicy, tempDir, testProtector } from './test-policies.ts';

/**
 * Two consoles on one data dir (the desktop app and browser mode, or two browser-mode hosts): exactly one
 * scheduler runs the due backups; the other waits and takes over when the holder leaves or goes stale.
 */
const PASS = 'correct horse battery staple';
const start = Date.parse('2026-11-22T20:00:00Z');
const due = Date.parse('2026-11-22T21:00:00Z');
const REFRESH = 1_000;
const STALE = 5_000;

const dirs: string[] = [];
const open: PolicyService[] = [];
afterEach(async () => {
  for (const s of open.splice(0)) s.close();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function dataDir() {
  const d = await tempDir('obc-lease-');
  dirs.push(d);
  return d;
}

/** A console's policy service on `dir`; `probed` counts the import-job checks (one per due run it executes). */
async function consoleOn(dir: string, clock: FakeClock, label: string, lease: Record<string, unknown> = {}) {
  const probed: string[] = [];
  const svc = new PolicyService({
    dataDir: dir,
    protector: testProtector,
    tasks: new TaskManager(),
    clock,
    probe: { check: async () => (probed.push(label), { state: 'Shipping' }) },
    lease: { label, refreshMs: REFRESH, staleMs: STALE, ...lease },
  });
  await svc.load();
  open.push(svc);
  return { svc, probed };
}

/** Advances the shared clock and lets both consoles finish what the timers started. */
async function advance(clock: FakeClock, to: number, ...svcs: PolicyService[]) {
  clock.advanceTo(to);
  for (let i = 0; i < 3; i++) for (const s of svcs) await Promise.all([s.leaseSettled(), s.scheduler.idle()]);
}

describe('scheduler lease: one scheduler per data dir', () => {
  it('the first console runs schedules, the second waits and says who runs them; a due run happens once', async () => {
    const dir = await dataDir();
    const clock = new FakeClock(start);
    const a = await consoleOn(dir, clock, 'desktop app');
    const b = await consoleOn(dir, clock, 'browser mode');
    expect(a.svc.view().scheduler).toEqual({
      runsHere: true,
      owner: `desktop app on ${hostname()} (pid ${process.pid})`,
    });
    expect(b.svc.view().scheduler).toEqual({
      runsHere: false,
      owner: `desktop app on ${hostname()} (pid ${process.pid})`,
    });
    expect(JSON.parse(await readFile(join(dir, LEASE_FILE), 'utf8'))).toMatchObject({
      pid: process.pid,
      host: hostname(),
      label: 'desktop app',
    });

    // The policy is saved in the console that does not run schedules; the holder picks it up from disk.
    await b.svc.save(samplePolicy(), PASS);
    await advance(clock, start + REFRESH, a.svc, b.svc);
    expect(a.svc.view().nextRuns[0]).toBe('2026-11-22T21:00:00.000Z');
    expect(a.svc.scheduler.nextDue).toBe(due);
    expect(b.svc.scheduler.nextDue).toBeNull();

    await advance(clock, due, a.svc, b.svc);
    expect(a.probed).toEqual(['desktop app']);
    expect(b.probed).toEqual([]);
    await advance(clock, due + REFRESH, a.svc, b.svc);
    // Recorded once, and the waiting console shows it too.
    expect(a.svc.store.policy!.lastRuns).toHaveLength(1);
    expect(b.svc.store.policy!.lastRuns).toHaveLength(1);
  });

  it('when the holder exits, the waiting console takes over at its next check and runs the next due run', async () => {
    const dir = await dataDir();
    const clock = new FakeClock(start);
    const a = await consoleOn(dir, clock, 'browser mode');
    await a.svc.save(samplePolicy(), PASS);
    const b = await consoleOn(dir, clock, 'browser mode');
    const changed: boolean[] = [];
    b.svc.on('changed', (v) => changed.push(v.scheduler!.runsHere));
    a.svc.close();
    expect(existsSync(join(dir, LEASE_FILE))).toBe(false);
    await advance(clock, start + REFRESH, b.svc);
    expect(b.svc.view().scheduler!.runsHere).toBe(true);
    expect(changed).toContain(true);
    await advance(clock, due, b.svc);
    expect(b.probed).toEqual(['browser mode']);
    expect(a.probed).toEqual([]);
  });

  it('a lease left by a process that is gone (same machine) is taken over at once', async () => {
    const dir = await dataDir();
    const clock = new FakeClock(start);
    const left = {
      format: 'obc-scheduler-lease',
      id: 'old',
      pid: 999_999,
      host: hostname(),
      label: 'desktop app',
      startedAt: '2026-11-22T19:00:00.000Z',
      refreshedAt: start,
    };
    await writeFile(join(dir, LEASE_FILE), JSON.stringify(left));
    const b = await consoleOn(dir, clock, 'browser mode', { isAlive: (pid: number) => pid !== 999_999 });
    expect(b.svc.view().scheduler!.runsHere).toBe(true);
    expect(JSON.parse(await readFile(join(dir, LEASE_FILE), 'utf8')).id).not.toBe('old');
  });

  it('a lease of another machine is waited on until it has not been refreshed for staleMs, then taken over', async () => {
    const dir = await dataDir();
    const clock = new FakeClock(start);
    // Its clock is ahead of ours: refreshedAt alone would never look stale; unchanged content for staleMs does.
    const other = {
      format: 'obc-scheduler-lease',
      id: 'far',
      pid: 1,
      host: 'other-host',
      label: 'browser mode',
      startedAt: '2026-11-22T19:00:00.000Z',
      refreshedAt: start + 3_600_000,
    };
    await writeFile(join(dir, LEASE_FILE), JSON.stringify(other));
    const b = await consoleOn(dir, clock, 'browser mode');
    expect(b.svc.view().scheduler).toEqual({ runsHere: false, owner: 'browser mode on other-host (pid 1)' });
    await advance(clock, start + STALE - REFRESH, b.svc);
    expect(b.svc.view().scheduler!.runsHere).toBe(false);
    // The other machine refreshes once: the wait starts again.
    await writeFile(join(dir, LEASE_FILE), JSON.stringify({ ...other, refreshedAt: other.refreshedAt + 1 }));
    await advance(clock, start + STALE + REFRESH, b.svc);
    expect(b.svc.view().scheduler!.runsHere).toBe(false);
    await advance(clock, start + 2 * STALE + 2 * REFRESH, b.svc);
    expect(b.svc.view().scheduler!.runsHere).toBe(true);
  });

  it('a holder that lost the lease while stalled skips the due run and stops its scheduler', async () => {
    const dir = await dataDir();
    const clock = new FakeClock(start);
    const a = await consoleOn(dir, clock, 'desktop app');
    await a.svc.save(samplePolicy(), PASS);
    await advance(clock, due - 1, a.svc);
    // Another console judged it stale and took over (its file now names someone else).
    const usurper = {
      format: 'obc-scheduler-lease',
      id: 'new',
      pid: 2,
      host: 'other-host',
      label: 'browser mode',
      startedAt: '2026-11-22T20:59:00.000Z',
      refreshedAt: due,
    };
    await writeFile(join(dir, LEASE_FILE), JSON.stringify(usurper));
    await advance(clock, due, a.svc);
    expect(a.probed).toEqual([]);
    expect(a.svc.store.policy!.lastRuns).toEqual([]);
    await advance(clock, due + REFRESH, a.svc);
    expect(a.svc.view().scheduler).toEqual({ runsHere: false, owner: 'browser mode on other-host (pid 2)' });
    // Closing does not remove the other console's lease.
    a.svc.close();
    expect(JSON.parse(await readFile(join(dir, LEASE_FILE), 'utf8')).id).toBe('new');
  });

  it('a lease check that fails for a moment (unreadable file) leaves the holder in charge', async () => {
    const dir = await dataDir();
    const clock = new FakeClock(start);
    const a = await consoleOn(dir, clock, 'desktop app');
    await rm(join(dir, LEASE_FILE));
    await mkdir(join(dir, LEASE_FILE)); // reads fail with EISDIR
    await advance(clock, start + REFRESH, a.svc);
    expect(a.svc.scheduler.active).toBe(true);
    await rm(join(dir, LEASE_FILE), { recursive: true });
    await advance(clock, start + 2 * REFRESH, a.svc);
    expect(a.svc.view().scheduler!.runsHere).toBe(true);
    expect(JSON.parse(await readFile(join(dir, LEASE_FILE), 'utf8')).label).toBe('desktop app');
  });

  // Many rounds: a taker that created the file while another had the holder's file aside for a moment (and put it
  // back) made a second holder in about 1 run of 8 at 10 rounds.
  it('concurrent takers: exactly one wins a free lease and exactly one wins a stale one', async () => {
    for (let round = 0; round < 100; round++) {
      const dir = await dataDir();
      let t = start;
      const leases = Array.from(
        { length: 4 },
        (_, i) => new SchedulerLease(dir, () => t, { label: `c${i}`, staleMs: STALE, isAlive: () => true }),
      );
      const free = await Promise.all(leases.map((l) => l.hold()));
      expect(free.filter(Boolean)).toHaveLength(1);
      // Everyone looks once, then the holder falls silent for longer than staleMs.
      const holder = leases[free.indexOf(true)];
      const others = leases.filter((l) => l !== holder);
      await Promise.all(others.map((l) => l.hold()));
      t += STALE + 1;
      const stale = await Promise.all(others.map((l) => l.hold()));
      expect(stale.filter(Boolean)).toHaveLength(1);
      expect(await holder.confirm()).toBe(false);
      const confirmed = await Promise.all(leases.map((l) => l.confirm()));
      expect(confirmed.filter(Boolean)).toHaveLength(1);
      expect(existsSync(join(dir, LEASE_FILE))).toBe(true);
    }
  });

  it('a damaged or half-written lease file is only taken over after staleMs unchanged', async () => {
    const dir = await dataDir();
    let t = start;
    await writeFile(join(dir, LEASE_FILE), '{"format":"obc-sched');
    const l = new SchedulerLease(dir, () => t, { staleMs: STALE });
    expect(await l.hold()).toBe(false);
    t += STALE - 1;
    expect(await l.hold()).toBe(false);
    t += 1;
    expect(await l.hold()).toBe(true);
    l.release();
    expect(existsSync(join(dir, LEASE_FILE))).toBe(false);
  });
});
