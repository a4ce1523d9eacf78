import type { DiskPrepProgress, DiskProgress } from '../../../shared/contract/diskprep.ts';
export type { DiskPhase, DiskPrepProgress, DiskProgress } from '../../../shared/contract/diskprep.ts';

/** Keeps per-disk and overall counters and emits throttled snapshots (phase changes always go out). */
export class ProgressTracker {
  readonly disks: DiskProgress[] = [];
  phase: DiskPrepProgress['phase'] = 'plan';
  serial?: string;
  currentFile?: string;
  neededBytes = 0;
  private samples: Array<{ t: number; work: number }> = [];
  private work = 0;
  private lastEmit = 0;
  private readonly emit?: (p: DiskPrepProgress) => void;
  private readonly intervalMs: number;

  constructor(emit?: (p: DiskPrepProgress) => void, intervalMs = 200) {
    this.emit = emit;
    this.intervalMs = intervalMs;
  }

  disk(serial: string): DiskProgress {
    return this.disks.find((d) => d.serial === serial)!;
  }

  /** Bytes actually moved in this run (feeds the rate). */
  worked(n: number): void {
    this.work += n;
    this.tick();
  }

  set(phase: DiskPrepProgress['phase'], serial?: string, currentFile?: string): void {
    this.phase = phase;
    this.serial = serial;
    this.currentFile = currentFile;
    if (serial && phase !== 'plan' && phase !== 'needsDisk') this.disk(serial).phase = phase;
    this.tick(true);
  }

  snapshot(): DiskPrepProgress {
    const doneBytes = this.disks.reduce((s, d) => s + d.copiedBytes + d.verifiedBytes, 0);
    const totalBytes = this.disks.reduce((s, d) => s + 2 * d.bytes, 0);
    const now = Date.now();
    this.samples.push({ t: now, work: this.work });
    while (this.samples.length > 2 && now - this.samples[0].t > 5000) this.samples.shift();
    const first = this.samples[0];
    const dt = (now - first.t) / 1000;
    const rate = dt >= 0.5 ? (this.work - first.work) / dt : undefined;
    return {
      phase: this.phase,
      ...(this.serial ? { serial: this.serial } : {}),
      ...(this.currentFile ? { currentFile: this.currentFile } : {}),
      doneBytes,
      totalBytes,
      ...(rate !== undefined ? { rate } : {}),
      ...(rate ? { etaSeconds: Math.max(0, (totalBytes - doneBytes) / rate) } : {}),
      disks: this.disks.map((d) => ({ ...d })),
      neededBytes: this.neededBytes,
    };
  }

  tick(force = false): void {
    if (!this.emit) return;
    const now = Date.now();
    if (!force && now - this.lastEmit < this.intervalMs) return;
    this.lastEmit = now;
    this.emit(this.snapshot());
  }
}
