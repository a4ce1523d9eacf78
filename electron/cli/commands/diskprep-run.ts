/**
 * `obc diskprep`'s copy: the same DiskPrepService (and task) the console uses. This side prints what the run reports
 * — notices, warnings, progress with one line per disk at work — and turns the task's end back into a result or the
 * error it failed with (a shortfall fails with its numbers: exit code 4, where the console would wait for a disk).
 */
import { AppError } from '../../../shared/errors.ts';
import type { DiskPrepProgress } from '../../../shared/contract/diskprep.ts';
import type { DiskPrepResult, DiskRef } from '../../services/diskprep/engine.ts';
import type { ManifestCredentialSource } from '../../services/diskprep/manifest-credential.ts';
import { DiskPrepService } from '../../services/diskprep/service.ts';
import { WindowsDiskProvider } from '../../services/diskprep/windows-disk.ts';
import { TaskManager } from '../../services/tasks/task-manager.ts';
import { formatBytes, jsonLine } from '../output.ts';

/** The run's line, then (with several disks) one line per disk at work: its phase, share done, rate and ETA. */
export function humanProgress(p: DiskPrepProgress): string {
  const pct = (done: number, total: number) => (total ? ((100 * done) / total).toFixed(1) : '0.0');
  const rate = (r?: number, eta?: number) =>
    `${r ? ` · ${formatBytes(r)}/s` : ''}${eta !== undefined ? ` · ETA ${Math.ceil(eta)} s` : ''}`;
  const head = `${p.phase}${p.serial ? ` disk ${p.serial}` : ''}: ${pct(p.doneBytes, p.totalBytes)}%${rate(p.rate, p.etaSeconds)}${p.currentFile ? ` · ${p.currentFile}` : ''}`;
  if (p.disks.length < 2) return head;
  const rows = p.disks
    .filter((d) => d.state === 'running' || d.state === 'failed')
    .map(
      (d) =>
        `  disk ${d.serial}: ${d.state === 'failed' ? `failed: ${d.error ?? ''}` : `${d.phase} ${pct(d.doneBytes, d.totalBytes)}%${rate(d.rate, d.etaSeconds)}`}`,
    );
  return [head, ...rows].join('\n');
}

/**
 * Test hook (OBC_TEST_HOOKS=1): OBC_DISKPREP_HALT_AT=<checkpoint> prints a line and hangs there, to be killed; the
 * disks then run one after another (reproducible points). `<a>+<b>+…` runs the disks at once, holds each named point
 * when it is reached and prints the line once all are held: a kill -9 in the middle of a parallel run.
 */
export function haltHook(): { checkpoint: (name: string) => Promise<void>; parallel: boolean } | undefined {
  const at = process.env.OBC_DISKPREP_HALT_AT;
  if (process.env.OBC_TEST_HOOKS !== '1' || !at) return undefined;
  const points = at.split('+');
  const held = new Set<string>();
  return {
    parallel: points.length > 1,
    checkpoint: async (name) => {
      if (!points.includes(name)) return;
      held.add(name);
      if (held.size === points.length) {
        jsonLine({ type: 'halt', at });
        setInterval(() => undefined, 60_000);
      }
      await new Promise<void>(() => undefined);
    },
  };
}

export interface ServiceRun {
  request: {
    stagingLocation: string;
    job: string;
    container?: string;
    disks: DiskRef[];
    passphrase: string;
    repair?: boolean;
  };
  credential: ManifestCredentialSource;
  json: boolean;
  say: (message: string) => void;
  /** Aborted on SIGINT/SIGTERM: cancels the task. */
  signal: AbortSignal;
}

/** One Disk Prep run as a task of DiskPrepService; resolves with its result, or throws the error the task ended with. */
export async function runThroughService(x: ServiceRun): Promise<DiskPrepResult> {
  const tasks = new TaskManager({ minIntervalMs: 100 });
  const svc = new DiskPrepService({ tasks, windows: new WindowsDiskProvider(), credential: (r) => x.credential(r) });
  const hook = haltHook();
  let lastLine = 0;
  let warnedShort = false;
  const onProgress = (p: DiskPrepProgress) => {
    if (p.neededBytes > 0 && !warnedShort) {
      warnedShort = true;
      const msg = `The disks given are too small for the whole job: they will be filled, then another disk of at least ${formatBytes(p.neededBytes, true)} (${p.neededBytes} bytes) is needed (exit code 4; run again with one more --disk).`;
      if (x.json) jsonLine({ type: 'notice', message: msg, neededBytes: p.neededBytes });
      else process.stderr.write(`note: ${msg}\n`);
    }
    if (x.json) jsonLine({ type: 'progress', progress: p });
    else if (Date.now() - lastLine > 2000 || p.phase !== 'copy') {
      lastLine = Date.now();
      process.stderr.write(humanProgress(p) + '\n');
    }
  };
  const { taskId } = svc.start(x.request, {
    failOnShortfall: true,
    ...(hook ? { checkpoint: hook.checkpoint, checkpointsInParallel: hook.parallel } : {}),
    // Handled problems (e.g. a damaged journal line: disk, path, line and what is redone): exit code 3.
    onWarning: (msg) =>
      x.json ? jsonLine({ type: 'warning', message: msg }) : process.stderr.write(`warning: ${msg}\n`),
    // What the run does with each disk given (skipped, new, not needed, erased) and with state of another backup.
    onNotice: x.say,
    onProgress,
  });
  const stop = () => tasks.cancel(taskId);
  if (x.signal.aborted) stop();
  x.signal.addEventListener('abort', stop, { once: true });
  const end = await tasks.waitFor(taskId);
  x.signal.removeEventListener('abort', stop);
  if (end.status === 'cancelled')
    throw x.signal.reason instanceof AppError ? x.signal.reason : new AppError('CANCELLED', 'Cancelled.');
  if (end.error) throw new AppError(end.error.code, end.error.message, end.error.details);
  if (end.detail?.kind !== 'diskprep' || !end.detail.result)
    throw new AppError('INTERNAL', `The Disk Prep task ended ${end.status} without a result.`);
  return end.detail.result;
}
