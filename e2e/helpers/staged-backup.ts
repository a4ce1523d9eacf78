import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { SandboxHandle } from '../../electron/services/sandbox/index.ts';
import { invoke, waitTask } from './ipc.ts';

/**
 * A real backup in <work>/staging (Back Up Now's engine through the host), with the sandbox storage account.
 * Packs are 64 MiB: the default ~72 MiB of incompressible data makes two packs, so the job spans two small disks.
 */
export async function makeBackup(
  page: Page,
  sb: Pick<SandboxHandle, 'subscriptionId'>,
  work: string,
  job: string,
  passphrase: string,
  mib: [number, number] = [40, 32],
): Promise<{ stagingLocation: string }> {
  const src = join(work, 'source');
  await mkdir(join(src, 'docs'), { recursive: true });
  await writeFile(join(src, 'random-a.bin'), randomBytes(mib[0] * 1024 * 1024));
  await writeFile(join(src, 'docs', 'random-b.bin'), randomBytes(mib[1] * 1024 * 1024));
  await writeFile(join(src, 'docs', 'notes.txt'), 'disk prep e2e\n'.repeat(1000));
  const stagingLocation = join(work, 'staging');
  await mkdir(stagingLocation, { recursive: true });
  const { taskId } = await invoke<{ taskId: string }>(page, 'backup:start', {
    items: [src],
    stagingLocation,
    job: {
      name: job,
      subscriptionId: sb.subscriptionId,
      resourceGroup: 'backup-rg',
      storageAccount: 'obcseedv2',
      container: 'backups',
    },
    passphrase,
  });
  await waitTask(page, taskId);
  return { stagingLocation };
}
