import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { DiskPrepService } from './service.ts';
import { WindowsDiskProvider } from './windows-disk.ts';
import { MiB, TEST_PASSPHRASE, makeDisks, makeStaging, tempDir } from './test-helpers.ts';

const JOB = 'svc-job';

describe('DiskPrepService (the IPC handlers call these)', () => {
  it('jobs → disks → plan → start task → NO_SPACE pause → addDisk → drives', async () => {
    const root = await tempDir();
    const staging = join(root, 'staging');
    await makeStaging(staging, JOB, [5 * MiB, 5 * MiB, 5 * MiB]);
    const tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new DiskPrepService({ tasks, dataDir: root, windows: new WindowsDiskProvider({ platform: 'linux' }) });

    expect((await svc.jobs(staging)).jobs.map((j) => j.jobName)).toEqual([JOB]);
    const d1 = await svc.initFolderDisk({ path: join(root, 'rehearsal-disks', 'a'), serial: 'SVC1', capacity: '12M' });
    expect(d1.rehearsal).toBe(true);
    const listed = await svc.disks({ staging, job: JOB });
    expect(listed.windowsAvailable).toBe(false);
    expect(listed.note).toMatch(/only be prepared on Windows/);
    expect(listed.disks.map((d) => d.serial)).toEqual(['SVC1']);

    const plan = await svc.plan({ staging, job: JOB, disks: [d1.id] });
    expect(plan).toMatchObject({ fits: false, unassignedFiles: 1 });
    expect(plan.neededBytes).toBeGreaterThan(5 * MiB);

    expect(() => svc.start({ staging, job: JOB, disks: [{ id: d1.id }] })).toThrow(/passphrase/);
    const { taskId } = svc.start({ staging, job: JOB, disks: [{ id: d1.id }], passphrase: TEST_PASSPHRASE });
    const first = await tasks.waitFor(taskId);
    expect(first.status).toBe('failed');
    expect(first.error).toMatchObject({ code: 'NO_SPACE', details: { neededBytes: plan.neededBytes } });
    const st = await svc.status({ staging, job: JOB });
    expect(st).toMatchObject({ started: true, complete: false, disks: [{ serial: 'SVC1', verified: true }] });
    expect(st.needsDisk).toMatchObject({ remainingFiles: 1, neededBytes: plan.neededBytes });

    const [extra] = await makeDisks(join(root, 'more'), [st.needsDisk!.neededBytes], 'SVCX');
    const next = await svc.addDisk({ staging, job: JOB, disk: { id: extra } });
    const done = await tasks.waitFor(next.taskId);
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
    expect(done.progress.done).toBe(done.progress.total);
    const fin = await svc.status({ staging, job: JOB });
    expect(fin.complete).toBe(true);
    expect(fin.needsDisk).toBeUndefined();

    const view = await svc.drives({ staging, job: JOB });
    expect(view.drives.map((d) => d.driveId)).toEqual(['SVC1', 'SVCX1']);
    expect(view.driveList).toBeUndefined();
    expect(JSON.stringify(view)).not.toMatch(/\d{6}-\d{6}-\d{6}/);
    const withKeys = await svc.drives({ staging, job: JOB, passphrase: TEST_PASSPHRASE, revealKeys: true });
    expect(withKeys.driveList!.map((d) => d.driveId)).toEqual(['SVC1', 'SVCX1']);
    await expect(svc.drives({ staging, job: JOB, passphrase: 'a wrong passphrase, long enough', revealKeys: true })).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
  });
});
