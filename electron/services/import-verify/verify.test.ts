import { createHash } from 'node:crypto';
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SeedDescriptor } from '../../../shared/staging.ts';
import { TaskManager } from '../tasks/task-manager.ts';
import { blobPrefixOf, verifyImport, type BlobSource } from './verify.ts';
import { ImportVerifyService } from './service.ts';
import { parseDriveLog } from './drive-log.ts';
import { syntheticSeed } from '../diskprep/test-staging.ts';
import { tempDir } from '../test-temp.ts';

const bytes = (n: number, fill: number) => Buffer.alloc(n, fill);
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A seed (format 1) of job seed-1 listing `files`, targeting container backups of storage account acct1. */
const makeSeed = (files: Record<string, Buffer>): SeedDescriptor =>
  syntheticSeed(
    Object.entries(files).map(([path, b]) => ({ path, length: b.length, sha256: sha(b) })),
    {
      jobName: 'seed-1',
      subscriptionId: '11111111-2222-3333-4444-555555555555',
      resourceGroup: 'rg1',
      storageAccount: 'acct1',
      container: 'backups',
    },
  );

/** An in-memory container; reads come in 1000-byte chunks to exercise streaming. */
function memorySource(blobs: Record<string, Buffer>): BlobSource {
  return {
    describe: 'mem://acct1/backups',
    async *list(prefix) {
      for (const [name, b] of Object.entries(blobs)) if (name.startsWith(prefix)) yield { name, length: b.length };
    },
    async *read(name) {
      const b = blobs[name];
      for (let i = 0; i < b.length; i += 1000) yield b.subarray(i, i + 1000);
    },
  };
}

const staged = {
  'catalog.bin': bytes(1024, 1),
  'packs/00/p1.pack': bytes(4096, 2),
  'packs/00/p2.pack': bytes(2048, 3),
};

