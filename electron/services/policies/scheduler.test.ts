import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../../shared/errors.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import {
  PolicyService,
  WAITING_FOR_DATA_BOX,
  WAITING_FOR_IMPORT,
  type OnlineRun,
  type OnlineRunRequest,
  type PolicyServiceOptions,
} from './index.ts';
import { PolicyStore } from './policy-store.ts';
import { FakeClock, samplePolicy, tempDir, testProtector } from './test-policies.ts';

const PASS = 'correct horse battery staple';
const start = Date.parse('2026-11-22T20:00:00Z');
type Found = { state: string; backend?: 'ImportExport' | 'DataBox' };

async function setup(
  probeStates: Array<string | Found> | Error,
  online?: OnlineRun,
  dataDir?: string,
  extra: Partial<PolicyServiceOptions> = {},
) {
  const clock = new FakeClock(start);
  const tasks = new TaskManager();
  const seen: string[] = [];
  let i = 0;
  const svc = new PolicyService({
    dataDir: dataDir ?? (await tempDir()),
    protector: testProtector,
    tasks,
    clock,
    hostLabel: 'test host',
    probe: {
      check: async () => {
        if (probeStates instanceof Error) throw probeStates;
        const s = probeStates[Math.min(i++, probeStates.length - 1)];
        const found = typeof s === 'string' ? { state: s } : s;
        seen.push(found.state);
        return found;
      },
    },
    ...(online ? { online } : {}),
    ...extra,
  });
  await svc.load();
  return { clock, tasks, svc, seen };
}

