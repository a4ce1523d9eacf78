import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { mkdir, readdir, readFile, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { SEED_FORMAT, SEED_FORMAT_VERSION, type SeedDescriptor, type SeedFile } from '../../../shared/staging.ts';
import { sweepAtomicTemps, writeFileAtomic } from '../store/atomic.ts';
import { CATALOG_PATH, CATALOG_VERSION, type CatalogEntry } from './catalog.ts';
import { catalogText, writeCatalogFile, type CatalogHead } from './catalog-writer.ts';
import { DEFAULT_KDF, newJobCrypto, unlockJob, type JobKeys } from './crypto.ts';
import { acquireJobLock } from './job-lock.ts';
import { SEED_FILE, assertJobName, cryptoToResume, jobDirOf, readSeed, writeSeed } from './job-files.ts';
import { PackTable, readStateTable, removeState, StateLog, writeState } from './job-state.ts';
import { readPackFileIndex } from './pack-format.ts';
import { PackWriter, packIoNote } from './pack-writer.ts';
import { freeSpace, scanTable, type SkippedItem } from './scan.ts';
import { ProgressMeter } from './progress.ts';
import { CatalogRows, catalogEntryStream, changedWhileRead, chunkWorkerCount, readFiles } from './read-pass.ts';
import { StartedWorkers } from './worker-pool.ts';
import { DESCRIPTOR_PATH, descriptorFor, encodeDescriptor, type JobDescriptor } from './descriptor.ts';
import { identityOf } from './identity.ts';
import { retireDiskPrepState } from '../diskprep/retire.ts';
import { neverBackedUp } from './staging-guard.ts';
import { recordScan, removeScanRecord, sinceNote } from './scan-record.ts';
import { withSnapshots, type Snapshots } from './vss-run.ts';
import { pageMd5OfFile, rangeMd5Of } from '../page-md5.ts';
import { writeSeedRanges } from '../seed-ranges-file.ts';
import type { BackupOptions, BackupResult } from './types.ts';

export const DEFAULT_PACK_SIZE = 64 << 20;

/**
 * Entries the scan finds while the keys are derived before it waits for them: scrypt holds 128 MiB for ~0.4 s on an
 * idle machine (by then the scan has found ~20 000 entries) and for several seconds on a loaded one, where the
 * scan's entries found meanwhile (~250 bytes of heap each until the table is built) made the start of a run of many
 * files its peak (README 2026-12-05 rss16).
 */
const SCAN_AHEAD_OF_KEYS = 32_768;
const noop = (): void => undefined;

/** Staging bytes needed for a source of `bytes` in `entries` entries (no compression assumed). */
export const requiredBytesFor = (bytes: number, entries: number): number =>
  Math.ceil(bytes * 1.01) + entries * 256 + (1 << 20);

/**
 * Back Up Now: scan → space check → chunk/compress/seal in workers → packs → catalog → seed.json complete. On Windows
 * the items are read from volume snapshots (VSS), deleted afterwards; elsewhere the run says it reads live files.
 */
export async function runBackup(opts: BackupOptions): Promise<BackupResult> {
  return withSnapshots(opts, (snaps) => backUp(opts, snaps));
}

async function backUp(opts: BackupOptions, snaps: Snapshots | null): Promise<BackupResult> {
  // The chunk workers start once the keys are derived and load their modules while the items are still scanned
  // (issue 15: they started after the scan, a serial ~0.2 s before the first byte); the read pass takes them. Not
  // before the keys: scrypt's 128 MiB and two more isolates at once raised the peak RSS of small trees ~40 MB.
  const started = new StartedWorkers(chunkWorkerCount(opts), opts.workerUrl);
  try {
    return await backUpWith(opts, snaps, started);
  } finally {
    await started.close();
  }
}

async function backUpWith(
  opts: BackupOptions,
  snaps: Snapshots | null,
  started: StartedWorkers,
): Promise<BackupResult> {
  const t0 = Date.now();
  const { signal } = opts;
  const jobName = opts.job.name;
  assertJobName(jobName);
  const jobDir = jobDirOf(opts.stagingLocation, jobName);
  let seed = await readSeed(jobDir);
  if (seed?.state === 'complete') {
    if (!opts.overwrite) {
      throw new AppError(
        'CONFLICT',
        `Job "${jobName}" already has a completed backup in ${jobDir} (finished ${seed.completedAt ?? 'earlier'}). Choose another job name, or confirm replacing it.`,
        { path: jobDir },
      );
    }
  }
  // The keys (scrypt on the thread pool, 128 MiB for ~0.4 s) are derived while the scan lists the items in its
  // worker: the scan no longer waits for them (issue 15). A wrong passphrase stops the scan at once. The service
  // starts the derivation before its passphrase check, `obc backup` before it loads the engine (opts.startedKeys,
  // job-files.ts startJobKeys); it is taken here when it derives these keys.
  const scanStop = new AbortController();
  const stopScan = () => scanStop.abort(signal!.reason);
  if (signal?.aborted) stopScan();
  signal?.addEventListener('abort', stopScan, { once: true });
  const resumed = cryptoToResume(seed);
  const derived: Promise<{ keys: JobKeys | null; fresh: Awaited<ReturnType<typeof newJobCrypto>> | null }> = (
    resumed
      ? unlockJob(opts.passphrase, resumed, jobName, SEED_FILE, opts.startedKeys).then((k) => ({
          keys: k,
          fresh: null,
        }))
      : newJobCrypto(opts.passphrase, opts.kdf ?? DEFAULT_KDF, opts.startedKeys).then((f) => ({ keys: null, fresh: f }))
  ).catch((err: unknown) => {
    scanStop.abort(err);
    throw err;
  });
  // Awaited below in every case; this only keeps a failure before then from counting as unhandled.
  derived.then(
    () => started.start(),
    () => undefined,
  );

  const meter = new ProgressMeter(opts.onProgress);
  meter.set({ phase: 'scanning' });
  let scan: Awaited<ReturnType<typeof scanTable>>;
  try {
    scan = await scanTable(
      opts.items,
      opts.exclusions ?? {},
      scanStop.signal,
      (p) => meter.set({ filesScanned: p.files, bytesScanned: p.bytes, currentFile: p.current }),
      {
        neverInclude: neverBackedUp(opts.stagingLocation, jobDir, opts.items),
        pauseAt: { entries: SCAN_AHEAD_OF_KEYS, until: derived.then(noop, noop) },
        ...(opts.scanHere ? { listHere: true } : {}),
        ...(snaps?.readPath ? { readPath: snaps.readPath } : {}),
      },
    );
  } catch (err) {
    // The key derivation's own failure (a wrong passphrase) is the one to report, not the scan it stopped.
    await derived;
    throw err;
  } finally {
    signal?.removeEventListener('abort', stopScan);
  }
  const derivedKeys = await derived;
  let keys: JobKeys | null = derivedKeys.keys;
  const fresh = derivedKeys.fresh;
  signal?.throwIfAborted();
  // The entries live in a compact table (scan-table.ts), not as one object per file.
  const entries = scan.table;
  const notes = [
    ...(snaps?.notes ?? []),
    ...scan.excluded.map(
      (x) =>
        `${x} lies inside the items and is left out: a backup never contains its own staging location or job folder.`,
    ),
  ];
  notes.forEach((n) => opts.onNote?.(n));
  const skipped: SkippedItem[] = [...scan.skipped];
  scan.skipped.forEach((s) => opts.onSkip?.(s));
  meter.set(
    {
      phase: 'checking',
      filesScanned: scan.files,
      bytesScanned: scan.bytes,
      filesTotal: scan.files,
      bytesTotal: scan.bytes,
      skipped: skipped.length,
    },
    true,
  );
  signal?.throwIfAborted();

  // Space: what is already committed (resume) is on disk and will not be written again.
  const state0 = seed?.state === 'inProgress' ? await readStateTable(jobDir) : null;
  const committedBytes = state0?.packs.totalLength() ?? 0;
  const required = Math.max(1 << 20, requiredBytesFor(scan.bytes, entries.length) - committedBytes);
  const free = await (opts.freeSpace ?? freeSpace)(opts.stagingLocation);
  await opts.testHook?.('scanned');
  if (required > free) {
    throw new AppError(
      'NO_SPACE',
      `The staging location ${opts.stagingLocation} has ${free} bytes free, but this backup needs up to ${required} bytes (${scan.files} files, ${scan.bytes} bytes; compression is not counted on). Free up space or choose a larger staging location.`,
      { path: opts.stagingLocation, requiredBytes: required, freeBytes: free, sourceBytes: scan.bytes },
    );
  }

  if (seed?.state === 'complete') {
    // The disks prepared for the backup being replaced must never pass as this one's (issue 13 §2).
    await retireDiskPrepState(opts.stagingLocation, jobName, `replaced-${identityOf(seed)?.id ?? 'backup'}`);
    await rm(jobDir, { recursive: true, force: true });
    seed = null;
  }
  await mkdir(jobDir, { recursive: true });
  const release = await acquireJobLock(jobDir, jobName);
  // The job folder is ours now: temp files of atomic writes a killed run left (seed, state, catalog) go.
  await sweepAtomicTemps(jobDir);
  let writer: PackWriter | null = null;
  const log = new StateLog(jobDir);
  try {
    let state: { jobName: string; packs: PackTable; runs: number };
    if (!seed || !keys) {
      const made = fresh ?? (await newJobCrypto(opts.passphrase, opts.kdf ?? DEFAULT_KDF));
      keys = made.keys;
      seed = {
        format: SEED_FORMAT,
        formatVersion: SEED_FORMAT_VERSION,
        jobName,
        ...(opts.job.subscriptionId ? { subscriptionId: opts.job.subscriptionId } : {}),
        ...(opts.job.resourceGroup ? { resourceGroup: opts.job.resourceGroup } : {}),
        ...(opts.job.storageAccount ? { storageAccount: opts.job.storageAccount } : {}),
        ...(opts.job.container ? { container: opts.job.container } : {}),
        ...(opts.job.jobBackend ? { jobBackend: opts.job.jobBackend } : {}),
        blobPrefix: `${jobName}/`,
        sourceMachine: hostname(),
        createdAt: new Date().toISOString(),
        state: 'inProgress',
        ...(opts.retainUntil ? { retainUntil: opts.retainUntil } : {}),
        crypto: made.crypto,
        totals: { files: 0, bytes: 0, storedBytes: 0, chunks: 0, skipped: 0 },
        files: [],
      };
      state = { jobName, packs: new PackTable(), runs: 1 };
      await writeState(jobDir, state);
      await writeSeed(jobDir, seed);
      await opts.testHook?.('seed');
    } else {
      state = state0 ?? { jobName, packs: new PackTable(), runs: 0 };
      state.runs += 1;
    }
    const resumed = state.packs.size > 0;
    const writerKeys: JobKeys = keys;
    // A rerun of a killed run: tell which files changed in between (the backup holds them as they are now).
    const since = await recordScan(jobDir, writerKeys.enc, jobName, entries, state.runs > 1);
    if (since?.length) {
      notes.push(sinceNote(since));
      opts.onNote?.(notes[notes.length - 1]);
    }

    // Resume: keep committed packs that still read correctly; drop temp files and uncommitted packs.
    const nextPack = state.packs.maxN() + 1;
    const w = new PackWriter(jobDir, writerKeys.enc, nextPack, opts.packSize ?? DEFAULT_PACK_SIZE, async (p) => {
      await log.append(p);
      state.packs.push(p);
      await opts.testHook?.(`pack:${p.n}`);
    });
    writer = w;
    const keep = new Set<string>();
    const reads = new Uint8Array(state.packs.size);
    for (let i = 0; i < reads.length; i++) {
      const [n, path] = [state.packs.numberAt(i), state.packs.pathAt(i)];
      const idx = await readPackFileIndex(writerKeys.enc, n, join(jobDir, path), state.packs.lengthAt(i));
      if (!idx.ok) continue;
      reads[i] = 1;
      keep.add(path.slice('packs/'.length));
      for (const e of idx.entries)
        w.stored.set(e.id.toString('hex'), {
          pack: n,
          offset: e.offset,
          length: e.length,
          rawLength: e.rawLength,
          flag: e.flag,
        });
    }
    state.packs.retain((_, i) => reads[i] === 1);
    for (const name of await readdir(join(jobDir, 'packs')).catch(() => [] as string[])) {
      if (!keep.has(name)) await unlink(join(jobDir, 'packs', name)).catch(() => undefined);
    }
    await writeState(jobDir, state);
    const read = await readFiles({ entries, files: scan.files, writer: w, keys: writerKeys, meter, opts, started });
    meter.set({ phase: 'finishing' }, true);
    await w.finish();

    skipped.push(...read.failed.values());
    const changed = changedWhileRead(entries, read);
    changed.forEach((c) => opts.onWarning?.(c));
    // The catalog is written as its entries are made (catalog-writer.ts): never the whole catalog, its JSON or its
    // sealed bytes in memory at once (they were the last ~50 MB of the peak with 100 000 files).
    const rows = new CatalogRows(w.stored);
    const count = { files: 0, dirs: 0, symlinks: 0, bytes: 0 };
    const counted = function* (all: Iterable<CatalogEntry>): Generator<CatalogEntry> {
      for (const e of all) {
        if (e.type === 'file') {
          count.files++;
          count.bytes += e.size;
        } else if (e.type === 'dir') count.dirs++;
        else count.symlinks++;
        yield e;
      }
    };
    const head: CatalogHead = {
      version: CATALOG_VERSION,
      jobName,
      createdAt: seed.createdAt,
      sourceMachine: seed.sourceMachine,
      items: opts.items,
    };
    const packs = Array.from({ length: state.packs.size }, (_, i) => ({
      n: state.packs.numberAt(i),
      path: state.packs.pathAt(i),
      length: state.packs.lengthAt(i),
    }));
    const text = catalogText(
      head,
      counted(catalogEntryStream(entries, read, rows)),
      () => rows.rows(),
      packs,
      skipped.map((s) => ({ path: s.path, reason: s.reason })),
    );
    const cat = await writeCatalogFile(join(jobDir, CATALOG_PATH), writerKeys.enc, jobName, text);
    await opts.testHook?.('catalog');
    const bytes = count.bytes;
    const packFiles = await packSeedFiles(jobDir, state.packs);
    const done: SeedDescriptor = {
      ...seed,
      // A run resumed from an older build's seed writes the current format too: resumed from a format-3 job, the
      // whole-file MD5s its committed packs recorded (state log) are simply not written.
      formatVersion: SEED_FORMAT_VERSION,
      state: 'complete',
      completedAt: new Date().toISOString(),
      ...(opts.retainUntil ? { retainUntil: opts.retainUntil } : {}),
      totals: {
        files: count.files,
        bytes,
        storedBytes: state.packs.totalLength() + cat.length,
        chunks: rows.count,
        skipped: skipped.length,
      },
      // Each file with its SHA-256 and page-range MD5s, hashed when it was read back after writing; the range MD5s
      // go to the side file below (the packs' from the table, the others' from their entries).
      files: [...packFiles.files, { path: CATALOG_PATH, length: cat.length, sha256: cat.sha256, ranges: cat.ranges }],
    };
    // The job descriptor (identity + key parameters + file list) ships with the packs: disks and container are then
    // a complete backup on their own (issue 13 §9).
    done.files.push(await writeDescriptor(jobDir, descriptorFor(done, done.files)));
    // Seed formats 3 and 4: the range MD5s go into the side file (shared/seed-ranges.ts), written and synced before seed.json
    // names it, so a committed seed.json never points at an incomplete one; seed.json keeps an index per file.
    const side = await writeSeedRanges(jobDir, done.files, (f, i) =>
      i < packFiles.files.length ? packFiles.rangesAt(i) : f.ranges,
    );
    done.files = side.files;
    done.rangeMd5s = side.entry;
    await opts.testHook?.('seed-ranges');
    const storedBytes = done.totals.storedBytes;
    await writeSeed(jobDir, done);
    await removeState(jobDir);
    await removeScanRecord(jobDir);
    const m = meter.snapshot();
    meter.set({ bytesWritten: w.written + cat.length }, true);
    return {
      jobName,
      jobDir,
      files: count.files,
      dirs: count.dirs,
      symlinks: count.symlinks,
      bytes,
      storedBytes,
      packs: state.packs.size,
      chunks: rows.count,
      dedupSavedBytes: m.dedupSavedBytes,
      compressionSavedBytes: m.compressionSavedBytes,
      skipped,
      changedWhileRead: changed,
      ...(since?.length
        ? { changedSinceInterruptedRun: since.slice(0, 200), changedSinceInterruptedRunCount: since.length }
        : {}),
      notes,
      resumed,
      seconds: (Date.now() - t0) / 1000,
      packIo: { ...w.io, note: packIoNote(w.io) },
    };
  } catch (err) {
    await writer?.abandon();
    if (signal?.aborted)
      throw new AppError(
        'CANCELLED',
        `Back Up Now for job "${jobName}" was cancelled; run it again to resume from the last committed pack.`,
      );
    throw stagingWriteError(err, jobDir);
  } finally {
    await release();
  }
}

/**
 * The packs' seed.json entries in pack order (path, length, SHA-256: seed format 4 has no whole-file MD5, and one a
 * format-3 run recorded in the state log is left out), and their range MD5s by position for the side file
 * (writeSeedRanges' `digestsOf`): the table's bytes, not hex strings per range (some 1.3 million of them for 10 TB).
 * A pack committed by a run from before the MD5s were recorded is hashed here.
 */
export async function packSeedFiles(
  jobDir: string,
  packs: PackTable,
): Promise<{ files: SeedFile[]; rangesAt: (i: number) => string[] | Uint8Array }> {
  const order = packs.byNumber();
  const files: SeedFile[] = [];
  const hex = new Map<number, string[]>(); // by position: packs whose range MD5s are not in the table
  for (const i of order) {
    const bytes = packs.rangeBytesAt(i);
    const p = packs.at(i, { ranges: !bytes }); // hex range MD5s only where the table has no bytes for them
    const ranges = bytes ? null : (p.ranges ?? (await packRangeMd5s(jobDir, p)));
    if (ranges) hex.set(files.length, ranges);
    files.push({ path: p.path, length: p.length, sha256: p.sha256 });
  }
  return { files, rangesAt: (k) => hex.get(k) ?? packs.rangeBytesAt(order[k])! };
}

/** Writes the job descriptor atomically, reads it back, and returns its seed.files entry. */
async function writeDescriptor(jobDir: string, d: JobDescriptor): Promise<SeedFile> {
  const bytes = encodeDescriptor(d);
  await writeFileAtomic(join(jobDir, DESCRIPTOR_PATH), bytes);
  if (!(await readFile(join(jobDir, DESCRIPTOR_PATH))).equals(bytes))
    throw new AppError('IO', `The job descriptor ${join(jobDir, DESCRIPTOR_PATH)} did not read back intact.`);
  return {
    path: DESCRIPTOR_PATH,
    length: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    ...rangeMd5Of(bytes),
  };
}

/**
 * The range MD5s of a pack committed by a run that did not record them (a resume across an upgrade): read again and
 * checked against the length and SHA-256 it was committed with, so they describe the bytes the backup read back then.
 */
async function packRangeMd5s(jobDir: string, p: { path: string; length: number; sha256: string }): Promise<string[]> {
  const got = await pageMd5OfFile(join(jobDir, p.path), { whole: false });
  if (got.length !== p.length || got.sha256 !== p.sha256)
    throw new AppError(
      'CORRUPT_DATA',
      `Pack ${join(jobDir, p.path)} no longer matches what was committed (${got.length} bytes, ${p.length} recorded, or another SHA-256); the staging disk may be failing. Run Back Up Now with replace.`,
      { path: join(jobDir, p.path) },
    );
  return got.ranges;
}

/** A file-system error while writing the job folder, as a message an admin can act on (ENOSPC on a write names no path). */
function stagingWriteError(err: unknown, jobDir: string): unknown {
  const sys = (err as NodeJS.ErrnoException)?.code;
  if (err instanceof AppError || typeof sys !== 'string' || !sys.startsWith('E')) return err;
  const what = (err as Error).message;
  const resume = 'Committed packs are kept: run Back Up Now again to resume from the last one.';
  if (sys === 'ENOSPC')
    return new AppError(
      'NO_SPACE',
      `The staging location ${jobDir} is full (${what}). Free up space there, then ${resume.charAt(0).toLowerCase()}${resume.slice(1)}`,
      { path: jobDir, errno: sys },
    );
  if (sys === 'EROFS' || sys === 'EACCES' || sys === 'EPERM')
    return new AppError(
      'PERMISSION_DENIED',
      `The staging location ${jobDir} cannot be written (${sys === 'EROFS' ? 'read-only file system' : 'permission denied'}: ${what}). Make it writable again; ${resume}`,
      { path: jobDir, errno: sys },
    );
  if (sys === 'ENOENT' || sys === 'ENOTDIR')
    return new AppError(
      'IO',
      `The staging folder ${jobDir} was removed or replaced while Back Up Now was writing it (${what}). Check the staging location, then run Back Up Now again.`,
      { path: jobDir, errno: sys },
    );
  return new AppError('IO', `Writing the staging folder ${jobDir} failed (${what}). ${resume}`, {
    path: jobDir,
    errno: sys,
  });
}
