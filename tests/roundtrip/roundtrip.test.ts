/**
 * The backup round-trip oracle (issue 13): fast-check generates hostile file trees (test-hostile-tree.ts); each goes
 * backup → verify → restore from the staging folder; every DISK_EVERY-th also through Disk Prep onto a folder disk
 * and back from the disk; every CONTAINER_EVERY-th also through the Local sandbox's datacenter into Azurite and back
 * from the container. Each restored tree is compared with its source by an independent walker (walk_tree.py:
 * Python's os.lstat on bytes paths; type, bytes, mode, mtime, link target), never by the engine's own reader.
 *
 * Knobs: OBC_ROUNDTRIP_SEED (printed), OBC_ROUNDTRIP_TREES (200), OBC_ROUNDTRIP_DISK_EVERY (10),
 * OBC_ROUNDTRIP_CONTAINER_EVERY (40; 0 = no sandbox). Documented restore behaviour the comparison allows for:
 * folders come back with owner rwx added (so a rerun can write into them), hard links come back as separate files
 * with the same bytes, mtimes within 2 µs (utimes takes seconds as a double).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { runBackup } from '../../electron/services/backup/engine.ts';
import { openJob, StagingFolderSource, type PackSource } from '../../electron/services/backup/reader.ts';
import { openDiskSource } from '../../electron/services/backup/disk-source.ts';
import { restoreJob } from '../../electron/services/backup/restore.ts';
import { verifyJob } from '../../electron/services/backup/verify.ts';
import { FAST_KDF, PASS } from '../../electron/services/backup/test-trees.ts';
import { runDiskPrep } from '../../electron/services/diskprep/engine.ts';
import { FolderDiskProvider } from '../../electron/services/diskprep/folder-disk.ts';
import { passphraseProtector } from '../../electron/services/diskprep/drives-file.ts';
import { makeDisks, testCredential } from '../../electron/services/diskprep/test-staging.ts';
import { tempDir } from '../faults/test-cli.ts';
import { hostileTree, writeTree } from './test-hostile-tree.ts';
import { compareWalks, walkTrees } from './test-walk.ts';
import { openSandboxContainer, type SandboxContainer } from './test-sandbox-container.ts';

const SEED = Number(process.env.OBC_ROUNDTRIP_SEED ?? 20261204) >>> 0;
const TREES = Number(process.env.OBC_ROUNDTRIP_TREES ?? 200);
const DISK_EVERY = Number(process.env.OBC_ROUNDTRIP_DISK_EVERY ?? 10);
const CONTAINER_EVERY = Number(process.env.OBC_ROUNDTRIP_CONTAINER_EVERY ?? 40);
const CONTAINER = 'roundtrip';

let dir: string;
let cleanup: () => Promise<void>;
let cloud: SandboxContainer | null = null;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('obc-roundtrip-'));
  if (CONTAINER_EVERY > 0) cloud = await openSandboxContainer(join(dir, 'data'));
}, 120_000);
afterAll(async () => {
  await cloud?.stop();
  await cleanup?.();
});

/** Restores the job from `source` into `out` and compares with `src` by the independent walker. */
async function restoreAndCompare(source: PackSource, src: string, out: string): Promise<string[]> {
  const reader = await openJob(source, PASS);
  try {
    const res = await restoreJob(reader, { to: out });
    if (res.skipped.length) return res.skipped.map((s) => `not restored: ${s.path}: ${s.reason}`);
  } finally {
    await source.close?.();
  }
  const [a, b] = await walkTrees([src, join(out, src.slice(1))]);
  return compareWalks(a, b, { dirModeAdded: 0o700, linkMtimes: true });
}

describe(`hostile trees round trip (OBC_ROUNDTRIP_SEED=${SEED})`, () => {
  it(
    `${TREES} generated trees: staging every tree, disks every ${DISK_EVERY}th, container every ${CONTAINER_EVERY}th`,
    { timeout: 1_500_000 },
    async () => {
      const t0 = Date.now();
      const counts = { trees: 0, entries: 0, stagingLocation: 0, disks: 0, container: 0 };
      let n = 0;
      await fc.assert(
        fc.asyncProperty(hostileTree, async (nodes) => {
          const i = n++;
          const root = join(dir, `t${i}`);
          const src = join(root, 'src');
          await mkdir(src, { recursive: true });
          try {
            counts.entries += await writeTree(Buffer.from(src), nodes);
            counts.trees++;
            const stagingLocation = join(root, 'staging');
            const job = `rt-${i}`;
            const r = await runBackup({
              items: [src],
              stagingLocation,
              job: { name: job, container: CONTAINER },
              passphrase: PASS,
              kdf: FAST_KDF,
              workers: 1,
              packSize: 1 << 20,
              snapshots: false,
            });
            expect(r.skipped, `tree ${i}: skipped`).toEqual([]);
            expect(r.changedWhileRead, `tree ${i}`).toEqual([]);
            const verified = await verifyJob(new StagingFolderSource(join(stagingLocation, job)), PASS);
            expect(verified.ok, `tree ${i}: verify ${JSON.stringify(verified)}`).toBe(true);
            expect(
              await restoreAndCompare(
                new StagingFolderSource(join(stagingLocation, job)),
                src,
                join(root, 'out-staging'),
              ),
              `tree ${i} from staging`,
            ).toEqual([]);
            counts.stagingLocation++;
            if (DISK_EVERY > 0 && i % DISK_EVERY === 0) {
              const disks = await makeDisks(join(root, 'disks'), [256 << 20], `RT${i}D`);
              await runDiskPrep({
                stagingLocation,
                job,
                disks: disks.map((id) => ({ id })),
                providers: { folder: new FolderDiskProvider() },
                credential: cloud?.credential ?? testCredential,
                passphrase: PASS,
                protector: (j) => passphraseProtector(PASS, j.seed),
                workers: 1,
              });
              expect(
                await restoreAndCompare(await openDiskSource({ disks, job }), src, join(root, 'out-disks')),
                `tree ${i} from the disks`,
              ).toEqual([]);
              counts.disks++;
              if (cloud && CONTAINER_EVERY > 0 && i % CONTAINER_EVERY === 0) {
                const source = await cloud.importAndOpen(stagingLocation, job, PASS, disks);
                expect(
                  await restoreAndCompare(source, src, join(root, 'out-container')),
                  `tree ${i} from the container`,
                ).toEqual([]);
                counts.container++;
              }
            }
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        }),
        { numRuns: TREES, seed: SEED, endOnFailure: true },
      );
      const seconds = (Date.now() - t0) / 1000;
      console.log(
        `[roundtrip] seed=${SEED}: ${counts.trees} trees (${counts.entries} entries) backed up and verified; restores compared: ${counts.stagingLocation} from staging, ${counts.disks} from disks, ${counts.container} from the container; 0 failures; ${seconds.toFixed(0)} s`,
      );
      expect(counts.stagingLocation).toBe(TREES);
    },
  );
});