describe('PolicyScheduler', () => {
  it('waits for the import job: one run record with MARS’s message, the job state and a Jobs task', async () => {
    const calls: OnlineRunRequest[] = [];
    const { clock, tasks, svc, seen } = await setup(['Shipping', 'Received'], {
      run: async (r) => (calls.push(r), { outcome: 'succeeded', message: 'x' }),
    });
    await svc.save(samplePolicy(), PASS);
    expect(svc.view().nextRuns).toEqual([
      '2026-11-22T21:00:00.000Z',
      '2026-11-23T21:00:00.000Z',
      '2026-11-24T21:00:00.000Z',
    ]);
    clock.advanceTo(Date.parse('2026-11-22T21:00:00Z'));
    await svc.scheduler.idle();
    expect(seen).toEqual(['Shipping']);
    expect(calls).toEqual([]);
    const runs = svc.store.policy!.lastRuns;
    expect(runs).toHaveLength(1); // one run, one record (the old build wrote two for a Completed job)
    expect(runs[0]).toMatchObject({
      at: '2026-11-22T21:00:00.000Z',
      outcome: 'waitingForImport',
      message: `${WAITING_FOR_IMPORT}. Import job "seed-2026": Shipping.`,
      ranBy: expect.stringMatching(/^test host on .+ \(pid \d+\)$/),
      startedAt: '2026-11-22T21:00:00.000Z',
      details: { importJob: 'seed-2026', importJobState: 'Shipping', checkedAt: '2026-11-22T21:00:00.000Z' },
    });
    expect(runs[0].id).toMatch(/^[0-9a-f-]{36}$/);
    const task = tasks.get(runs[0].taskId!);
    expect(task).toMatchObject({
      kind: 'scheduled',
      title: 'Scheduled backup (due 2026-11-22T21:00:00.000Z)',
      status: 'succeededWithWarnings',
      message: runs[0].message,
    });
    expect(svc.store.policy!.seed).toMatchObject({ importJobState: 'Shipping', completed: false });
    expect(svc.scheduler.nextDue).toBe(Date.parse('2026-11-23T21:00:00Z'));
    clock.advanceTo(Date.parse('2026-11-23T21:00:00Z'));
    await svc.scheduler.idle();
    expect(svc.store.policy!.lastRuns.map((r) => r.message.replace(/.*: /, ''))).toEqual(['Received.', 'Shipping.']);
  });

  it('a Data Box job gets the Data Box wording', async () => {
    const { svc } = await setup([{ state: 'Shipping', backend: 'DataBox' }]);
    await svc.save(samplePolicy(), PASS);
    expect((await svc.scheduler.runOnce())!).toMatchObject({
      message: `${WAITING_FOR_DATA_BOX}. Data Box job "seed-2026": Shipping.`,
      details: { backend: 'DataBox' },
    });
    expect(svc.store.policy!.seed).toMatchObject({ backend: 'DataBox' });
  });

  it('once the import job is Completed, the run is the online backup: the seam gets the policy, the seed, the due time, a signal and progress', async () => {
    const calls: OnlineRunRequest[] = [];
    const online: OnlineRun = {
      async run(r) {
        calls.push(r);
        r.progress({
          message: 'Uploading new packs',
          done: 5,
          total: 10,
          unit: 'bytes',
          counters: { uploaded: { value: 5, unit: 'bytes' } },
        });
        expect(await r.passphrase()).toBe(PASS);
        return {
          outcome: 'succeeded',
          message: 'Restore point rp-1 uploaded.',
          details: { restorePoint: 'rp-1', uploadedBytes: 5 },
        };
      },
    };
    const { clock, tasks, svc } = await setup(['Completed'], online);
    await svc.save(samplePolicy(), PASS);
    clock.advanceTo(Date.parse('2026-11-22T21:00:00Z'));
    await svc.scheduler.idle();
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      dueAt: '2026-11-22T21:00:00.000Z',
      seed: {
        jobName: 'seed-2026',
        subscriptionId: '11111111-2222-3333-4444-555555555555',
        resourceGroup: 'rg-seed',
        storageAccount: 'seedacct01',
        container: 'seed-data',
        stagingDir: '/tmp/staging/seed-2026',
      },
      policy: { id: svc.store.policy!.id },
    });
    expect(calls[0].signal).toBeInstanceOf(AbortSignal);
    expect(svc.store.policy!.seed?.completed).toBe(true);
    const runs = svc.store.policy!.lastRuns;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      outcome: 'succeeded',
      message: 'Restore point rp-1 uploaded.',
      details: { importJob: 'seed-2026', importJobState: 'Completed', restorePoint: 'rp-1', uploadedBytes: 5 },
    });
    expect(tasks.get(runs[0].taskId!)).toMatchObject({
      status: 'succeeded',
      counters: { uploaded: { value: 5, unit: 'bytes' } },
      progress: { done: 5, total: 10 },
    });
  });

  it('a scheduler without the online engine records honestly that nothing was sent, as one warned run', async () => {
    const { svc, tasks } = await setup(['Completed']);
    await svc.save(samplePolicy(), PASS);
    const rec = (await svc.scheduler.runOnce())!;
    expect(rec).toMatchObject({
      outcome: 'skipped',
      message: expect.stringMatching(/^No online backup engine is connected to this scheduler/),
    });
    expect(svc.store.policy!.lastRuns).toHaveLength(1);
    expect(tasks.get(rec.taskId!).status).toBe('succeededWithWarnings');
    const online = await setup([]);
    await online.svc.save(samplePolicy({ initialBackup: { type: 'online' } }), PASS);
    expect((await online.svc.scheduler.runOnce())!).toMatchObject({ outcome: 'skipped', details: {} });
  });

  it('a failing or throwing online run is recorded failed with its message; a job not created yet is said so', async () => {
    const boom = await setup(['Completed'], {
      run: async () =>
        Promise.reject(new AppError('SIGNIN_REQUIRED', 'The application credential expired on 2027-01-01.')),
    });
    await boom.svc.save(samplePolicy(), PASS);
    expect((await boom.svc.scheduler.runOnce())!).toMatchObject({
      outcome: 'failed',
      message: 'The application credential expired on 2027-01-01.',
    });
    const nf = Object.assign(new Error('no such job'), { code: 'NOT_FOUND' });
    const { svc } = await setup(nf);
    await svc.save(samplePolicy(), PASS);
    expect((await svc.scheduler.runOnce())!.message).toMatch(/Import job "seed-2026": Not created yet\.$/);
  });

  it('a run cancelled (the Jobs task cancelled, or the agent stopping) is recorded as such; the seam sees the abort', async () => {
    let aborted = false;
    const waitForAbort: OnlineRun = {
      run: (r) =>
        new Promise((_, fail) =>
          r.signal.addEventListener('abort', () => {
            aborted = true;
            fail(r.signal.reason);
          }),
        ),
    };
    const { svc, tasks } = await setup(['Completed'], waitForAbort);
    await svc.save(samplePolicy(), PASS);
    const pending = svc.scheduler.runOnce();
    await expect.poll(() => svc.store.policy?.lastRuns[0]?.outcome).toBe('running');
    await tasks.shutdown();
    expect(await pending).toMatchObject({ outcome: 'failed', message: 'The run was cancelled.' });
    expect(aborted).toBe(true);
    expect(svc.store.policy!.lastRuns).toHaveLength(1);
  });

  it('a run left "running" by a program that stopped is closed as failed when a scheduler starts; runs can be hidden', async () => {
    const dir = await tempDir();
    let release!: () => void;
    const hang: OnlineRun = {
      run: () => new Promise((ok) => (release = () => ok({ outcome: 'succeeded', message: 'done' }))),
    };
    const a = await setup(['Completed'], hang, dir);
    await a.svc.save(samplePolicy(), PASS);
    const pending = a.svc.scheduler.runOnce();
    await expect.poll(() => a.svc.store.policy?.lastRuns[0]?.outcome).toBe('running');
    const id = a.svc.store.policy!.lastRuns[0].id!;
    await expect(a.svc.hideRun(id)).rejects.toMatchObject({ code: 'CONFLICT' });
    // The program is gone (simulated: a second service takes over the data dir while the first never finishes).
    a.svc.close();
    const b = await setup(['Completed'], undefined, dir);
    await expect.poll(() => b.svc.store.policy?.lastRuns[0]?.outcome).toBe('failed');
    expect(b.svc.store.policy!.lastRuns[0].message).toMatch(
      /^The run did not finish: test host on .+ stopped before it ended\./,
    );
    await b.svc.hideRun(id);
    expect(b.svc.store.policy!.lastRuns[0].hidden).toBe(true);
    await expect(b.svc.hideRun('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    release();
    await pending;
    b.svc.close();
  });

  it('closing a stopped program\'s "running" run fails: logged, kept, closed before the next run (none if it fails)', async () => {
    const dir = await tempDir();
    const a = await setup(['Completed'], { run: () => new Promise(() => undefined) }, dir);
    await a.svc.save(samplePolicy(), PASS);
    void a.svc.scheduler.runOnce();
    await expect.poll(() => a.svc.store.policy?.lastRuns[0]?.outcome).toBe('running');
    const id = a.svc.store.policy!.lastRuns[0].id!;
    a.svc.close();
    // The next program cannot write policies.json when its scheduler starts, nor at the first retry.
    const closing = vi
      .spyOn(PolicyStore.prototype, 'closeInterruptedRuns')
      .mockRejectedValueOnce(new Error('EACCES: policies.json'))
      .mockRejectedValueOnce(new Error('EACCES: policies.json'));
    const log = vi.fn();
    let runs = 0;
    const b = await setup(
      ['Completed'],
      { run: async () => (runs++, { outcome: 'succeeded', message: 'done' }) },
      dir,
      { log },
    );
    await expect.poll(() => log.mock.calls.length).toBe(1);
    expect(log).toHaveBeenCalledWith('error', 'scheduler:close-interrupted-failed', {
      error: 'EACCES: policies.json',
    });
    expect(b.svc.store.policy!.lastRuns.map((r) => [r.id, r.outcome])).toEqual([[id, 'running']]);
    // The next run tries again first; failing again, it does not start (its record would be closed with them later).
    await expect(b.svc.scheduler.runOnce()).rejects.toMatchObject({
      code: 'IO',
      message: expect.stringMatching(/could not be closed as failed \(EACCES: policies\.json\), so no new run/),
    });
    expect(runs).toBe(0);
    expect(b.svc.store.policy!.lastRuns.map((r) => [r.id, r.outcome])).toEqual([[id, 'running']]);
    // Once it can write: the interrupted run is closed as failed, then the run goes ahead.
    const rec = await b.svc.scheduler.runOnce();
    expect(closing).toHaveBeenCalledTimes(3);
    expect(rec).toMatchObject({ outcome: 'succeeded' });
    expect(runs).toBe(1);
    const interrupted = b.svc.store.policy!.lastRuns.find((r) => r.id === id)!;
    expect(interrupted.outcome).toBe('failed');
    expect(interrupted.message).toMatch(/^The run did not finish: /);
    vi.restoreAllMocks();
    b.svc.close();
  });

  it('paused and stopped policies do not run and show no next run; long gaps sleep at most an hour at a time', async () => {
    const { clock, svc, seen } = await setup(['Shipping']);
    await svc.save(
      samplePolicy({
        schedule: { frequency: 'weekly', times: ['21:00'], days: ['saturday'], everyWeeks: 4, timeZone: 'UTC' },
      }),
      PASS,
    );
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
