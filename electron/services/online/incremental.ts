/**
 * One online backup = one restore point. Scan the items (Back Up Now's scan, exclusions, names, snapshots), keep the
 * chunk lists of files unchanged since the newest point, read the rest in the engine's chunk workers against the
 * chunk table of everything the container holds, spool each new pack here and upload it (resumable, throttled) while
 * the next one fills, then write the point — header and catalog — and commit it last. Holds the container's lock.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { CATALOG_VERSION, encodeCatalog, type Catalog } from '../backup/catalog.ts';
import { assertJobName } from '../backup/job-files.ts';
import { PackWriter } from '../backup/pack-writer.ts';
import { ProgressMeter } from '../backup/progress.ts';
import { changedWhileRead, readFiles, type ReadResult } from '../backup/read-pass.ts';
import { scanItems, type SkippedItem } from '../backup/scan.ts';
import type { BackupOptions } from '../backup/types.ts';
import { withSnapshots, type Snapshots } from '../backup/vss-run.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { assemble } from './assemble.ts';
import { NOTHING_LOST, isAbort } from './blob-errors.ts';
import { loadKnown } from './known.ts';
import { newPointId, onlinePackPath, pointPath } from './layout.ts';
import { acquireContainerLock } from './lock.ts';
import { encodePoint, type PointHeader } from './point-format.ts';
import { prunePoints, resumePrune } from './prune.ts';
import { repackPoints, resumeRepack } from './repack.ts';
import { OnlineRepo, pointInfo } from './repo.ts';
import { Spool, type SpoolPack } from './spool.ts';
import { partition } from './unchanged.ts';
import { uploadFileResumable } from './uploader.ts';
import type { OnlineBackupOptions, OnlineBackupResult, OnlineProgress } from './types.ts';

export const ONLINE_PACK_SIZE = 16 << 20;

/** Runs one online backup; retention (`o.expire`) prunes under the same lock once the point is committed. */
export async function runOnlineBackup(o: OnlineBackupOptions): Promise<OnlineBackupResult> {
  return withSnapshots(o, (snaps) => backUpOnline(o, snaps));
}

class Meter {
  readonly p: OnlineProgress = {
    phase: 'opening',
    filesScanned: 0,
    bytesScanned: 0,
    filesToRead: 0,
    bytesToRead: 0,
    bytesRead: 0,
    newBytes: 0,
    uploadedBytes: 0,
    reusedBytes: 0,
    bytesToUpload: 0,
  };
  private last = 0;
  private readonly cb: ((p: OnlineProgress) => void) | undefined;
  constructor(cb?: (p: OnlineProgress) => void) {
    this.cb = cb;
  }
  set(patch: Partial<OnlineProgress>, force = false): void {
    Object.assign(this.p, patch);
    const t = Date.now();
    if (!this.cb || (!force && t - this.last < 250)) return;
    this.last = t;
    this.cb({ ...this.p });
  }
}

