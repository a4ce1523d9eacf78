import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, type Serializable } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { appVersion } from '../app-version.ts';
import { rewriteRange, type RangeMismatch } from './copier.ts';
import type { DiskPrepOptions, DiskPrepResult, PreparedDriveSummary } from './run-options.ts';
import { syncAndClose, type IoPool } from './io-pool.ts';
import { GroupCommit } from './group-commit.ts';
import type { StagedJob } from './jobs.ts';
import { Journal } from './journal.ts';
import {
  blobPathFor,
  buildBom,
  buildManifest,
  diskRelPath,
  filePathFor,
  md5Hex,
  parseManifest,
  rangeLayout,
  type ManifestBlob,
} from './manifest.ts';
import type { ProgressTracker } from './progress.ts';
import { describeBackup, type BackupIdentity } from '../backup/identity.ts';
import { mirrorJournalPath, type SessionDisk } from './session.ts';
import type { PreparedVolume } from './types.ts';
import { hasPageMd5s, hasRangeIndex, type SeedFile } from '../../../shared/staging.ts';
import { SeedRangesReader } from '../seed-ranges-file.ts';

/** One disk's run: copy (workers) → manifest + BOM → read-back (→ repair) → verified. Called by engine.ts. */

export const READBACK_NOTE_DIRECT = 'Read-back used O_DIRECT: bytes came from the disk, not the page cache.';
export const READBACK_NOTE_CACHED =
  'Read-back went through the OS cache (O_DIRECT is unavailable here: not Linux, or the file system refuses it; Node has no posix_fadvise/F_NOCACHE). Recently written data may be served from memory, so a fault between cache and disk would not be seen.';

/**
 * What the copy's byte path was (result.copyNote). O_DIRECT skips the page cache on both sides: no kernel copy into
 * fresh cache pages, which cost this VM more CPU than the MD5 did; a file system that refuses it (tmpfs, some FUSE)
 * is read or written through the cache, which is as correct, only slower.
 */
export function copyNote(read: boolean, write: boolean): string {
  if (read && write) return 'Copy read the staging and wrote the disks with O_DIRECT (no page-cache copy).';
  const cached = [read ? '' : 'read the staging', write ? '' : 'wrote the disks'].filter(Boolean).join(' and ');
  return `Copy ${cached} through the OS cache (O_DIRECT is unavailable there: not Linux, or the file system refuses it); the bytes are the same, the copy takes more CPU.`;
}

export interface OneDisk {
  opts: DiskPrepOptions;
  d: SessionDisk;
  vol: PreparedVolume;
  job: StagedJob;
  container: string;
  /** The manifests' ContainerSas (decision 14): in memory and in DriveManifest.xml only. */
  containerSas: string;
  stateDir: string;
  byPath: Map<string, SeedFile & { index: number }>;
  progress: ProgressTracker;
  io: IoPool;
  /** Files this disk copies at once (its share of the workers: the run's disks copy at the same time). */
  lanes: number;
  result: DiskPrepResult;
  hook: (name: string) => Promise<void>;
  onVerified: (summary: PreparedDriveSummary) => Promise<void>;
  /** The backup the disk is prepared for: named in the begin record and the BOM. */
  backup: BackupIdentity;
}