describe('verifyImport', () => {
  it('passes when every staged file is in the container with the same bytes', async () => {
    const seed = makeSeed(staged);
    const blobs = Object.fromEntries(Object.entries(staged).map(([p, b]) => [`seed-1/${p}`, b]));
    const seen: number[] = [];
    const r = await verifyImport({
      seed,
      source: memorySource(blobs),
      container: 'backups',
      onProgress: (p) => seen.push(p.doneBytes),
    });
    expect(r).toMatchObject({
      ok: true,
      matched: 3,
      missingCount: 0,
      differentCount: 0,
      extraCount: 0,
      expectedBytes: 7168,
      location: 'mem://acct1/backups/seed-1/',
    });
    expect(seen.at(-1)).toBe(7168);
    expect(seen.every((v, i) => i === 0 || v >= seen[i - 1])).toBe(true);
  });

  it('reports missing, different (length and content) and extra blobs, naming each', async () => {
    const seed = makeSeed(staged);
    const flipped = Buffer.from(staged['packs/00/p1.pack']);
    flipped[100] ^= 0xff;
    const blobs = {
      'seed-1/catalog.bin': bytes(512, 1),
      'seed-1/packs/00/p1.pack': flipped,
      'seed-1/packs/99/stray.pack': bytes(512, 9),
      'other-job/x.pack': bytes(512, 9),
    };
    const r = await verifyImport({ seed, source: memorySource(blobs), container: 'backups' });
    expect(r.ok).toBe(false);
    expect(r.missing.map((m) => m.path)).toEqual(['packs/00/p2.pack']);
    expect(r.different.map((d) => [d.path, d.reason.split(':')[0]])).toEqual([
      ['catalog.bin', 'Length differs'],
      ['packs/00/p1.pack', 'Content differs'],
    ]);
    expect(r.extra.map((e) => e.blobName)).toEqual(['seed-1/packs/99/stray.pack']);
    expect(r.matched).toBe(0);
  });

  it('normalises the blob prefix and stops when cancelled', async () => {
    expect(blobPrefixOf({ ...makeSeed({}), blobPrefix: 'seed-1' })).toBe('seed-1/');
    const ac = new AbortController();
    ac.abort();
    const seed = makeSeed(staged);
    await expect(
      verifyImport({ seed, source: memorySource({}), container: 'c', signal: ac.signal }),
    ).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

describe('ImportVerifyService', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await tempDir('obc-iv-');
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function stage(blobs: Record<string, Buffer>) {
    const stagingLocation = join(dir, 'staging');
    const jobDir = join(stagingLocation, 'seed-1');
    await mkdir(join(jobDir, 'packs', '00'), { recursive: true });
    for (const [p, b] of Object.entries(staged)) await writeFile(join(jobDir, p), b);
    await writeFile(join(jobDir, 'seed.json'), JSON.stringify(makeSeed(staged)));
    const tasks = new TaskManager({ minIntervalMs: 0 });
    const svc = new ImportVerifyService({
      tasks,
      dataDir: join(dir, 'data'),
      storageAccess: async () => {
        throw new Error('not used');
      },
      sourceFor: async (t) => {
        expect(t).toMatchObject({ storageAccount: 'acct1', container: 'backups', resourceGroup: 'rg1' });
        return memorySource(blobs);
      },
    });
    const finished = async (id: string) => {
      for (;;) {
        const s = tasks.get(id);
        if (s.status !== 'running') return s;
        await new Promise((r) => tasks.once('updated', r));
      }
    };
    return { stagingLocation, jobDir, tasks, svc, finished };
  }

  it('verifies as a task, remembers the report, then cleans up staging only after typed confirmation', async () => {
    const good = Object.fromEntries(Object.entries(staged).map(([p, b]) => [`seed-1/${p}`, b]));
    const { stagingLocation, svc, finished } = await stage(good);
    await expect(
      svc.cleanupStaging({ stagingLocation, jobName: 'seed-1', confirmJobName: 'seed-1' }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    const { taskId } = await svc.start({ stagingLocation, jobName: 'seed-1' });
    const snap = await finished(taskId);
    expect(snap.status).toBe('succeeded');
    expect(snap.result).toMatchObject({ ok: true, matched: 3 });
    expect(await svc.lastReport('seed-1')).toMatchObject({ ok: true });
    await expect(
      svc.cleanupStaging({ stagingLocation, jobName: 'seed-1', confirmJobName: 'seed-2' }),
    ).rejects.toMatchObject({ code: 'VALIDATION' });
    const res = await svc.cleanupStaging({ stagingLocation, jobName: 'seed-1', confirmJobName: 'seed-1' });
    expect(res).toMatchObject({ removedFiles: 4 });
    expect(await readdir(stagingLocation)).toEqual([]);
  });

  it('fails the task when data is missing and keeps the staging folder', async () => {
    const { stagingLocation, svc, finished } = await stage({});
    const snap = await finished((await svc.start({ stagingLocation, jobName: 'seed-1' })).taskId);
    expect(snap.status).toBe('failed');
    expect(snap.error?.message).toMatch(/3 missing, 0 different/);
    await expect(svc.cleanupStaging({ stagingLocation, jobName: 'seed-1', confirmJobName: 'seed-1' })).rejects.toThrow(
      /kept/,
    );
  });

  it('refuses a job whose seed lacks the storage account when none is given', async () => {
    const { stagingLocation, jobDir, svc } = await stage({});
    const seed = makeSeed(staged);
    delete seed.storageAccount;
    await writeFile(join(jobDir, 'seed.json'), JSON.stringify(seed));
    await expect(svc.start({ stagingLocation, jobName: 'seed-1' })).rejects.toThrow(
      /storageAccount of job seed-1 is unknown/,
    );
  });
});

describe('parseDriveLog', () => {
  it('explains the drive status and lists blobs with bad ranges first', () => {
    const xml = `<?xml version="1.0"?><DriveLog Version="2014-11-01"><DriveId>SER1</DriveId>
      <Blob Status="Completed"><BlobPath>backups/seed-1/a.pack</BlobPath></Blob>
      <Blob Status="CompletedWithErrors"><BlobPath>backups/seed-1/b.pack</BlobPath>
        <PageRangeList><PageRange Offset="0" Length="512" Status="Completed"/><PageRange Offset="512" Length="512" Status="Corrupted"/></PageRangeList></Blob>
      <Status>CompletedWithErrors</Status></DriveLog>`;
    const s = parseDriveLog(xml, 'https://x/waimportexport/log.xml');
    expect(s).toMatchObject({ driveId: 'SER1', status: 'CompletedWithErrors', problemCount: 1 });
    expect(s.explanation).toMatch(/some files could not be imported/);
    expect(s.blobs[0]).toMatchObject({ blobPath: 'backups/seed-1/b.pack', status: 'CompletedWithErrors' });
    expect(s.blobs[0].problems[0]).toMatch(/bytes 512\+512: Corrupted — .*MD5/);
    expect(() => parseDriveLog('<nope/>', 'u')).toThrow(/no DriveLog/);
  });
});
