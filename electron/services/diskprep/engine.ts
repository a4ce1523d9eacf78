import { mkdir, readdir, readFile, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { AppError, type Serializable } from '../../../shared/errors.ts';
import { DISK_LAYOUT } from '../../../shared/disks.ts';
import { writeFileAtomic } from '../store/atomic.ts';
import { appVersion } from '../app-version.ts';
import { acquireJobLock } from '../backup/job-lock.ts';
import { rewriteRange, type RangeMismatch } from './copier.ts';
import { upsertDrive, type SecretProtector } from './drives-file.ts';
import { IoPool } from './io-pool.ts';
import { findJob, type StagedJob } from './jobs.ts';
import { Journal, parseJournal, replay } from './journal.ts';
import { blobPathFor, buildBom, buildManifest, diskRelPath, filePathFor, md5Hex, parseManifest, rangeLayout, type ManifestBlob } from './manifest.ts';
import { planDisks, proposeSplit, type Plan } from './planner.ts';
import { ProgressTracker, type DiskPrepProgress } from './progress.ts';
import { loadSession, mirrorJournalPath, saveSession, stateDirFor, type Session, type SessionDisk } from './session.ts';
import { MAX_DISKS_PER_JOB, type DiskInfo, type DiskProvider, type PreparedVolume } from './types.ts';

export interface DiskRef {
  /** Folder path (folder disk), `disk:<n>` or a drive letter (Windows). */
  id: string;
  confirmErase?: boolean;
  existingBitLockerKey?: string;
}

export interface DiskPrepOptions {
  staging: string;
  job?: string;
  /** Overrides seed.json's container. */
  container?: string;
  disks: DiskRef[];
  providers: { folder: DiskProvider; windows?: DiskProvider };
  /** Seals the BitLocker keys in drives.json; may depend on the job (passphrase + seed's scrypt parameters). */
  protector: SecretProtector | ((job: StagedJob) => Promise<SecretProtector>);
  signal?: AbortSignal;
  onProgress?: (p: DiskPrepProgress) => void;
  /** Rewrite ranges that fail read-back from staging, then check them again. */
  repair?: boolean;
  /** Worker threads for copy and read-back (default: one per CPU, at least 2). */
  workers?: number;
  /** fsync files before they are committed (default true). */
  sync?: boolean;
  /** Check each staged file against seed.json's SHA-256 while copying (default true). */
  verifySource?: boolean;
  /** Test hook: awaited at named points (`copy-partial:<i>`, `copy-written:<i>`, `committed:<i>`, `manifest-written:<serial>`, `readback:<serial>`). */
  checkpoint?: (name: string) => Promise<void>;
}

export interface PreparedDriveSummary {
  driveId: string;
  manifestFile: string;
  manifestHash: string;
  bytes: number;
  files: number;
  rehearsal: boolean;
}

export interface DiskPrepResult {
  jobName: string;
  container: string;
  stateDir: string;
  drives: PreparedDriveSummary[];
  readBackDirect: boolean;
  readBackNote: string;
  copiedBytes: number;
  copyMs: number;
  verifiedBytes: number;
  readBackMs: number;
}

export const isWindowsDiskId = (id: string): boolean => /^disk:\d+$/.test(id) || /^[A-Za-z]:?\\?$/.test(id);

export function providerFor(id: string, providers: DiskPrepOptions['providers']): DiskProvider {
  if (isWindowsDiskId(id)) {
    if (!providers.windows) throw new AppError('UNSUPPORTED', `Disk ${id} looks like a Windows disk, but no Windows disk provider is available here.`);
    return providers.windows;
  }
  return providers.folder;
}

const READBACK_NOTE_DIRECT = 'Read-back used O_DIRECT: bytes came from the disk, not the page cache.';
const READBACK_NOTE_CACHED =
  'Read-back went through the OS cache (O_DIRECT is unavailable here: not Linux, or the file system refuses it; Node has no posix_fadvise/F_NOCACHE). Recently written data may be served from memory, so a fault between cache and disk would not be seen.';

/** Runs (or resumes) Disk Prep for one staging job over the given disks. */
export async function runDiskPrep(opts: DiskPrepOptions): Promise<DiskPrepResult> {
  const job = await findJob(opts.staging, opts.job);
  const jobName = job.jobName;
  const container = opts.container ?? job.seed.container;
  if (!container) throw new AppError('VALIDATION', `seed.json of job ${jobName} names no container; give one (container).`, { field: 'container' });
  if (job.seed.state !== 'complete') throw new AppError('CONFLICT', `The backup of job ${jobName} is not complete (seed.json state "${job.seed.state}"); finish Back Up Now before preparing disks.`, { job: jobName });
  const stateDir = stateDirFor(opts.staging, jobName);
  await mkdir(stateDir, { recursive: true });
  const unlock = await acquireJobLock(stateDir, jobName); // one Disk Prep run per job (console, CLI, another window)
  try {
    return await runLocked(opts, job, container, stateDir);
  } finally {
    await unlock();
  }
}

async function runLocked(opts: DiskPrepOptions, job: StagedJob, container: string, stateDir: string): Promise<DiskPrepResult> {
  const jobName = job.jobName;
  const session: Session = (await loadSession(stateDir)) ?? { format: 'obc-diskprep-session', formatVersion: 1, jobName, container, disks: [] };
  if (session.container !== container) throw new AppError('CONFLICT', `This job was started for container "${session.container}", not "${container}".`);
  const ctx = { stagingPath: opts.staging, jobName };

  // Inspect the disks given in this run; refusals stop everything before a byte is written.
  const given = new Map<string, { ref: DiskRef; info: DiskInfo; provider: DiskProvider }>();
  for (const ref of opts.disks) {
    const provider = providerFor(ref.id, opts.providers);
    const info = await provider.inspect(ref.id, ctx);
    if (info.refusals.length) throw new AppError('CONFLICT', info.refusals.map((r) => r.message).join(' '), { diskId: info.id, serial: info.serial, refusals: info.refusals.map((r) => r.code) });
    if (given.has(info.serial)) throw new AppError('VALIDATION', `Disk ${info.serial} was given twice.`);
    given.set(info.serial, { ref, info, provider });
  }
  const known = new Set(session.disks.map((d) => d.serial));
  for (const [serial, g] of given) {
    const existing = session.disks.find((d) => d.serial === serial);
    if (existing) existing.id = g.info.id;
    else session.disks.push({ serial, id: g.info.id, kind: g.info.kind, capacityBytes: usableCapacity(g.info), files: [] });
  }
  const fresh = new Set(session.disks.filter((d) => !known.has(d.serial)).map((d) => d.serial));
  const files = job.seed.files.map((f) => ({ path: f.path, length: f.length }));
  const plan: Plan = planDisks(files, session.disks.map((d) => ({ serial: d.serial, capacityBytes: d.capacityBytes, ...(fresh.has(d.serial) ? {} : { assigned: d.files }) })));
  if (plan.tooManyDisks) {
    const cap = Math.max(...session.disks.map((d) => d.capacityBytes));
    const parts = proposeSplit(files, cap);
    throw new AppError('CONFLICT', `This job needs more than ${MAX_DISKS_PER_JOB} disks; an import job takes at most ${MAX_DISKS_PER_JOB}. Split the staged data into ${parts.length} import jobs (proposal in details).`, {
      split: parts as unknown as Serializable,
      neededBytes: plan.neededBytes,
    });
  }
  session.disks = session.disks.filter((d, i) => !fresh.has(d.serial) || plan.disks[i].files.length > 0);
  for (const d of session.disks) if (fresh.has(d.serial)) d.files = plan.disks.find((p) => p.serial === d.serial)!.files;
  await saveSession(stateDir, session);

  const byPath = new Map(job.seed.files.map((f, i) => [f.path, { ...f, index: i }]));
  const progress = new ProgressTracker(opts.onProgress);
  progress.neededBytes = plan.neededBytes;
  for (const d of session.disks) {
    const bytes = d.files.reduce((s, p) => s + byPath.get(p)!.length, 0);
    progress.disks.push({ serial: d.serial, phase: 'waiting', bytes, files: d.files.length, copiedBytes: 0, copiedFiles: 0, verifiedBytes: 0 });
  }
  const protector = typeof opts.protector === 'function' ? await opts.protector(job) : opts.protector;
  const io = new IoPool(opts.workers, opts.signal);
  const result: DiskPrepResult = { jobName, container, stateDir, drives: [], readBackDirect: true, readBackNote: READBACK_NOTE_DIRECT, copiedBytes: 0, copyMs: 0, verifiedBytes: 0, readBackMs: 0 };
  const hook = async (name: string) => opts.checkpoint?.(name);
  try {
    for (const d of session.disks) {
      const g = given.get(d.serial);
      if (!opts.repair || !g) {
        if (await diskFinished(stateDir, d)) {
          const dp = progress.disk(d.serial);
          dp.phase = 'done';
          dp.copiedBytes = dp.verifiedBytes = dp.bytes;
          dp.copiedFiles = dp.files;
          continue;
        }
      }
      if (!g) throw new AppError('CONFLICT', `Disk ${d.serial} (${d.id}) of this job is not finished; attach it and give it again to continue.`, { serial: d.serial, diskId: d.id });
      progress.set('prepare', d.serial);
      const vol = await g.provider.prepare(g.info.id, {
        jobName,
        stagingPath: opts.staging,
        resume: !fresh.has(d.serial),
        ...(g.ref.confirmErase ? { confirmErase: true } : {}),
        ...(g.ref.existingBitLockerKey ? { existingBitLockerKey: g.ref.existingBitLockerKey } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      // drives.json is written before the journal says "verified", so a kill in between only repeats the read-back.
      const summary = await prepareOneDisk({
        opts, d, vol, job, container, stateDir, byPath, progress, io, result, hook,
        onVerified: (s) =>
          upsertDrive(stateDir, { jobName, container, ...pick(job.seed, ['storageAccount', 'subscriptionId', 'resourceGroup']) }, protector, {
            ...s,
            bitLockerKey: vol.bitLockerKey,
            verified: true,
            preparedAt: new Date().toISOString(),
          }).then(() => undefined),
      });
      result.drives.push(summary);
      progress.set('done', d.serial);
    }
  } finally {
    await io.close();
  }
  if (!plan.fits) {
    progress.set('needsDisk');
    const remaining = plan.unassigned.reduce((s, f) => s + f.length, 0);
    throw new AppError('NO_SPACE', `The disks given hold only part of job ${jobName}: ${plan.unassigned.length} files (${remaining} bytes) remain. Attach another disk of at least ${plan.neededBytes} bytes and continue.`, {
      neededBytes: plan.neededBytes,
      remainingFiles: plan.unassigned.length,
      remainingBytes: remaining,
      preparedDisks: session.disks.length,
    });
  }
  return result;
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/** Folder disks: exactly the declared capacity. Real disks: the volume after GPT+NTFS is a little smaller. */
export function usableCapacity(info: DiskInfo): number {
  if (info.kind === 'folder') return info.sizeBytes;
  return Math.max(0, Math.floor(info.sizeBytes * 0.99) - 256 * 1024 * 1024);
}

async function diskFinished(stateDir: string, d: SessionDisk): Promise<boolean> {
  const text = await readFile(mirrorJournalPath(stateDir, d.serial), 'utf8').catch(() => '');
  return replay(parseJournal(text).records).verified;
}

interface OneDisk {
  opts: DiskPrepOptions;
  d: SessionDisk;
  vol: PreparedVolume;
  job: StagedJob;
  container: string;
  stateDir: string;
  byPath: Map<string, { path: string; length: number; sha256: string; index: number }>;
  progress: ProgressTracker;
  io: IoPool;
  result: DiskPrepResult;
  hook: (name: string) => Promise<void>;
  onVerified: (summary: PreparedDriveSummary) => Promise<void>;
}

async function prepareOneDisk(x: OneDisk): Promise<PreparedDriveSummary> {
  const { d, vol, job, progress } = x;
  const jobName = job.jobName;
  const dp = progress.disk(d.serial);
  const journal = await Journal.open(vol, mirrorJournalPath(x.stateDir, d.serial));
  try {
    let st = journal.state();
    if (!st.begun) await journal.append({ t: 'begin', v: 1, job: jobName, serial: d.serial, session: DISK_LAYOUT.sessionDir });
    for (const e of await readdir(vol.root)) if (/^\..*\.tmp$/.test(e)) await rm(join(vol.root, e), { force: true }); // torn atomic writes
    // Copy phase: committed files are skipped; a partial file (started, never committed) is copied again. One file
    // per worker at a time; with test checkpoints, one file at a time so the kill points are deterministic.
    const t0 = Date.now();
    const lanes = x.opts.checkpoint ? 1 : x.io.size;
    const inflight = new Set<Promise<void>>();
    let failure: unknown = null;
    try {
      for (const path of d.files) {
        const f = x.byPath.get(path)!;
        if (st.committed.has(path)) {
          dp.copiedBytes += f.length;
          dp.copiedFiles++;
          continue;
        }
        while (inflight.size >= lanes) await Promise.race(inflight);
        if (failure) break;
        if (x.opts.signal?.aborted) throw x.opts.signal.reason;
        progress.set('copy', d.serial, path);
        const rel = diskRelPath(jobName, path);
        const dest = join(vol.root, rel);
        await mkdir(dirname(dest), { recursive: true });
        vol.ensureRoom(rel, f.length);
        await journal.append({ t: 'start', path });
        const p = x.io
          .copy(
            { src: join(x.job.folder, path), dest, length: f.length, sync: x.opts.sync !== false, ...(x.opts.verifySource !== false ? { expectSha256: f.sha256 } : {}) },
            {
              onBytes: (n) => {
                dp.copiedBytes += n;
                x.result.copiedBytes += n;
                progress.worked(n);
              },
              ...(x.opts.checkpoint && f.length > 0 ? { onFirstRange: () => x.hook(`copy-partial:${f.index}`) } : {}),
            },
          )
          .then(async (res) => {
            await x.hook(`copy-written:${f.index}`);
            await journal.append({ t: 'commit', path, length: f.length, md5: res.md5, ranges: res.ranges });
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
    }
    if (failure) throw failure;
    x.result.copyMs += Date.now() - t0;
    st = journal.state();

    // Manifest phase: deterministic XML and BOM from the committed entries, in plan order.
    progress.set('manifest', d.serial);
    const blobs: ManifestBlob[] = d.files.map((path) => {
      const c = st.committed.get(path)!;
      const layout = rangeLayout(c.length);
      return { blobPath: blobPathFor(x.container, jobName, path), filePath: filePathFor(jobName, path), length: c.length, ranges: layout.map((r, i) => ({ ...r, hash: c.ranges[i] })) };
    });
    const xml = buildManifest({ driveId: d.serial, clientCreator: `Offline Backup Console ${appVersion()}`, blobs });
    const manifestHash = md5Hex(xml);
    const bom = buildBom(d.serial, jobName, d.files.map((path, i) => ({ filePath: blobs[i].filePath, blobPath: blobs[i].blobPath, length: blobs[i].length, md5: st.committed.get(path)!.md5 })));
    const manifestPath = join(vol.root, DISK_LAYOUT.manifestFile);
    const onDisk = await readFile(manifestPath, 'utf8').catch(() => null);
    if (onDisk !== xml) {
      vol.ensureRoom(DISK_LAYOUT.manifestFile, Buffer.byteLength(xml));
      await writeFileAtomic(manifestPath, xml);
    }
    vol.ensureRoom(DISK_LAYOUT.bomFile, Buffer.byteLength(bom));
    await writeFileAtomic(join(vol.root, DISK_LAYOUT.bomFile), bom);
    await x.hook(`manifest-written:${d.serial}`);
    if (st.manifestMd5 !== manifestHash) await journal.append({ t: 'manifest', md5: manifestHash, bytes: Buffer.byteLength(xml) });

    // Read-back phase: every byte, checked against the manifest as written on the disk.
    progress.set('readback', d.serial);
    const t1 = Date.now();
    const mismatches = await readBack(x, vol, manifestHash, dp);
    x.result.readBackMs += Date.now() - t1;
    if (mismatches.length) {
      if (!x.opts.repair || mismatches.some((m) => m.actual.endsWith(' bytes'))) {
        const first = mismatches[0];
        throw new AppError('CORRUPT_DATA', `Read-back of disk ${d.serial} found ${mismatches.length} damaged range(s); first: ${first.file} bytes ${first.offset}–${first.offset + first.length - 1} (expected MD5 ${first.expected}, read ${first.actual}). Run again with repair to rewrite them from staging.`, {
          serial: d.serial,
          mismatches: mismatches.slice(0, 100) as unknown as Serializable,
        });
      }
      for (const m of mismatches) {
        await rewriteRange(join(x.job.folder, m.path), join(vol.root, diskRelPath(jobName, m.path)), m.offset, m.length);
        await journal.append({ t: 'rewrite', path: m.path, offset: m.offset, length: m.length });
      }
      dp.verifiedBytes = 0;
      const again = await readBack(x, vol, manifestHash, dp);
      if (again.length) throw new AppError('CORRUPT_DATA', `Disk ${d.serial} still fails read-back after rewriting (${again[0].file} at ${again[0].offset}); the disk may be failing.`, { serial: d.serial });
    }
    if (vol.finalize) await vol.finalize(x.opts.signal, (text) => (progress.currentFile = text));
    await x.hook(`readback:${d.serial}`);
    const summary = { driveId: d.serial, manifestFile: `\\${DISK_LAYOUT.manifestFile}`, manifestHash, bytes: dp.bytes, files: d.files.length, rehearsal: d.kind === 'folder' };
    await x.onVerified(summary);
    await journal.append({ t: 'verified', files: d.files.length, bytes: dp.bytes });
    return summary;
  } finally {
    await journal.close();
  }
}

type NamedMismatch = RangeMismatch & { file: string; path: string };

async function readBack(x: OneDisk, vol: PreparedVolume, manifestHash: string, dp: { verifiedBytes: number }): Promise<NamedMismatch[]> {
  const xml = await readFile(join(vol.root, DISK_LAYOUT.manifestFile));
  if (md5Hex(xml) !== manifestHash) throw new AppError('CORRUPT_DATA', `The DriveManifest on disk ${x.d.serial} does not read back as written (MD5 ${md5Hex(xml)}, expected ${manifestHash}).`, { serial: x.d.serial });
  const manifest = parseManifest(xml.toString('utf8'));
  const out: NamedMismatch[] = [];
  const prefix = `${x.container}/${x.job.jobName}/`;
  for (const b of manifest.blobs) {
    const path = b.blobPath.slice(prefix.length);
    const abs = join(vol.root, ...b.filePath.split('\\').filter(Boolean));
    x.progress.currentFile = path;
    const size = (await stat(abs)).size;
    if (size !== b.length) out.push({ file: b.filePath, path, offset: Math.min(size, b.length), length: Math.abs(size - b.length), expected: `${b.length} bytes`, actual: `${size} bytes` });
    // Contiguous groups of ranges, one per worker: big files are read back in parallel too.
    const per = Math.max(1, Math.ceil(b.ranges.length / x.io.size));
    const groups = [];
    for (let i = 0; i < b.ranges.length; i += per) groups.push(b.ranges.slice(i, i + per));
    const parts = await Promise.all(
      groups.map((g) =>
        x.io.verify(abs, g, (n) => {
          dp.verifiedBytes += n;
          x.result.verifiedBytes += n;
          x.progress.worked(n);
        }),
      ),
    );
    const r = { direct: parts.every((q) => q.direct), mismatches: parts.flatMap((q) => q.mismatches) };
    if (!r.direct) {
      x.result.readBackDirect = false;
      x.result.readBackNote = READBACK_NOTE_CACHED;
    }
    for (const m of r.mismatches) out.push({ ...m, file: b.filePath, path });
  }
  return out.sort((p, q) => (p.file === q.file ? p.offset - q.offset : 0));
}