export async function prepareOneDisk(x: OneDisk): Promise<PreparedDriveSummary> {
  const { d, vol, job, progress } = x;
  const jobName = job.jobName;
  const dp = progress.disk(d.serial);
  const journal = await Journal.open(vol, mirrorJournalPath(x.stateDir, d.serial));
  for (const w of journal.warnings) {
    x.result.warnings.push(w);
    x.opts.onWarning?.(w);
  }
  try {
    let st = journal.state();
    // open-disk.ts refused (or erased) a disk begun for another backup; this is the backstop.
    if (st.begun && st.backup !== x.backup.id)
      throw new AppError(
        'CONFLICT',
        `Disk ${d.serial}: its journal was begun for ${st.backup ? `backup ${st.backup}` : 'an unidentified backup'}, not for ${describeBackup(x.backup)}; it is not reused.`,
        { serial: d.serial },
      );
    if (!st.begun)
      await journal.append({
        t: 'begin',
        v: 1,
        job: jobName,
        serial: d.serial,
        session: DISK_LAYOUT.sessionDir,
        backup: x.backup.id,
      });
    for (const e of await readdir(vol.root)) if (/^\..*\.tmp$/.test(e)) await rm(join(vol.root, e), { force: true }); // torn atomic writes
    // Copy phase: committed files are skipped; a partial file (started, never committed) is copied again. One file
    // per worker at a time; a copied file is fsynced on the main thread's I/O pool while its worker goes on with the
    // next one, and only then committed (group commit). With test checkpoints, one file at a time so the kill
    // points are deterministic.
    const t0 = Date.now();
    const lanes = x.opts.checkpoint ? 1 : x.lanes;
    const depth = x.opts.checkpoint ? 1 : 2 * lanes; // files copied or syncing, not yet committed
    const copying = new Set<Promise<void>>();
    const inflight = new Set<Promise<void>>();
    const commits = new GroupCommit(journal);
    const sync = x.opts.sync !== false;
    let failure: unknown = null;
    // Formats 3 and 4: the range MD5s are read from the seed's side file one file at a time, as it is copied.
    const side = x.job.seed.rangeMd5s ? await SeedRangesReader.open(x.job.folder, jobName, x.job.seed.rangeMd5s) : null;
    try {
      for (const path of d.files) {
        const f = x.byPath.get(path)!;
        // A commit whose checksum holds counts only if the source it was checked against is still the one seed.json
        // lists (the entry's SHA-256: computed with a format-1 seed; with a format-2, 3 or 4 one, the entry whose
        // range MD5s the copy compared) and its size matches the plan; anything else is copied again. Its MD5s are
        // used as recorded: read-back compares the disk with them.
        const c = st.committed.get(path);
        if (c && c.sha256 === f.sha256 && c.length === f.length && c.ranges.length === rangeLayout(f.length).length) {
          dp.copiedBytes += f.length;
          dp.copiedFiles++;
          continue;
        }
        // The seed's MD5s (format 2, 3: whole file and ranges; format 4: ranges only), upper-case as the manifest has.
        const upper = (md5: string | undefined, ranges: string[]) => ({
          ...(md5 !== undefined ? { md5: md5.toUpperCase() } : {}),
          ranges: ranges.map((r) => r.toUpperCase()),
        });
        const md5s = hasPageMd5s(f)
          ? upper(f.md5, f.ranges)
          : side && hasRangeIndex(f)
            ? upper(f.md5, await side.read(f.firstRange, rangeLayout(f.length).length))
            : null;
        while (copying.size >= lanes || inflight.size >= depth) await Promise.race([...copying, ...inflight]);
        if (failure) break;
        if (x.opts.signal?.aborted) throw x.opts.signal.reason;
        progress.set('copy', d.serial, path);
        const rel = diskRelPath(jobName, path);
        const dest = join(vol.root, rel);
        await mkdir(dirname(dest), { recursive: true });
        vol.ensureRoom(rel, f.length);
        // The start record needs to be on the disk before the file's bytes change only when it replaces a commit;
        // otherwise an uncommitted file is copied again anyway, and the commit below queues behind it.
        const started = journal.append({ t: 'start', path });
        started.catch(() => undefined);
        if (c) await started;
        const copied = x.io.copy(
          {
            src: join(x.job.folder, path),
            dest,
            length: f.length,
            // Format-2/3/4 seed: one MD5 pass, each range checked against the backup's; format 1: SHA-256 + two MD5s.
            ...(md5s ? { expectRanges: md5s.ranges } : x.opts.verifySource !== false ? { expectSha256: f.sha256 } : {}),
          },
          {
            onBytes: (n) => {
              dp.copiedBytes += n;
              x.result.copiedBytes += n;
              progress.worked(n, d.serial);
            },
            ...(x.opts.checkpoint && f.length > 0 ? { onFirstRange: () => x.hook(`copy-partial:${f.index}`) } : {}),
          },
          d.serial,
        );
        const free = (): void => void copying.delete(worker);
        const worker: Promise<void> = copied.then(free, free);
        copying.add(worker);
        const p = copied
          .then(async (res) => {
            if (!res.direct.read || !res.direct.write) {
              const cd = x.result.copyDirect;
              cd.read &&= res.direct.read;
              cd.write &&= res.direct.write;
              x.result.copyNote = copyNote(cd.read, cd.write);
            }
            await syncAndClose(res.fd, sync, dest, x.io.busy); // durable before the commit record is written
            await x.hook(`copy-written:${f.index}`);
            await started;
            // sha256: the seed entry the source was checked against while copying (its SHA-256 with a format-1 seed
            // and verifySource, else every range MD5 of the format-2/3/4 entry), so a resume can trust it. md5: the
            // whole-file MD5 the seed gave (formats 2, 3) or the copy made (format 1); a format-4 seed has none, and
            // the file's SHA-256 (hashed by the backup from the bytes whose range MD5s the copy matched) stands in.
            const checked = md5s !== null || x.opts.verifySource !== false;
            const md5 = md5s ? md5s.md5 : res.md5!;
            await commits.add({
              t: 'commit',
              path,
              length: f.length,
              ...(md5 !== undefined ? { md5 } : {}),
              ranges: res.ranges,
              ...(checked ? { sha256: f.sha256 } : {}),
            });
            dp.copiedFiles++;
            await x.hook(`committed:${f.index}`);
          })
          .catch((e: unknown) => {
            failure ??= e;
          });
        const tracked: Promise<void> = p.finally(() => inflight.delete(tracked));
        inflight.add(tracked);
      }
    } finally {
      await Promise.allSettled(inflight); // a cancel still commits the files already copied
      await side?.close();
    }
    if (failure) throw failure;
    x.result.copyMs += Date.now() - t0;
    st = journal.state();

    // Manifest phase: deterministic XML and BOM from the committed entries (checksummed records only), in plan order.
    progress.set('manifest', d.serial);
    const blobs: ManifestBlob[] = d.files.map((path) => {
      const c = st.committed.get(path)!;
      const layout = rangeLayout(c.length);
      return {
        blobPath: blobPathFor(x.container, jobName, path),
        filePath: filePathFor(jobName, path),
        length: c.length,
        ranges: layout.map((r, i) => ({ ...r, hash: c.ranges[i] })),
      };
    });
    const xml = buildManifest({
      driveId: d.serial,
      credential: { containerSas: x.containerSas },
      clientCreator: `Offline Backup Console ${appVersion()}`,
      blobs,
    });
    const manifestHash = md5Hex(xml);
    const bom = buildBom(
      d.serial,
      jobName,
      d.files.map((path, i) => ({
        filePath: blobs[i].filePath,
        blobPath: blobs[i].blobPath,
        length: blobs[i].length,
        // The seed's SHA-256 of the file: the copy matched its range MD5s (formats 2–4) or its SHA-256 (format 1
        // with verifySource); a resumed commit counts only with the seed's (above).
        sha256: x.byPath.get(path)!.sha256,
        ...(st.committed.get(path)!.md5 ? { md5: st.committed.get(path)!.md5 } : {}),
      })),
      { id: x.backup.id, ...(x.backup.completedAt ? { completedAt: x.backup.completedAt } : {}) },
    );
    const manifestPath = join(vol.root, DISK_LAYOUT.manifestFile);
    const onDisk = await readFile(manifestPath, 'utf8').catch(() => null);
    if (onDisk !== xml) {
      vol.ensureRoom(DISK_LAYOUT.manifestFile, Buffer.byteLength(xml));
      await writeFileAtomic(manifestPath, xml);
    }
    vol.ensureRoom(DISK_LAYOUT.bomFile, Buffer.byteLength(bom));
    await writeFileAtomic(join(vol.root, DISK_LAYOUT.bomFile), bom);
    await x.hook(`manifest-written:${d.serial}`);
    if (st.manifestMd5 !== manifestHash)
      await journal.append({ t: 'manifest', md5: manifestHash, bytes: Buffer.byteLength(xml) });

    // Read-back phase: every byte, checked against the manifest as written on the disk.
    progress.set('readback', d.serial);
    const t1 = Date.now();
    const mismatches = await readBack(x, vol, manifestHash, dp);
    x.result.readBackMs += Date.now() - t1;
    if (mismatches.length) {
      if (!x.opts.repair || mismatches.some((m) => m.actual.endsWith(' bytes'))) {
        const first = mismatches[0];
        throw new AppError(
          'CORRUPT_DATA',
          `Read-back of disk ${d.serial} found ${mismatches.length} damaged range(s); first: ${first.file} bytes ${first.offset}–${first.offset + first.length - 1} (expected MD5 ${first.expected}, read ${first.actual}). Run again with repair to rewrite them from staging.`,
          {
            serial: d.serial,
            mismatches: mismatches.slice(0, 100) as unknown as Serializable,
          },
        );
      }
      for (const m of mismatches) {
        await rewriteRange(
          join(x.job.folder, m.path),
          join(vol.root, diskRelPath(jobName, m.path)),
          m.offset,
          m.length,
        );
        await journal.append({ t: 'rewrite', path: m.path, offset: m.offset, length: m.length });
      }
      dp.verifiedBytes = 0;
      const again = await readBack(x, vol, manifestHash, dp);
      if (again.length)
        throw new AppError(
          'CORRUPT_DATA',
          `Disk ${d.serial} still fails read-back after rewriting (${again[0].file} at ${again[0].offset}); the disk may be failing.`,
          { serial: d.serial },
        );
    }
    if (vol.finalize) await vol.finalize(x.opts.signal, (text) => progress.file(d.serial, text));
    await x.hook(`readback:${d.serial}`);
    const summary = {
      driveId: d.serial,
      manifestFile: `\\${DISK_LAYOUT.manifestFile}`,
      manifestHash,
      bytes: dp.bytes,
      files: d.files.length,
      rehearsal: d.kind === 'folder',
    };
    await x.onVerified(summary);
    await journal.append({ t: 'verified', files: d.files.length, bytes: dp.bytes });
    return summary;
  } finally {
    await journal.close();
  }
}

