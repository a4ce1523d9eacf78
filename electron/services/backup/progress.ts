import type { BackupProgress } from './types.ts';

/** Accumulates engine counters and calls the progress callback at most every `intervalMs` (or when forced). */
export class ProgressMeter {
  private p: BackupProgress = {
    phase: 'scanning',
    filesScanned: 0,
    bytesScanned: 0,
    filesProcessed: 0,
    bytesProcessed: 0,
    bytesWritten: 0,
    dedupSavedBytes: 0,
    compressionSavedBytes: 0,
    skipped: 0,
  };
  private last = 0;
  private samples: Array<{ t: number; b: number }> = [];
  private readonly cb: ((p: BackupProgress) => void) | undefined;
  private readonly intervalMs: number;

  constructor(cb?: (p: BackupProgress) => void, intervalMs = 250) {
    this.cb = cb;
    this.intervalMs = intervalMs;
  }

  set(patch: Partial<BackupProgress>, force = false): void {
    Object.assign(this.p, patch);
    this.emit(force);
  }

  add(
    delta: Partial<
      Record<'filesProcessed' | 'bytesProcessed' | 'dedupSavedBytes' | 'compressionSavedBytes' | 'skipped', number>
    >,
  ): void {
    for (const [k, v] of Object.entries(delta) as Array<[keyof typeof delta, number]>) this.p[k] += v;
    this.emit(false);
  }

  snapshot(): BackupProgress {
    return { ...this.p };
  }

  private emit(force: boolean): void {
    if (!this.cb) return;
    const t = Date.now();
    if (!force && t - this.last < this.intervalMs) return;
    this.last = t;
    if (this.p.phase === 'backingUp' || this.p.phase === 'finishing') {
      this.samples.push({ t, b: this.p.bytesProcessed });
      while (this.samples.length > 2 && t - this.samples[0].t > 5000) this.samples.shift();
      const first = this.samples[0];
      const dt = (t - first.t) / 1000;
      if (dt >= 0.5) {
        this.p.rate = (this.p.bytesProcessed - first.b) / dt;
        if (this.p.bytesTotal !== undefined && this.p.rate > 0)
          this.p.etaSeconds = Math.max(0, (this.p.bytesTotal - this.p.bytesProcessed) / this.p.rate);
      }
    }
    this.cb({ ...this.p });
  }
}