async function backUpOnline(o: OnlineBackupOptions, snaps: Snapshots | null): Promise<OnlineBackupResult> {
  const t0 = Date.now();
  assertJobName(o.job);
  const m = new Meter(o.onProgress);
  m.set({ phase: 'opening' }, true);
  const repo = await OnlineRepo.open(o.container, o.job, o.passphrase, {
    workDir: o.workDir,
    ...(o.signal ? { signal: o.signal } : {}),
  });
  const lock = await acquireContainerLock(
    o.container,
    o.job,
    repo.where,
    o.label ?? `online backup on ${hostname()}`,
    o.signal,
  );
  // Reading stops at once when an upload fails (an expired credential), not only when the user cancels.
  const stop = new AbortController();
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal;
  let writer: PackWriter | null = null;
  try {
    const notes = [...(snaps?.notes ?? [])];
    const note = (n: string) => {
      notes.push(n);
      o.onNote?.(n);
    };
    // A prune a killed run left is finished before the chunk table is read: no new point may use a pack it removes.
    const resumedPrune = await resumePrune(repo, lock, o.testHook);
    if (resumedPrune)
      note(
        `Finished removing ${resumedPrune.removedPoints.length} expired restore point(s) an interrupted run had started to remove.`,
      );
    // Likewise the packs an interrupted repack wrote or left behind that no point names.
    await resumeRepack(repo, lock, o.testHook);
    const { points, damaged } = await repo.points();
    for (const d of damaged) note(`Restore point ${d.id} is damaged and was not used: ${d.reason}`);
    const spool = await Spool.open(o.workDir, o.job, repo.backupId);
    if (spool.discarded) note(spool.discarded);
    const { known, writer: w } = await loadKnown(repo, points, spool, (next) => {
      const pw = new PackWriter(spool.dir, repo.keys.enc, next, o.packSize ?? ONLINE_PACK_SIZE, async (p) => {
        const sp = { n: p.n, length: p.length, sha256: p.sha256, chunks: p.chunks };
        // Fault tests: the pack file is final in the spool, its log line not yet appended.
        await o.testHook?.(`spool:${p.n}`);
        await spool.add(sp);
        known.packs.set(p.n, { path: onlinePackPath(p.n), length: p.length, sha256: p.sha256 });
        await o.testHook?.(`pack:${p.n}`);
        uploads.push({ ...sp, uploaded: false });
      });
      return pw;
    });
    writer = w;
    known.notes.forEach(note);
    const resumed = known.pending.length > 0 || spool.state.packs.some((p) => p.uploaded);

    // Uploads run beside the read pass, one pack at a time, in commit order.
    let sent = 0;
    let reused = 0;
    const uploads = {
      chain: Promise.resolve(),
      failure: null as unknown,
      push(sp: SpoolPack) {
        m.set({ bytesToUpload: m.p.bytesToUpload + sp.length });
        this.chain = this.chain.then(async () => {
          if (this.failure) return;
          try {
            const r = await uploadFileResumable({
              container: o.container,
              blobName: repo.blobName(onlinePackPath(sp.n)),
              file: spool.packFile(sp.n),
              where: repo.where,
              signal,
              ...(o.blockSize ? { blockSize: o.blockSize } : {}),
              ...(o.limiter ? { limiter: o.limiter } : {}),
              ...(o.testHook ? { testHook: o.testHook } : {}),
              onSent: (b) => m.set({ uploadedBytes: (sent += b) }),
              onReused: (b) => m.set({ reusedBytes: (reused += b) }),
            });
            if (r.sha256 !== sp.sha256)
              throw new AppError(
                'IO',
                `The spooled pack ${spool.packFile(sp.n)} changed after it was written and checked; it was not used.`,
                { path: spool.packFile(sp.n) },
              );
            // Fault tests: the blob is committed in the container, the spool's log does not say so yet.
            await o.testHook?.(`committed:${sp.n}`);
            await spool.markUploaded(sp.n);
            await o.testHook?.(`uploaded:${sp.n}`);
          } catch (err) {
            this.failure = err;
            stop.abort(err);
          }
        });
      },
      async drain() {
        await this.chain;
        if (this.failure) throw this.failure;
      },
    };
    // Packs a killed run committed count as reused: this run relies on them and sends none of their bytes.
    reused = spool.state.packs.filter((p) => p.uploaded).reduce((s, p) => s + p.length, 0);
    m.set({ phase: 'uploading', reusedBytes: reused });
    for (const sp of known.pending) uploads.push(sp);

    m.set({ phase: 'scanning' }, true);
    const scan = await scanItems(
      o.items,
      o.exclusions ?? {},
      signal,
      (p) => m.set({ filesScanned: p.files, bytesScanned: p.bytes, currentFile: p.current }),
      {
        neverInclude: [o.workDir, ...(o.neverInclude ?? [])],
        ...(snaps?.readPath ? { readPath: snaps.readPath } : {}),
      },
    );
    scan.excluded.forEach((x) =>
      note(
        `${x} lies inside the items and is left out: a backup never contains this program's working folder or the seed's staging location.`,
      ),
    );
    scan.skipped.forEach((s) => o.onSkip?.(s));
    m.set({ filesScanned: scan.files, bytesScanned: scan.bytes }, true);

    const parent = points.length ? points[points.length - 1] : null;
    let parentCatalog: Catalog | null = null;
    if (parent) {
      try {
        parentCatalog = await repo.catalog(parent);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'CORRUPT_DATA') throw err;
        note(
          `The catalog of restore point ${parent.id} could not be read (${err.message}); every file was read again.`,
        );
      }
    }
    if (parentCatalog && !parentCatalog.entries.some((e) => e.type === 'file' && e.ctimeMs !== undefined))
      note(
        `Restore point ${parent!.id} records no change times (it was made before they were kept): every file was read once more; only new data was sent.`,
      );
    const part = partition(scan.entries, parentCatalog, (hex) => w.stored.has(hex));
    m.set({ phase: 'reading', filesToRead: part.toRead.length, bytesToRead: part.toReadBytes }, true);

    const meter = new ProgressMeter((p) =>
      m.set({
        bytesRead: p.bytesProcessed,
        newBytes: p.bytesProcessed - p.dedupSavedBytes,
        ...(p.currentFile ? { currentFile: p.currentFile } : {}),
      }),
    );
    const engineOpts: BackupOptions = {
      items: o.items,
      stagingLocation: spool.dir,
      job: { name: o.job },
      passphrase: '',
      signal,
      ...(o.onSkip ? { onSkip: o.onSkip } : {}),
      ...(o.workers ? { workers: o.workers } : {}),
      ...(o.workerUrl ? { workerUrl: o.workerUrl } : {}),
    };
    let read: ReadResult | null = null;
    if (part.toRead.length)
      read = await readFiles({
        entries: part.toRead,
        files: part.toRead.length,
        writer: w,
        keys: repo.keys,
        meter,
        opts: engineOpts,
      });
    await w.finish();
    // The meter reports at most every 250 ms: take its final counts.
    const readCounts = meter.snapshot();
    m.set(
      {
        phase: 'uploading',
        bytesRead: readCounts.bytesProcessed,
        newBytes: readCounts.bytesProcessed - readCounts.dedupSavedBytes,
      },
      true,
    );
    await uploads.drain();

    m.set({ phase: 'catalog' }, true);
    const asm = assemble({ entries: scan.entries, reuse: part.reuse, toRead: part.toRead, read, stored: w.stored });
    const skipped: SkippedItem[] = [...scan.skipped, ...(read ? read.failed.values() : [])];
    const changed = read ? changedWhileRead(part.toRead, read) : [];
    changed.forEach((c) => o.onWarning?.(c));
    const createdAt = new Date(t0).toISOString();
    const packList = [...asm.refBytes]
      .sort((a, b) => a[0] - b[0])
      .map(([n, refBytes]) => {
        const info = known.packs.get(n);
        if (!info) throw new AppError('INTERNAL', `Pack ${n} is used by the new restore point but was never recorded.`);
        return { n, path: info.path, length: info.length, sha256: info.sha256, refBytes };
      });
    const catalog: Catalog = {
      version: CATALOG_VERSION,
      jobName: o.job,
      createdAt,
      sourceMachine: hostname(),
      items: o.items,
      entries: asm.entries,
      chunks: asm.rows,
      packs: packList.map((p) => ({ n: p.n, path: p.path, length: p.length })),
      skipped: skipped.map((s) => ({ path: s.path, reason: s.reason })),
    };
    const catBytes = encodeCatalog(repo.keys.enc, catalog);
    const added = spool.state.packs.map((p) => p.n);
    const files = asm.entries.filter((e) => e.type === 'file');
    const id = newPointId(o.time, randomBytes(3).toString('hex'));
    const headerBase: Omit<PointHeader, 'catalog' | 'newBytes'> = {
      format: 'obc-point',
      formatVersion: 1,
      id,
      jobName: o.job,
      backupId: repo.backupId,
      time: new Date(o.time).toISOString(),
      createdAt,
      completedAt: new Date().toISOString(),
      sourceMachine: hostname(),
      ...(o.retainUntil ? { retainUntil: o.retainUntil } : {}),
      parent: parent?.id ?? null,
      totals: {
        files: files.length,
        bytes: files.reduce((s, e) => s + e.size, 0),
        chunks: asm.rows.length,
        skipped: skipped.length,
      },
      addedPacks: added,
      packs: packList,
      nextPack: Math.max(known.nextPack, ...added.map((n) => n + 1)),
    };
    const packBytes = spool.state.packs.reduce((s, p) => s + p.length, 0);
    // The point's own size counts in newBytes, and the header's length grows with newBytes's digits: encode until the
    // size it states is its own (twice, at most three times: the length only moves with the number of digits).
    let probe = encodePoint(repo.keys.enc, { ...headerBase, newBytes: packBytes }, catBytes).length;
    let pointBytes = encodePoint(repo.keys.enc, { ...headerBase, newBytes: packBytes + probe }, catBytes);
    while (pointBytes.length !== probe) {
      probe = pointBytes.length;
      pointBytes = encodePoint(repo.keys.enc, { ...headerBase, newBytes: packBytes + probe }, catBytes);
    }
    const pointFile = join(spool.dir, `point-${id}.bin`);
    await writeFileAtomic(pointFile, pointBytes, 0o600);
    await o.testHook?.('catalog');
    m.set({ bytesToUpload: m.p.bytesToUpload + pointBytes.length });
    const up = await uploadFileResumable({
      container: o.container,
      blobName: repo.blobName(pointPath(id)),
      file: pointFile,
      where: repo.where,
      signal,
      ...(o.blockSize ? { blockSize: o.blockSize } : {}),
      ...(o.limiter ? { limiter: o.limiter } : {}),
      onSent: (b) => m.set({ uploadedBytes: (sent += b) }),
      onReused: (b) => m.set({ reusedBytes: (reused += b) }),
    });
    void up;
    await o.testHook?.('point');
    await repo.rememberCatalog(id, catBytes);
    await spool.finish();
    const header = { ...headerBase, newBytes: packBytes + probe, catalog: { length: catBytes.length, sha256: '' } };
    const result: OnlineBackupResult = {
      point: pointInfo(header),
      files: files.length,
      dirs: asm.entries.filter((e) => e.type === 'dir').length,
      symlinks: asm.entries.filter((e) => e.type === 'symlink').length,
      bytes: header.totals.bytes,
      filesRead: part.toRead.length,
      bytesRead: part.toReadBytes,
      unchangedFiles: part.reuse.size,
      newBytes: m.p.newBytes,
      uploadedBytes: sent,
      reusedBytes: reused,
      packs: added.length,
      skipped,
      changedWhileRead: changed,
      notes,
      resumed,
      pruned: resumedPrune,
      repacked: null,
      seconds: 0,
    };
    if (o.expire) {
      m.set({ phase: 'pruning' }, true);
      const now = await repo.points();
      const pruned = await prunePoints(repo, lock, o.expire(now.points), o.testHook);
      result.pruned = resumedPrune
        ? {
            ...pruned,
            removedPoints: [...resumedPrune.removedPoints, ...pruned.removedPoints],
            removedPacks: resumedPrune.removedPacks + pruned.removedPacks,
            freedBytes: resumedPrune.freedBytes + pruned.freedBytes,
            resumed: true,
          }
        : pruned;
      // Packs the kept points now use less than half of are rewritten (repack.ts).
      result.repacked = await repackPoints(repo, lock, {
        nextPack: header.nextPack,
        packSize: o.packSize ?? ONLINE_PACK_SIZE,
        ...(o.testHook ? { testHook: o.testHook } : {}),
      });
    }
    m.set({ phase: 'done' }, true);
    result.seconds = (Date.now() - t0) / 1000;
    return result;
  } catch (err) {
    await writer?.abandon();
    const cause = stop.signal.aborted && !o.signal?.aborted ? stop.signal.reason : err;
    if (o.signal?.aborted || (isAbort(cause) && !(cause instanceof AppError)))
      throw new AppError('CANCELLED', `The online backup of job "${o.job}" was cancelled. ${NOTHING_LOST}`);
    throw cause;
  } finally {
    await lock.release();
  }
}
