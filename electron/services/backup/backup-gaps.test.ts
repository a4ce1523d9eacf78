/** Back Up Now gaps: retainUntil stored in seed.json, the policy's passphrase instead of a typed one, backup:checkPassphrase. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TaskManager } from '../tasks/task-manager.ts';
import { backupHandlers } from '../../handlers/backup.ts';
import { backupInvoke } from '../../../shared/contract/backup.ts';
import { seedSchema } from '../../../shared/staging.ts';
import type { HandlerCtx } from '../../handlers/types.ts';
import type { Services } from '../index.ts';
import { BackupService } from './service.ts';
import { FAST_KDF, PASS, tempDir } from './test-trees.ts';

let dir: string;
let cleanup: () => Promise<void>;
let tasks: TaskManager;
let ctx: HandlerCtx;
let stored: string | null = PASS;
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('obc-gaps-'));
  tasks = new TaskManager({ minIntervalMs: 10 });
  stored = PASS;
  const backup = new BackupService(tasks, { kdf: FAST_KDF }, { policyPassphrase: async () => stored });
  ctx = { services: { tasks, backup } as unknown as Services, host: 'browser' };
});
afterEach(async () => {
  await tasks.shutdown();
  await cleanup();
});

describe('Back Up Now: retainUntil, usePolicyPassphrase, checkPassphrase', () => {
  it('stores retainUntil in seed.json, backs up and verifies with the policy passphrase, checks passphrases up front', async () => {
    const src = join(dir, 'src');
    await mkdir(src, { recursive: true });
    await writeFile(join(src, 'a.txt'), 'alpha');
    const stagingLocation = join(dir, 'staging');
    const check = (passphrase?: string) =>
      backupHandlers['backup:checkPassphrase'](
        backupInvoke['backup:checkPassphrase'].req.parse({
          stagingLocation,
          job: 'gap-job',
          ...(passphrase ? { passphrase } : { usePolicyPassphrase: true }),
        }),
        ctx,
      );
    expect(await check('anything at all here')).toEqual({ ok: true, exists: false });

    const req = backupInvoke['backup:start'].req.parse({
      items: [src],
      stagingLocation,
      job: { name: 'gap-job' },
      usePolicyPassphrase: true,
      retainUntil: '2031-02-28',
    });
    const snap = await tasks.waitFor((await backupHandlers['backup:start'](req, ctx)).taskId);
    expect(snap.status, snap.error?.message).toBe('succeeded');
    const seed = seedSchema.parse(JSON.parse(await readFile(join(stagingLocation, 'gap-job', 'seed.json'), 'utf8')));
    expect(seed.retainUntil).toBe('2031-02-28');
    expect(await backupHandlers['backup:jobs']({ stagingLocation }, ctx)).toMatchObject([
      { jobName: 'gap-job', retainUntil: '2031-02-28' },
    ]);

    expect(await check(PASS)).toEqual({ ok: true, exists: true });
    expect(await check()).toEqual({ ok: true, exists: true });
    await expect(check('not the passphrase at all')).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });

    const v = await tasks.waitFor(
      (await backupHandlers['backup:verify']({ stagingLocation, job: 'gap-job', usePolicyPassphrase: true }, ctx))
        .taskId,
    );
    expect(v.status).toBe('succeeded');
    const listing = await backupHandlers['recover:list'](
      { stagingLocation, job: 'gap-job', usePolicyPassphrase: true },
      ctx,
    );
    expect(listing.children.length).toBe(1);

    stored = null;
    await expect(check()).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/No passphrase is kept/),
    });
  });

  it('the contract: retainUntil must be a calendar date; a passphrase or usePolicyPassphrase, not both, not neither', () => {
    const base = { items: ['/x'], stagingLocation: '/s', job: { name: 'gap-job' } };
    const ok = (v: object) => backupInvoke['backup:start'].req.safeParse({ ...base, ...v }).success;
    expect(ok({ passphrase: PASS, retainUntil: '2030-01-31' })).toBe(true);
    expect(ok({ passphrase: PASS, retainUntil: '2030-02-30' })).toBe(false);
    expect(ok({ passphrase: PASS, retainUntil: '30-01-2030' })).toBe(false);
    expect(ok({ usePolicyPassphrase: true })).toBe(true);
    expect(ok({})).toBe(false);
    expect(ok({ passphrase: PASS, usePolicyPassphrase: true })).toBe(false);
    expect(ok({ usePolicyPassphrase: false })).toBe(false);
  });
});
