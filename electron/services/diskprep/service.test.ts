import { describe, expect, it, vi } from 'vitest';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { DiskPrepService } from './service.ts';
import { WindowsDiskProvider } from './windows-disk.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging, tempDir, testCredential } from './test-staging.ts';

const JOB = 'svc-job';

describe('DiskPrepService (the IPC handlers call these)', () => {
  it('jobs → disks → plan → start task → waits for another disk → addDisk continues the same task → drives', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [5 * MiB, 5 * MiB, 5 * MiB]);
    const tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new DiskPrepService({
      tasks,
      dataDir: root,
      windows: new WindowsDiskProvider({ platform: 'linux' }),
      credential: testCredential,
    });

    expect((await svc.jobs(stagingLocation)).jobs.map((j) => j.jobName)).toEqual([JOB]);
    const d1 = await svc.initFolderDisk({ path: join(root, 'rehearsal-disks', 'a'), serial: 'SVC1', capacity: '12M' });
    expect(d1.rehearsal).toBe(true);
    const listed = await svc.disks({ stagingLocation, job: JOB });
    expect(listed.windowsAvailable).toBe(false);
    expect(listed.note).toMatch(/only be prepared on Windows/);
    expect(listed.disks.map((d) => d.serial)).toEqual(['SVC1']);

    const plan = await svc.plan({ stagingLocation, job: JOB, disks: [d1.id] });
    expect(plan).toMatchObject({ fits: false, unassignedFiles: 1 });
    expect(plan.neededBytes).toBeGreaterThan(5 * MiB);

    expect(() => svc.start({ stagingLocation, job: JOB, disks: [{ id: d1.id }] })).toThrow(/passphrase/);
    const { taskId } = svc.start({ stagingLocation, job: JOB, disks: [{ id: d1.id }], passphrase: TEST_PASSPHRASE });
    // Not a failure: the first disk is completed, then the same task waits for the next one.
    await vi.waitFor(() => expect(tasks.get(taskId).status).toBe('waiting'), { timeout: 20_000 });
    const first = tasks.get(taskId);
    expect(first.error).toBeUndefined();
    expect(first.endedAt).toBeUndefined();
    expect(first.waiting).toMatchObject({
      reason: 'anotherDisk',
      details: { neededBytes: plan.neededBytes, remainingFiles: 1, remainingBytes: 5 * MiB, stagingLocation, job: JOB },
    });
    expect(first.progress.total! - first.progress.done).toBe(2 * 5 * MiB); // the file still to place counts: never "100 %" while paused
    expect(first.progress.rate).toBeUndefined();
    expect(first.message).toMatch(/^Waiting for another disk: at least \d+\.\d+ MiB more \(1 file, 5\.00 MiB left\)/);
    const st = await svc.status({ stagingLocation, job: JOB });
    expect(st).toMatchObject({
      started: true,
      complete: false,
      waitingTaskId: taskId,
      disks: [{ serial: 'SVC1', verified: true }],
    });
    expect(st.runningTaskId).toBeUndefined();
    expect(st.needsDisk).toMatchObject({ remainingFiles: 1, neededBytes: plan.neededBytes });
    expect(() => svc.start({ stagingLocation, job: JOB, disks: [{ id: d1.id }], passphrase: TEST_PASSPHRASE })).toThrow(
      /waiting for another disk/,
    );

    // A disk of the job itself, or one that is not empty without confirmation, is refused at once; the task keeps waiting.
    await expect(svc.addDisk({ stagingLocation, job: JOB, disk: { id: d1.id } })).rejects.toThrow(
      /already belongs to job/,
    );
    const [extra] = await makeDisks(join(root, 'more'), [st.needsDisk!.neededBytes], 'SVCX');
    await writeFile(join(extra, 'old.txt'), 'old data');
    await expect(svc.addDisk({ stagingLocation, job: JOB, disk: { id: extra } })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { needsConfirmErase: true },
    });
    expect(tasks.get(taskId).status).toBe('waiting');

    const next = await svc.addDisk({ stagingLocation, job: JOB, disk: { id: extra, confirmErase: true } });
    expect(next.taskId).toBe(taskId);
    const done = await tasks.waitFor(next.taskId);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.waiting).toBeUndefined();
    expect(done.progress.done).toBe(done.progress.total);
    const fin = await svc.status({ stagingLocation, job: JOB });
    expect(fin.complete).toBe(true);
    expect(fin.needsDisk).toBeUndefined();

    const view = await svc.drives({ stagingLocation, job: JOB });
    expect(view.drives.map((d) => d.driveId)).toEqual(['SVC1', 'SVCX1']);
    expect(view.driveList).toBeUndefined();
    expect(JSON.stringify(view)).not.toMatch(/\d{6}-\d{6}-\d{6}/);
    const withKeys = await svc.drives({ stagingLocation, job: JOB, passphrase: TEST_PASSPHRASE, revealKeys: true });
    expect(withKeys.driveList!.map((d) => d.driveId)).toEqual(['SVC1', 'SVCX1']);
    await expect(
      svc.drives({ stagingLocation, job: JOB, passphrase: 'a wrong passphrase, long enough', revealKeys: true }),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });

  it('cancel while waiting keeps the prepared disk and journal; after a restart the job resumes and waits again', async () => {
    const root = await tempDir();
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [5 * MiB, 5 * MiB, 5 * MiB]);
    const [d1] = await makeDisks(join(root, 'disks'), [12 * MiB], 'CAN');
    const tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new DiskPrepService({
      tasks,
      dataDir: root,
      windows: new WindowsDiskProvider({ platform: 'linux' }),
      credential: testCredential,
    });
    const { taskId } = svc.start({ stagingLocation, job: JOB, disks: [{ id: d1 }], passphrase: TEST_PASSPHRASE });
    await vi.waitFor(() => expect(tasks.get(taskId).status).toBe('waiting'), { timeout: 20_000 });
    const diskJournal = await readFile(join(d1, 'obc-journal.json'), 'utf8');
    const manifest = await stat(join(d1, 'DriveManifest.xml'));

    expect(tasks.cancel(taskId).status).toBe('cancelling');
    const cancelled = await tasks.waitFor(taskId);
    expect(cancelled).toMatchObject({ status: 'cancelled', message: 'Cancelled.' });
    expect(cancelled.error).toBeUndefined();
    expect(await readFile(join(d1, 'obc-journal.json'), 'utf8')).toBe(diskJournal);
    expect((await stat(join(d1, 'DriveManifest.xml'))).size).toBe(manifest.size);
    const after = await svc.status({ stagingLocation, job: JOB });
    expect(after).toMatchObject({
      started: true,
      complete: false,
      disks: [{ serial: 'CAN1', verified: true }],
      needsDisk: { remainingFiles: 1 },
    });
    expect(after.waitingTaskId).toBeUndefined();

    // A new console (restart): nothing in memory; status still says the job is resumable and needs another disk.
    const tasks2 = new TaskManager({ minIntervalMs: 10 });
    const svc2 = new DiskPrepService({
      tasks: tasks2,
      dataDir: root,
      windows: new WindowsDiskProvider({ platform: 'linux' }),
      credential: testCredential,
    });
    const restarted = await svc2.status({ stagingLocation, job: JOB });
    expect(restarted).toMatchObject({
      started: true,
      complete: false,
      needsDisk: after.needsDisk,
      disks: [{ serial: 'CAN1', verified: true }],
    });
    expect(restarted.runningTaskId ?? restarted.waitingTaskId).toBeUndefined();
    const resumed = svc2.start({ stagingLocation, job: JOB, disks: [{ id: d1 }], passphrase: TEST_PASSPHRASE });
    await vi.waitFor(() => expect(tasks2.get(resumed.taskId).status).toBe('waiting'), { timeout: 20_000 });
    expect(await readFile(join(d1, 'obc-journal.json'), 'utf8')).toBe(diskJournal); // the finished disk is not touched
    const [d2] = await makeDisks(join(root, 'disks2'), [after.needsDisk!.neededBytes], 'CANX');
    expect((await svc2.addDisk({ stagingLocation, job: JOB, disk: { id: d2 } })).taskId).toBe(resumed.taskId);
    expect((await tasks2.waitFor(resumed.taskId)).status).toBe('succeeded');
    expect((await svc2.status({ stagingLocation, job: JOB })).complete).toBe(true);
  });
});
