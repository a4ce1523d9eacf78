import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { startAzureTestEnv, type AzureTestEnv } from '../azure/test-azure-env.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { signedInManifestCredential } from './manifest-credential.ts';
import { DiskPrepService } from './service.ts';
import { MiB, TEST_PASSPHRASE, makeStaging, tempDir } from './test-staging.ts';
import { WindowsDiskProvider } from './windows-disk.ts';

/**
 * Disk Prep started before the console is signed in (Prepare Disks → "Prepare the disks now, sign in later"): the
 * drive manifests need the container SAS signed through the sign-in, so the task waits for sign-in — status
 * 'waiting', reason 'signIn', cancellable, nothing written to the disk — and continues by itself once the sign-in
 * completes. Against the Local sandbox (ARM, storage and the sign-in page, Chromium filling it in).
 */
const JOB = 'signin-wait';
let env: AzureTestEnv;
let root: string;

beforeAll(async () => {
  env = await startAzureTestEnv();
  root = await tempDir('obc-dp-signin-');
}, 120_000);
afterAll(async () => {
  await env?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

describe('Disk Prep before sign-in', () => {
  it('waits for sign-in (cancellable, nothing written), then continues by itself once signed in', async () => {
    const stagingLocation = join(root, 'staging');
    await makeStaging(stagingLocation, JOB, [MiB, 2 * MiB], { storageAccount: 'obcseedv2', container: 'seeds' });
    const azure = await env.service();
    expect((await azure.status()).signedIn).toBe(false);
    const tasks = new TaskManager({ minIntervalMs: 10 });
    const svc = new DiskPrepService({
      tasks,
      dataDir: root,
      windows: new WindowsDiskProvider({ platform: 'linux' }),
      credential: signedInManifestCredential(azure),
    });
    const disk = await svc.initFolderDisk({
      path: join(root, 'rehearsal-disks', 'a'),
      serial: 'SIGNIN1',
      capacity: '8M',
    });
    const before = await readdir(disk.id);
    const req = { stagingLocation, job: JOB, disks: [{ id: disk.id }], passphrase: TEST_PASSPHRASE };

    // Cancelled while it waits: 'cancelled', not a failure, and the disk untouched.
    const first = svc.start(req).taskId;
    await vi.waitFor(() => expect(tasks.get(first).status).toBe('waiting'), { timeout: 20_000 });
    tasks.cancel(first);
    const cancelled = await tasks.waitFor(first);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.error).toBeUndefined();
    expect(await readdir(disk.id)).toEqual(before);

    const { taskId } = svc.start(req);
    await vi.waitFor(() => expect(tasks.get(taskId).status).toBe('waiting'), { timeout: 20_000 });
    const waiting = tasks.get(taskId);
    expect(waiting.waiting).toMatchObject({ reason: 'signIn', details: { stagingLocation, job: JOB } });
    expect(waiting.message).toMatch(
      /^Waiting for sign-in: every drive manifest carries a container SAS, signed through your Azure sign-in\. Sign in and the copy continues by itself/,
    );
    expect(waiting.endedAt).toBeUndefined();
    expect(await svc.status({ stagingLocation, job: JOB })).toMatchObject({
      waitingTaskId: taskId,
      waitingFor: 'signIn',
    });
    expect(() => svc.start(req)).toThrow(/is waiting for sign-in \(task .*\); sign in to continue it/);
    await expect(svc.addDisk({ stagingLocation, job: JOB, disk: { id: disk.id } })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: expect.stringMatching(/waiting for sign-in .*not for a disk/),
    });
    expect(await readdir(disk.id)).toEqual(before);

    // Continued by the user without a sign-in: it tries again and waits again (still not signed in).
    tasks.resume(taskId, null);
    await vi.waitFor(
      () => expect(tasks.get(taskId)).toMatchObject({ status: 'waiting', waiting: { reason: 'signIn' } }),
      { timeout: 20_000 },
    );

    // Signing in (the console's one sign-in) continues the same task by itself.
    await azure.signIn({ timeoutMs: 30_000 });
    const done = await tasks.waitFor(taskId);
    expect(done.error).toBeUndefined();
    expect(done.status).toMatch(/^succeeded/);
    expect(done.result).toMatchObject({ drives: [expect.objectContaining({ driveId: 'SIGNIN1' })] });
    // The manifest on the disk carries the container SAS signed through that sign-in.
    const manifest = (await readdir(disk.id, { recursive: true })).find((p) => /manifest.*\.xml$/i.test(p));
    expect(manifest).toBeDefined();
    expect(await readFile(join(disk.id, manifest!), 'utf8')).toMatch(/<ContainerSas>seeds\?[^<]*sig=/);
  }, 120_000);
});
