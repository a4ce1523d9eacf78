import { describe, expect, it } from 'vitest';
import { TaskManager } from '../tasks/task-manager.ts';
import { PolicyService, WAITING_FOR_IMPORT } from './index.ts';
import { FakeClock, samplePolicy, tempDir, testProtector } from './test-helpers.ts';

const PASS = 'correct horse battery staple';
const start = Date.parse('2026-11-22T20:00:00Z');

async function setup(probeStates: string[] | Error, runner = false) {
  const clock = new FakeClock(start);
  const tasks = new TaskManager();
  const seen: string[] = [];
  const ran: string[] = [];
  let i = 0;
  const svc = new PolicyService({
    dataDir: await tempDir(),
    protector: testProtector,
    tasks,
    clock,
    probe: {
      state: async () => {
        if (probeStates instanceof Error) throw probeStates;
        const s = probeStates[Math.min(i++, probeStates.length - 1)];
        seen.push(s);
        return s;
      },
    },
    ...(runner ? { runner: { run: async ({ policy, passphrase }) => void ran.push(`${policy.id}:${passphrase.length}`) } } : {}),
  });
  await svc.load();
  return { clock, tasks, svc, seen, ran };
}

describe('PolicyScheduler', () => {
  it('waits for the import job: records the original message and the job state instead of backing up', async () => {
    const { clock, tasks, svc, seen, ran } = await setup(['Shipping', 'Received'], true);
    await svc.save(samplePolicy(), PASS);
    expect(svc.view().nextRuns).toEqual(['2026-11-22T21:00:00.000Z', '2026-11-23T21:00:00.000Z', '2026-11-24T21:00:00.000Z']);
    clock.advanceTo(Date.parse('2026-11-22T21:00:00Z'));
    await svc.scheduler.idle();
    expect(seen).toEqual(['Shipping']);
    expect(ran).toEqual([]);
    const run = svc.store.policy!.lastRuns[0];
    expect(run).toMatchObject({ outcome: 'waitingForImport', message: `${WAITING_FOR_IMPORT}. Import job "seed-2026": Shipping.` });
    const task = tasks.get(run.taskId!);
    expect(task).toMatchObject({ kind: 'scheduled', status: 'succeededWithWarnings', message: run.message });
    expect(svc.store.policy!.seed).toMatchObject({ importJobState: 'Shipping', completed: false });
    // Re-armed for the next day.
    expect(svc.scheduler.nextDue).toBe(Date.parse('2026-11-23T21:00:00Z'));
    clock.advanceTo(Date.parse('2026-11-23T21:00:00Z'));
    await svc.scheduler.idle();
    expect(svc.store.policy!.lastRuns[0].message).toMatch(/Received\.$/);
  });

  it('runs the backup once the import job is Completed', async () => {
    const { clock, svc, ran } = await setup(['Completed'], true);
    await svc.save(samplePolicy(), PASS);
    clock.advanceTo(Date.parse('2026-11-22T21:00:00Z'));
    await svc.scheduler.idle();
    expect(ran).toEqual([`${svc.store.policy!.id}:${PASS.length}`]);
    expect(svc.store.policy!.seed?.completed).toBe(true);
    expect(svc.store.policy!.lastRuns[0]).toMatchObject({ outcome: 'succeeded', message: 'Backup completed.' });
  });

  it('a job not created yet is reported as such; without a runner the run is recorded honestly', async () => {
    const nf = Object.assign(new Error('no such job'), { code: 'NOT_FOUND' });
    const { svc } = await setup(nf);
    await svc.save(samplePolicy(), PASS);
    expect((await svc.scheduler.runOnce())!.message).toMatch(/Import job "seed-2026": Not created yet\.$/);
    const online = await setup([]);
    await online.svc.save(samplePolicy({ initialBackup: { type: 'online' } }), PASS);
    expect((await online.svc.scheduler.runOnce())!).toMatchObject({ outcome: 'skipped', message: expect.stringMatching(/not part of this build/) });
  });

  it('paused and stopped policies do not run and show no next run; long gaps sleep at most an hour at a time', async () => {
    const { clock, svc, seen } = await setup(['Shipping']);
    await svc.save(samplePolicy({ schedule: { frequency: 'weekly', times: ['21:00'], days: ['saturday'], everyWeeks: 4, timeZone: 'UTC' } }), PASS);
    expect(clock.pending).toBe(2); // the next run and the scheduler lease's refresh
    await svc.setState('paused');
    expect(svc.view().nextRuns).toEqual([]);
    expect(clock.pending).toBe(1);
    expect(svc.scheduler.nextDue).toBeNull();
    clock.advanceTo(start + 30 * 86_400_000);
    expect(seen).toEqual([]);
    await svc.setState('active');
    const due = svc.scheduler.nextDue!;
    clock.advanceTo(due - 1);
    await svc.scheduler.idle();
    expect(seen).toEqual([]);
    clock.advanceTo(due);
    await svc.scheduler.idle();
    expect(seen).toEqual(['Shipping']);
    svc.close();
    expect(clock.pending).toBe(0);
  });
});