type NamedMismatch = RangeMismatch & { file: string; path: string };

async function readBack(
  x: OneDisk,
  vol: PreparedVolume,
  manifestHash: string,
  dp: { verifiedBytes: number },
): Promise<NamedMismatch[]> {
  const xml = await readFile(join(vol.root, DISK_LAYOUT.manifestFile));
  if (md5Hex(xml) !== manifestHash)
    throw new AppError(
      'CORRUPT_DATA',
      `The DriveManifest on disk ${x.d.serial} does not read back as written (MD5 ${md5Hex(xml)}, expected ${manifestHash}).`,
      { serial: x.d.serial },
    );
  const manifest = parseManifest(xml.toString('utf8'));
  const out: NamedMismatch[] = [];
  const prefix = `${x.container}/${x.job.jobName}/`;
  const tasks: Array<Promise<void>> = [];
  for (const b of manifest.blobs) {
    const path = b.blobPath.slice(prefix.length);
    const segs = b.filePath.split(/[\\/]+/).filter(Boolean);
    if (!b.blobPath.startsWith(prefix) || segs.some((x) => x === '.' || x === '..'))
      throw new AppError(
        'CORRUPT_DATA',
        `DriveManifest on disk ${x.d.serial} has an unexpected entry (${b.blobPath} → ${b.filePath}).`,
        { serial: x.d.serial },
      );
    const abs = join(vol.root, ...segs);
    const size = (await stat(abs)).size;
    if (size !== b.length)
      out.push({
        file: b.filePath,
        path,
        offset: Math.min(size, b.length),
        length: Math.abs(size - b.length),
        expected: `${b.length} bytes`,
        actual: `${size} bytes`,
      });
    // Contiguous groups of ranges, one per worker; the pool queues them, so small files overlap and big ones split.
    const per = Math.max(1, Math.ceil(b.ranges.length / x.io.size));
    for (let i = 0; i < b.ranges.length; i += per) {
      const group = b.ranges.slice(i, i + per);
      tasks.push(
        x.io
          .verify(
            abs,
            group,
            (n) => {
              dp.verifiedBytes += n;
              x.result.verifiedBytes += n;
              x.progress.file(x.d.serial, path);
              x.progress.worked(n, x.d.serial);
            },
            x.d.serial,
          )
          .then((r) => {
            if (!r.direct) {
              x.result.readBackDirect = false;
              x.result.readBackNote = READBACK_NOTE_CACHED;
            }
            for (const m of r.mismatches) out.push({ ...m, file: b.filePath, path });
          }),
      );
    }
  }
  const settled = await Promise.allSettled(tasks);
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
  const order = new Map(manifest.blobs.map((b, i) => [b.filePath, i]));
  return out.sort((p, q) => order.get(p.file)! - order.get(q.file)! || p.offset - q.offset);
}
