/**
 * Issue 15: the disks of one run are filled at the same time (one writer per disk at least, one shared worker pool),
 * each finishing or failing on its own. Concurrency is proven by a barrier, not by timing: every disk's first copy
 * halts after its first range (the `copy-partial` checkpoint) until all disks are there. A run that filled the disks
 * one after the other would never get past it.
 */
import { describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { runDiskPrep, type DiskPrepOptions } from './engine.ts';
import { FolderDiskProvider } from './folder-disk.ts';
import { needsDiskOf } from './needs-disk.ts';
import { DiskPrepService } from './service.ts';
import { WindowsDiskProvider } from './windows-disk.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import type { TaskSnapshot } from '../../../shared/task.ts';
import type { DiskProvider, PreparedVolume } from './types.ts';
import {
  MiB,
  TEST_PASSPHRASE,
  makeDisks,
  makeStaging,
  tempDir,
  testCredential,
  testProtector,
} from './test-staging.ts';

const JOB = 'parjob';

function opts(staging: string, disks: string[], extra: Partial<DiskPrepOptions> = {}): DiskPrepOptions {
  return {
    stagingLocation: staging,
    job: JOB,
    disks: disks.map((id) => ({ id })),
    providers: { folder: new FolderDiskProvider() },
    credential: testCredential,
    passphrase: TEST_PASSPHRASE,
    protector: testProtector(),
    workers: 2,
    ...extra,
  };
}

async function bytesUnder(d: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(d, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name !== 'obc-disk.json') n += (await stat(join(e.parentPath, e.name))).size;
  return n;
}

const journalEnd = async (disk: string) =>
  (await readFile(join(disk, 'obc-journal.json'), 'utf8')).trim().split('\n').pop() ?? '';

/** Which disk holds the staged file with seed index i (its partial copy is there at `copy-partial:i`). */
async function diskOf(disks: string[], i: number): Promise<string | undefined> {
  const name = `${String(i + 1).padStart(6, '0')}.pack`;
  for (const d of disks)
    if (
      await stat(join(d, 'obc-session-1', JOB, 'packs', name)).then(
        () => true,
        () => false,
      )
    )
      return d;
  return undefined;
}

async function fillsAtOnce(n: number): Promise<void> {
  const root = await tempDir();
  const staging = join(root, 'staging');
  // One 6 MiB pack per disk (two ranges each), plus the catalog and descriptor on the first.
  await makeStaging(
    staging,
    JOB,
    Array.from({ length: n }, () => 6 * MiB),
  );
  const disks = await makeDisks(
    root,
    Array.from({ length: n }, () => 8 * MiB),
    'PAR',
  );
  const arrived = new Set<string>();
  let release!: () => void;
  const all = new Promise<void>((r) => (release = r));
  let seen: { bytes: number[]; manifests: number } | null = null;
  const res = await runDiskPrep(
    opts(staging, disks, {
      checkpointsInParallel: true,
      checkpoint: async (name) => {
        const m = /^copy-partial:(\d+)$/.exec(name);
        if (!m) return;
        const d = await diskOf(disks, Number(m[1]));
        if (!d || arrived.has(d)) return;
        arrived.add(d);
        if (arrived.size === n) {
          // Every disk is in the middle of its first file: all hold bytes, none has finished.
          seen = {
            bytes: await Promise.all(disks.map(bytesUnder)),
            manifests: (
              await Promise.all(
                disks.map((x) =>
                  stat(join(x, 'DriveManifest.xml')).then(
                    () => 1,
                    () => 0,
                  ),
                ),
              )
            ).reduce((a: number, b: number) => a + b, 0),
          };
          release();
        }
        await all;
      },
    }),
  );
  expect(seen).not.toBeNull();
  for (const b of seen!.bytes) expect(b).toBeGreaterThanOrEqual(4 * MiB); // the first 4 MiB range of its pack, at least
  expect(seen!.manifests).toBe(0);
  expect(res.drives.map((d) => d.driveId)).toEqual(Array.from({ length: n }, (_, i) => `PAR${i + 1}`));
  for (const d of disks) expect(await journalEnd(d)).toMatch(/"t":"verified"/);
  const drives = JSON.parse(await readFile(join(staging, `${JOB}.diskprep`, 'drives.json'), 'utf8')) as {
    drives: Array<{ driveId: string; verified: boolean }>;
  };
  expect(drives.drives.map((d) => `${d.driveId}:${d.verified}`)).toEqual(
    Array.from({ length: n }, (_, i) => `PAR${i + 1}:true`),
  );
  // The data: each pack on exactly one disk, byte for byte.
  for (let i = 0; i < n; i++) {
    const d = (await diskOf(disks, i))!;
    const name = `packs/${String(i + 1).padStart(6, '0')}.pack`;
    expect(
      (await readFile(join(d, 'obc-session-1', JOB, name))).equals(await readFile(join(staging, JOB, name))),
      name,
    ).toBe(true);
  }
}

/** A provider whose disk `serial` is full after its first data file (another program took the room it reported). */
function fillsUp(serial: string): DiskProvider {
  const folder = new FolderDiskProvider();
  return {
    kind: 'folder',
    list: (ctx) => folder.list(ctx),
    inspect: (id, ctx) => folder.inspect(id, ctx),
    async prepare(id, o): Promise<PreparedVolume> {
      const vol = await folder.prepare(id, o);
      if (vol.serial !== serial) return vol;
      let files = 0;
      const ensureRoom = vol.ensureRoom.bind(vol);
      return {
        ...vol,
        ensureRoom(rel, len) {
          if (rel.startsWith('obc-session-1') && files++ >= 1)
            throw new AppError(
              'NO_SPACE',
              `Disk ${serial} (${vol.root}) is full: writing ${rel} (${len} bytes) needs more room than it has left.`,
              { serial, path: rel, neededBytes: len },
            );
          ensureRoom(rel, len);
        },
      };
    },
  };
}

describe('Disk Prep fills every disk of a run at once', () => {
  it('two disks: both hold bytes before either finishes; both end verified', { timeout: 60_000 }, () => fillsAtOnce(2));
  it('three disks: all three hold bytes before any finishes; all end verified', { timeout: 60_000 }, () =>
    fillsAtOnce(3),
  );

  it(
    'a disk that fills up mid-run fails by name; the other disk finishes and is verified; resume completes the failed one',
    { timeout: 60_000 },
    async () => {
      const root = await tempDir();
      const staging = join(root, 'staging');
      await makeStaging(staging, JOB, [3 * MiB, 2 * MiB, 3 * MiB, 2 * MiB]);
      const disks = await makeDisks(root, [7 * MiB, 7 * MiB], 'FULL');
      const progress: Array<{ serial: string; state: string; error?: string }[]> = [];
      const err = await runDiskPrep(
        opts(staging, disks, {
          providers: { folder: fillsUp('FULL2') },
          onProgress: (p) =>
            progress.push(
              p.disks.map((d) => ({ serial: d.serial, state: d.state, ...(d.error ? { error: d.error } : {}) })),
            ),
        }),
      ).then(
        () => null,
        (e: unknown) => e as AppError,
      );
      expect(err).toBeInstanceOf(AppError);
      expect(err!.code).toBe('NO_SPACE');
      expect(err!.message).toMatch(
        /Disk Prep stopped on 1 of 2 disks: disk FULL2 \(.*disk2\) failed: Disk FULL2 .* is full/,
      );
      expect(err!.message).toMatch(/Disk FULL1 finished and verified/);
      expect(err!.details).toMatchObject({ serial: 'FULL2', failedDisks: ['FULL2'], finishedDisks: ['FULL1'] });
      expect(err!.details!.neededBytes).toBeUndefined();
      expect(needsDiskOf(err)).toBeNull(); // a full disk is a failure, not the plan's "attach another disk"
      // Nothing half-written is reported as done: FULL2 has no manifest and no verified record; drives.json lists FULL1 only.
      expect(await journalEnd(disks[0])).toMatch(/"t":"verified"/);
      expect(await readFile(join(disks[1], 'obc-journal.json'), 'utf8')).not.toMatch(/"t":"verified"/);
      await expect(stat(join(disks[1], 'DriveManifest.xml'))).rejects.toThrow();
      const drives = JSON.parse(await readFile(join(staging, `${JOB}.diskprep`, 'drives.json'), 'utf8')) as {
        drives: Array<{ driveId: string }>;
      };
      expect(drives.drives.map((d) => d.driveId)).toEqual(['FULL1']);
      const last = progress.at(-1)!;
      expect(last.find((d) => d.serial === 'FULL1')!.state).toBe('done');
      expect(last.find((d) => d.serial === 'FULL2')).toMatchObject({
        state: 'failed',
        error: expect.stringMatching(/Disk FULL2 .* is full/),
      });

      // The room is back (the other program's files removed): the same run resumes FULL2 and skips FULL1.
      const notices: string[] = [];
      const res = await runDiskPrep(opts(staging, disks, { onNotice: (m) => notices.push(m) }));
      expect(notices.join('\n')).toMatch(/Disk FULL1 is already prepared and verified/);
      expect(res.drives.map((d) => d.driveId)).toEqual(['FULL2']);
      for (const d of disks) expect(await journalEnd(d)).toMatch(/"t":"verified"/);
    },
  );

  it(
    "the Disk Prep task pushes every disk's progress in its snapshot (task:updated detail) while both copy",
    { timeout: 60_000 },
    async () => {
      const root = await tempDir();
      const staging = join(root, 'staging');
      await makeStaging(staging, JOB, [6 * MiB, 6 * MiB]);
      const disks = await makeDisks(root, [8 * MiB, 8 * MiB], 'EVT');
      const tasks = new TaskManager({ minIntervalMs: 0 }); // every update is an event: none is coalesced away
      const svc = new DiskPrepService({
        tasks,
        dataDir: root,
        windows: new WindowsDiskProvider({ platform: 'linux' }),
        credential: testCredential,
      });
      const events: TaskSnapshot[] = [];
      tasks.on('updated', (s) => events.push(s));
      // Both disks halt in their first file until both are there; every event after that shows them both under way.
      const arrived = new Set<string>();
      let release!: () => void;
      const all = new Promise<void>((r) => (release = r));
      let released = -1;
      const { taskId } = svc.start(
        { stagingLocation: staging, job: JOB, disks: disks.map((id) => ({ id })), passphrase: TEST_PASSPHRASE },
        {
          checkpointsInParallel: true,
          checkpoint: async (name) => {
            const m = /^copy-partial:(\d+)$/.exec(name);
            const d = m ? await diskOf(disks, Number(m[1])) : undefined;
            if (!d || arrived.has(d)) return;
            arrived.add(d);
            if (arrived.size === 2) {
              released = events.length;
              release();
            }
            await all;
          },
        },
      );
      const end = await tasks.waitFor(taskId);
      expect(end.status, JSON.stringify(end.error)).toBe('succeeded');
      const after = events.slice(released).filter((e) => e.detail?.kind === 'diskprep');
      const first = after.find((e) => e.detail!.progress.disks.some((d) => d.doneBytes > 0 && d.state === 'running'))!
        .detail!.progress;
      expect(first.disks.map((d) => d.serial)).toEqual(['EVT1', 'EVT2']);
      for (const d of first.disks) {
        // Under way: copying, or (a disk whose copy ran on between two events) already writing its manifest or reading back.
        expect(d).toMatchObject({
          id: expect.stringMatching(/disk\d$/),
          state: 'running',
          phase: expect.stringMatching(/^(copy|manifest|readback)$/),
          totalBytes: 2 * d.bytes,
        });
        expect(d.doneBytes).toBeGreaterThan(0);
        expect(d.doneBytes).toBeLessThan(d.totalBytes);
      }
      // The finished task: every disk done, and the typed result (no casts) listing both drives.
      expect(end.detail?.kind).toBe('diskprep');
      expect(end.detail!.progress.disks.map((d) => `${d.serial}:${d.state}:${d.doneBytes === d.totalBytes}`)).toEqual([
        'EVT1:done:true',
        'EVT2:done:true',
      ]);
      expect(end.detail!.result?.drives.map((d) => d.driveId)).toEqual(['EVT1', 'EVT2']);
    },
  );
});
