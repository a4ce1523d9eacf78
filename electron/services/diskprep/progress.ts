import type { DiskPrepProgress, DiskProgress } from '../../../shared/contract/diskprep.ts';
export type { DiskPhase, DiskPrepProgress, DiskProgress, DiskState } from '../../../shared/contract/diskprep.ts';

/** Rate over a sliding window of (time, bytes moved) samples: bytes per second once 0.5 s of samples exist. */
class Rate {
  private samples: Array<{ t: number; work: number }> = [];
  work = 0;

  at(now: number, windowMs: number): number | undefined {
    this.samples.push({ t: now, work: this.work });
    while (this.samples.length > 2 && now - this.samples[0].t > windowMs) this.samples.shift();
    const first = this.samples[0];
    const dt = (now - first.t) / 1000;
    return dt >= 0.5 ? (this.work - first.work) / dt : undefined;
  }
}

/**
 * Keeps per-disk and overall counters and emits throttled snapshots. The disks of a run work at the same time, so
 * each disk has its own rate (bytes it moved in the last 5 s) and ETA; the top-level `phase`/`serial` name the last
 * phase change of any disk, and a phase change always goes out at once (per-file updates do not move it).
 */
export class ProgressTracker {
  readonly disks: DiskProgress[] = [];
  phase: DiskPrepProgress['phase'] = 'plan';
  serial?: string;
  currentFile?: string;
  neededBytes = 0;
  private readonly total = new Rate();
  private readonly perDisk = new Map<string, Rate>();
  private lastEmit = 0;
  private readonly emit: ((p: DiskPrepProgress) => void) | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(emit?: (p: DiskPrepProgress) => void, intervalMs = 200, now: () => number = Date.now) {
    this.emit = emit;
    this.intervalMs = intervalMs;
    this.now = now;
  }

  add(d: Pick<DiskProgress, 'serial' | 'bytes' | 'files'> & { id?: string }): void {
    this.disks.push({
      serial: d.serial,
      ...(d.id ? { id: d.id } : {}),
      phase: 'waiting',
      state: 'queued',
      bytes: d.bytes,
      files: d.files,
      copiedBytes: 0,
      copiedFiles: 0,
      verifiedBytes: 0,
      doneBytes: 0,
      totalBytes: 2 * d.bytes,
    });
    this.perDisk.set(d.serial, new Rate());
  }

  disk(serial: string): DiskProgress {
    return this.disks.find((d) => d.serial === serial)!;
  }

  /** Bytes actually moved in this run by one disk (feeds its rate and the overall one). */
  worked(n: number, serial: string): void {
    this.total.work += n;
    this.perDisk.get(serial)!.work += n;
    this.tick();
  }

  /** A disk's phase (and file); a change of phase is pushed at once. Without a serial: the run's own phase. */
  set(phase: DiskPrepProgress['phase'], serial?: string, currentFile?: string): void {
    if (!serial || phase === 'plan' || phase === 'needsDisk') {
      this.phase = phase;
      delete this.serial;
      delete this.currentFile;
      return this.tick(true);
    }
    const d = this.disk(serial);
    const changed = d.phase !== phase;
    d.phase = phase;
    if (phase === 'done') {
      d.state = 'done';
      delete d.currentFile;
    } else if (phase !== 'waiting') d.state = 'running';
    if (currentFile) d.currentFile = currentFile;
    else if (changed) delete d.currentFile;
    if (currentFile) this.currentFile = currentFile;
    if (changed) {
      this.phase = phase;
      this.serial = serial;
      if (!currentFile) delete this.currentFile;
    }
    this.tick(changed);
  }

  /** The file a disk works on now (read-back), without a phase change. */
  file(serial: string, path: string): void {
    this.disk(serial).currentFile = path;
    this.currentFile = path;
  }

  /** A disk that stopped with an error: named with the message; the other disks go on. */
  failed(serial: string, message: string): void {
    const d = this.disk(serial);
    d.state = 'failed';
    d.error = message;
    delete d.currentFile;
    this.tick(true);
  }

  snapshot(): DiskPrepProgress {
    const now = this.now();
    const rate = this.total.at(now, 5000);
    const disks = this.disks.map((d) => {
      const doneBytes = d.copiedBytes + d.verifiedBytes;
      const r = this.perDisk.get(d.serial)!.at(now, 5000);
      const { rate: _r, etaSeconds: _e, ...rest } = d;
      const out: DiskProgress = { ...rest, doneBytes, totalBytes: 2 * d.bytes };
      if (d.state === 'running' && r !== undefined) {
        out.rate = r;
        if (r > 0) out.etaSeconds = Math.max(0, (out.totalBytes - doneBytes) / r);
      }
      return out;
    });
    const doneBytes = disks.reduce((s, d) => s + d.doneBytes, 0);
    const totalBytes = disks.reduce((s, d) => s + d.totalBytes, 0);
    return {
      phase: this.phase,
      ...(this.serial ? { serial: this.serial } : {}),
      ...(this.currentFile ? { currentFile: this.currentFile } : {}),
      doneBytes,
      totalBytes,
      ...(rate !== undefined ? { rate } : {}),
      ...(rate ? { etaSeconds: Math.max(0, (totalBytes - doneBytes) / rate) } : {}),
      disks,
      neededBytes: this.neededBytes,
    };
  }

  tick(force = false): void {
    if (!this.emit) return;
    const now = this.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    this.emit(this.snapshot());
  }
}
