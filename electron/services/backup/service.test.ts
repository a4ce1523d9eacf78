import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { backupHandlers } from '../../handlers/backup.ts';
import { backupInvoke } from '../../../shared/contract/backup.ts';
import type { HandlerCtx } from '../../handlers/types.ts';
import type { Services } from '../index.ts';
import { BackupService } from './service.ts';
import { catalogPathOf } from './scan.ts';
import { FAST_KDF, PASS, tempDir } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
let tasks: TaskManager;
let ctx: HandlerCtx;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('obc-svc-'));
  tasks = new TaskManager({ minIntervalMs: 10 });
  const backup = new BackupService(tasks, { kdf: FAST_KDF });
  ctx = { services: { tasks, backup } as unknown as Services, host: 'browser' };
});
afterEach(async () => {
  await tasks.shutdown();
  await cleanup();
});

describe('backup IPC handlers over the task manager', () => {
  it('estimates, backs up with warnings, lists jobs, browses, verifies and recovers', async () => {
    const src = join(dir, 'src');
    await mkdir(join(src, 'docs'), { recursive: true });
    await writeFile(join(src, 'docs', 'a.txt'), 'alpha');
    await writeFile(join(src, 'b.txt'), 'bravo');
    const stagingLocation = join(dir, 'staging');
    const items = [src, join(dir, 'gone')];

    const est = await backupHandlers['backup:estimate'](
      backupInvoke['backup:estimate'].req.parse({ items, stagingLocation }),
      ctx,
    );
    expect(est).toMatchObject({ files: 2, bytes: 10, fits: true });
    expect(est.skipped).toHaveLength(1);

    const start = backupInvoke['backup:start'].req.parse({
      items,
      stagingLocation,
      job: { name: 'svc-job', storageAccount: 'acct1' },
      passphrase: PASS,
    });
    const { taskId } = await backupHandlers['backup:start'](start, ctx);
    const snap = await tasks.waitFor(taskId);
    expect(snap.status).toBe('succeededWithWarnings');
    expect(snap.warnings[0]).toMatch(/gone: vanished/);
    expect(snap.result).toMatchObject({ files: 2, skippedCount: 1 });
    expect(snap.counters.bytesProcessed?.value).toBe(10);

    const jobs = await backupHandlers['backup:jobs']({ stagingLocation }, ctx);
    expect(jobs).toMatchObject([
      { jobName: 'svc-job', state: 'complete', storageAccount: 'acct1', totals: { files: 2 } },
    ]);

    const ref = { stagingLocation, job: 'svc-job', passphrase: PASS };
    const listing = await backupHandlers['recover:list']({ ...ref, path: catalogPathOf(src) }, ctx);
    expect(listing.children.map((c) => `${c.type}:${c.name}`)).toEqual(['file:b.txt', 'dir:docs']);
    await expect(
      backupHandlers['recover:list']({ ...ref, passphrase: 'wrong wrong wrong wrong' }, ctx),
    ).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });

    const v = await tasks.waitFor((await backupHandlers['backup:verify'](ref, ctx)).taskId);
    expect(v.status).toBe('succeeded');
    expect(v.result).toMatchObject({ ok: true });
    // Recover Data's "Check this backup" names any recover source; staging/job and a source are not mixed.
    const bySource = backupInvoke['backup:verify'].req.parse({
      source: { kind: 'staging', stagingLocation, job: 'svc-job' },
      passphrase: PASS,
    });
    expect((await tasks.waitFor((await backupHandlers['backup:verify'](bySource, ctx)).taskId)).result).toMatchObject({
      ok: true,
    });
    expect(
      backupInvoke['backup:verify'].req.safeParse({
        source: { kind: 'staging', stagingLocation, job: 'svc-job' },
        stagingLocation,
        job: 'svc-job',
        passphrase: PASS,
      }).success,
    ).toBe(false);

    const out = join(dir, 'out');
    const r = await tasks.waitFor(
      (
        await backupHandlers['recover:start'](
          { ...ref, to: out, paths: [`${catalogPathOf(src)}/docs`], conflict: 'skip' },
          ctx,
        )
      ).taskId,
    );
    expect(r.status).toBe('succeeded');
    expect(await readFile(join(out, catalogPathOf(src), 'docs', 'a.txt'), 'utf8')).toBe('alpha');
  });

  it('a cancelled backup task ends cancelled', async () => {
    const src = join(dir, 'src');
    await mkdir(src);
    await writeFile(join(src, 'a.bin'), Buffer.alloc(1 << 20, 1));
    const { taskId } = await backupHandlers['backup:start'](
      { items: [src], stagingLocation: join(dir, 'staging'), job: { name: 'cancel-job' }, passphrase: PASS },
      ctx,
    );
    tasks.cancel(taskId);
    expect((await tasks.waitFor(taskId)).status).toBe('cancelled');
  });

  it('the contract refuses malformed payloads', () => {
    expect(
      backupInvoke['backup:start'].req.safeParse({
        items: [],
        stagingLocation: '/x',
        job: { name: 'ok-job' },
        passphrase: PASS,
      }).success,
    ).toBe(false);
    expect(
      backupInvoke['backup:start'].req.safeParse({
        items: ['/a'],
        stagingLocation: '/x',
        job: { name: 'BAD' },
        passphrase: PASS,
      }).success,
    ).toBe(false);
    expect(
      backupInvoke['recover:start'].req.safeParse({
        stagingLocation: '/x',
        job: 'ok-job',
        passphrase: PASS,
        to: '/y',
        conflict: 'merge',
      }).success,
    ).toBe(false);
    expect(backupInvoke['backup:jobs'].req.safeParse({ stagingLocation: '/x', extra: 1 }).success).toBe(false);
  });
});
