/**
 * Fault suite 3 (Disk Prep's staging side): the staged packs vanish in the middle of a copy. Clear message naming the path, nothing
 * half-copied counted as committed, and a resume that completes once the staging location is back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { runDiskPrep, type DiskPrepOptions } from '../../electron/services/diskprep/engine.ts';
import { FolderDiskProvider } from '../../electron/services/diskprep/folder-disk.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  testCredential,
} from '../../electron/services/diskprep/test-staging.ts';
import { tempDir } from './test-cli.ts';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-fault-dps-'));
});
afterAll(async () => {
  await cleanup?.();
});

const LENGTHS = [2 * MiB, 2 * MiB + 512, 1 * MiB, 512];

async function setup(name: string, stagingLocation: string) {
  await makeStaging(stagingLocation, name, LENGTHS, { container: 'seed' });
  const disks = await makeDisks(join(dir, name), [16 * MiB], `${name.toUpperCase().replace(/-/g, '')}D`);
  const opts = (extra: Partial<DiskPrepOptions> = {}): DiskPrepOptions => ({
    stagingLocation,
    job: name,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: TEST_PASSPHRASE,
    workers: 2,
    ...extra,
  });
  return { disk: disks[0], opts };
}

function committedPaths(journal: string): string[] {
  return journal
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.t === 'commit')
    .map((r) => r.path);
}

describe('Disk Prep: the staging side fails mid-copy', () => {
  it('a staged pack vanishes mid-run: the error names it, the half-copied file is not committed, resume completes once it is back', async () => {
    const stagingLocation = join(dir, 'st-vanish');
    const s = await setup('dps-vanish', stagingLocation);
    const victim = join(stagingLocation, 'dps-vanish', 'packs', '000003.pack');
    const err = await runDiskPrep(
      s.opts({
        checkpoint: async (name) => {
          if (name === 'copy-partial:1') await rename(victim, `${victim}.away`);
        },
      }),
    ).then(
      () => null,
      (e: { code: string; message: string }) => e,
    );
    expect(err?.message, JSON.stringify(err)).toContain('000003.pack');
    const committed = committedPaths(await readFile(join(s.disk, 'obc-journal.json'), 'utf8'));
    expect(committed).not.toContain('packs/000003.pack');
    await rename(`${victim}.away`, victim);
    const res = await runDiskPrep(s.opts());
    expect(res.drives).toHaveLength(1);
    expect(
      (await readFile(join(s.disk, 'obc-session-1', 'dps-vanish', 'packs', '000003.pack'))).equals(
        await readFile(victim),
      ),
    ).toBe(true);
  });
  // Not covered: making the staging volume read-only mid-copy. `mount -o remount,ro` is refused (EBUSY) while the
  // journal mirror beside staging is open for writing, which it is for the whole disk run.
});
