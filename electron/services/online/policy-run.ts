/**
 * The scheduler's `OnlineRun` (services/policies/online-run.ts) as the online engine: a due run of a policy whose
 * seed is in the container (or Back Up Now in a console, `trigger: 'backUpNow'`, with its Retain Backup Till) makes one
 * restore point carrying the run's instant, then the policy's retention prunes. The container comes from a `ContainerOpener` (the Entra application or a container SAS: online-console's
 * `policyContainerOpener`), the bandwidth limit from `LimiterFor`. Progress reports bytes scanned, new and uploaded
 * by the counter names the Jobs view shows (shared/online-facts.ts on online-console); a refused credential fails
 * with the storage error's AppError (SIGNIN_REQUIRED, `details.credential`) and nothing lost.
 */
import { dirname } from 'node:path';
import { AppError } from '../../../shared/errors.ts';
import { onlineRunMessage } from '../../../shared/online-facts.ts';
import type { OnlineRun, OnlineRunRequest, OnlineRunResult } from '../policies/online-run.ts';
import { workDirFor } from './layout.ts';
import { runOnlineBackup } from './incremental.ts';
import { retentionFor } from './prune.ts';
import type { ContainerOpener, LimiterFor, OnlineProgress } from './types.ts';

export interface OnlineRunDeps {
  /** The data dir: the job's spool and caches live under `<dataDir>/online/<account>/<container>/<job>/`. */
  dataDir: string;
  openContainer: ContainerOpener;
  limiterFor?: LimiterFor;
  now?: () => number;
  /** Where the chunk worker lives when the code is bundled. */
  workerUrl?: URL;
}

const PHASE: Record<OnlineProgress['phase'], string> = {
  opening: 'Opening the container…',
  scanning: 'Scanning the backup items…',
  reading: 'Reading new and changed files…',
  uploading: 'Uploading new data…',
  catalog: 'Writing the restore point…',
  pruning: 'Removing restore points retention no longer keeps…',
  done: 'Done.',
};

export function createOnlineRun(deps: OnlineRunDeps): OnlineRun {
  const now = deps.now ?? Date.now;
  return {
    async run(req: OnlineRunRequest): Promise<OnlineRunResult> {
      const { policy, seed } = req;
      if (!seed)
        return {
          outcome: 'failed',
          message:
            'This policy has no seed in a storage account container: online restore points continue a backup imported from your own disks or a Data Box, and a first backup over the network is not supported. Nothing was sent.',
        };
      const passphrase = await req.passphrase();
      if (!passphrase)
        throw new AppError(
          'VALIDATION',
          'No encryption passphrase is stored on this machine for this policy: set it in Change Properties, then run the backup again. Nothing was sent.',
          { field: 'passphrase' },
        );
      const { container, job } = await deps.openContainer({ policy, seed, signal: req.signal });
      const limiter = deps.limiterFor ? await deps.limiterFor(policy) : undefined;
      const t0 = now();
      let warned = 0;
      const warn = (text: string) => {
        warned++;
        req.warn(text);
      };
      const r = await runOnlineBackup({
        container,
        job,
        passphrase,
        items: policy.items.map((i) => i.path),
        exclusions: policy.exclusions,
        time: req.dueAt,
        workDir: workDirFor(deps.dataDir, seed.storageAccount, seed.container, job),
        // The staging location (the seed's staged copy lives there) is never backed up.
        neverInclude: [dirname(seed.stagingDir)],
        signal: req.signal,
        label: req.trigger === 'backUpNow' ? `Back Up Now at ${req.dueAt}` : `scheduled backup due ${req.dueAt}`,
        // Back Up Now's Retain Backup Till keeps its point through that date, whatever the policy's retention.
        ...(req.retainUntil ? { retainUntil: req.retainUntil } : {}),
        ...(limiter ? { limiter } : {}),
        ...(deps.workerUrl ? { workerUrl: deps.workerUrl } : {}),
        // The "every N weeks" count starts at the policy's creation, as the scheduler counts it.
        expire: (points) => retentionFor(policy, points, now(), Date.parse(policy.createdAt)).expire,
        onProgress: (p) =>
          req.progress({
            message:
              p.currentFile && (p.phase === 'reading' || p.phase === 'scanning')
                ? `${PHASE[p.phase]} ${p.currentFile}`
                : PHASE[p.phase],
            ...(p.phase === 'uploading' || p.phase === 'catalog'
              ? { done: p.uploadedBytes + p.reusedBytes, total: p.bytesToUpload, unit: 'bytes' as const }
              : { done: p.bytesRead, total: p.bytesToRead, unit: 'bytes' as const }),
            counters: {
              filesScanned: { value: p.filesScanned, unit: 'files' },
              bytesScanned: { value: p.bytesScanned, unit: 'bytes' },
              newBytes: { value: p.newBytes, unit: 'bytes' },
              uploadedBytes: { value: p.uploadedBytes, unit: 'bytes' },
            },
          }),
        onSkip: (s) => warn(`Skipped ${s.path}: ${s.reason}`),
        onWarning: (s) => warn(`${s.path}: ${s.reason}`),
        // The engine's own notes (a damaged point or pack not used, a prune finished, a folder left out); the volume
        // snapshot notes are in the result only.
        onNote: warn,
      });
      const seconds = Math.max(0.001, (now() - t0) / 1000);
      const pruned = r.pruned?.removedPoints.length ?? 0;
      return {
        outcome: warned > 0 || r.skipped.length > 0 ? 'succeededWithWarnings' : 'succeeded',
        message: onlineRunMessage({
          restorePoint: r.point.id,
          files: r.files,
          filesRead: r.filesRead,
          uploadedBytes: r.uploadedBytes,
          pointsPruned: pruned,
        }),
        details: {
          restorePoint: r.point.id,
          filesScanned: r.files,
          bytesScanned: r.bytes,
          newBytes: r.newBytes,
          uploadedBytes: r.uploadedBytes,
          bytesPerSecond: Math.round(r.uploadedBytes / seconds),
          pointsPruned: pruned,
          container: `${seed.storageAccount}/${seed.container}/${job}/`,
          ...(r.skipped.length ? { skipped: r.skipped.length } : {}),
          ...(r.repacked ? { packsRepacked: r.repacked.removedPacks } : {}),
        },
      };
    },
  };
}
